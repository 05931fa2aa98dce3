import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completionsPath, statuslineCachePath, statuslineLinePath } from '../src/store/paths.js';
import { localDay } from '../src/time/period.js';

// `agent-track statusline`'s cost (Claude Code runs it after every message),
// and the SessionStart alert's, as ratios to a bare `node -e 0` measured in the
// same rounds, interleaved so both see the same machine load. Wall time, and
// CPU time (user + system of the process itself, reported at exit by a
// preloaded bench/cpu-usage.cjs, loaded into the bare node too), which a
// shared machine disturbs less. Target: at most 1.15x. Over an empty store and
// over a demo week with two budgets set, generated up to the end of today so
// the day has its runs whatever time the bench runs at.
// The statusline keeps each day's spend and the resolved config in
// .state/.statusline-cache.json (src/live/statusline-cache.ts), and its last
// line per session in .state/.statusline-line.json (src/live/line-snapshot.ts):
// after the warm-up, the week cases print the kept line from the warm-path
// bundle (warm, what Claude Code sees after every message while nothing changed). "today changed" has today's lines touched
// before each run (a run finished since the last line: today is read again,
// the closed days come from the cache). The cold case has both files removed
// before each run: the first line after the cache is lost, or a store whose
// every day changed within the last 2 s. "a subagent of the session running"
// has a background agent of the bench's session launched (Claude Code 2.1.332's
// real hook payloads, up to the Agent call's PostToolUse "async_launched", fed
// to the hook): its line shows the run's elapsed time, which moves with the clock.
// The other build's week cases run on copies of the stores of their own: both
// builds keep lines in .state/, each ignoring the other's.

const ROUNDS = Number(process.env.BENCH_STATUSLINE_ROUNDS ?? 25);
/** Another build's bin/agent-track (a checkout of an earlier commit, built): its week cases run in the same rounds. */
const OTHER_BIN = process.env.BENCH_STATUSLINE_OTHER_BIN;
const BIN = join(__dirname, '..', 'bin', 'agent-track');
const CPU_REPORT = join(__dirname, 'cpu-usage.cjs');
/** A real Claude Code 2.1.332 session whose agent runs in the background (the default). */
const BACKGROUND_SESSION = join(__dirname, '..', 'test', 'fixtures', 'claude-code-2.1.332', 'background-default', 'hooks.jsonl');

interface Case {
  args: string[];
  input: string;
  env: NodeJS.ProcessEnv;
  /** Run before each timed run, not timed. */
  before?: () => void;
}

interface Sample {
  wallMs: number;
  cpuMs: number;
}

