import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fg from 'fast-glob';
import { buildHugeSession, buildTree } from './import-tree';

// `agent-track import --all-projects` on a synthetic ~/.claude/projects of
// about 2,000 sessions and 600 MB (bench/import-tree.ts), against ccusage
// (`ccusage session --json`, the last release that runs on Node 20) reading
// the same tree in the same run, and against a bare read of the same files.
// Targets: import at most 1.0x ccusage's wall time, peak RSS under 256 MB
// (also on one 1 GB transcript), a second import with nothing new under 10%
// of the first.

const SESSIONS = Number(process.env.BENCH_IMPORT_SESSIONS ?? 2_000);
const BENCH_DIR = join(__dirname, '..', '.bench');
const TREE = join(BENCH_DIR, `import-claude-${SESSIONS}`);
const HUGE = join(BENCH_DIR, 'import-claude-huge');
const HUGE_BYTES = Number(process.env.BENCH_IMPORT_HUGE_BYTES ?? 1024 ** 3);
const BIN = join(__dirname, '..', 'bin', 'agent-track');
const CCUSAGE = join(__dirname, '..', 'node_modules', 'ccusage', 'dist', 'index.js');
const MB = 1024 * 1024;

interface Timed {
  ms: number;
  maxRssMb: number;
  stdout: string;
}

/** Wall time and peak RSS (GNU time's %M) of one process. */
function timed(args: string[], env: NodeJS.ProcessEnv): Timed {
  const started = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M', process.execPath, ...args], { env, maxBuffer: 512 * MB });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const stderr = run.stderr.toString();
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed (${run.status}): ${stderr.slice(-2000)}`);
  const rss = /MAXRSS (\d+)/.exec(stderr);
  return { ms, maxRssMb: rss ? Number(rss[1]) / 1024 : NaN, stdout: run.stdout.toString() };
}

function bareRead(files: string[]): number {
  const started = process.hrtime.bigint();
  let bytes = 0;
  for (const file of files) bytes += readFileSync(file).length;
  if (bytes === 0) throw new Error('nothing read');
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function run(): Promise<void> {
  mkdirSync(BENCH_DIR, { recursive: true });
  if (!existsSync(TREE)) {
    console.log(`building ${SESSIONS} sessions from the 2.1.332 captures into ${TREE} (once)...`);
    buildTree(TREE, SESSIONS);
  }
  const files = fg.sync('**/*.jsonl', { cwd: join(TREE, 'projects'), absolute: true });
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const sessions = fg.sync('*/*.jsonl', { cwd: join(TREE, 'projects') }).length;
  console.log(`tree: ${sessions} sessions, ${files.length} transcripts, ${(bytes / MB).toFixed(0)} MB`);

  const home = mkdtempSync(join(tmpdir(), 'agent-track-bench-import-'));
  const env = { ...process.env, HOME: home, CLAUDE_CONFIG_DIR: TREE, NO_COLOR: '1' };
  const logs = join(home, 'logs');
  // Warm the page cache for everyone alike, then measure in turn.
  bareRead(files);
  const bare = bareRead(files);
  const ccusage = timed([CCUSAGE, 'session', '--json', '--offline'], env);
  const dry = timed([BIN, '--logs-dir', logs, 'import', '--all-projects', '--json', '--dry-run'], env);
  const first = timed([BIN, '--logs-dir', logs, 'import', '--all-projects', '--json'], env);
  const summary = JSON.parse(first.stdout) as { runs: number; newRecords: number; skippedFiles: unknown[] };
  const second = timed([BIN, '--logs-dir', logs, 'import', '--all-projects', '--json'], env);
  const again = JSON.parse(second.stdout) as { newRecords: number; unchangedSessions: number };
  const ccSessions = (JSON.parse(ccusage.stdout) as { sessions: unknown[] }).sessions.length;

  const mbps = (ms: number) => (bytes / MB / (ms / 1000)).toFixed(0);
  console.log(`bare read of the same files:       ${bare.toFixed(0).padStart(7)} ms  ${mbps(bare).padStart(5)} MB/s`);
  console.log(`ccusage session --json (18.0.11):  ${ccusage.ms.toFixed(0).padStart(7)} ms  ${mbps(ccusage.ms).padStart(5)} MB/s  peak RSS ${ccusage.maxRssMb.toFixed(0)} MB  (${ccSessions} rows)`);
  console.log(`agent-track import --all-projects: ${first.ms.toFixed(0).padStart(7)} ms  ${mbps(first.ms).padStart(5)} MB/s  peak RSS ${first.maxRssMb.toFixed(0)} MB  (${summary.runs} runs, ${summary.newRecords} records, ${summary.skippedFiles.length} files skipped)`);
  console.log(`  of which reading and matching (--dry-run): ${dry.ms.toFixed(0)} ms, ${mbps(dry.ms)} MB/s, peak RSS ${dry.maxRssMb.toFixed(0)} MB; the rest stores events and writes records`);
  console.log(`  ratio to ccusage: ${(first.ms / ccusage.ms).toFixed(2)}x (target <= 1.0x); to the bare read: ${(first.ms / bare).toFixed(1)}x`);
  console.log(`second import, nothing new:        ${second.ms.toFixed(0).padStart(7)} ms  = ${((second.ms / first.ms) * 100).toFixed(1)}% of the first (target < 10%), ${again.newRecords} new, ${again.unchangedSessions} unchanged`);

  if (HUGE_BYTES > 0) {
    if (!existsSync(HUGE)) {
      console.log(`building one ${(HUGE_BYTES / MB).toFixed(0)} MB transcript into ${HUGE} (once)...`);
      buildHugeSession(HUGE, HUGE_BYTES);
    }
    const hugeFile = fg.sync('*/*.jsonl', { cwd: join(HUGE, 'projects'), absolute: true })[0]!;
    const hugeLogs = join(home, 'huge-logs');
    const huge = timed([BIN, '--logs-dir', hugeLogs, 'import', '--all-projects', '--json'], { ...env, CLAUDE_CONFIG_DIR: HUGE });
    const size = statSync(hugeFile).size;
    console.log(`one ${(size / MB).toFixed(0)} MB transcript: ${huge.ms.toFixed(0)} ms, ${(size / MB / (huge.ms / 1000)).toFixed(0)} MB/s, peak RSS ${huge.maxRssMb.toFixed(0)} MB (target < 256 MB)`);
  }
  rmSync(home, { recursive: true, force: true });
}
