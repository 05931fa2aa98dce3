'use strict';
// Writes the V8 code caches next to dist/hook.cjs, dist/cli.cjs, dist/statusline.cjs and dist/statusline-fast.cjs (part of
// `npm run build`): the hook runs through one whole subagent run (PreToolUse,
// SubagentStart, SubagentStop, PostToolUse, then SessionEnd), each process
// adding what it compiled to the cache the one before left, and the CLI through a one-day
// demo with its report, in throwaway folders, so each cache holds the
// functions they run, compiled.
const { spawnSync } = require('child_process');
const { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } = require('fs');
const { tmpdir } = require('os');
const { join } = require('path');

const bin = join(__dirname, '..', 'bin', 'agent-track');
const logs = mkdtempSync(join(tmpdir(), 'agent-track-warm-'));
// A transcript and meta file like Claude Code's, so finalizing reads and summarizes one.
const subagents = join(logs, 'warm-session', 'subagents');
mkdirSync(subagents, { recursive: true });
writeFileSync(join(subagents, 'agent-awarm.meta.json'), JSON.stringify({ agentType: 'general-purpose', description: 'warm up', toolUseId: 'toolu_warm', spawnDepth: 1 }));
const line = (type, message, extra = {}) => JSON.stringify({ type, message, timestamp: new Date().toISOString(), version: 'warm', ...extra });
const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 3 };
writeFileSync(
  join(subagents, 'agent-awarm.jsonl'),
  [
    line('user', { role: 'user', content: 'warm up the code cache' }),
    line('assistant', { id: 'm1', model: 'claude-warm', usage, content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'npm test' } }] }),
    line('user', { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'Exit code 1', is_error: true }] }),
    line('assistant', { id: 'm2', model: 'claude-warm', usage, content: [{ type: 'tool_use', id: 't2', name: 'Write', input: { file_path: join(logs, 'a.txt'), content: 'x' } }] }),
    line('user', { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't2', content: 'ok' }] }),
    line('assistant', { id: 'm3', model: 'claude-warm', usage, content: [{ type: 'text', text: 'Found 1 issue.' }] }),
  ].join('\n') + '\n',
);
// The main transcript, for SessionEnd's main-thread figures.
writeFileSync(join(logs, 'warm-session.jsonl'), `${line('assistant', { id: 'm0', model: 'claude-warm', usage, content: [{ type: 'text', text: 'Starting.' }] })}\n`);
const common = { session_id: 'warm-session', transcript_path: join(logs, 'warm-session.jsonl'), cwd: logs, prompt_id: 'warm-prompt' };
const input = { description: 'warm up', prompt: 'warm up the code cache', subagent_type: 'general-purpose' };
const events = [
  { ...common, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_use_id: 'toolu_warm', tool_input: input },
  { ...common, hook_event_name: 'SubagentStart', agent_id: 'awarm', agent_type: 'general-purpose' },
  { ...common, hook_event_name: 'SubagentStop', agent_id: 'awarm', agent_type: 'general-purpose', last_assistant_message: 'Found 1 issue.', agent_transcript_path: join(subagents, 'agent-awarm.jsonl') },
  {
    ...common,
    hook_event_name: 'PostToolUse',
    tool_name: 'Agent',
    tool_use_id: 'toolu_warm',
    tool_input: input,
    tool_response: { status: 'completed', agentId: 'awarm', agentType: 'general-purpose', content: [{ type: 'text', text: 'Found 1 issue.' }], totalDurationMs: 10, totalTokens: 18, totalToolUseCount: 2 },
  },
  { ...common, hook_event_name: 'SessionEnd', reason: 'other' },
];
try {
  events.forEach((event, i) => {
    // The first process compiles from scratch; each later one keeps the cache and adds to it.
    const env = { ...process.env, AGENT_TRACK_LOGS_DIR: logs, AGENT_TRACK_CODE_CACHE: i === 0 ? 'refresh' : 'extend' };
    const result = spawnSync(process.execPath, [bin, 'hook'], { input: JSON.stringify(event), env });
    if (result.status !== 0) throw new Error(`warm-up hook exited ${result.status}`);
  });
  const demo = spawnSync(process.execPath, [bin, 'demo', '--days', '2', '--dir', join(logs, 'demo')], {
    env: { ...process.env, AGENT_TRACK_CODE_CACHE: 'refresh', NO_COLOR: '1' },
  });
  if (demo.status !== 0) throw new Error(`warm-up demo exited ${demo.status}: ${demo.stderr}`);
  // The statusline bundle, over the demo's logs (a budget set, so budgets are compiled too).
  const demoLogs = join(logs, 'demo', 'project', '.claude', 'execution-logs');
  // Before the day's first session has ended the demo writes nothing for today: the folder may not exist yet.
  mkdirSync(join(logs, 'demo', 'project', '.claude'), { recursive: true });
  writeFileSync(join(logs, 'demo', 'project', '.claude', 'agent-track.json'), JSON.stringify({ budgets: [{ period: 'day', usd: 1000 }] }));
  // Its files an hour old, as a store is between two messages: the first statusline
  // draws the line (dist/statusline.cjs) and keeps it; the next ones print the kept
  // line from the warm path (dist/statusline-fast.cjs), whose cache they extend.
  const hourAgo = new Date(Date.now() - 3_600_000);
  ageAll(join(logs, 'demo', 'project', '.claude'), hourAgo);
  const statusline = (args, mode) => {
    const run = spawnSync(process.execPath, [bin, ...args], {
      input: JSON.stringify({ session_id: 'warm-session', cwd: join(logs, 'demo', 'project') }),
      env: { ...process.env, AGENT_TRACK_LOGS_DIR: demoLogs, AGENT_TRACK_CODE_CACHE: mode },
    });
    if (run.status !== 0) throw new Error(`warm-up ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  };
  statusline(['statusline'], 'refresh');
  statusline(['statusline'], 'extend');
  statusline(['hook', '--alerts'], 'extend');
  // A subagent of the session starts (its Agent call and SubagentStart, into the demo's
  // logs), and the store settles: the full statusline draws the line with the run and
  // keeps it, then the warm path prints it, drawing the run's part, so both caches hold
  // the running part's functions too.
  events.slice(0, 2).forEach((event) => {
    // The hook's own cache is left as the whole run above made it: these add nothing it needs.
    const { AGENT_TRACK_CODE_CACHE: _mode, ...env } = process.env;
    const result = spawnSync(process.execPath, [bin, 'hook'], { input: JSON.stringify(event), env: { ...env, AGENT_TRACK_LOGS_DIR: demoLogs } });
    if (result.status !== 0) throw new Error(`warm-up hook exited ${result.status}`);
  });
  ageAll(join(logs, 'demo', 'project', '.claude'), hourAgo);
  statusline(['statusline'], 'extend');
  statusline(['statusline'], 'extend');
} finally {
  rmSync(logs, { recursive: true, force: true });
}

/** Sets the times of everything under `path` (no link followed). */
function ageAll(path, at) {
  if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) ageAll(join(path, name), at);
  utimesSync(path, at, at);
}
