import type { ModelPrice } from '../schema/config.js';
import type { AgentExecution } from '../schema/record.js';
import type { TokenSums } from '../schema/summary.js';
import { isLongContext, NO_MODEL } from './day-summary.js';
import { priceFor, type Rates, type ResolvedPrice } from './prices.js';
import { round } from './stats.js';

// Tokens are summed exactly per model first and priced once, so a month costs
// the same whether it is priced day by day or in one go (up to the final
// rounding to a millionth of a dollar). A token we cannot price makes the
// total unknown (null), never a guess; `pricedUsd` still says what the priced
// part costs.

export type Unpriced = 'unknown-model' | 'no-model' | 'long-context';

export interface ModelCost {
  model: string;
  executions: number;
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
  /** Null when some of this model's executions could not be priced. */
  usd: number | null;
  /** USD of the executions that could be priced. */
  pricedUsd: number;
  unpricedExecutions: number;
  unpriced: Unpriced | null;
  /** Where its price came from: the bundled price list or the config; null when it has none. */
  priceSource: 'list' | 'config' | null;
}

export interface CostSummary {
  usd: number | null;
  pricedUsd: number;
  pricedExecutions: number;
  unpricedExecutions: number;
  byModel: ModelCost[];
}

interface Billed {
  input: number;
  output: number;
  cacheCreation: number;
  cacheCreation1h?: number;
  cacheRead: number;
}

/** USD of tokens at one set of rates: 1-hour cache writes at their rate, the other writes at the 5-minute rate (as Claude Code bills them). */
export function usdOf(tokens: Billed, rates: Rates): number {
  const oneHour = Math.min(tokens.cacheCreation1h ?? 0, tokens.cacheCreation);
  return (
    (tokens.input * rates.input +
      tokens.output * rates.output +
      (tokens.cacheCreation - oneHour) * rates.cacheWrite +
      oneHour * rates.cacheWrite1h +
      tokens.cacheRead * rates.cacheRead) /
    1_000_000
  );
}

/** Tokens split per API call: the long-context calls at the model's long-context rates, the rest at its base rates. */
function usdOfSplit(tokens: Billed & { longContext?: TokenSums['longContext'] | null }, price: ResolvedPrice): number {
  const long = tokens.longContext;
  if (!long) return usdOf(tokens, price.rates);
  const base: Billed = {
    input: tokens.input - long.input,
    output: tokens.output - long.output,
    cacheCreation: tokens.cacheCreation - long.cacheCreation,
    cacheCreation1h: (tokens.cacheCreation1h ?? 0) - long.cacheCreation1h,
    cacheRead: tokens.cacheRead - long.cacheRead,
  };
  return usdOf(base, price.rates) + usdOf(long, price.longContext?.rates ?? price.rates);
}

export function costOf(
  models: Readonly<Record<string, TokenSums>>,
  longContextModels: Readonly<Record<string, TokenSums>>,
  overrides: Readonly<Record<string, ModelPrice>>,
): CostSummary {
  const ids = [...new Set([...Object.keys(models), ...Object.keys(longContextModels)])].sort();
  const byModel: ModelCost[] = [];
  let pricedUsd = 0;
  let pricedExecutions = 0;
  let unpricedExecutions = 0;
  for (const model of ids) {
    const standard = own(models, model);
    const long = own(longContextModels, model);
    const resolved = model === NO_MODEL ? null : priceFor(model, overrides);
    let usd = 0;
    let unpriced: Unpriced | null = null;
    let unpricedCount = 0;
    let pricedCount = 0;
    for (const [tokens, isLong] of [
      [standard, false],
      [long, true],
    ] as const) {
      if (!tokens || tokens.executions === 0) continue;
      const cost = priced(model, tokens, isLong, resolved);
      if (typeof cost === 'number') {
        usd += cost;
        pricedCount += tokens.executions;
      } else {
        // A model with no price says so over a long-context reason.
        unpriced = cost === 'long-context' ? (unpriced ?? cost) : cost;
        unpricedCount += tokens.executions;
      }
    }
    pricedUsd += usd;
    pricedExecutions += pricedCount;
    unpricedExecutions += unpricedCount;
    byModel.push({
      model,
      executions: (standard?.executions ?? 0) + (long?.executions ?? 0),
      input: (standard?.input ?? 0) + (long?.input ?? 0),
      output: (standard?.output ?? 0) + (long?.output ?? 0),
      cacheCreation: (standard?.cacheCreation ?? 0) + (long?.cacheCreation ?? 0),
      cacheRead: (standard?.cacheRead ?? 0) + (long?.cacheRead ?? 0),
      usd: unpricedCount > 0 ? null : roundUsd(usd),
      pricedUsd: roundUsd(usd),
      unpricedExecutions: unpricedCount,
      unpriced,
      priceSource: resolved === null ? null : resolved.source === 'config' ? 'config' : 'list',
    });
  }
  return {
    usd: unpricedExecutions > 0 ? null : roundUsd(pricedUsd),
    pricedUsd: roundUsd(pricedUsd),
    pricedExecutions,
    unpricedExecutions,
    byModel,
  };
}

