import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { allRecords, replay } from '../support/replay';

// An Agent call with an unknown subagent_type fails before any agent runs: the
// two payloads the real Claude Code 2.1.332 sent for it (captured offline
// against the scripted API, paths made neutral).
const session = {
  session_id: '2974515c-0ab2-424d-8b00-d877ddede582',
  transcript_path: '/home/dev/.claude/projects/-home-dev-shop-api/2974515c-0ab2-424d-8b00-d877ddede582.jsonl',
  cwd: '/home/dev/shop-api',
  prompt_id: 'd5edb023-4d49-49a3-952d-647d22da4048',
  permission_mode: 'default',
  effort: { level: 'medium' },
  tool_name: 'Agent',
  tool_input: { description: 'Ghost agent', prompt: 'SUB-NOPE never runs', subagent_type: 'no-such-agent' },
  tool_use_id: 'toolu_c6d149f0a1239a82',
};
const payloads = [
  { ...session, hook_event_name: 'PreToolUse' },
  {
    ...session,
    hook_event_name: 'PostToolUseFailure',
    error: "Agent type 'no-such-agent' not found. Available agents: claude, Explore, general-purpose, Plan, statusline-setup",
    is_interrupt: false,
    duration_ms: 2,
  },
];

test('an agent type that never started modified 0 files and ran 0 tests: known, not missing', () => {
  const logsDir = join(mkdtempSync(join(tmpdir(), 'agent-track-never-')), 'logs');
  replay(logsDir, payloads);
  const [record] = allRecords(logsDir);
  expect(record).toMatchObject({
    agentType: 'no-such-agent',
    metrics: { toolsUsed: [], durationSource: 'claude-code', duration: 2 },
    result: { status: 'failed', filesModified: 0, modifiedFiles: [], testsRun: 0, testCommands: [] },
    capture: { closedBy: 'PostToolUseFailure', events: ['pre', 'fail'] },
  });
  expect(record!.errors.map((e) => e.type)).toEqual(['unknown_agent_type']);
});
