import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ingestPayload } from '../../src/capture/ingest';
import { sweepInFlight } from '../../src/capture/sweep';
import { DEFAULT_CONFIG } from '../../src/schema/config';
import { isAgentEvent, loadFixture } from '../support/fixtures';
import { allRecords, completionLines, replay } from '../support/replay';

// Claude Code appends transcript lines from a write queue drained every
// 100 ms, so the hook that ends a run can find the agent's last lines missing.
// Here the single fixture's agent transcript lacks its final API call (the
// text answer) when the PostToolUse hook runs.

function laggingFixture() {
  const fixture = loadFixture('single');
  const payloads = fixture.payloads.filter(isAgentEvent);
  const done = payloads.find((p) => p.hook_event_name === 'PostToolUse')!;
  const agentId = (done.tool_response as { agentId: string }).agentId;
  const transcript = join(fixture.root, '.claude', 'projects', '-home-dev-shop-api', fixture.sessionId, 'subagents', `agent-${agentId}.jsonl`);
  const full = readFileSync(transcript, 'utf8');
  const lines = full.trimEnd().split('\n');
  const head = `${lines.slice(0, -1).join('\n')}\n`;
  writeFileSync(transcript, head);
  return { ...fixture, payloads, transcript, full, tail: full.slice(head.length), totalTokens: (done.tool_response as { totalTokens: number }).totalTokens };
}

describe('a transcript that lags the hooks', () => {
  test('the hook waits for the lines Claude Code flushes just after the event', async () => {
    const f = laggingFixture();
    // Like Claude Code's drain: the last line lands 120 ms after the hooks start.
    const tailFile = `${f.transcript}.tail`;
    writeFileSync(tailFile, f.tail);
    const flusher = spawn('sh', ['-c', `sleep 0.12; cat '${tailFile}' >> '${f.transcript}'`], { stdio: 'ignore' });
    const exited = new Promise((resolve) => flusher.on('exit', resolve));
    const now = Date.now();
    for (const payload of f.payloads) {
      ingestPayload(payload, { logsDir: f.logsDir, config: DEFAULT_CONFIG, now, deadline: now + 5_000 });
    }
    await exited;
    const [record] = allRecords(f.logsDir);
    expect(readFileSync(f.transcript, 'utf8')).toBe(f.full);
    expect(record!.metrics.tokensUsed).toBe(f.totalTokens);
    // The final answer's API call is counted: its context size is Claude Code's totalTokens.
    expect(record!.metrics.apiCalls).toBe(3);
  });

  test('a run closed at SessionEnd is read once, without waiting, and completed by the next command', async () => {
    const f = laggingFixture();
    const closing = f.payloads.filter((p) => ['PreToolUse', 'SubagentStart', 'SessionEnd'].includes(p.hook_event_name as string));
    const tailFile = `${f.transcript}.tail`;
    writeFileSync(tailFile, f.tail);
    // Within the quiet time a run with an end of its own would wait for; SessionEnd
    // hooks get 1.5 s in all, so a run it closes is read as it is.
    const flusher = spawn('sh', ['-c', `sleep 0.15; cat '${tailFile}' >> '${f.transcript}'`], { stdio: 'ignore' });
    const exited = new Promise((resolve) => flusher.on('exit', resolve));
    const now = Date.now();
    for (const payload of closing) ingestPayload(payload, { logsDir: f.logsDir, config: DEFAULT_CONFIG, now, deadline: now + 5_000 });
    const [closed] = allRecords(f.logsDir);
    expect(closed).toMatchObject({ capture: { closedBy: 'SessionEnd' }, metrics: { apiCalls: 2 } });
    await exited;
    expect(sweepInFlight(f.logsDir, DEFAULT_CONFIG, Date.now())).toMatchObject({ repaired: 1, errors: [] });
    expect(allRecords(f.logsDir)[0]!.metrics.apiCalls).toBe(3);
  });

  test('a record read before the transcript was complete is rebuilt by the next command', () => {
    const f = laggingFixture();
    // Replayed at the capture's own (past) times: nothing is waited for.
    replay(f.logsDir, f.payloads);
    const [early] = allRecords(f.logsDir);
    expect(early!.metrics.apiCalls).toBe(2);

    writeFileSync(f.transcript, f.full);
    const sweep = sweepInFlight(f.logsDir, DEFAULT_CONFIG, Date.now());
    expect(sweep).toMatchObject({ repaired: 1, closed: 0, errors: [] });
    const records = allRecords(f.logsDir);
    expect(records).toHaveLength(1);
    expect(records[0]!.id).toBe(early!.id);
    expect(records[0]!.metrics.apiCalls).toBe(3);
    // Same status, more billed tokens: one more completion line, carrying the tokens budgets read.
    const lines = completionLines(f.logsDir);
    expect(lines.map((l) => [l.status, l.revision])).toEqual([
      [early!.result.status, 1],
      [early!.result.status, 2],
    ]);
    expect(lines[1]!.tokens).toEqual(records[0]!.metrics.tokens);
    // Settled now: a second sweep has nothing to do.
    expect(sweepInFlight(f.logsDir, DEFAULT_CONFIG, Date.now())).toMatchObject({ repaired: 0, closed: 0 });
  });
});
