import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSessions } from '../src/demo/generate';
import { writeSessionFiles } from '../src/demo/generate-io';
import { AGENT_TOOLS } from '../src/capture/payload';

// The hook's wall time per event, as a ratio to a bare `node -e 0` measured
// in the same run, interleaved so both see the same machine load. Target:
// at most 1.15x. Also: hook processes Claude Code starts per subagent run.

const ROUNDS = Number(process.env.BENCH_HOOK_ROUNDS ?? 25);
const BIN = join(__dirname, '..', 'bin', 'agent-track');

function time(args: string[], input: string, env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { input, env });
  if (run.status !== 0 || run.stdout.length || run.stderr.length) throw new Error(`hook failed: ${run.status} ${run.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
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
  const samples: Record<string, number[]> = Object.fromEntries(['node -e 0', ...names].map((n) => [n, []]));
  const ignored = JSON.stringify({ session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_use_id: 't', tool_input: { command: 'ls' } });

  for (let round = 0; round < ROUNDS; round++) {
    const events = sessions[round]!.events.map((e) => JSON.stringify(e.payload));
    samples['node -e 0']!.push(time(['-e', '0'], '', env));
    events.forEach((payload, i) => samples[names[i]!]!.push(time([BIN, 'hook'], payload, env)));
    samples[names[5]!]!.push(time([BIN, 'hook'], ignored, env));
  }

  // Each round's hook processes against the bare node of the same round: the
  // machine's load drifts between rounds, much less within one.
  const base = samples['node -e 0']!;
  const ratios = (name: string) => samples[name]!.map((ms, round) => ms / base[round]!);
  console.log(`${ROUNDS} rounds; median wall time, and median of each round's ratio to the same round's bare node`);
  console.log(`${'process'.padEnd(34)} ${'ms'.padStart(7)} ${'ratio'.padStart(7)}`);
  for (const name of Object.keys(samples)) {
    console.log(`${name.padEnd(34)} ${median(samples[name]!).toFixed(1).padStart(7)} ${median(ratios(name)).toFixed(3).padStart(7)}x`);
  }
  const perRun = base.map((b, round) => names.slice(0, 4).reduce((sum, n) => sum + samples[n]![round]!, 0) / 4 / b);
  console.log(`one subagent run's 4 hook processes, mean per process: ${median(perRun).toFixed(3)}x a bare node (target <= 1.15x)`);

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
