import type { ModelPrice } from '../schema/config.js';
import { PRICE_DATA } from './price-data.js';
import type { DatasetModel, DatasetRates } from './price-data-types.js';

// The one price source: the Anthropic list prices of @pydantic/genai-prices,
// a maintained dataset, bundled at build time (price-data.ts, `npm run
// prices`) so nothing needs a network. A project with other rates sets
// `prices` in .claude/agent-track.json. Pricing follows Claude Code
// (2.1.332): each API call at its model's rates, the long-context rates for a
// call whose prompt passed the threshold, 1-hour cache writes at their own
// rate. Not modelled: fast mode, the US-only inference surcharge (x1.1), web
// search requests, batch.

export const PRICE_SOURCE = { name: PRICE_DATA.source, version: PRICE_DATA.version, published: PRICE_DATA.published } as const;
/** Release date of the bundled price list: what reports print as "list prices as of". */
export const PRICES_AS_OF = PRICE_DATA.published;

/** USD per million tokens, as used for pricing: 1-hour writes resolved to a number. */
export interface Rates {
  input: number;
  output: number;
  cacheWrite: number;
  cacheWrite1h: number;
  cacheRead: number;
}

export interface ResolvedPrice {
  rates: Rates;
  /** Rates for a whole API call whose prompt passed `above` tokens; null: the same rates at any size. */
  longContext: { above: number; rates: Rates } | null;
  source: 'config' | 'dataset';
  /** The dataset's model id (its price entry), or the config key. */
  key: string;
  /** The dataset's start date for this price, when it has one. */
  since: string | null;
}

/**
 * The lookup key for a model id as it appears in transcripts and Agent results:
 * lower case, without the context-window suffix ("[1m]"), a snapshot date
 * ("-20250929", "@20250929"), a Bedrock prefix/suffix ("us.anthropic.",
 * "-v1:0") or "-latest". Only exact names match afterwards: "claude-opus-4-8"
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

// A Map, not an object: a model named "toString" or "__proto__" is unknown, not a price.
let byName: Map<string, DatasetModel> | null = null;
function datasetIndex(): Map<string, DatasetModel> {
  if (byName) return byName;
  byName = new Map();
  for (const model of PRICE_DATA.models) {
    for (const name of [model.id, ...model.names]) {
      const key = normalizeModelId(name);
      // The dataset's first model naming an id wins, as in the package's own lookup.
      if (!byName.has(key)) byName.set(key, model);
    }
  }
  return byName;
}

/** Every model the bundled list prices, in its order. */
export function datasetModels(): readonly DatasetModel[] {
  return PRICE_DATA.models;
}

/**
 * Resolved prices by config and model. A report prices each model once, but
 * a run's own cost (export, `show`, the runs list) resolves one model per
 * record, and 100,000 records would normalise ids and search the overrides
 * 100,000 times for a handful of models. A config object is never changed
 * once loaded; bounded for a store with endless model names.
 */
const resolvedPrices = new WeakMap<object, Map<string, ResolvedPrice | null>>();
const RESOLVED_PER_CONFIG_MAX = 1_000;

/** Config overrides (by exact or normalised id) first, then the dataset; null for a model we have no price for. Shared: never change what it returns. */
export function priceFor(model: string, overrides: Readonly<Record<string, ModelPrice>>): ResolvedPrice | null {
  let resolved = resolvedPrices.get(overrides);
  if (!resolved) resolvedPrices.set(overrides, (resolved = new Map()));
  const known = resolved.get(model);
  if (known !== undefined) return known;
  const price = resolvePrice(model, overrides);
  if (resolved.size < RESOLVED_PER_CONFIG_MAX) resolved.set(model, price);
  return price;
}

function resolvePrice(model: string, overrides: Readonly<Record<string, ModelPrice>>): ResolvedPrice | null {
  const key = normalizeModelId(model);
  const configured = Object.entries(overrides);
  const override = configured.find(([id]) => id === model) ?? configured.find(([id]) => normalizeModelId(id) === key);
  // A configured price is the user's statement of what they pay, long context included.
  if (override) return { rates: ratesOf(override[1]), longContext: null, source: 'config', key: override[0], since: null };
  const known = datasetIndex().get(key);
  if (!known) return null;
  return {
    rates: ratesOf(known.rates),
    longContext: known.longContext && { above: known.longContext.above, rates: ratesOf(known.longContext.rates) },
    source: 'dataset',
    key: known.id,
    since: known.since,
  };
}

/** Without a separate 1-hour rate, Claude Code bills 1-hour writes at the 5-minute rate: so do we. */
function ratesOf(price: DatasetRates | ModelPrice): Rates {
  return {
    input: price.input,
    output: price.output,
    cacheWrite: price.cacheWrite,
    cacheWrite1h: price.cacheWrite1h ?? price.cacheWrite,
    cacheRead: price.cacheRead,
  };
}
