import type { ModelPrice } from '../schema/config.js';

// The one price table: USD per million tokens, Anthropic API list prices.
// Source: https://platform.claude.com/docs/en/about-claude/pricing (model
// pricing table), checked 2026-11-25. Cache writes are priced at the 5-minute
// rate (1.25x input), which is what Claude Code writes by default; the records
// do not say which cache duration a write used. Verified against a real
// capture: Claude Code 2.1.197 priced claude-opus-4-8 usage of 504 input, 100
// output and 250 cache-read tokens at $0.005145, exactly these rates.
// Batch, fast-mode and regional-endpoint surcharges are not modelled. A project
// with other rates sets `prices` in .claude/agent-track.json.
export const PRICES_AS_OF = '2026-11-25';

const rates = (input: number, output: number): ModelPrice => ({
  input,
  output,
  cacheWrite: input * 1.25,
  cacheRead: input / 10,
});

export interface PriceEntry {
  price: ModelPrice;
  /**
   * 'premium': a request over 200k input tokens is billed at higher rates on
   * every token (documented for the 1M-context Sonnet 4 and 4.5); 'unknown':
   * the model accepts such requests but its long-context billing is not
   * verified here; 'none': the model's context window is 200k.
   */
  longContext: 'premium' | 'unknown' | 'none';
}

const entry = (price: ModelPrice, longContext: PriceEntry['longContext']): PriceEntry => ({ price, longContext });

export const PRICE_TABLE: Readonly<Record<string, PriceEntry>> = {
  'claude-opus-4-8': entry(rates(5, 25), 'unknown'),
  'claude-opus-4-7': entry(rates(5, 25), 'unknown'),
  'claude-opus-4-6': entry(rates(5, 25), 'unknown'),
  'claude-opus-4-5': entry(rates(5, 25), 'none'),
  'claude-opus-4-1': entry(rates(15, 75), 'none'),
  'claude-opus-4': entry(rates(15, 75), 'none'),
  'claude-opus-4-0': entry(rates(15, 75), 'none'),
  'claude-sonnet-4-6': entry(rates(3, 15), 'unknown'),
  'claude-sonnet-4-5': entry(rates(3, 15), 'premium'),
  'claude-sonnet-4': entry(rates(3, 15), 'premium'),
  'claude-sonnet-4-0': entry(rates(3, 15), 'premium'),
  'claude-3-7-sonnet': entry(rates(3, 15), 'none'),
  'claude-3-5-sonnet': entry(rates(3, 15), 'none'),
  'claude-haiku-4-5': entry(rates(1, 5), 'none'),
  'claude-3-5-haiku': entry({ input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 }, 'none'),
  'claude-3-haiku': entry({ input: 0.25, output: 1.25, cacheWrite: 0.3, cacheRead: 0.03 }, 'none'),
  'claude-3-opus': entry(rates(15, 75), 'none'),
};

/**
 * The table key for a model id as it appears in transcripts and Agent results:
 * lower case, without the context-window suffix ("[1m]"), a snapshot date
 * ("-20250929", "@20250929"), a Bedrock prefix/suffix ("us.anthropic.",
 * "-v1:0") or "-latest". Only exact keys match afterwards: "claude-opus-4-8"
 * must never fall back to "claude-opus-4", whose price is three times higher.
 */
export function normalizeModelId(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/\[[^\]]*\]$/, '')
    .replace(/^(?:[a-z]{2,4}\.)?anthropic\./, '')
    .replace(/-v\d+(?::\d+)?$/, '')
    .replace(/@\d{8}$/, '')
    .replace(/-\d{8}$/, '')
    .replace(/-latest$/, '');
}

export interface ResolvedPrice {
  price: ModelPrice;
  longContext: PriceEntry['longContext'];
  source: 'config' | 'table';
}

/** Config overrides (by exact or normalised id) first, then the table; null for a model we have no price for. */
export function priceFor(model: string, overrides: Readonly<Record<string, ModelPrice>>): ResolvedPrice | null {
  const key = normalizeModelId(model);
  const override = overrides[model] ?? Object.entries(overrides).find(([id]) => normalizeModelId(id) === key)?.[1];
  // A configured price is the user's statement of what they pay, long context included.
  if (override) return { price: override, longContext: 'none', source: 'config' };
  const known = PRICE_TABLE[key];
  return known ? { price: known.price, longContext: known.longContext, source: 'table' } : null;
}
