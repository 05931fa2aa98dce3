import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSessions } from '../src/demo/generate';
import { writeSessionFiles } from '../src/demo/generate-io';
import { AGENT_TOOLS } from '../src/capture/payload';

// The hook's wall time per event, as a ratio to a bare `node -e 0` measured
// in the same run, interleaved so both see the same machine load. Target:
// at most 1.15x. Also its CPU time (user + system), which a loaded machine
// stretches much less than wall time, and the hook processes Claude Code
// starts per subagent run.

const ROUNDS = Number(process.env.BENCH_HOOK_ROUNDS ?? 25);
const BIN = join(__dirname, '..', 'bin', 'agent-track');

interface Sample {
  wallMs: number;
  /** User + system time of the child, in ms; NaN where /proc is not there. */
  cpuMs: number;
}

function time(args: string[], input: string, env: NodeJS.ProcessEnv): Sample {
  const cpuBefore = childrenCpuMs();
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { input, env });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0 || run.stdout.length || run.stderr.length) throw new Error(`hook failed: ${run.status} ${run.stderr}`);
  return { wallMs, cpuMs: childrenCpuMs() - cpuBefore };
}

// Node gives no child's resource usage, but Linux adds every child this
// process has waited for to its own cutime + cstime (/proc/self/stat, fields
// 16-17): the difference across one spawnSync is that child's CPU time. The
// figure is in clock ticks (10 ms), so it is summed over every round, never
// read one sample at a time.
const CLOCK_TICK_MS = 1000 / (Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100);
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * CLOCK_TICK_MS;
  } catch {
    return Number.NaN;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-bench-hook-'));
  const claudeHome = join(root, 'claude');
  const projectDir = join(root, 'project');
  mkdirSync(projectDir);
  // Enough single-agent foreground sessions for every round to record a fresh run.
  const sessions = generateSessions({ startDay: new Date(2026, 10, 2).getTime(), days: 40, promptsPerDay: 4, seed: 5, projectDir, claudeHome, rareOutcomeRate: 0 }).filter(
    (s) => s.runs.length === 1 && s.runs[0]!.outcome === 'success' && s.events.length === 5,
  );
  if (sessions.length < ROUNDS) throw new Error(`only ${sessions.length} single-run sessions generated`);
  writeSessionFiles(claudeHome, sessions);
  const env = { ...process.env, AGENT_TRACK_LOGS_DIR: join(root, 'logs') };
  const names = ['PreToolUse', 'SubagentStart', 'SubagentStop', 'PostToolUse (writes the record)', 'SessionEnd', 'ignored (Bash PreToolUse)'];
  const samples: Record<string, Sample[]> = Object.fromEntries(['node -e 0', ...names].map((n) => [n, []]));
  const ignored = JSON.stringify({ session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_use_id: 't', tool_input: { command: 'ls' } });

  for (let round = 0; round < ROUNDS; round++) {
    const events = sessions[round]!.events.map((e) => JSON.stringify(e.payload));
    samples['node -e 0']!.push(time(['-e', '0'], '', env));
    events.forEach((payload, i) => samples[names[i]!]!.push(time([BIN, 'hook'], payload, env)));
    samples[names[5]!]!.push(time([BIN, 'hook'], ignored, env));
  }

  // Each round's hook processes against the bare node of the same round: the
  // machine's load drifts between rounds, much less within one.
  const wall = (name: string) => samples[name]!.map((s) => s.wallMs);
  const base = wall('node -e 0');
  const ratios = (name: string) => wall(name).map((ms, round) => ms / base[round]!);
  // CPU time: each process's mean over every round, against the bare node's mean.
  const cpu = (name: string) => samples[name]!.reduce((sum, s) => sum + s.cpuMs, 0) / ROUNDS;
  const baseCpu = cpu('node -e 0');
  console.log(`${ROUNDS} rounds; wall: median ms, and median of each round's ratio to the same round's bare node; CPU (user + system): mean ms over the rounds, and its ratio to the bare node's`);
  console.log(`${'process'.padEnd(34)} ${'wall ms'.padStart(8)} ${'ratio'.padStart(7)}  ${'cpu ms'.padStart(7)} ${'ratio'.padStart(7)}`);
  for (const name of Object.keys(samples)) {
    console.log(
      `${name.padEnd(34)} ${median(wall(name)).toFixed(1).padStart(8)} ${median(ratios(name)).toFixed(3).padStart(7)}x ${cpu(name).toFixed(1).padStart(7)} ${(cpu(name) / baseCpu).toFixed(3).padStart(7)}x`,
    );
  }
  const fourOfARun = names.slice(0, 4);
  const perRun = base.map((b, round) => fourOfARun.reduce((sum, n) => sum + samples[n]![round]!.wallMs, 0) / 4 / b);
  const perRunCpu = fourOfARun.reduce((sum, n) => sum + cpu(n), 0) / 4 / baseCpu;
  console.log(`one subagent run's 4 hook processes, mean per process: wall ${median(perRun).toFixed(3)}x, CPU ${perRunCpu.toFixed(3)}x a bare node (target <= 1.15x each)`);

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
