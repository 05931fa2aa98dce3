import { describe, expect, test } from 'vitest';
import { NAME_MAX, TRUNCATED } from '../../src/schema/limits';
import { toStoredEvent } from '../../src/capture/events';
import { summarizeTranscript } from '../../src/capture/transcript';
import { DEFAULT_CONFIG } from '../../src/schema/config';

// Issue 10, case 5: a 1 MB agent type or tool name grew the record to 3 MB.
// A record keeps the exact name up to NAME_MAX characters and marks the cut.

const huge = `security-${'x'.repeat(1_000_000)}`;

describe('names are capped in the record', () => {
  test('a 1 MB agent type keeps its first NAME_MAX characters, marked as cut', () => {
    const payload = {
      session_id: 'sess-caps',
      transcript_path: '/nonexistent/t.jsonl',
      cwd: '/nonexistent',
      hook_event_name: 'PreToolUse',
      tool_name: 'Agent',
      tool_use_id: 'toolu_caps',
      tool_input: { description: 'd', prompt: 'p', subagent_type: huge, model: huge },
    } as const;
    const event = toStoredEvent(payload as never, 1_000, DEFAULT_CONFIG, null);
    expect(event.agentType).toBe(`${huge.slice(0, NAME_MAX)}${TRUNCATED}`);
    expect(event.request!.model).toBe(`${huge.slice(0, NAME_MAX)}${TRUNCATED}`);
  });

  test('a name at the cap is kept whole', () => {
    const exact = 'a'.repeat(NAME_MAX);
    const line = JSON.stringify({
      type: 'assistant',
      timestamp: '2026-12-01T10:00:00.000Z',
      message: { id: 'm1', model: exact, content: [{ type: 'tool_use', id: 't1', name: huge, input: {} }] },
    });
    const summary = summarizeTranscript(`${line}\n`, null);
    expect(summary.model).toBe(exact);
    expect(summary.toolsUsed).toEqual([`${huge.slice(0, NAME_MAX)}${TRUNCATED}`]);
  });
});
