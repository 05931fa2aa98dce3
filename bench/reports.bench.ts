import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { summarizeDay } from '../src/analytics/day-summary.js';
import { dayDir, RECORD_NAME, SUMMARY_FILE, WORKFLOWS_FILE } from '../src/store/paths.js';
import { listDays, listRecordDirs, readDayFacts, readDayRecords } from '../src/store/records.js';
import { GENERATOR_VERSION, type StoreOptions } from './store-generator.js';

// Reports at scale: a heavy team's year, 1,000,000 executions over the past
// 365 days with every raw record kept. Figures are wall times of the built CLI
// as a child process (median of several runs: this 2-core machine is shared),
// each also given as a ratio to a baseline measured in the same run:
//   - commands: `agent-track --version`, the CLI's bare start-up;
//   - raw scan: a bare readFileSync of the same record files in the same order.
// The store is generated once and cached under .bench/ (gitignored), rebuilt
// only when the generator version or the options change.

const ROOT = resolve(__dirname, '..');
const BIN = join(ROOT, 'bin', 'agent-track');
const OPTIONS = { executions: Number(process.env.BENCH_EXECUTIONS ?? 1_000_000), days: 365, seed: 42 };
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SCAN_DAYS = Number(process.env.BENCH_SCAN_DAYS ?? 30);
const TARGET_MS = 2_000;

interface Marker {
  generator: number;
  options: StoreOptions;
  generatedAt: string;
  generateMs: number;
  records: number;
  firstRollupBuildMs?: number;
  firstRollupBuildAt?: string;
}

