import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { costOf } from '../../src/analytics/cost.js';
import { addTokens, emptyTokens, NO_MODEL } from '../../src/analytics/day-summary.js';
import { normalizeModelId } from '../../src/analytics/prices.js';
import { summarizeTranscript } from '../../src/capture/transcript.js';
import type { TokenSums } from '../../src/schema/summary.js';
import { FIXTURES_DIR } from '../support/fixtures.js';

// The bundled prices against Claude Code's own bill: for every captured
// session, the API calls of the main transcript and of every subagent
// transcript (each message id once), priced per model, add up to the session's
// total_cost_usd (result.json) to the millionth of a dollar, and to each
// model's costUSD in the transcript's final cost-state line.

const ROOT = dirname(FIXTURES_DIR);
const VERSIONS = ['2.1.197', '2.1.332'];

interface Scenario {
  version: string;
  name: string;
  dir: string;
}

function scenarios(): Scenario[] {
  return VERSIONS.flatMap((version) => {
    const base = join(ROOT, `claude-code-${version}`);
    return readdirSync(base, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(base, entry.name, 'result.json')))
      .map((entry) => ({ version, name: entry.name, dir: join(base, entry.name) }));
  });
}

function transcripts(dir: string): { main: string; all: string[] } {
  const folder = join(dir, 'transcripts');
  const main = readdirSync(folder).find((file) => file.endsWith('.jsonl'))!;
  // A session whose only agent never started (unknown type) has no subagents folder.
  const subagents = (existsSync(join(folder, 'subagents')) ? readdirSync(join(folder, 'subagents')) : [])
    .filter((file) => file.endsWith('.jsonl'))
    .map((file) => join(folder, 'subagents', file));
  return { main: join(folder, main), all: [join(folder, main), ...subagents] };
}

/** Billed tokens per model over a session's transcripts, as the records hold them. */
function tokensByModel(files: string[]): Record<string, TokenSums> {
  const models: Record<string, TokenSums> = {};
  for (const file of files) {
    const summary = summarizeTranscript(readFileSync(file, 'utf8'), null);
    addTokens((models[summary.model ?? NO_MODEL] ??= emptyTokens()), summary.tokens);
  }
  return models;
}

interface CostState {
  totalCostUSD: number;
  modelUsage: Record<string, { costUSD: number; inputTokens: number; outputTokens: number; cacheReadInputTokens: number; cacheCreationInputTokens: number }>;
}

function costState(main: string): CostState | null {
  const line = readFileSync(main, 'utf8')
    .split('\n')
    .filter((text) => text.includes('"cost-state"'))
    .map((text) => JSON.parse(text) as CostState & { type: string })
    .findLast((entry) => entry.type === 'cost-state');
  return line ?? null;
}

const MILLIONTH = 0.000001 + 1e-12;

describe.each(scenarios())('Claude Code $version, $name', ({ dir }) => {
  const { main, all } = transcripts(dir);
  const cost = costOf(tokensByModel(all), {}, {});

  test("the session's API calls cost what Claude Code charged (total_cost_usd)", () => {
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { total_cost_usd: number };
    expect(cost.usd).not.toBeNull();
    expect(Math.abs(cost.usd! - result.total_cost_usd)).toBeLessThanOrEqual(MILLIONTH);
  });

  test("each model's tokens and cost equal the transcript's cost-state", () => {
    const state = costState(main);
    // 2.1.197 wrote no cost-state line.
    if (!state) return;
    expect(Math.abs(cost.usd! - state.totalCostUSD)).toBeLessThanOrEqual(MILLIONTH);
    for (const [model, usage] of Object.entries(state.modelUsage)) {
      const mine = cost.byModel.find((m) => normalizeModelId(m.model) === normalizeModelId(model))!;
      expect({ input: mine.input, output: mine.output, cacheRead: mine.cacheRead, cacheCreation: mine.cacheCreation }).toEqual({
        input: usage.inputTokens,
        output: usage.outputTokens,
        cacheRead: usage.cacheReadInputTokens,
        cacheCreation: usage.cacheCreationInputTokens,
      });
      expect(Math.abs(mine.usd! - usage.costUSD)).toBeLessThanOrEqual(MILLIONTH);
    }
  });
});

test('every release has captured sessions to check', () => {
  for (const version of VERSIONS) expect(scenarios().filter((s) => s.version === version).length).toBeGreaterThanOrEqual(3);
});
