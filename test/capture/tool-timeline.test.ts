import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { toolTimeline } from '../../src/capture/tool-timeline.js';
import { FIXTURES_DIR } from '../support/fixtures.js';

// The tool-call timeline `agent-track show` reads from a subagent transcript:
// each tool_use matched with its tool_result, offsets from the run's start.

describe('tool timeline', () => {
  test('a real transcript: a Write that worked, then a Bash that failed, with their durations', () => {
    const text = readFileSync(join(FIXTURES_DIR, 'fanout', 'transcripts', 'subagents', 'agent-a20a5656e134d0a9e.jsonl'), 'utf8');
    const start = Date.parse('2026-11-25T04:48:46.500Z');
    expect(toolTimeline(text, start)).toEqual([
      { tool: 'Write', start: 23, duration: 44, ok: true },
      { tool: 'Bash', start: 94, duration: 118, ok: false },
    ]);
  });

  test('a call with no result yet has no duration; broken lines and lines without tools are skipped', () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, 0, ms)).toISOString();
    const lines = [
      JSON.stringify({ type: 'assistant', timestamp: at(100), message: { content: [{ type: 'tool_use', id: 't1', name: 'Read', input: {} }] } }),
      '{"type":"user","message":{"content":[{"type":"tool_result"', // cut off mid-write
      JSON.stringify({ type: 'assistant', timestamp: at(200), message: { content: [{ type: 'text', text: 'thinking' }] } }),
    ];
    expect(toolTimeline(lines.join('\n'), Date.UTC(2026, 10, 25, 12))).toEqual([{ tool: 'Read', start: 100, duration: null, ok: true }]);
  });
});