export async function run(): Promise<void> {
  const { logs, marker } = await ensureStore();
  console.log(`store: ${marker.records.toLocaleString('en-US')} executions over ${marker.options.days} days, generated ${marker.generatedAt} in ${seconds(marker.generateMs)}`);
  console.log(`       ${logs}`);

  if (marker.firstRollupBuildMs === undefined || process.env.BENCH_REBUILD_ROLLUPS) {
    for (const day of listDays(logs)) for (const file of [SUMMARY_FILE, WORKFLOWS_FILE]) rmSync(join(logs, day, file), { force: true });
    // Rollups are written only for inputs quiet for 2 s.
    await sleep(2_500);
    const started = performance.now();
    cli(logs, ['trends', '--days', '365', '--json']);
    marker.firstRollupBuildMs = performance.now() - started;
    marker.firstRollupBuildAt = new Date().toISOString();
    writeFileSync(markerPath(), `${JSON.stringify(marker, null, 2)}\n`);
  }
  const rolled = listDays(logs).filter((d) => existsSync(join(logs, d, SUMMARY_FILE))).length;
  console.log(
    `first rollup build (trends --days 365 on a store without summaries): ${seconds(marker.firstRollupBuildMs)} ` +
      `(${Math.round(marker.records / (marker.firstRollupBuildMs / 1000)).toLocaleString('en-US')} records/s, measured ${marker.firstRollupBuildAt}); ${rolled} days have rollups`,
  );

  crossCheck(logs);

  console.log('\ncommands (built CLI, child process, median of', RUNS, 'runs):');
  cli(logs, ['report', '--weekly', '--json']); // Settles today's and yesterday's state once before timing.
  const baseline = median(times(() => cli(logs, ['--version'])));
  console.log(`  baseline  agent-track --version            ${ms(baseline)}`);
  const commands: [string, string[]][] = [
    ['report --weekly', ['report', '--weekly', '--json']],
    ['report --monthly', ['report', '--monthly', '--json']],
    ['trends --days 365', ['trends', '--days', '365', '--json']],
    ['report --weekly (table)', ['report', '--weekly']],
  ];
  for (const [name, args] of commands) {
    const t = median(times(() => cli(logs, args)));
    console.log(`  ${name.padEnd(40)} ${ms(t)}  ${ratio(t / baseline)} baseline  ${t < TARGET_MS ? 'under' : 'OVER'} the 2 s target`);
  }

  console.log(`\nraw scan over per-execution files (${SCAN_DAYS} closed days, median of 3 interleaved rounds, files warm in the page cache):`);
  const days = listDays(logs).slice(-SCAN_DAYS - 1, -1);
  const files = days.flatMap((day) =>
    listRecordDirs(dayDir(logs, day)).flatMap((dir) => readdirSync(join(logs, day, dir)).filter((n) => RECORD_NAME.test(n)).map((n) => join(logs, day, dir, n))),
  );
  const bare: number[] = [];
  const facts: number[] = [];
  const summaries: number[] = [];
  const sequential: number[] = [];
  const parallel: number[] = [];
  // The product's scan: a report rebuilding these days' rollups after they went stale.
  const rebuild = (env: Record<string, string>) => {
    for (const day of days) for (const file of [SUMMARY_FILE, WORKFLOWS_FILE]) rmSync(join(logs, day, file), { force: true });
    return timed(() => cli(logs, ['report', '--since', days[0]!, '--until', days[days.length - 1]!, '--json'], env));
  };
  bareRead(files); // Warm the page cache: every pass then reads from memory.
  for (let round = 0; round < 3; round++) {
    bare.push(timed(() => bareRead(files)));
    facts.push(timed(() => days.forEach((day) => readDayFacts(logs, day, () => {}))));
    summaries.push(timed(() => days.forEach((day) => summarizeDay(day, readDayFacts(logs, day, () => {})))));
    sequential.push(rebuild({ AGENT_TRACK_WORKERS: '0' }));
    parallel.push(rebuild({}));
  }
  const rate = (t: number) => `${Math.round(files.length / (t / 1000)).toLocaleString('en-US').padStart(7)} files/s`;
  const line = (name: string, t: number) => console.log(`  ${name.padEnd(52)} ${ms(t)}  ${rate(t)}  ${ratio(t / median(bare))} baseline`);
  console.log(`  baseline  readFileSync of each file (${files.length.toLocaleString('en-US')} files)`.padEnd(55) + ` ${ms(median(bare))}  ${rate(median(bare))}`);
  line('loader: read + parse + validate (one thread)', median(facts));
  line('loader + day summaries (one thread)', median(summaries));
  line('CLI rebuilding these rollups, one thread (whole run)', median(sequential));
  line(`CLI rebuilding these rollups, ${Math.min(availableParallelism(), 4)} worker threads (whole run)`, median(parallel));
}

/**
 * The weekly report against an independent source: completions.jsonl, which
 * the capture code appends to apart from the records (last line per execution
 * wins). Counts, statuses, exact percentiles and token totals must agree.
 */
