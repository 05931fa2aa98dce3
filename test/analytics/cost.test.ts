import { describe, expect, test } from 'vitest';
import { costOf, costWarnings, runCost, usdOf } from '../../src/analytics/cost.js';
import { NO_MODEL, summarizeDay } from '../../src/analytics/day-summary.js';
import { PRICE_DATA } from '../../src/analytics/price-data.js';
import { normalizeModelId, priceFor } from '../../src/analytics/prices.js';
import { buildDataset } from '../../scripts/build-prices.js';
import { at, makeRecord, type RecordSpec } from './make-record.js';

const tokens = (executions: number, input: number, output: number, cacheCreation = 0, cacheRead = 0) => ({
  executions,
  input,
  output,
  cacheCreation,
  cacheRead,
});

describe('bundled price list', () => {
  test('is the Anthropic part of the installed @pydantic/genai-prices (npm run prices)', () => {
    expect(PRICE_DATA).toEqual(buildDataset(PRICE_DATA.published));
  });

  test("has Claude Code's rates for claude-opus-5-5, the default model of 2.1.332", () => {
    expect(priceFor('claude-opus-5-5', {})).toMatchObject({
      rates: { input: 4, output: 20, cacheWrite: 5, cacheWrite1h: 8, cacheRead: 0.2 },
      longContext: null,
      source: 'dataset',
    });
  });

  test('reproduces what Claude Code 2.1.197 charged in the captured session', () => {
    // fixtures/claude-code-2.1.197/single/result.json: modelUsage "claude-opus-4-8[1m]", costUSD 0.005145
    const price = priceFor('claude-opus-4-8[1m]', {})!;
    expect(usdOf({ input: 504, output: 100, cacheCreation: 0, cacheRead: 250 }, price.rates)).toBeCloseTo(0.005145, 12);
  });

  test('normalises suffixes, dates and provider forms without loosening the match', () => {
    expect(normalizeModelId('claude-opus-4-8[1m]')).toBe('claude-opus-4-8');
    expect(normalizeModelId('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5');
    expect(normalizeModelId('claude-sonnet-4-5@20250929')).toBe('claude-sonnet-4-5');
    expect(normalizeModelId('us.anthropic.claude-3-5-haiku-20241022-v1:0')).toBe('claude-3-5-haiku');
    expect(normalizeModelId('Claude-Haiku-4-5')).toBe('claude-haiku-4-5');
    expect(priceFor('claude-opus-4-20250514', {})!.rates.input).toBe(15);
    expect(priceFor('claude-opus-4-5-20251101', {})!.rates.input).toBe(5);
    expect(priceFor('us.anthropic.claude-3-5-haiku-20241022-v1:0', {})!.key).toBe('claude-3-5-haiku-latest');
  });

  test('knows nothing about aliases, newer versions or names that are object keys', () => {
    for (const model of ['sonnet', 'opus', 'claude-opus-4-9', 'gpt-5', 'toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      expect(priceFor(model, {}), model).toBeNull();
    }
    // The dataset lists claude-sonnet-5 "starts_with": its price must not reach claude-sonnet-5-5.
    expect(priceFor('claude-sonnet-5-5', {})).toBeNull();
    expect(priceFor('claude-sonnet-5', {})!.rates.input).toBe(2);
  });

  test('a config price wins, matched by exact or normalised id, with 1-hour writes at the 5-minute rate unless set', () => {
    const override = { input: 1, output: 2, cacheWrite: 3, cacheRead: 4 };
    expect(priceFor('claude-opus-4-8', { 'claude-opus-4-8': override })).toMatchObject({
      rates: { ...override, cacheWrite1h: 3 },
      longContext: null,
      source: 'config',
    });
    expect(priceFor('claude-opus-4-8[1m]', { 'claude-opus-4-8-20260101': override })).toMatchObject({ source: 'config' });
    expect(priceFor('my-proxy-model', { 'my-proxy-model': { ...override, cacheWrite1h: 9 } })!.rates.cacheWrite1h).toBe(9);
  });
});

describe('costOf', () => {
  test('prices each model from its summed tokens', () => {
    const cost = costOf(
      { 'claude-opus-4-8': tokens(2, 1_000_000, 100_000, 0, 2_000_000), 'claude-haiku-4-5': tokens(1, 1_000_000, 0, 1_000_000) },
      {},
      {},
    );
    // opus: 1M x $5 + 0.1M x $25 + 2M x $0.50 = 5 + 2.5 + 1 = 8.5; haiku: $1 + 1M cache write x $1.25 = 2.25
    expect(cost.byModel.map((m) => [m.model, m.usd])).toEqual([
      ['claude-haiku-4-5', 2.25],
      ['claude-opus-4-8', 8.5],
    ]);
    expect(cost.usd).toBe(10.75);
    expect(cost.pricedExecutions).toBe(3);
  });

  test('1-hour cache writes cost their own rate, the rest of the writes the 5-minute rate', () => {
    // claude-opus-5-5: 1M writes, 0.25M of them 1-hour: 0.75 x $5 + 0.25 x $8 = 5.75
    const cost = costOf({ 'claude-opus-5-5': { ...tokens(1, 0, 0, 1_000_000), cacheCreation1h: 250_000 } }, {}, {});
    expect(cost.usd).toBe(5.75);
  });

  test('API calls past 200k tokens cost the long-context rates, per call, where the model has them', () => {
    // claude-sonnet-4-5: 1.2M input over all calls, 0.4M of it (and 0.1M of output) in calls past 200k.
    const split = { ...tokens(1, 1_200_000, 200_000), cacheCreation1h: 0, longContext: { input: 400_000, output: 100_000, cacheCreation: 0, cacheCreation1h: 0, cacheRead: 0 } };
    // base: 0.8M x $3 + 0.1M x $15 = 3.9; long: 0.4M x $6 + 0.1M x $22.5 = 4.65
    expect(costOf({ 'claude-sonnet-4-5': split }, {}, {}).usd).toBe(8.55);
    // claude-opus-5-5 bills its whole 1M context at one rate: 1.2M x $4 + 0.2M x $20 = 8.8
    expect(costOf({ 'claude-opus-5-5': split }, {}, {}).usd).toBe(8.8);
  });

  test('an unknown model gives no cost and a warning, never a guessed number', () => {
    const cost = costOf({ 'claude-opus-4-8': tokens(1, 1_000_000, 0), 'mystery-model': tokens(4, 10, 10), toString: tokens(1, 10, 10) }, {}, {});
    expect(cost.usd).toBeNull();
    expect(cost.pricedUsd).toBe(5);
    expect(cost.unpricedExecutions).toBe(5);
    expect(cost.byModel.find((m) => m.model === 'mystery-model')).toMatchObject({ usd: null, unpriced: 'unknown-model' });
    expect(cost.byModel.find((m) => m.model === 'toString')).toMatchObject({ usd: null, unpriced: 'unknown-model' });
    expect(costWarnings(cost)[0]).toContain('mystery-model (4 executions)');
  });

  test('executions with no recorded model are not priced', () => {
    const cost = costOf({ [NO_MODEL]: tokens(2, 10, 10) }, {}, {});
    expect(cost.usd).toBeNull();
    expect(costWarnings(cost)[0]).toContain('2 executions have tokens but no recorded model');
  });

  test('older records past 200k, not split per call, are priced only where the rate cannot change', () => {
    const premium = costOf({}, { 'claude-sonnet-4-5': tokens(1, 300_000, 10) }, {});
    expect(premium.usd).toBeNull();
    expect(premium.byModel[0]!.unpriced).toBe('long-context');
    expect(costWarnings(premium)[0]).toContain('passed 200k');
    expect(costOf({}, { 'claude-opus-4-8': tokens(1, 1_000_000, 0) }, {}).usd).toBe(5);
    const configured = costOf({}, { 'claude-sonnet-4-5': tokens(1, 1_000_000, 0) }, { 'claude-sonnet-4-5': { input: 6, output: 22.5, cacheWrite: 7.5, cacheRead: 0.6 } });
    expect(configured.usd).toBe(6);
  });

  test('says per model whether its price came from the list or the config', () => {
    const override = { input: 1, output: 1, cacheWrite: 1, cacheRead: 1 };
    const cost = costOf({ 'claude-opus-4-8': tokens(1, 10, 10), 'claude-haiku-4-5': tokens(1, 10, 10), 'mystery-model': tokens(1, 10, 10) }, {}, { 'claude-haiku-4-5': override });
    expect(cost.byModel.map((m) => [m.model, m.priceSource])).toEqual([
      ['claude-haiku-4-5', 'config'],
      ['claude-opus-4-8', 'list'],
      ['mystery-model', null],
    ]);
  });

  test('no tokens cost nothing', () => {
    expect(costOf({}, {}, {})).toMatchObject({ usd: 0, pricedUsd: 0, byModel: [] });
  });
});

describe('one run\'s cost', () => {
  // The runs list, `show` and the export price one record at a time, without building a report's sums: each must cost what a report of that run alone says.
  const overrides = { 'my-model': { input: 1, output: 2, cacheWrite: 3, cacheRead: 0.5 } };
  const cases: Record<string, Omit<RecordSpec, 'id' | 'start'>> = {
    'a listed model': { model: 'claude-opus-4-8', tokens: { input: 1_000, output: 500, cacheCreation: 2_000, cacheRead: 30_000, cacheCreation1h: 500 } },
    'a snapshot id': { model: 'claude-sonnet-4-5-20250929', tokens: { input: 10, output: 20 } },
    'a configured model': { model: 'my-model', tokens: { input: 1_000, output: 1_000 } },
    'an unknown model': { model: 'claude-unknown-9', tokens: { input: 1, output: 1 } },
    'no model': { model: null, tokens: { input: 1, output: 1 } },
    'no billed call': { model: 'claude-unknown-9', tokens: { input: 0, output: 0 } },
    'no tokens': { model: 'claude-opus-4-8', tokens: null },
    'long context, not split, on a model with long-context rates': { model: 'claude-sonnet-4-5', tokensUsed: 250_000, tokens: { input: 240_000, output: 10 } },
    'long context, split per call': {
      model: 'claude-sonnet-4-5',
      tokensUsed: 250_000,
      tokens: { input: 240_000, output: 10, longContext: { input: 230_000, output: 5, cacheCreation: 0, cacheCreation1h: 0, cacheRead: 0 } },
    },
  };
  for (const [name, spec] of Object.entries(cases)) {
    test(name, () => {
      const record = makeRecord({ id: 'run-1', start: at(2026, 12, 6), ...spec });
      const agent = summarizeDay('2026-12-06', [record]).agents[record.agentType]!;
      const report = costOf(agent.models, agent.longContextModels, overrides).usd;
      expect(runCost(record, overrides)).toBe(record.metrics.tokens ? report : null);
    });
  }

  test('is priced: the cases above are not all unpriced', () => {
    const run = (name: string) => runCost(makeRecord({ id: 'run-1', start: at(2026, 12, 6), ...cases[name]! }), overrides);
    expect(run('a listed model')).toBeGreaterThan(0);
    expect(run('a configured model')).toBe(0.003);
    expect(run('long context, not split, on a model with long-context rates')).toBeNull();
  });
});
