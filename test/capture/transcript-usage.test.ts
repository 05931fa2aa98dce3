import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import { costOf } from '../../src/analytics/cost.js';
import { addTokens, emptyTokens } from '../../src/analytics/day-summary.js';
import { summarizeTranscript } from '../../src/capture/transcript.js';
import { FIXTURES_DIR } from '../support/fixtures.js';

// Per-call detail that pricing needs, read from transcript lines shaped exactly
// as Claude Code 2.1.332 writes them (a real captured line, its id and usage
// replaced): 1-hour cache writes, and the calls whose prompt passed 200k.

const SUBAGENTS = join(dirname(FIXTURES_DIR), 'claude-code-2.1.332', 'single', 'transcripts', 'subagents');
const REAL_LINE = readFileSync(join(SUBAGENTS, readdirSync(SUBAGENTS).find((f) => f.endsWith('.jsonl'))!), 'utf8')
  .split('\n')
  .find((line) => line.includes('"type":"assistant"'))!;

function call(id: string, model: string, usage: { input: number; output: number; read: number; write5m: number; write1h: number }): string {
  const line = JSON.parse(REAL_LINE) as { message: { id: string; model: string; usage: Record<string, unknown> } };
  line.message.id = id;
  line.message.model = model;
  Object.assign(line.message.usage, {
    input_tokens: usage.input,
    output_tokens: usage.output,
    cache_read_input_tokens: usage.read,
    cache_creation_input_tokens: usage.write5m + usage.write1h,
    cache_creation: { ephemeral_1h_input_tokens: usage.write1h, ephemeral_5m_input_tokens: usage.write5m },
  });
  return JSON.stringify(line);
}

function session(model: string): string {
  const first = call('msg_1', model, { input: 10, output: 500, read: 0, write5m: 50_000, write1h: 100_000 });
  // Prompt 5 + 150,000 + 60,000 = 210,005 tokens: past 200k. Written twice, as Claude Code does for a message of two blocks.
  const second = call('msg_2', model, { input: 5, output: 800, read: 150_000, write5m: 0, write1h: 60_000 });
  return [first, second, second, ''].join('\n');
}

test('sums 1-hour cache writes and the tokens of calls past 200k, each message once', () => {
  const { tokens, apiCalls } = summarizeTranscript(session('claude-sonnet-4-5'), null);
  expect(apiCalls).toBe(2);
  expect(tokens).toEqual({
    input: 15,
    output: 1300,
    cacheCreation: 210_000,
    cacheCreation1h: 160_000,
    cacheRead: 150_000,
    longContext: { input: 5, output: 800, cacheCreation: 60_000, cacheCreation1h: 60_000, cacheRead: 150_000 },
  });
});

test('calls that all stayed under 200k leave longContext null', () => {
  const line = call('msg_1', 'claude-opus-5-5', { input: 10, output: 10, read: 199_990, write5m: 0, write1h: 0 });
  expect(summarizeTranscript(`${line}\n`, null).tokens.longContext).toBeNull();
});

test('prices each call as Claude Code 2.1.332 does', () => {
  const cost = (model: string) => {
    const sums = emptyTokens();
    addTokens(sums, summarizeTranscript(session(model), null).tokens);
    return costOf({ [model]: sums }, {}, {}).usd;
  };
  // claude-sonnet-4-5, long-context rates above 200k:
  // call 1: 10 x $3 + 500 x $15 + 100,000 x $6 (1h) + 50,000 x $3.75 (5m) = $0.79503
  // call 2: 5 x $6 + 800 x $22.5 + 60,000 x $12 (1h) + 150,000 x $0.60 = $0.82803
  expect(cost('claude-sonnet-4-5')).toBe(1.62306);
  // claude-opus-5-5, one rate over its 1M context:
  // call 1: 10 x $4 + 500 x $20 + 100,000 x $8 + 50,000 x $5 = $1.06004; call 2: 5 x $4 + 800 x $20 + 60,000 x $8 + 150,000 x $0.20 = $0.52602
  expect(cost('claude-opus-5-5')).toBe(1.58606);
});
