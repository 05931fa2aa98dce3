import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `agent-track statusline`'s wall time (Claude Code runs it after every
// message), and the SessionStart alert's, as ratios to a bare `node -e 0`
// measured in the same rounds, interleaved so both see the same machine load.
// Target: at most 1.15x. Over an empty store and over a demo week with budgets
// set (today's records read, closed days from their rollups).

const ROUNDS = Number(process.env.BENCH_STATUSLINE_ROUNDS ?? 25);
const BIN = join(__dirname, '..', 'bin', 'agent-track');

function time(args: string[], input: string, env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { input, env });
  if (run.status !== 0 || run.stderr.length) throw new Error(`${args.join(' ')} failed: ${run.status} ${run.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-bench-statusline-'));
  const demo = spawnSync(process.execPath, [BIN, 'demo', '--days', '7', '--dir', join(root, 'demo')], { env: { ...process.env, NO_COLOR: '1' } });
  if (demo.status !== 0) throw new Error(`demo failed: ${demo.stderr}`);
  const project = join(root, 'demo', 'project');
  writeFileSync(join(project, '.claude', 'agent-track.json'), JSON.stringify({ budgets: [{ period: 'day', usd: 50 }, { period: 'month', billedTokens: 500_000_000 }] }));
  // The same JSON Claude Code pipes to a statusline.
  const payload = JSON.stringify({ session_id: 'bench', cwd: project, workspace: { current_dir: project, project_dir: project }, model: { id: 'claude-opus-5-5', display_name: 'Opus' } });
  const stores: Record<string, NodeJS.ProcessEnv> = {
    'statusline, empty store': { ...process.env, AGENT_TRACK_LOGS_DIR: join(root, 'empty') },
    'statusline, demo week + budgets': { ...process.env, AGENT_TRACK_LOGS_DIR: join(project, '.claude', 'execution-logs') },
  };
  // One warm-up each: the first run of a store rebuilds nothing, but the OS caches need filling.
  for (const env of Object.values(stores)) time([BIN, 'statusline'], payload, env);
  const samples: Record<string, number[]> = { 'node -e 0': [], ...Object.fromEntries(Object.keys(stores).map((k) => [k, []])), 'hook --alerts, demo week + budgets': [] };
  for (let round = 0; round < ROUNDS; round++) {
    samples['node -e 0']!.push(time(['-e', '0'], '', process.env));
    for (const [name, env] of Object.entries(stores)) samples[name]!.push(time([BIN, 'statusline'], payload, env));
    samples['hook --alerts, demo week + budgets']!.push(time([BIN, 'hook', '--alerts'], payload, stores['statusline, demo week + budgets']!));
  }
  const base = samples['node -e 0']!;
  console.log(`${ROUNDS} rounds; median wall time, and median of each round's ratio to the same round's bare node (target <= 1.15x)`);
  console.log(`${'process'.padEnd(36)} ${'ms'.padStart(7)} ${'ratio'.padStart(7)}`);
  for (const [name, list] of Object.entries(samples)) {
    console.log(`${name.padEnd(36)} ${median(list).toFixed(1).padStart(7)} ${median(list.map((ms, i) => ms / base[i]!)).toFixed(3).padStart(7)}x`);
  }
  rmSync(root, { recursive: true, force: true });
}
