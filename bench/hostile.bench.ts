import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The hook on the hostile inputs of issue 10 (a catastrophic configured
// pattern, 1 MB names, a megabyte of text built to make regexes backtrack,
// "mvn " x 80,000 in a transcript), each against a bare `node -e 0` of the
// same round. Claude Code gives a hook 1.5 s at session end; the worst case
// here must stay well under it.

const ROUNDS = Number(process.env.BENCH_HOSTILE_ROUNDS ?? 5);
const BIN = join(__dirname, '..', 'bin', 'agent-track');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function time(args: string[], input: string, env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { input, env, maxBuffer: 1 << 20 });
  if (run.status !== 0 || run.stdout.length || run.stderr.length) throw new Error(`hook failed: ${run.status} ${run.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-bench-hostile-'));
  const adversarial = ['a_', 'key=\n', 'sk-', 'eyJ-', 'A/', 'x\n'].map((u) => u.repeat(Math.ceil(170_000 / u.length))).join('');
  const samples = new Map<string, number[]>();
  const add = (name: string, ms: number) => samples.set(name, [...(samples.get(name) ?? []), ms]);
  for (let round = 0; round < ROUNDS; round++) {
    const project = join(root, `p${round}`);
    const subagents = join(project, 'sess', 'subagents');
    mkdirSync(subagents, { recursive: true });
    mkdirSync(join(project, '.claude'), { recursive: true });
    writeFileSync(join(project, '.claude', 'agent-track.json'), JSON.stringify({ priority: { rules: [{ priority: 'high', promptMatches: '(a+)+$' }] } }));
    const transcript = join(subagents, 'agent-ahostile.jsonl');
    const at = new Date().toISOString();
    const use = (id: string, command: string) => JSON.stringify({ type: 'assistant', timestamp: at, message: { id, model: 'claude-x', usage: { input_tokens: 1, output_tokens: 1 }, content: [{ type: 'tool_use', id, name: 'Bash', input: { command } }] } });
    const fail = (id: string) => JSON.stringify({ type: 'user', timestamp: at, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: adversarial.slice(0, 200_000), is_error: true }] } });
    writeFileSync(transcript, `${[use('t1', 'mvn '.repeat(80_000)), fail('t1'), use('t2', 'gradle '.repeat(50_000)), fail('t2')].join('\n')}\n`);
    const env = { ...process.env, CLAUDE_PROJECT_DIR: project };
    const common = { session_id: `sess-${round}`, transcript_path: join(project, 'sess.jsonl'), cwd: project, tool_name: 'Agent', tool_use_id: `toolu_h${round}` };
    const input = { description: adversarial, prompt: `${'a'.repeat(28)}!${adversarial}`, subagent_type: 'A'.repeat(1_000_000) };
    add('node -e 0', time(['-e', '0'], '', env));
    add('PreToolUse: (a+)+$ pattern, 1 MB prompt, description and agent type', time([BIN, 'hook'], JSON.stringify({ ...common, hook_event_name: 'PreToolUse', tool_input: input }), env));
    add('SubagentStop: 1 MB last message', time([BIN, 'hook'], JSON.stringify({ ...common, hook_event_name: 'SubagentStop', agent_id: 'ahostile', agent_type: 'A'.repeat(1_000_000), agent_transcript_path: transcript, last_assistant_message: adversarial }), env));
    add('PostToolUse: transcript with mvn x 80,000 and gradle x 50,000', time([BIN, 'hook'], JSON.stringify({ ...common, hook_event_name: 'PostToolUse', tool_input: input, tool_response: { status: 'completed', agentId: 'ahostile', agentType: 'A'.repeat(1_000_000), content: [{ type: 'text', text: adversarial }], totalDurationMs: 5, totalTokens: 5 } }), env));
  }
  rmSync(root, { recursive: true, force: true });
  const base = median(samples.get('node -e 0')!);
  console.log(`${ROUNDS} rounds; median wall time and its ratio to a bare node of the same run (limit: Claude Code's 1.5 s)`);
  for (const [name, values] of samples) console.log(`${name.padEnd(70)} ${median(values).toFixed(0).padStart(6)} ms   ${(median(values) / base).toFixed(2)}x`);
}