/**
 * The USD of one model's tokens, or why they cannot be priced: the one
 * decision behind a report's total and a single run's cost. `isLong`: the
 * tokens of runs whose context passed 200k but whose records do not split
 * them per API call.
 */
function priced(model: string, tokens: Billed & { longContext?: TokenSums['longContext'] | null }, isLong: boolean, resolved: ResolvedPrice | null): number | Unpriced {
  // Runs that made no billed call (one that failed before its first response) cost nothing, whatever their model.
  if (billedTotal(tokens) === 0) return 0;
  if (!resolved) return model === NO_MODEL ? 'no-model' : 'unknown-model';
  // An older record that does not split its tokens per call, for a model whose long calls cost more: which rate applies is unknown.
  if (isLong && resolved.longContext !== null) return 'long-context';
  return usdOfSplit(tokens, resolved);
}

function billedTotal(tokens: Billed): number {
  return tokens.input + tokens.output + tokens.cacheCreation + tokens.cacheRead;
}

/** A model named "toString" must not read Object.prototype.toString. */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function roundUsd(usd: number): number {
  return round(usd, 6);
}

/** One line per reason some tokens were not priced, naming the models and the fix. */
export function costWarnings(cost: CostSummary): string[] {
  const warnings: string[] = [];
  const unknown = cost.byModel.filter((m) => m.unpriced === 'unknown-model');
  if (unknown.length) {
    const list = unknown.map((m) => `${m.model} (${m.unpricedExecutions} executions)`).join(', ');
    warnings.push(`no price for ${list}: their cost is left out; add it under "prices" in agent-track.json (agent-track prices shows what each model is priced at)`);
  }
  const noModel = cost.byModel.find((m) => m.unpriced === 'no-model');
  if (noModel) warnings.push(`${noModel.unpricedExecutions} executions have tokens but no recorded model: their cost is left out`);
  const long = cost.byModel.filter((m) => m.unpriced === 'long-context');
  if (long.length) {
    const list = long.map((m) => `${m.model} (${m.unpricedExecutions})`).join(', ');
    warnings.push(
      `executions recorded before agent-track split tokens per API call, whose context passed 200k tokens, are not priced, as long-context rates depend on each request: ${list}; set "prices" in agent-track.json to price them`,
    );
  }
  return warnings;
}

/** The USD of one run, priced like a report prices it; null when it has no tokens or no price. */
export function runCost(record: AgentExecution, prices: Readonly<Record<string, ModelPrice>>): number | null {
  const tokens = record.metrics.tokens;
  if (!tokens) return null;
  const model = record.request.context.model ?? NO_MODEL;
  // Priced as a report of this one run would price it, without building its sums: an export prices every run it sends.
  const usd = priced(model, tokens, isLongContext(record), model === NO_MODEL ? null : priceFor(model, prices));
  return typeof usd === 'number' ? roundUsd(usd) : null;
}
