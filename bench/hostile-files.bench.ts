import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The hook's worst case over hostile inputs (issue 10): each must stay well
// under Claude Code's 1.5 s budget. Wall time of the built hook as a child
// process, median and max of a few rounds, and the ratio of the median to a
// bare `node -e 0` measured in the same run.

const ROUNDS = Number(process.env.BENCH_HOSTILE_ROUNDS ?? 5);
const BIN = join(__dirname, '..', 'bin', 'agent-track');
const BUDGET_MS = 1_500;

const call = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    session_id: '0429029d-c4ac-4212-b8c2-a485f0e60a8e',
    transcript_path: '/nonexistent/t.jsonl',
    cwd: '/nonexistent',
    hook_event_name: 'SubagentStart',
    agent_id: 'a14c29a2571e613d7',
    agent_type: 'reviewer',
    ...fields,
  });

async function time(args: string[], input: string, env: NodeJS.ProcessEnv, keepOpen = false): Promise<number> {
  const started = process.hrtime.bigint();
  if (!keepOpen) {
    const run = spawnSync(process.execPath, args, { input, env });
    if (run.status !== 0 || run.stdout.length || run.stderr.length) throw new Error(`hook failed: ${run.status} ${run.stderr}`);
  } else {
    const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.on('error', () => {});
    child.stdin.write(input);
    await new Promise((resolve) => child.on('close', resolve));
    child.stdin.destroy();
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-bench-hostile-'));
  const logs = join(root, 'logs');
  mkdirSync(logs);
  const fifo = join(root, 'fifo.json');
  execFileSync('mkfifo', [fifo]);
  const zero = join(root, 'zero.json');
  symlinkSync('/dev/zero', zero);
  const outside = join(root, 'outside');
  mkdirSync(outside);
  symlinkSync(outside, join(logs, '.state'));
  const env = { ...process.env, AGENT_TRACK_LOGS_DIR: logs };
  const cases: [string, string, NodeJS.ProcessEnv, boolean][] = [
    ['payload cut off, stdin left open', call().slice(0, 80), env, true],
    ['config is a FIFO', call(), { ...env, AGENT_TRACK_CONFIG: fifo }, false],
    ['config links to /dev/zero', call(), { ...env, AGENT_TRACK_CONFIG: zero }, false],
    ['agent_id "../../x"', call({ agent_id: '../../x', transcript_path: join(root, 't.jsonl') }), env, false],
    ['.state is a link (write refused)', call(), env, false],
  ];
  const base: number[] = [];
  const samples = cases.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    base.push(await time(['-e', '0'], '', env));
    for (const [i, [, input, caseEnv, keepOpen]] of cases.entries()) samples[i]!.push(await time([BIN, 'hook'], input, caseEnv, keepOpen));
  }
  console.log(`${ROUNDS} rounds; wall time of the built hook per hostile input (budget ${BUDGET_MS} ms)`);
  console.log(`${'input'.padEnd(36)} ${'median'.padStart(8)} ${'max'.padStart(8)} ${'ratio'.padStart(8)}`);
  console.log(`${'node -e 0'.padEnd(36)} ${median(base).toFixed(1).padStart(8)} ${Math.max(...base).toFixed(1).padStart(8)} ${'1.000x'.padStart(8)}`);
  let worst = 0;
  for (const [i, [name]] of cases.entries()) {
    const values = samples[i]!;
    worst = Math.max(worst, ...values);
    console.log(`${name.padEnd(36)} ${median(values).toFixed(1).padStart(8)} ${Math.max(...values).toFixed(1).padStart(8)} ${(median(values) / median(base)).toFixed(3).padStart(7)}x`);
  }
  console.log(`worst case: ${worst.toFixed(0)} ms (${worst < BUDGET_MS ? 'under' : 'OVER'} the ${BUDGET_MS} ms budget)`);
  rmSync(root, { recursive: true, force: true });
}
