import type { ModelPrice } from '../schema/config.js';
import type { AgentMetrics, CostFigures, Report, WorkflowPattern } from '../schema/report.js';
import type { DayFigures, DaySummary, TokenSums, WorkflowTally } from '../schema/summary.js';
import { costOf, costWarnings, type CostSummary } from './cost.js';
import { sessionShare } from './session-share.js';
import type { SessionFigures } from '../schema/session.js';
import { combineAgents, mergeDays, type PeriodAgent } from './merge.js';
import { periodRange, periodText, type Period } from '../time/period.js';
import { PRICES_AS_OF } from './prices.js';
import { earlySignals, improvementAreas, topPerformers } from './rules.js';
import { percent, roundedMean } from './stats.js';
import { toolUsage } from './tools.js';
import { describeWorkflow } from './workflows.js';

// The one report pipeline: day summaries of a period (whatever the period:
// a day, a week, a month, a range) in, the report out. Pure.

export const WORKFLOW_PATTERNS_KEPT = 50;
export const COMMON_ERRORS_KEPT = 3;

export interface ReportInput {
  period: Period;
  /** Summaries of the days in the period that have data, with their workflows. */
  days: readonly DaySummary[];
  /** Figures of the days before the period: each agent's own history for the rules. */
  baseline: readonly DayFigures[];
  baselineDays: number;
  /** Only these agent types; null for all. */
  agents: readonly string[] | null;
  prices: Readonly<Record<string, ModelPrice>>;
  now: number;
  /** Main-thread figures of the period's sessions (sessions/<session>.json), when there are any. */
  sessions?: readonly SessionFigures[];
}

export function buildReport(input: ReportInput): Report {
  const filter = input.agents ? new Set(input.agents) : null;
  const period = mergeDays(input.days, filter);
  const baseline = mergeDays(input.baseline, filter);
  const warnings: string[] = [];

  const agentMetrics = [...period.agents].map(([agent, day]) => agentMetricsOf(agent, day, input.prices));
  agentMetrics.sort((a, b) => b.executions - a.executions || (a.agent < b.agent ? -1 : 1));

  const all = combineAgents(period.agents.values());
  const cost = costOf(all.models, all.longContextModels, input.prices);
  warnings.push(...costWarnings(cost));
  for (const agent of input.agents ?? []) {
    if (!period.agents.has(agent)) warnings.push(`no executions of agent "${agent}" in this period`);
  }

  const areas = improvementAreas({ agents: period.agents, baseline: baseline.agents, baselineDays: input.baselineDays });
  const signals = earlySignals(period.agents, areas);
  // Any finding or signal rules an agent out of the top performers.
  const flagged = new Set([...areas.map((a) => a.agent), ...signals.map((s) => s.agent)]);

  return {
    schemaVersion: 1,
    kind: 'agent-track/report',
    generatedAt: new Date(input.now).toISOString(),
    period: periodText(input.period),
    range: periodRange(input.period),
    filter: { agents: input.agents ? [...input.agents] : null },
    summary: {
      totalExecutions: all.executions,
      succeeded: all.success,
      partial: all.partial,
      failed: all.failed,
      successRate: percent(all.success, all.executions),
      avgDuration: all.durations.mean(),
      p50Duration: all.durations.percentile(50),
      p95Duration: all.durations.percentile(95),
      totalTokensUsed: all.tokensUsed.total,
      billedTokens: billed(all.tokens),
      cost: costFigures(cost, all),
      failuresByType: Object.entries(all.errors)
        .map(([type, t]) => ({ type, count: t.count, executions: t.executions }))
        .sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : 1)),
      agents: period.agents.size,
    },
    agentMetrics,
    topPerformers: topPerformers(period.agents, flagged),
    improvementAreas: areas,
    earlySignals: signals,
    toolUsage: toolUsage(period.agents),
    workflowPatterns: workflowPatterns(period.workflows),
    cost: {
      currency: 'USD',
      pricesAsOf: PRICES_AS_OF,
      total: costFigures(cost, all),
      byModel: cost.byModel,
      byAgent: agentMetrics
        .map((m) => ({ agent: m.agent, usd: m.cost.usd, pricedUsd: m.cost.pricedUsd, unpricedExecutions: m.cost.unpricedExecutions }))
        .sort((a, b) => b.pricedUsd - a.pricedUsd || (a.agent < b.agent ? -1 : 1)),
    },
    dataQuality: {
      daysWithData: period.days.length,
      skippedFiles: period.skipped,
      executionsWithoutPrompt: period.withoutPrompt,
    },
    sessions: sessionShare(input.sessions ?? [], input.agents, input.prices),
    warnings,
  };
}

function agentMetricsOf(agent: string, day: PeriodAgent, prices: Readonly<Record<string, ModelPrice>>): AgentMetrics {
  const cost = costOf(day.models, day.longContextModels, prices);
  return {
    agent,
    executions: day.executions,
    succeeded: day.success,
    partial: day.partial,
    failed: day.failed,
    successRate: percent(day.success, day.executions),
    avgDuration: day.durations.mean(),
    p50Duration: day.durations.percentile(50),
    p95Duration: day.durations.percentile(95),
    tokens: {
      total: day.tokensUsed.total,
      avg: roundedMean(day.tokensUsed.total, day.tokensUsed.executions),
      billed: billed(day.tokens).total,
    },
    cost: costFigures(cost, day),
    commonErrors: Object.entries(day.errors)
      .map(([type, t]) => ({ type, count: t.count, executions: t.executions, sample: t.sample }))
      .sort((a, b) => b.executions - a.executions || b.count - a.count || (a.type < b.type ? -1 : 1))
      .slice(0, COMMON_ERRORS_KEPT),
    lastSuccess: day.lastSuccessAt === null ? null : new Date(day.lastSuccessAt).toISOString(),
    lastExecution: day.lastExecutionAt === null ? null : new Date(day.lastExecutionAt).toISOString(),
  };
}

function costFigures(cost: CostSummary, day: PeriodAgent): CostFigures {
  return {
    usd: cost.usd,
    pricedUsd: cost.pricedUsd,
    pricedExecutions: cost.pricedExecutions,
    unpricedExecutions: cost.unpricedExecutions,
    executionsWithoutTokens: day.executions - day.tokens.executions,
  };
}

function billed(tokens: TokenSums) {
  return {
    input: tokens.input,
    output: tokens.output,
    cacheCreation: tokens.cacheCreation,
    cacheRead: tokens.cacheRead,
    total: tokens.input + tokens.output + tokens.cacheCreation + tokens.cacheRead,
  };
}

function workflowPatterns(workflows: ReadonlyMap<string, WorkflowTally>): WorkflowPattern[] {
  // Ranked on the tallies, ties by shape key, so only the kept few are decoded into names.
  return [...workflows]
    .sort((a, b) => b[1][0] - a[1][0] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, WORKFLOW_PATTERNS_KEPT)
    .map(([key, [runs, succeeded, , wallTime]]) => {
      const info = describeWorkflow(key);
      return {
        name: info.name,
        frequency: runs,
        agentSequence: info.stages.flat(),
        stages: info.stages,
        avgTotalDuration: Math.round(wallTime / runs),
        successRate: percent(succeeded, runs),
      };
    });
}