function time(args: string[], input: string, env: NodeJS.ProcessEnv): Sample {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--require', CPU_REPORT, ...args], { input, env, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0 || run.stderr.length) throw new Error(`${args.join(' ')} failed: ${run.status} ${run.stderr}`);
  return { wallMs, cpuMs: Number(run.output[3]!.toString()) / 1000 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The session's hook payloads up to its Agent call's PostToolUse (the agent launched, running on), as the bench's session in `project`. */
function launchBackgroundAgent(project: string, logsDir: string, session: string): void {
  const payloads = readFileSync(BACKGROUND_SESSION, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  const launched = payloads.findIndex((p) => p.hook_event_name === 'PostToolUse' && p.tool_name === 'Agent');
  for (const payload of payloads.slice(0, launched + 1)) {
    const input = JSON.stringify({ ...payload, session_id: session }).replaceAll('/home/dev/shop-api', project).replaceAll('/home/dev/.claude', join(project, '..', '.claude'));
    const hook = spawnSync(process.execPath, [BIN, 'hook'], { input, env: { ...process.env, AGENT_TRACK_LOGS_DIR: logsDir } });
    if (hook.status !== 0 || hook.stdout.length) throw new Error(`hook failed: ${hook.status} ${hook.stderr}`);
  }
}

/** Local 23:59 today: the demo's clock, so today is a full day of runs. */
function endOfToday(): string {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate(), 23, 59).toISOString();
}

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-bench-statusline-'));
  const demoEnv = { ...process.env, NO_COLOR: '1', AGENT_TRACK_NOW: endOfToday() };
  const demo = spawnSync(process.execPath, [BIN, 'demo', '--days', '7', '--dir', join(root, 'demo')], { env: demoEnv });
  if (demo.status !== 0) throw new Error(`demo failed: ${demo.stderr}`);
  const project = join(root, 'demo', 'project');
  writeFileSync(join(project, '.claude', 'agent-track.json'), JSON.stringify({ budgets: [{ period: 'day', usd: 50 }, { period: 'month', billedTokens: 500_000_000 }] }));
  // The same JSON Claude Code pipes to a statusline.
  const payload = JSON.stringify({ session_id: 'bench', cwd: project, workspace: { current_dir: project, project_dir: project }, model: { id: 'claude-opus-5-5', display_name: 'Opus' } });
  const sessionStart = JSON.stringify({ session_id: 'bench-next', transcript_path: join(project, 'bench-next.jsonl'), cwd: project, hook_event_name: 'SessionStart', source: 'startup' });
  const logsDir = join(project, '.claude', 'execution-logs');
  const demoLogs = { ...process.env, AGENT_TRACK_LOGS_DIR: logsDir };
  // The same store again for the cold case (its own .state, so the warm cases keep their cache).
  const coldProject = join(root, 'cold', 'project');
  cpSync(project, coldProject, { recursive: true, preserveTimestamps: true });
  const coldLogs = join(coldProject, '.claude', 'execution-logs');
  const coldPayload = payload.replaceAll(project, coldProject);
  const todayProject = join(root, 'today', 'project');
  cpSync(project, todayProject, { recursive: true, preserveTimestamps: true });
  const todayLogs = join(todayProject, '.claude', 'execution-logs');
  const todayPayload = payload.replaceAll(project, todayProject);
  const runningProject = join(root, 'running', 'project');
  cpSync(project, runningProject, { recursive: true, preserveTimestamps: true });
  const runningLogs = join(runningProject, '.claude', 'execution-logs');
  launchBackgroundAgent(runningProject, runningLogs, 'bench');
  const runningPayload = payload.replaceAll(project, runningProject);
  // What it measures is a line with the run on it.
  const shown = spawnSync(process.execPath, [BIN, 'statusline'], { input: runningPayload, env: { ...process.env, AGENT_TRACK_LOGS_DIR: runningLogs } }).stdout.toString();
  if (!/^[▶⏰] general-purpose \d+s\/\d/.test(shown)) throw new Error(`no running subagent in the line: ${shown}`);
  // The other build's copies, made now: the same store, the same run.
  const otherCopy = (name: string, from: string) => {
    const to = join(root, 'other', name, 'project');
    cpSync(from, to, { recursive: true, preserveTimestamps: true });
    return { logs: { ...process.env, AGENT_TRACK_LOGS_DIR: join(to, '.claude', 'execution-logs') }, payload: payload.replaceAll(project, to) };
  };
  const otherWeek = otherCopy('week', project);
  const otherRunning = otherCopy('running', runningProject);
  // The cache files are written only once the store has been quiet for 2 s (see live/statusline-cache.ts).
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  const cases: Record<string, Case> = {
    'node -e 0': { args: ['-e', '0'], input: '', env: process.env },
    'statusline, empty store': { args: [BIN, 'statusline'], input: payload, env: { ...process.env, AGENT_TRACK_LOGS_DIR: join(root, 'empty') } },
    'statusline, demo week + budgets': { args: [BIN, 'statusline'], input: payload, env: demoLogs },
    // What Claude Code pipes to the SessionStart hook: a session just started, with no line of its own yet.
    'hook --alerts, demo week + budgets': { args: [BIN, 'hook', '--alerts'], input: sessionStart, env: demoLogs },
    // A run finished today since the last line: today's lines are read again (touched before each run), the closed days come from the cache.
    'statusline, demo week, today changed': {
      args: [BIN, 'statusline'],
      input: todayPayload,
      env: { ...process.env, AGENT_TRACK_LOGS_DIR: todayLogs },
      before: () => {
        const at = new Date();
        utimesSync(completionsPath(todayLogs, localDay(Date.now())), at, at);
      },
    },
    'statusline, a subagent of the session running': { args: [BIN, 'statusline'], input: runningPayload, env: { ...process.env, AGENT_TRACK_LOGS_DIR: runningLogs } },
    'statusline, demo week, cold cache': {
      args: [BIN, 'statusline'],
      input: coldPayload,
      env: { ...process.env, AGENT_TRACK_LOGS_DIR: coldLogs },
      before: () => {
        rmSync(statuslineCachePath(coldLogs), { force: true });
        rmSync(statuslineLinePath(coldLogs), { force: true });
      },
    },
  };
  if (OTHER_BIN) {
    cases['other build: statusline, empty store'] = { args: [OTHER_BIN, 'statusline'], input: payload, env: cases['statusline, empty store']!.env };
    cases['other build: statusline, demo week + budgets'] = { args: [OTHER_BIN, 'statusline'], input: otherWeek.payload, env: otherWeek.logs };
    cases['other build: hook --alerts, demo week'] = { args: [OTHER_BIN, 'hook', '--alerts'], input: sessionStart, env: otherWeek.logs };
    cases['other build: statusline, a subagent running'] = { args: [OTHER_BIN, 'statusline'], input: otherRunning.payload, env: otherRunning.logs };
  }
  // One warm-up each: the first run of a store rebuilds nothing, but the OS caches need filling.
  for (const c of Object.values(cases)) {
    c.before?.();
    time(c.args, c.input, c.env);
  }
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, c] of Object.entries(cases)) {
      c.before?.();
      samples[name]!.push(time(c.args, c.input, c.env));
    }
  }
  const base = samples['node -e 0']!;
  console.log(`${ROUNDS} rounds; medians, and the median of each round's ratio to the same round's bare node (target <= 1.15x)`);
  console.log(`${'process'.padEnd(48)} ${'wall ms'.padStart(8)} ${'ratio'.padStart(7)}  ${'CPU ms'.padStart(7)} ${'ratio'.padStart(7)}`);
  for (const [name, list] of Object.entries(samples)) {
    const wall = list.map((s) => s.wallMs);
    const cpu = list.map((s) => s.cpuMs);
    const wallRatio = median(list.map((s, i) => s.wallMs / base[i]!.wallMs));
    const cpuRatio = median(list.map((s, i) => s.cpuMs / base[i]!.cpuMs));
    console.log(
      `${name.padEnd(48)} ${median(wall).toFixed(1).padStart(8)} ${wallRatio.toFixed(3).padStart(6)}x  ${median(cpu).toFixed(1).padStart(7)} ${cpuRatio.toFixed(3).padStart(6)}x`,
    );
  }
  rmSync(root, { recursive: true, force: true });
}
