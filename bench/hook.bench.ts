import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSessions } from '../src/demo/generate';
import { writeSessionFiles } from '../src/demo/generate-io';
import { AGENT_TOOLS } from '../src/capture/payload';

// The hook's wall time per event, as a ratio to a bare `node -e 0` measured
// in the same run, interleaved so both see the same machine load. Target:
// at most 1.15x. Also its CPU time (user + system), which a loaded machine
// stretches much less than wall time, in the same rounds against the same
// bare node, and the hook processes Claude Code starts per subagent run.

const ROUNDS = Number(process.env.BENCH_HOOK_ROUNDS ?? 25);
const BIN = join(__dirname, '..', 'bin', 'agent-track');

function wallTime(args: string[], input: string, env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { input, env });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0 || run.stdout.length || run.stderr.length) throw new Error(`hook failed: ${run.status} ${run.stderr}`);
  return wallMs;
}

// Node gives no child's resource usage (and /proc/self/stat's cutime counts 10 ms
// ticks): bash's `times` builtin prints its children's user and system time to
// the millisecond (getrusage). The hook must still print nothing, so whatever
// precedes those two lines is a failure.
const TIMES = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s\n$/;
function cpuTime(args: string[], input: string, env: NodeJS.ProcessEnv): number {
  const run = spawnSync('bash', ['-c', '"$0" "$@"; status=$?; times; exit $status', process.execPath, ...args], { input, env, encoding: 'utf8' });
  const times = TIMES.exec(run.stdout);
  if (run.status !== 0 || !times || run.stderr.length) throw new Error(`hook failed: ${run.status} ${run.stdout} ${run.stderr}`);
  const [user, system] = [Number(times[5]) * 60_000 + Number(times[6]) * 1000, Number(times[7]) * 60_000 + Number(times[8]) * 1000];
  return user + system;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-bench-hook-'));
  const claudeHome = join(root, 'claude');
  const projectDir = join(root, 'project');
  mkdirSync(projectDir);
  // Enough single-agent foreground sessions for every round to record a fresh
  // run twice: once timed by the wall clock, once (another session) by its CPU time.
  const sessions = generateSessions({ startDay: new Date(2026, 10, 2).getTime(), days: 90, promptsPerDay: 4, seed: 5, projectDir, claudeHome, rareOutcomeRate: 0 }).filter(
    (s) => s.runs.length === 1 && s.runs[0]!.outcome === 'success' && s.events.length === 5,
  );
  if (sessions.length < 2 * ROUNDS) throw new Error(`only ${sessions.length} single-run sessions generated`);
  writeSessionFiles(claudeHome, sessions);
  const env = { ...process.env, AGENT_TRACK_LOGS_DIR: join(root, 'logs') };
  const names = ['PreToolUse', 'SubagentStart', 'SubagentStop', 'PostToolUse (writes the record)', 'SessionEnd', 'ignored (Bash PreToolUse)'];
  // Wall and CPU time each by round: wall[name][round], cpu[name][round].
  const wall: Record<string, number[]> = Object.fromEntries(['node -e 0', ...names].map((n) => [n, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(['node -e 0', ...names].map((n) => [n, []]));
  const ignored = JSON.stringify({ session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_use_id: 't', tool_input: { command: 'ls' } });

  for (let round = 0; round < ROUNDS; round++) {
    // The wall clock and the CPU time each watch their own session's run (an event ingested twice would not cost the same).
    for (const [measure, into, session] of [[wallTime, wall, sessions[round]!], [cpuTime, cpu, sessions[ROUNDS + round]!]] as const) {
      const events = session.events.map((e) => JSON.stringify(e.payload));
      into['node -e 0']!.push(measure(['-e', '0'], '', env));
      events.forEach((payload, i) => into[names[i]!]!.push(measure([BIN, 'hook'], payload, env)));
      into[names[5]!]!.push(measure([BIN, 'hook'], ignored, env));
    }
  }

  // Each round's hook processes against the bare node of the same round: the
  // machine's load drifts between rounds, much less within one.
  const ratios = (of: Record<string, number[]>, name: string) => of[name]!.map((ms, round) => ms / of['node -e 0']![round]!);
  console.log(`${ROUNDS} rounds; wall and CPU (user + system, from bash's times): median ms, and median of each round's ratio to the same round's bare node`);
  console.log(`${'process'.padEnd(34)} ${'wall ms'.padStart(8)} ${'ratio'.padStart(7)}  ${'cpu ms'.padStart(7)} ${'ratio'.padStart(7)}`);
  for (const name of Object.keys(wall)) {
    console.log(
      `${name.padEnd(34)} ${median(wall[name]!).toFixed(1).padStart(8)} ${median(ratios(wall, name)).toFixed(3).padStart(7)}x ${median(cpu[name]!).toFixed(1).padStart(7)} ${median(ratios(cpu, name)).toFixed(3).padStart(7)}x`,
    );
  }
  const fourOfARun = names.slice(0, 4);
  const perRun = (of: Record<string, number[]>) => median(of['node -e 0']!.map((b, round) => fourOfARun.reduce((sum, n) => sum + of[n]![round]!, 0) / 4 / b));
  console.log(`one subagent run's 4 hook processes, mean per process: wall ${perRun(wall).toFixed(3)}x, CPU ${perRun(cpu).toFixed(3)}x a bare node (target <= 1.15x each)`);

  // Processes per subagent run, from a generated month of varied activity.
  const month = generateSessions({ startDay: new Date(2026, 10, 1).getTime(), days: 30, promptsPerDay: 25, seed: 9, projectDir, claudeHome });
  const runs = month.reduce((sum, s) => sum + s.runs.length, 0);
  const hookProcesses = month.reduce((sum, s) => sum + s.events.filter((e) => e.payload.hook_event_name !== 'SessionEnd' && (!String(e.payload.hook_event_name).includes('ToolUse') || AGENT_TOOLS.has(String(e.payload.tool_name)))).length, 0);
  console.log(`hook processes per subagent run: ${(hookProcesses / runs).toFixed(2)} (${hookProcesses} for ${runs} runs; plus 1 SessionEnd per session: ${month.length}; limit 6)`);
  rmSync(root, { recursive: true, force: true });

  // What each process loads: the bundle and its code cache (the data beside them only when needed).
  const dist = join(__dirname, '..', 'dist');
  const kb = (name: string) => (existsSync(join(dist, name)) ? `${(statSync(join(dist, name)).size / 1024).toFixed(0)} KB` : 'absent');
  console.log(`bundles: hook.cjs ${kb('hook.cjs')} (code cache ${kb('hook.cjs.v8cache')}), statusline.cjs ${kb('statusline.cjs')} (code cache ${kb('statusline.cjs.v8cache')}); beside them, read on first use: secret-rules.json ${kb('secret-rules.json')}, re2js.cjs ${kb('re2js.cjs')}`);
}
