import type { ModelPrice } from '../schema/config.js';
import type { ModelPriceInUse, PriceList } from '../schema/prices.js';
import type { DayFigures } from '../schema/summary.js';
import { NO_MODEL } from './day-summary.js';
import { PRICE_DATA } from './price-data.js';
import { priceFor } from './prices.js';

// Pure: the models a period's day summaries used, and the asked-for ones, with
// the price each gets and where it comes from.

export interface PriceListInput {
  figures: readonly DayFigures[];
  /** Models asked for by name (--model), shown even if the period did not use them. */
  requested: readonly string[];
  prices: Readonly<Record<string, ModelPrice>>;
  period: { from: string; to: string };
  configPath: string;
  now: number;
}

/** Executions per recorded model over the days (runs with tokens only: a model is recorded with them). */
export function modelsInUse(figures: readonly DayFigures[]): Map<string, number> {
  const used = new Map<string, number>();
  for (const day of figures) {
    for (const agent of Object.values(day.agents)) {
      for (const bucket of [agent.models, agent.longContextModels]) {
        for (const [model, tokens] of Object.entries(bucket)) used.set(model, (used.get(model) ?? 0) + tokens.executions);
      }
    }
  }
  return used;
}

export function buildPriceList(input: PriceListInput): PriceList {
  const used = modelsInUse(input.figures);
  for (const model of input.requested) if (!used.has(model)) used.set(model, 0);
  const models: ModelPriceInUse[] = [];
  for (const [model, executions] of used) {
    if (model === NO_MODEL) continue;
    const price = priceFor(model, input.prices);
    models.push({
      model,
      executions,
      source: price?.source ?? null,
      priceKey: price?.key ?? null,
      since: price?.since ?? null,
      rates: price ? { ...price.rates } : null,
      longContext: price?.longContext ? { above: price.longContext.above, rates: { ...price.longContext.rates } } : null,
    });
  }
  models.sort((a, b) => b.executions - a.executions || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  const warnings: string[] = [];
  const unknown = models.filter((m) => m.source === null).map((m) => m.model);
  if (unknown.length) {
    warnings.push(`no price for ${unknown.join(', ')}: their cost is left out of reports; add it under "prices" in ${input.configPath}`);
  }
  const noModel = used.get(NO_MODEL);
  if (noModel) warnings.push(`${noModel} executions have tokens but no recorded model: their cost is left out`);
  return {
    schemaVersion: 1,
    kind: 'agent-track/prices',
    generatedAt: new Date(input.now).toISOString(),
    period: { ...input.period },
    source: {
      dataset: PRICE_DATA.source,
      version: PRICE_DATA.version,
      published: PRICE_DATA.published,
      pricingUrls: [...PRICE_DATA.pricingUrls],
      configPath: input.configPath,
    },
    models,
    warnings,
  };
}
