'use strict';
// Writes the V8 code caches next to dist/hook.cjs and dist/cli.cjs (part of
// `npm run build`): the hook runs through one whole subagent run (PreToolUse,
// SubagentStart, SubagentStop, PostToolUse) and the CLI through a one-day
// demo with its report, in throwaway folders, so each cache holds the
// functions they run, compiled.
const { spawnSync } = require('child_process');
const { mkdtempSync, rmSync } = require('fs');
const { tmpdir } = require('os');
const { join } = require('path');

const bin = join(__dirname, '..', 'bin', 'agent-track');
const logs = mkdtempSync(join(tmpdir(), 'agent-track-warm-'));
const common = { session_id: 'warm-session', transcript_path: join(logs, 'none.jsonl'), cwd: logs, prompt_id: 'warm-prompt' };
const input = { description: 'warm up', prompt: 'warm up the code cache', subagent_type: 'general-purpose' };
const events = [
  { ...common, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_use_id: 'toolu_warm', tool_input: input },
  { ...common, hook_event_name: 'SubagentStart', agent_id: 'awarm', agent_type: 'general-purpose' },
  { ...common, hook_event_name: 'SubagentStop', agent_id: 'awarm', agent_type: 'general-purpose', last_assistant_message: 'Found 1 issue.' },
  {
    ...common,
    hook_event_name: 'PostToolUse',
    tool_name: 'Agent',
    tool_use_id: 'toolu_warm',
    tool_input: input,
    tool_response: { status: 'completed', agentId: 'awarm', agentType: 'general-purpose', content: [{ type: 'text', text: 'Found 1 issue.' }], totalDurationMs: 10, totalTokens: 10, totalToolUseCount: 0 },
  },
];
try {
  events.forEach((event, i) => {
    const env = { ...process.env, AGENT_TRACK_LOGS_DIR: logs, ...(i === events.length - 1 ? { AGENT_TRACK_CODE_CACHE: 'refresh' } : {}) };
    const result = spawnSync(process.execPath, [bin, 'hook'], { input: JSON.stringify(event), env });
    if (result.status !== 0) throw new Error(`warm-up hook exited ${result.status}`);
  });
  const demo = spawnSync(process.execPath, [bin, 'demo', '--days', '1', '--dir', join(logs, 'demo')], {
    env: { ...process.env, AGENT_TRACK_CODE_CACHE: 'refresh', NO_COLOR: '1' },
  });
  if (demo.status !== 0) throw new Error(`warm-up demo exited ${demo.status}: ${demo.stderr}`);
} finally {
  rmSync(logs, { recursive: true, force: true });
}
