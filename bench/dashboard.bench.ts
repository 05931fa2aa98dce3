import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GENERATOR_VERSION, type StoreOptions } from './store-generator.js';
import { jsonForScript } from '../src/dashboard/embed.js';
import type { DashboardData } from '../src/schema/dashboard.js';

// The dashboard at scale: a month of a heavy team, 100,000 executions over
// 30 days. The dashboard is built from the day rollups (plus the latest two
// days read raw for its table), so it should cost about what a report costs.
// Wall times of the built CLI as a child process, median of several runs,
// each given as a ratio to `report --weekly` measured in the same run, and the
// size of the file it writes, and what it is made of. It also times the last 30 days of the reports
// bench's year of 1,000,000 executions when that store is there
// (.bench/reports-store-v*, or BENCH_LARGE_STORE=<logs folder>).

const ROOT = resolve(__dirname, '..');
const BIN = join(ROOT, 'bin', 'agent-track');
const OPTIONS = { executions: Number(process.env.BENCH_DASHBOARD_EXECUTIONS ?? 100_000), days: 30, seed: 7 };
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZE_LIMIT = 500 * 1024;

interface Marker {
  generator: number;
  options: StoreOptions;
  generatedAt: string;
  records: number;
}

export async function run(): Promise<void> {
  const { logs, marker } = await ensureStore();
  console.log(`store: ${marker.records.toLocaleString('en-US')} executions over ${marker.options.days} days, generated ${marker.generatedAt}`);
  console.log(`       ${logs}`);
  measure(logs, OPTIONS.days);
  const reportsStore = join(ROOT, '.bench', `reports-store-v${GENERATOR_VERSION}`, 'logs');
  const large = process.env.BENCH_LARGE_STORE ?? (existsSync(reportsStore) ? reportsStore : null);
  if (large) {
    console.log(`\nlarge store: ${large}`);
    measure(large, 30);
  }
}

function measure(logs: string, days: number): void {
  const out = join(mkdtempSync(join(tmpdir(), 'agent-track-dashboard-bench-')), 'dashboard.html');
  // Settles rollups and in-flight state once before timing.
  cli(logs, ['report', '--since', `${days}d`, '--json']);
  cli(logs, ['dashboard', '--days', String(days), '--out', out]);
  console.log(`commands (built CLI, child process, median of ${RUNS} runs, interleaved):`);
  const weekly: number[] = [];
  const dashboard: number[] = [];
  const status: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    weekly.push(timed(() => cli(logs, ['report', '--weekly', '--json'])));
    dashboard.push(timed(() => cli(logs, ['dashboard', '--days', String(days), '--out', out])));
    status.push(timed(() => cli(logs, ['status', '--json'])));
  }
  const baseline = median(weekly);
  console.log(`  baseline  report --weekly --json                     ${ms(baseline)}`);
  console.log(`  dashboard --days ${String(days).padEnd(33)} ${ms(median(dashboard))}  ${ratio(median(dashboard) / baseline)} report --weekly`);
  console.log(`  status --json                                      ${ms(median(status))}  ${ratio(median(status) / baseline)} report --weekly`);
  const size = statSync(out).size;
  const html = readFileSync(out, 'utf8');
  const data = /<script type="application\/json" id="agent-track-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const parsed = JSON.parse(data) as DashboardData;
  const executions = parsed.report.summary.totalExecutions;
  console.log(
    `  dashboard.html: ${kb(size)} for ${executions.toLocaleString('en-US')} executions (embedded data ${kb(Buffer.byteLength(data))}), ` +
      `${size <= SIZE_LIMIT ? 'under' : 'OVER'} the ${kb(SIZE_LIMIT)} target`,
  );
  printParts(size, Buffer.byteLength(data), parsed);
  rmSync(resolve(out, '..'), { recursive: true, force: true });
}

/** What the page is made of, as embedded (the same escaping as the page's), so a growing part shows. */
function printParts(size: number, dataBytes: number, data: DashboardData): void {
  const bytes = (value: unknown) => Buffer.byteLength(jsonForScript(value));
  const share = (n: number) => `${kb(n).padStart(7)} ${((n / size) * 100).toFixed(0).padStart(3)}%`;
  const recent = data.recent;
  const runs = recent.runs;
  const promptBytes = runs.prompt.reduce((n: number, i) => n + (i === null ? 0 : bytes(recent.strings[i])), 0);
  console.log(`  page parts (${runs.id.length} recent runs with their details, prompts cut to ${recent.promptShown} characters):`);
  console.log(`    script and stylesheet                  ${share(size - dataBytes)}`);
  for (const key of ['report', 'trends', 'daily', 'status'] as const) console.log(`    ${key.padEnd(39)}${share(bytes(data[key]))}`);
  console.log(`    recent runs and details                ${share(bytes(recent))}`);
  console.log(`      string table (${recent.strings.length.toLocaleString('en-US')} texts)${' '.repeat(Math.max(0, 18 - recent.strings.length.toLocaleString('en-US').length))}${share(bytes(recent.strings))}`);
  console.log(`        of which prompts                   ${share(promptBytes)}`);
  const columns = Object.entries(runs).map(([key, column]) => [key, bytes(column)] as const).sort((a, b) => b[1] - a[1]);
  console.log(`      columns                              ${share(columns.reduce((n, [, b]) => n + b, 0))}`);
  console.log(`        largest: ${columns.slice(0, 5).map(([key, b]) => `${key} ${kb(b)}`).join(', ')}`);
}

async function ensureStore(): Promise<{ logs: string; marker: Marker }> {
  const dir = join(ROOT, '.bench', `dashboard-store-v${GENERATOR_VERSION}`);
  const logs = join(dir, 'logs');
  const markerPath = join(dir, 'store.json');
  const existing = readJson<Marker>(markerPath);
  if (existing && existing.generator === GENERATOR_VERSION && existing.options.executions === OPTIONS.executions && existing.options.seed === OPTIONS.seed) {
    return { logs, marker: existing };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(logs, { recursive: true });
  // The month ends today: today's records are read one by one (a day still running has no rollup).
  const options: StoreOptions = { ...OPTIONS, end: Date.now() };
  console.log(`generating ${OPTIONS.executions.toLocaleString('en-US')} executions in 2 processes (once; cached in ${dir})...`);
  const counts = await Promise.all([0, 1].map((shard) => runShard(logs, { ...options, shard, shards: 2 })));
  const marker: Marker = { generator: GENERATOR_VERSION, options, generatedAt: new Date().toISOString(), records: counts.reduce((a, b) => a + b, 0) };
  // Rollups are written only for inputs quiet for 2 s.
  await new Promise((r) => setTimeout(r, 2_500));
  const started = performance.now();
  cli(logs, ['report', '--since', `${OPTIONS.days + 1}d`, '--json']);
  console.log(`first rollup build of the month: ${(performance.now() - started).toFixed(0)} ms`);
  writeFileSync(markerPath, `${JSON.stringify(marker, null, 2)}\n`);
  return { logs, marker };
}

function runShard(logs: string, options: StoreOptions): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'generate-shard.ts'), logs, JSON.stringify(options)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? done(Number(out.trim())) : fail(new Error(`generator shard exited with ${code}`))));
  });
}

function cli(logs: string, args: string[]): void {
  const result = spawnSync(process.execPath, [BIN, '--logs-dir', logs, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`agent-track ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
}

function readJson<T>(path: string): T | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
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
const ratio = (r: number) => `${r.toFixed(2)}x`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KB`;
