import { appendFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load';
import { generateSessions } from '../../src/demo/generate';
import { feedSessions, writeSessionFiles } from '../../src/demo/generate-io';
import { alertMessage, drawLine } from '../../src/live/draw-line';
import { keptAlert, keptLine, sessionStateDir } from '../../src/live/line-snapshot';
import { readMoment } from '../../src/live/moment';
import { recordsFallback } from '../../src/live/records-fallback';
import { statusLine } from '../../src/render/statusline';
import { DEFAULT_CONFIG, type Config } from '../../src/schema/config';
import { completionsPath, statuslineLinePath } from '../../src/store/paths';
import { localDay } from '../../src/time/period';
import { runCli } from '../support/cli';

// The statusline's warm path (dist/statusline-fast.cjs) prints the line the
// full statusline kept for the session while nothing it was drawn from has
// changed (src/live/line-snapshot.ts). Whatever changes in the store, the
// config, the session's runs in flight or the clock, a kept line that is
// still used must equal the line drawn afresh.

const SESSION = 'warm-session';
const BUDGETS: Config['budgets'] = [
  { period: 'day', usd: 5 },
  { period: 'week', usd: 40, billedTokens: 50_000_000 },
  { period: 'month', billedTokens: 500_000_000 },
];
/** Every file the test wrote counts as settled: its time is well before this "real" clock. */
const settledClock = () => Date.now() + 60_000;
// The last day of the week, in the evening: every budget period holds days of it.
const now = new Date(2026, 10, 8, 21, 0).getTime();

function week(seed: number) {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-line-snapshot-'));
  const logsDir = join(root, 'project', '.claude', 'execution-logs');
  const configPath = join(root, 'project', '.claude', 'agent-track.json');
  const sessions = generateSessions({ startDay: new Date(2026, 10, 2).getTime(), days: 7, promptsPerDay: 12, seed, projectDir: join(root, 'project'), claudeHome: join(root, 'claude'), rareOutcomeRate: 0.04 });
  writeSessionFiles(join(root, 'claude'), sessions);
  feedSessions(logsDir, sessions, DEFAULT_CONFIG);
  writeFileSync(configPath, JSON.stringify({ budgets: BUDGETS }));
  return { root, logsDir, configPath };
}

/** The line and the alert drawn afresh: no day cache, nothing kept. */
function fresh(logsDir: string, configPath: string, at = now) {
  const moment = readMoment({ logsDir, config: loadConfig(configPath), now: at, session: SESSION, onIssue: () => {}, fallback: () => recordsFallback });
  return { line: statusLine(moment, SESSION, at), message: alertMessage(moment.alerts) };
}

/** As the full statusline draws: through the caches, keeping the line when it may. */
function drawn(logsDir: string, configPath: string, at = now, wallNow = settledClock()) {
  return drawLine({ logsDir, configPath, loadConfig: () => loadConfig(configPath), session: SESSION, now: at, wallNow, fallback: () => recordsFallback });
}

/** The warm path's answer now: a kept line, which must then be the fresh one; or null (the full statusline draws). */
function warm(logsDir: string, configPath: string, at = now) {
  const kept = keptLine(logsDir, configPath, SESSION, at);
  // The SessionStart alert of a session just started takes any session's kept message.
  const alert = keptAlert(logsDir, configPath, at);
  if (kept || alert !== null) {
    const expected = fresh(logsDir, configPath, at);
    if (kept) expect(kept.line).toBe(expected.line);
    if (kept?.alerts !== undefined) expect(kept.alerts).toBe(expected.message);
    if (alert !== null) expect(alert).toBe(expected.message);
  }
  if (!kept) expect(alert).toBeNull();
  return kept;
}

describe('a generated week', () => {
  const { root, logsDir, configPath } = week(7);

  test('the line drawn is kept, and the warm path prints it while nothing changed', () => {
    const plain = fresh(logsDir, configPath);
    expect(plain.line).toMatch(/subagents today \$/);
    expect(warm(logsDir, configPath)).toBeNull();
    expect(drawn(logsDir, configPath)).toEqual(plain);
    const kept = warm(logsDir, configPath);
    expect(kept?.line).toBe(plain.line);
    // A budget spent or an agent failing in the week: the alert has something to say (no warning, so no forecast: kept).
    expect(plain.message).toMatch(/^\{"systemMessage":"agent-track: /);
    expect(keptAlert(logsDir, configPath, now)).toBe(kept!.alerts ?? null);
    // Every day of the month budget's period, as far as the store goes, was fingerprinted.
    expect(Object.keys(kept!.days)).toEqual(readdirSync(logsDir).filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name)).sort());
  });

  test('not kept while a file it read changed within the settle time', () => {
    rmSync(statuslineLinePath(logsDir), { force: true });
    const at = Date.now() - 10_000;
    utimesSync(completionsPath(logsDir, localDay(now)), new Date(at), new Date(at));
    expect(drawn(logsDir, configPath, now, at + 1_000)).toEqual(fresh(logsDir, configPath));
    expect(existsSync(statuslineLinePath(logsDir))).toBe(false);
  });

  test('a record added to a closed day, a run corrected on a closed day and on today, a record removed', () => {
    const mutations: (() => void)[] = [
      () => {
        const more = generateSessions({ startDay: new Date(2026, 10, 5).getTime(), days: 1, promptsPerDay: 3, seed: 99, projectDir: join(root, 'project'), claudeHome: join(root, 'claude') });
        writeSessionFiles(join(root, 'claude'), more);
        expect(feedSessions(logsDir, more, DEFAULT_CONFIG)).toBeGreaterThan(0);
      },
      ...['2026-11-06', localDay(now)].map((day) => () => {
        const path = completionsPath(logsDir, day);
        const first = JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!) as { revision: number; tokens: { input: number } };
        appendFileSync(path, `${JSON.stringify({ ...first, revision: first.revision + 1, tokens: { ...first.tokens, input: first.tokens.input + 5_000_000 } })}\n`);
      }),
      () => {
        const dir = join(logsDir, '2026-11-04');
        const folder = readdirSync(dir).find((name) => lstatSync(join(dir, name)).isDirectory())!;
        rmSync(join(dir, folder, readdirSync(join(dir, folder))[0]!));
      },
    ];
    for (const mutate of mutations) {
      drawn(logsDir, configPath);
      const before = warm(logsDir, configPath);
      expect(before).not.toBeNull();
      const budgetsBefore = readMoment({ logsDir, config: loadConfig(configPath), now, session: SESSION, onIssue: () => {}, fallback: () => recordsFallback }).budgets;
      mutate();
      // The figures moved (the line may show too few of them to tell), and the kept line is not used.
      expect(readMoment({ logsDir, config: loadConfig(configPath), now, session: SESSION, onIssue: () => {}, fallback: () => recordsFallback }).budgets).not.toEqual(budgetsBefore);
      expect(warm(logsDir, configPath)).toBeNull();
      // Drawn again, kept again, used again.
      drawn(logsDir, configPath);
      expect(warm(logsDir, configPath)).not.toBeNull();
    }
  });

  test('a price changed in the config, and another config file', () => {
    drawn(logsDir, configPath);
    expect(warm(logsDir, configPath)).not.toBeNull();
    const models = new Set<string>();
    for (const day of readdirSync(logsDir).filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name))) {
      for (const line of readFileSync(completionsPath(logsDir, day), 'utf8').split('\n').filter(Boolean)) models.add((JSON.parse(line) as { model: string }).model);
    }
    writeFileSync(configPath, JSON.stringify({ budgets: BUDGETS, prices: Object.fromEntries([...models].map((m) => [m, { input: 900, output: 900, cacheWrite: 1, cacheRead: 0.1 }])) }));
    utimesSync(configPath, new Date(Date.now() - 1_800_000), new Date(Date.now() - 1_800_000));
    expect(warm(logsDir, configPath)).toBeNull();
    drawn(logsDir, configPath);
    expect(warm(logsDir, configPath)?.line).toMatch(/\$5\.00 · ⚠/);
    // The kept line is the config's at that path: another path is drawn afresh.
    const other = join(root, 'other.json');
    writeFileSync(other, '{}');
    expect(keptLine(logsDir, other, SESSION, now)).toBeNull();
    writeFileSync(configPath, JSON.stringify({ budgets: BUDGETS }));
  });

  test('the clock: another day, a clock behind the line, a run that starts after it', () => {
    drawn(logsDir, configPath);
    expect(warm(logsDir, configPath, now + 60_000)).not.toBeNull();
    expect(keptLine(logsDir, configPath, SESSION, now - 1)).toBeNull();
    expect(keptLine(logsDir, configPath, SESSION, new Date(2026, 10, 9, 0, 1).getTime())).toBeNull();
    // Drawn at noon, today's later runs had not started: agent health counted none of them, so the line holds until the first starts.
    const noon = new Date(2026, 10, 8, 12, 0).getTime();
    drawn(logsDir, configPath, noon);
    const kept = warm(logsDir, configPath, noon);
    expect(kept?.until).toBeGreaterThan(noon);
    expect(keptLine(logsDir, configPath, SESSION, kept!.until!)).toBeNull();
    drawn(logsDir, configPath);
  });

  test('a run of the session in flight: the line is drawn afresh, and none is kept while it runs', () => {
    drawn(logsDir, configPath);
    expect(warm(logsDir, configPath)).not.toBeNull();
    // The hook files a run's events under .state/<session>/x-<key>/ (capture/state.ts).
    const dir = join(sessionStateDir(logsDir, SESSION), 'x-t-toolu_1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${now - 30_000}-pre-aaaa.json`), JSON.stringify({ kind: 'pre', at: now - 30_000, request: { subagentType: 'general-purpose' } }));
    expect(keptLine(logsDir, configPath, SESSION, now)).toBeNull();
    // The alert reads no run in flight: its kept message still holds.
    expect(keptAlert(logsDir, configPath, now)).toBe(fresh(logsDir, configPath).message);
    rmSync(sessionStateDir(logsDir, SESSION), { recursive: true });
  });

  test('a file of another version, broken, or a link is not used, and not written through', () => {
    drawn(logsDir, configPath);
    const path = statuslineLinePath(logsDir);
    const good = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    for (const text of [JSON.stringify({ ...good, version: 999 }), JSON.stringify({ ...good, agentTrack: '0.0.0' }), '{"version":1,"sessions":', '{"version":1,"agentTrack":"x","sessions":{"warm-session":{"line":1}}}']) {
      writeFileSync(path, text);
      expect(keptLine(logsDir, configPath, SESSION, now)).toBeNull();
    }
    const elsewhere = join(root, 'elsewhere.json');
    writeFileSync(elsewhere, JSON.stringify(good));
    rmSync(path);
    symlinkSync(elsewhere, path);
    expect(keptLine(logsDir, configPath, SESSION, now)).toBeNull();
    drawn(logsDir, configPath);
    expect(readFileSync(elsewhere, 'utf8')).toBe(JSON.stringify(good));
    rmSync(path);
  });
});

describe('a generated week, pruned while a line is kept', () => {
  const { logsDir, configPath } = week(11);
  test('the pruned days are fingerprinted anew: the kept line is not used until drawn again, to the same line', () => {
    const at = new Date(now - 3_600_000);
    const touch = (path: string): void => {
      if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) touch(join(path, name));
      utimesSync(path, at, at);
    };
    touch(logsDir);
    drawn(logsDir, configPath);
    const before = warm(logsDir, configPath);
    expect(before).not.toBeNull();
    const pruned = runCli(['--logs-dir', logsDir, 'prune', '--raw', '3d'], { env: { AGENT_TRACK_NOW: new Date(now).toISOString() } });
    expect(pruned.status, pruned.stderr).toBe(0);
    expect(warm(logsDir, configPath)).toBeNull();
    expect(drawn(logsDir, configPath).line).toBe(before!.line);
    expect(warm(logsDir, configPath)?.line).toBe(before!.line);
  });
});
