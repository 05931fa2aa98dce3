import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PruneOutput } from '../../src/schema/prune.js';
import { BIN } from '../support/cli.js';
import { DEAD_PID } from '../support/dead-pid.js';
import { dayAgo, dayWithRecords, emptyStore, generatedStore, recordFiles, snapshot, type Store } from '../retention/store.js';

// `agent-track prune` as cron and people run it: the built CLI as a child
// process, against temporary logs folders (run `npm run build` first).

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const out: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  delete out.AGENT_TRACK_LOGS_DIR;
  delete out.AGENT_TRACK_CONFIG;
  delete out.CLAUDE_PROJECT_DIR;
  return out;
};

function prune(store: Store, args: string[] = [], options: { env?: NodeJS.ProcessEnv; uid?: number; bin?: string } = {}): Run {
  const result = spawnSync(process.execPath, [options.bin ?? BIN, '--logs-dir', store.logsDir, 'prune', ...args], {
    encoding: 'utf8',
    env: env(options.env),
    cwd: store.root,
    timeout: 120_000,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function startPrune(store: Store, args: string[] = []): Promise<Run> {
  const child = spawn(process.execPath, [BIN, '--logs-dir', store.logsDir, 'prune', ...args], { env: env(), cwd: store.root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

const json = (run: Run) => JSON.parse(run.stdout) as Record<string, unknown> & { removed: { kind: string; path: string }[]; failed: unknown[]; keepFrom: Record<string, string> };

describe('agent-track prune', () => {
  test('a normal run prints what it removed and the space it freed', () => {
    const store = generatedStore({ days: 14, promptsPerDay: 6, seed: 21 });
    const run = prune(store);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Pruned: .* \(keeping raw 7d, day summaries 30d, weekly reports 90d, monthly reports 365d\)$/m);
    expect(run.stdout).toMatch(/^ {2}raw records +\d+ days +\d+ files +[\d.]+ [KM]B/m);
    expect(run.stdout).toMatch(/^Freed [\d.]+ [KM]B in [\d,]+ files\.$/m);
    expect(prune(store).stdout).toMatch(/^Nothing to remove: everything is within retention\.$/m);
  });

  test('--json gives the same as data, with stable keys', () => {
    const store = generatedStore({ days: 14, promptsPerDay: 6, seed: 22 });
    const dry = prune(store, ['--dry-run', '--json']);
    expect(dry.status).toBe(0);
    const data = json(dry);
    expect(Object.keys(data)).toEqual(['ran', 'logsDir', 'dryRun', 'today', 'policy', 'keepFrom', 'inFlightClosed', 'inFlightToClose', 'reportsWritten', 'removed', 'kept', 'leftAlone', 'failed', 'totals']);
    expect(data).toMatchObject({ ran: true, dryRun: true, today: dayAgo(0), inFlightClosed: 0, inFlightToClose: [], logsDir: realpathSync(store.logsDir) });
    expect(Object.keys(data.removed[0]!)).toEqual(['kind', 'path', 'files', 'bytes', 'detail']);
    // The published schema (schema/prune.schema.json) names every key printed: parsing drops none.
    expect(PruneOutput.parse(data)).toEqual(data);
    const real = json(prune(store, ['--json']));
    expect(real.dryRun).toBe(false);
    expect(real.inFlightClosed).toBe(0);
    expect(real.removed.map((r) => r.path)).toEqual(data.removed.map((r) => r.path));
  });

  test('retention comes from the config file, flags override it, and a bad value is a clear error', () => {
    const store = generatedStore({ days: 3, seed: 23 });
    const config = join(store.projectDir, '.claude', 'agent-track.json');
    writeFileSync(config, JSON.stringify({ retention: { raw: '14d', weeklyReports: '10w' } }));
    const fromConfig = json(prune(store, ['--dry-run', '--json']));
    expect(fromConfig.policy).toEqual({ raw: '14d', dailySummaries: '30d', weeklyReports: '70d', monthlyReports: '365d' });
    expect(fromConfig.keepFrom.raw).toBe(dayAgo(14));
    const fromFlags = json(prune(store, ['--dry-run', '--json', '--raw', '10d', '--monthly-reports', '400d']));
    expect(fromFlags.keepFrom.raw).toBe(dayAgo(10));
    expect(fromFlags.policy).toMatchObject({ raw: '10d', monthlyReports: '400d' });

    const badFlag = prune(store, ['--daily-summaries', 'a month']);
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toContain('--daily-summaries expects a duration');
    expect(badFlag.stderr).toContain('"a month"');

    // Past any date there is: a usage error, not a crash.
    const huge = prune(store, ['--raw', '99999999999d']);
    expect(huge.status).toBe(2);
    expect(huge.stderr).toBe('agent-track: --raw expects a duration, a number and a unit: ms, s, m, h, d or w (e.g. 90s, 2h, 7d), at most 100 years (36500d); not "99999999999d"\n(run with --help for usage)\n');
    writeFileSync(config, JSON.stringify({ retention: { raw: '99999999999d' } }));
    const hugeInConfig = prune(store, ['--dry-run']);
    expect(hugeInConfig.status).toBe(1);
    expect(hugeInConfig.stderr).toMatch(/invalid config .*agent-track\.json: retention\.raw: expected a number and a unit.*at most 100 years/);

    writeFileSync(config, JSON.stringify({ retention: { raw: 'soon' } }));
    const badConfig = prune(store, ['--dry-run']);
    expect(badConfig.status).toBe(1);
    expect(badConfig.stderr).toMatch(/invalid config .*agent-track\.json: retention\.raw: expected a number and a unit/);
  });

  test('a logs folder that does not exist is nothing to prune', () => {
    const store = emptyStore();
    const run = spawnSync(process.execPath, [BIN, '--logs-dir', join(store.root, 'nowhere'), 'prune'], { encoding: 'utf8', env: env() });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Nothing to prune');
    expect(existsSync(join(store.root, 'nowhere'))).toBe(false);
  });
});

describe('refuses a logs folder that is a home folder or the root', () => {
  test('$HOME, and the root folder, are refused before anything is touched', () => {
    const store = generatedStore({ days: 10, seed: 24 });
    const home = store.logsDir;
    const before = snapshot(store.root);
    const run = prune(store, [], { env: { HOME: home } });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`agent-track: refusing to prune ${home}: it is the home folder ${home}\n`);
    expect(snapshot(store.root)).toEqual(before);

    const rootRun = spawnSync(process.execPath, [BIN, '--logs-dir', '/', 'prune', '--dry-run'], { encoding: 'utf8', env: env() });
    expect(rootRun.status).toBe(1);
    expect(rootRun.stderr).toContain('refusing to prune /: it is the root folder');
  });
});

describe('--cron', () => {
  test('prints a crontab entry with absolute paths, the logs folder and a log file, and changes nothing', () => {
    const store = emptyStore();
    const logs = join(store.root, 'my logs %dir');
    mkdirSync(logs);
    const before = snapshot(store.root);
    const run = spawnSync(process.execPath, [BIN, '--logs-dir', logs, 'prune', '--cron', '--raw', '14d'], { encoding: 'utf8', env: env() });
    expect(run.status).toBe(0);
    const [comment, entry, rest] = run.stdout.split('\n');
    expect(comment).toBe(`# agent-track: daily retention for ${logs}`);
    expect(rest).toBe('');
    const quoted = `'${logs.replace('%', '\\%')}'`;
    expect(entry).toMatch(/^\d{1,2} [345] \* \* \* /);
    expect(entry!.replace(/^\S+ \S+ \* \* \* /, '')).toBe(
      `${process.execPath} ${BIN} --logs-dir ${quoted} prune --raw 14d >> '${logs.replace('%', '\\%')}/prune.log' 2>&1`,
    );
    expect(snapshot(store.root)).toEqual(before);

    // What cron would run (it turns "\%" back into "%"): a real prune, its output appended to prune.log.
    const command = entry!.replace(/^\S+ \S+ \* \* \* /, '').replace(/\\%/g, '%');
    const shell = spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: store.root } });
    expect(shell.status).toBe(0);
    expect(readFileSync(join(logs, 'prune.log'), 'utf8')).toMatch(/^Pruned: /);

    const contradiction = spawnSync(process.execPath, [BIN, '--logs-dir', logs, 'prune', '--cron', '--dry-run'], { encoding: 'utf8', env: env() });
    expect(contradiction.status).toBe(2);
  });

  test('a logs folder whose name holds a line break cannot go on a crontab line: one line, exit 1', () => {
    const store = emptyStore();
    const logs = join(store.root, 'two\nlines');
    mkdirSync(logs);
    const run = spawnSync(process.execPath, [BIN, '--logs-dir', logs, 'prune', '--cron'], { encoding: 'utf8', env: env() });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^agent-track: cannot write a crontab entry: ".*two\\nlines" holds a line break\n$/);
  });
});

