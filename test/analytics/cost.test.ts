import { describe, expect, test } from 'vitest';
import { costOf, costWarnings, usdOf } from '../../src/analytics/cost.js';
import { NO_MODEL } from '../../src/analytics/day-summary.js';
import { normalizeModelId, priceFor, PRICE_TABLE } from '../../src/analytics/prices.js';

const tokens = (executions: number, input: number, output: number, cacheCreation = 0, cacheRead = 0) => ({
  executions,
  input,
  output,
  cacheCreation,
  cacheRead,
});

describe('price table', () => {
  test('reproduces what Claude Code 2.1.197 charged in the captured session', () => {
    // fixtures/claude-code-2.1.197/single/result.json: modelUsage "claude-opus-4-8[1m]", costUSD 0.005145
    const price = priceFor('claude-opus-4-8[1m]', {})!;
    expect(usdOf({ input: 504, output: 100, cacheCreation: 0, cacheRead: 250 }, price.price)).toBeCloseTo(0.005145, 12);
  });

  test('prices cache writes at 1.25x and cache reads at 0.1x input', () => {
    for (const [model, entry] of Object.entries(PRICE_TABLE)) {
      if (model.startsWith('claude-3-haiku') || model.startsWith('claude-3-5-haiku')) continue;
      expect(entry.price.cacheWrite, model).toBeCloseTo(entry.price.input * 1.25, 10);
      expect(entry.price.cacheRead, model).toBeCloseTo(entry.price.input / 10, 10);
    }
  });

  test('normalises suffixes, dates and provider forms without loosening the match', () => {
    expect(normalizeModelId('claude-opus-4-8[1m]')).toBe('claude-opus-4-8');
    expect(normalizeModelId('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5');
    expect(normalizeModelId('claude-sonnet-4-5@20250929')).toBe('claude-sonnet-4-5');
    expect(normalizeModelId('us.anthropic.claude-3-5-haiku-20241022-v1:0')).toBe('claude-3-5-haiku');
    expect(normalizeModelId('Claude-Haiku-4-5')).toBe('claude-haiku-4-5');
    expect(priceFor('claude-opus-4-20250514', {})!.price.input).toBe(15);
    expect(priceFor('claude-opus-4-5-20251101', {})!.price.input).toBe(5);
  });

  test('knows nothing about aliases or models it has no row for', () => {
    expect(priceFor('sonnet', {})).toBeNull();
    expect(priceFor('opus', {})).toBeNull();
    expect(priceFor('claude-opus-4-9', {})).toBeNull();
    expect(priceFor('gpt-5', {})).toBeNull();
  });

  test('a config price wins, matched by exact or normalised id', () => {
    const override = { input: 1, output: 2, cacheWrite: 3, cacheRead: 4 };
    expect(priceFor('claude-opus-4-8', { 'claude-opus-4-8': override })).toMatchObject({ price: override, source: 'config' });
    expect(priceFor('claude-opus-4-8[1m]', { 'claude-opus-4-8-20260101': override })).toMatchObject({ source: 'config' });
    expect(priceFor('my-proxy-model', { 'my-proxy-model': override })).toMatchObject({ source: 'config' });
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

  test('an unknown model gives no cost and a warning, never a guessed number', () => {
    const cost = costOf({ 'claude-opus-4-8': tokens(1, 1_000_000, 0), 'mystery-model': tokens(4, 10, 10) }, {}, {});
    expect(cost.usd).toBeNull();
    expect(cost.pricedUsd).toBe(5);
    expect(cost.unpricedExecutions).toBe(4);
    expect(cost.byModel.find((m) => m.model === 'mystery-model')).toMatchObject({ usd: null, unpriced: 'unknown-model' });
    expect(costWarnings(cost)[0]).toContain('mystery-model (4 executions)');
  });

  test('executions with no recorded model are not priced', () => {
    const cost = costOf({ [NO_MODEL]: tokens(2, 10, 10) }, {}, {});
    expect(cost.usd).toBeNull();
    expect(costWarnings(cost)[0]).toContain('2 executions have tokens but no recorded model');
  });

  test('long contexts are priced only where the rate cannot change above 200k', () => {
    const premium = costOf({}, { 'claude-sonnet-4-5': tokens(1, 300_000, 10) }, {});
    expect(premium.usd).toBeNull();
    expect(premium.byModel[0]!.unpriced).toBe('long-context');
    expect(costWarnings(premium)[0]).toContain('passed 200k');
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