function crossCheck(logs: string): void {
  const result = spawnSync(process.execPath, [BIN, '--logs-dir', logs, 'report', '--weekly', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const report = JSON.parse(result.stdout) as { range: { from: string; to: string }; summary: Record<string, number | null> };
  const lines = new Map<string, { status: string; duration: number | null; tokensUsed: number | null; revision: number }>();
  for (const day of listDays(logs).filter((d) => d >= report.range.from && d <= report.range.to)) {
    for (const line of readFileSync(join(logs, day, 'completions.jsonl'), 'utf8').split('\n')) {
      if (!line) continue;
      const c = JSON.parse(line) as { executionId: string; status: string; duration: number | null; tokensUsed: number | null; revision: number };
      const seen = lines.get(c.executionId);
      if (!seen || c.revision >= seen.revision) lines.set(c.executionId, c);
    }
  }
  const all = [...lines.values()];
  const durations = all.flatMap((c) => (c.duration === null ? [] : [Math.round(c.duration)])).sort((a, b) => a - b);
  const rank = (p: number) => durations[Math.min(durations.length, Math.max(1, Math.ceil((p / 100) * durations.length))) - 1] ?? null;
  const expected = {
    totalExecutions: all.length,
    succeeded: all.filter((c) => c.status === 'success').length,
    failed: all.filter((c) => c.status === 'failed').length,
    partial: all.filter((c) => c.status === 'partial').length,
    p50Duration: rank(50),
    p95Duration: rank(95),
    totalTokensUsed: all.reduce((n, c) => n + (c.tokensUsed ?? 0), 0),
  };
  const mismatches = Object.entries(expected).filter(([key, value]) => report.summary[key] !== value);
  console.log(
    mismatches.length
      ? `cross-check against completions.jsonl: MISMATCH ${mismatches.map(([k, v]) => `${k} ${report.summary[k]} != ${v}`).join(', ')}`
      : `cross-check of report --weekly against completions.jsonl: ${expected.totalExecutions.toLocaleString('en-US')} executions, statuses, p50/p95 and tokens all equal`,
  );
}

async function ensureStore(): Promise<{ logs: string; marker: Marker }> {
  const logs = join(storeDir(), 'logs');
  const existing = readMarker();
  if (existing && existing.generator === GENERATOR_VERSION && existing.options.executions === OPTIONS.executions && existing.options.days === OPTIONS.days && existing.options.seed === OPTIONS.seed) {
    return { logs, marker: existing };
  }
  rmSync(storeDir(), { recursive: true, force: true });
  mkdirSync(logs, { recursive: true });
  const options: StoreOptions = { ...OPTIONS, end: Date.now() };
  const shards = 2;
  console.log(`generating ${OPTIONS.executions.toLocaleString('en-US')} executions in ${shards} processes (once; cached in ${storeDir()})...`);
  const started = performance.now();
  const counts = await Promise.all(
    Array.from({ length: shards }, (_, shard) => runShard(logs, { ...options, shard, shards })),
  );
  const marker: Marker = {
    generator: GENERATOR_VERSION,
    options,
    generatedAt: new Date().toISOString(),
    generateMs: performance.now() - started,
    records: counts.reduce((a, b) => a + b, 0),
  };
  validateSample(logs);
  writeFileSync(markerPath(), `${JSON.stringify(marker, null, 2)}\n`);
  return { logs, marker };
}

function runShard(logs: string, options: StoreOptions): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'generate-shard.ts'), logs, JSON.stringify(options)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolvePromise(Number(out.trim())) : reject(new Error(`generator shard exited with ${code}`))));
  });
}

/** Every record of a few days must pass the full record schema, as the hook's own would. */
function validateSample(logs: string): void {
  const days = listDays(logs);
  const sample = [days[0]!, days[Math.floor(days.length / 2)]!, days[days.length - 1]!];
  let bad = 0;
  let checked = 0;
  for (const day of sample) checked += readDayRecords(logs, day, () => bad++).length;
  if (bad) throw new Error(`${bad} generated records failed the record schema`);
  console.log(`validated ${checked.toLocaleString('en-US')} generated records against the full record schema`);
}

function cli(logs: string, args: string[], env: Record<string, string> = {}): void {
  const result = spawnSync(process.execPath, [BIN, '--logs-dir', logs, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`agent-track ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
}

function bareRead(files: readonly string[]): void {
  for (const file of files) readFileSync(file);
}

function times(fn: () => void): number[] {
  return Array.from({ length: RUNS }, () => timed(fn));
}

function timed(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ms = (t: number) => `${Math.round(t).toLocaleString('en-US').padStart(6)} ms`;
const seconds = (t: number) => `${(t / 1000).toFixed(1)} s`;
const ratio = (r: number) => `${r.toFixed(2)}x`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
const storeDir = () => join(ROOT, '.bench', `reports-store-v${GENERATOR_VERSION}`);
const markerPath = () => join(storeDir(), 'store.json');

function readMarker(): Marker | null {
  try {
    return JSON.parse(readFileSync(markerPath(), 'utf8')) as Marker;
  } catch {
    return null;
  }
}

