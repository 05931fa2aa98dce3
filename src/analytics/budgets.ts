import { matchesGlob } from '../schema/pattern.js';
import type { BudgetPeriod, BudgetRule, ModelPrice } from '../schema/config.js';
import type { BudgetState } from '../schema/budgets.js';
import type { TokenSums } from '../schema/summary.js';
import type { DaySpend } from './day-spend.js';
import { costOf } from './cost.js';
import { addTokens, emptyTokens } from './day-summary.js';
import { isoWeekOf, isoWeekRange, monthRange } from '../time/period.js';
import { round } from './stats.js';
import { HOUR_MS } from '../time/duration.js';

// Budgets: what each one has burnt in its current period (today, this ISO
// week, this month, local time) and where it is heading at the period's own
// burn rate. Pure: day figures, the rules, prices and `now` in.

export const DEFAULT_WARN_AT = 80;

export interface BudgetInput {
  budgets: readonly BudgetRule[];
  /** Figures of every day from the earliest period start (see budgetsFrom) to today: day rollups or completion lines' sums. */
  days: readonly DaySpend[];
  prices: Readonly<Record<string, ModelPrice>>;
  now: number;
  /** The local day of `now` (YYYY-MM-DD), from the one place that names days. */
  today: string;
}

/** The current period of a budget: its first and last day. */
export function budgetRange(period: BudgetPeriod, today: string): { from: string; to: string } {
  if (period === 'day') return { from: today, to: today };
  if (period === 'week') return isoWeekRange(isoWeekOf(today))!;
  return monthRange(today.slice(0, 7))!;
}

/** The first day any budget needs figures from. */
export function budgetsFrom(budgets: readonly BudgetRule[], today: string): string | null {
  const starts = budgets.map((b) => budgetRange(b.period, today).from);
  return starts.length ? starts.sort()[0]! : null;
}

export function budgetStates(input: BudgetInput): BudgetState[] {
  const states: BudgetState[] = [];
  for (const rule of input.budgets) {
    const { from, to } = budgetRange(rule.period, input.today);
    // The same linear-time glob as `priority` rules.
    const glob = rule.agentType;
    const matches = glob === undefined ? () => true : (agent: string) => matchesGlob(glob, agent);
    const models: Record<string, TokenSums> = {};
    const longModels: Record<string, TokenSums> = {};
    const tokens = emptyTokens();
    let executions = 0;
    for (const day of input.days) {
      if (day.day < from || day.day > to) continue;
      for (const [agent, figures] of Object.entries(day.agents)) {
        if (!matches(agent)) continue;
        executions += figures.executions;
        addTokens(tokens, figures.tokens);
        addModels(models, figures.models);
        addModels(longModels, figures.longContextModels);
      }
    }
    const cost = costOf(models, longModels, input.prices);
    const elapsed = elapsedShare(from, to, input.now);
    const warnAt = rule.warnAt ?? DEFAULT_WARN_AT;
    const name = rule.name ?? `${rule.period} · ${rule.agentType ?? 'all agents'}`;
    const billed = tokens.input + tokens.output + tokens.cacheCreation + tokens.cacheRead;
    const metrics: [BudgetState['metric'], number | undefined, number][] = [
      ['usd', rule.usd, cost.pricedUsd],
      ['billedTokens', rule.billedTokens, billed],
    ];
    for (const [metric, limit, spent] of metrics) {
      if (limit === undefined) continue;
      const share = round((spent / limit) * 100, 1);
      const forecast = elapsed === null ? null : metric === 'usd' ? round(spent / elapsed, 6) : Math.round(spent / elapsed);
      states.push({
        name,
        period: rule.period,
        from,
        to,
        agentType: rule.agentType ?? null,
        metric,
        limit,
        spent,
        share,
        forecast,
        forecastShare: forecast === null ? null : round((forecast / limit) * 100, 1),
        warnAt,
        state: spent >= limit ? 'spent' : share >= warnAt ? 'warning' : 'ok',
        executions,
        unpricedExecutions: metric === 'usd' ? cost.unpricedExecutions : 0,
      });
    }
  }
  return states;
}

/** The share of the period gone by at `now`; null in its first 24th (an hour of a day), too early for a rate. */
function elapsedShare(from: string, to: string, now: number): number | null {
  const start = localMidnight(from);
  const end = localMidnight(to) + 24 * HOUR_MS;
  const share = (now - start) / (end - start);
  if (share < 1 / 24) return null;
  return Math.min(1, share);
}

function localMidnight(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d!).getTime();
}

function addModels(into: Record<string, TokenSums>, from: Readonly<Record<string, TokenSums>>): void {
  for (const [model, sums] of Object.entries(from)) addTokens((into[model] ??= emptyTokens()), sums);
}