describe('two prunes at once', () => {
  test('a prune finding another one running waits briefly, then exits cleanly saying so', { timeout: 60_000 }, () => {
    const store = generatedStore({ days: 12, seed: 25 });
    // The lock of a live prune: this test process stands in for it.
    writeFileSync(join(store.logsDir, '.prune.lock'), `${process.pid} ${Date.now()} holder`);
    const before = snapshot(store.logsDir);
    const run = prune(store);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(`agent-track: another prune (pid ${process.pid}) is running in ${store.logsDir}; this one did nothing\n`);
    expect(run.stdout).toBe('');
    expect(snapshot(store.logsDir)).toEqual(before);
    const refused = json(prune(store, ['--json']));
    expect(refused).toEqual({ ran: false, reason: expect.stringContaining('another prune') });
    expect(PruneOutput.parse(refused)).toEqual(refused);
  });

  test('the lock of a killed prune is taken over', () => {
    const store = generatedStore({ days: 14, promptsPerDay: 6, seed: 26 });
    writeFileSync(join(store.logsDir, '.prune.lock'), `${DEAD_PID} ${Date.now()} killed`);
    const run = prune(store);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Freed /m);
    expect(existsSync(join(store.logsDir, '.prune.lock'))).toBe(false);
  });

  test('cron overlap: both exit cleanly and the result is that of one prune', { timeout: 120_000 }, async () => {
    const store = generatedStore({ days: 40, promptsPerDay: 4, seed: 27 });
    const reference = generatedStore({ days: 40, promptsPerDay: 4, seed: 27 });
    const runs = await Promise.all([startPrune(store), startPrune(store), startPrune(store)]);
    for (const run of runs) {
      expect(run.status).toBe(0);
      expect(run.stdout + run.stderr).not.toContain('Failed');
      expect(run.stdout === '' ? run.stderr : run.stdout).toMatch(/^(Pruned: |agent-track: another prune)/);
    }
    expect(prune(reference).status).toBe(0);
    const shape = (s: Store) => Object.keys(snapshot(s.logsDir)).filter((p) => !p.startsWith('.state') && !p.includes('prune.lock')).sort();
    expect(shape(store)).toEqual(shape(reference));
  });
});

