import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { summarizeTranscript } from '../../src/capture/transcript';
import { TOOL_TIMELINE_MAX } from '../../src/schema/limits';
import { FIXTURES_DIR } from '../support/fixtures';
import { allRecords, replayFixture } from '../support/replay';

// metrics.toolTimeline: each tool call of a real captured run, from its
// tool_use line to its tool_result line, as offsets from the record's start.

/** Each tool_use of a transcript with the timestamps of its use and its result, read here independently of the capture. */
function toolTimes(path: string) {
  const uses: { id: string; tool: string; at: number; resultAt: number | null; ok: boolean }[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))) {
    for (const block of Array.isArray(line.message?.content) ? line.message.content : []) {
      if (block.type === 'tool_use' && !uses.some((u) => u.id === block.id)) uses.push({ id: block.id, tool: block.name, at: Date.parse(line.timestamp), resultAt: null, ok: true });
      const use = block.type === 'tool_result' ? uses.find((u) => u.id === block.tool_use_id) : undefined;
      if (use && use.resultAt === null) Object.assign(use, { resultAt: Date.parse(line.timestamp), ok: block.is_error !== true });
    }
  }
  return uses;
}

describe('tool timeline from real transcripts', () => {
  test('the fanout session: every call with its real start, duration and outcome', () => {
    const run = replayFixture('fanout');
    const records = allRecords(run.logsDir);
    const dir = join(FIXTURES_DIR, 'fanout', 'transcripts', 'subagents');
    let checked = 0;
    for (const record of records) {
      const file = readdirSync(dir).find((f) => f === `agent-${record.request.context.agentId}.jsonl`);
      if (!file) continue;
      const expected = toolTimes(join(dir, file)).map((u) => ({
        tool: u.tool,
        start: Math.max(0, u.at - record.metrics.startTime),
        duration: u.resultAt === null ? null : u.resultAt - u.at,
        ok: u.ok,
      }));
      expect(record.metrics.toolTimeline).toEqual(expected);
      expect(record.metrics.toolTimeline!.length).toBe(record.metrics.totalToolUseCount);
      checked++;
    }
    expect(checked).toBe(records.length);
    // A failed Bash call in this session shows as not ok.
    expect(records.flatMap((r) => r.metrics.toolTimeline!).some((call) => !call.ok)).toBe(true);
  });

  test(`keeps the first ${TOOL_TIMELINE_MAX} calls of a longer run`, () => {
    const lines: string[] = [];
    for (let i = 0; i < TOOL_TIMELINE_MAX + 5; i++) {
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
      lines.push(JSON.stringify({ type: 'assistant', timestamp: at, message: { id: `m${i}`, content: [{ type: 'tool_use', id: `t${i}`, name: 'Read', input: {} }] } }));
      lines.push(JSON.stringify({ type: 'user', timestamp: at, message: { content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: 'ok' }] } }));
    }
    const summary = summarizeTranscript(lines.join('\n'), null);
    expect(summary.toolUseCount).toBe(TOOL_TIMELINE_MAX + 5);
    expect(summary.toolTimeline).toHaveLength(TOOL_TIMELINE_MAX);
    expect(summary.toolTimeline[0]).toEqual({ tool: 'Read', at: Date.UTC(2026, 0, 1), resultAt: Date.UTC(2026, 0, 1), ok: true });
  });

  test('a call with no result yet has no duration', () => {
    const line = { type: 'assistant', timestamp: '2026-01-01T00:00:00.000Z', message: { id: 'm', content: [{ type: 'tool_use', id: 't', name: 'Bash', input: {} }] } };
    expect(summarizeTranscript(JSON.stringify(line), null).toolTimeline).toEqual([{ tool: 'Bash', at: Date.UTC(2026, 0, 1), resultAt: null, ok: true }]);
  });
});