describe('permission errors', () => {
  test('are reported, the rest of the work still happens, and the exit code is 1', () => {
    const store = generatedStore({ days: 24, promptsPerDay: 6, seed: 28 });
    // A record folder whose files cannot be removed, and one that cannot even be read.
    const day = dayWithRecords(store, 8, 13);
    const [stuckAgent] = readdirSync(join(store.logsDir, day)).filter((n) => !n.includes('.'));
    const stuck = join(store.logsDir, day, stuckAgent!);
    const stuckFiles = recordFiles(store.logsDir, day).filter((f) => f.startsWith(`${stuckAgent}/`));
    const hiddenDay = dayWithRecords(store, 14, 20);
    const before = recordFiles(store.logsDir, hiddenDay);
    const [hiddenAgent] = readdirSync(join(store.logsDir, hiddenDay)).filter((n) => !n.includes('.'));
    const hidden = join(store.logsDir, hiddenDay, hiddenAgent!);
    const otherDays = readdirSync(store.logsDir).filter((d) => /^\d{4}-/.test(d) && d < dayAgo(7) && d !== day && d !== hiddenDay && recordFiles(store.logsDir, d).length > 0);
    expect(otherDays.length).toBeGreaterThan(0);

    // As root every permission is granted: the prune runs as nobody, in a store nobody owns but for those folders.
    const asRoot = process.getuid?.() === 0;
    const nobody = 65534;
    // The checkout may sit in a folder only root can enter (mktemp -d makes it 0700):
    // nobody runs a copy of the built CLI (the bundles hold every dependency).
    const bin = asRoot ? copyOfCli(join(store.root, 'cli')) : BIN;
    if (asRoot) {
      chownTree(store.root, nobody);
      chownSync(stuck, 0, 0);
      chownSync(hidden, 0, 0);
    }
    chmodSync(stuck, 0o555);
    chmodSync(hidden, 0o000);
    const run = prune(store, [], asRoot ? { uid: nobody, bin } : {});
    chmodSync(stuck, 0o755);
    chmodSync(hidden, 0o755);

    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^Failed \\(${stuckFiles.length + 1}\\):$`, 'm'));
    for (const file of stuckFiles) expect(run.stdout).toContain(`\n  ${day}/${file}: EACCES: permission denied (rename)\n`);
    expect(run.stdout).toContain(`\n  ${hiddenDay}/${hiddenAgent}: EACCES: permission denied (scandir)\n`);
    expect(recordFiles(store.logsDir, day)).toEqual(stuckFiles);
    // A day with a folder the prune cannot read is left whole: its summary could not count that folder.
    expect(recordFiles(store.logsDir, hiddenDay)).toEqual(before);
    expect(existsSync(join(store.logsDir, hiddenDay, '.pruned'))).toBe(false);
    for (const other of otherDays) expect(recordFiles(store.logsDir, other)).toEqual([]);
  });
});

/** bin/agent-track and dist/ copied to `dir`; the path of the copied launcher. */
function copyOfCli(dir: string): string {
  const repo = join(dirname(BIN), '..');
  for (const part of ['bin', 'dist']) cpSync(join(repo, part), join(dir, part), { recursive: true });
  return join(dir, 'bin', 'agent-track');
}

function chownTree(path: string, uid: number): void {
  const stat = lstatSync(path);
  if (stat.isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), uid);
  if (!stat.isSymbolicLink()) chownSync(path, uid, uid);
}
