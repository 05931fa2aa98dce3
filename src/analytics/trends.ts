import type { ModelPrice } from '../schema/config.js';
import { keyedObject } from './keyed.js';
import type { Anomaly, TrendFigures, TrendLine, Trends } from '../schema/report.js';
import type { ProjectTrends, ProjectsTrends } from '../schema/projects-trends.js';
import type { AgentDay, DayFigures, TokenSums } from '../schema/summary.js';
import { sessionShare } from './session-share.js';
import type { SessionFigures } from '../schema/session.js';
import { costOf, costWarnings } from './cost.js';
import { addTokens, modelTokens } from './day-summary.js';
import { DurationSet } from './durations.js';
import { daysBetween, periodRange, periodText, previousPeriod, type Period } from '../time/period.js';
import { percent, robustScore, robustSpread, round, slope, type RobustSpread } from './stats.js';

// Per-day series per agent over a window, the change against the window just
// before it, a fitted slope, and anomalies: days or single executions far from
// the agent's own median, measured in robust spreads (MAD), which a few
// outliers cannot inflate the way they inflate a standard deviation.
// Durations are skewed (most runs are short, a long tail is normal), so they
// are compared on a log scale: a run counts as anomalous for being many times
// slower than usual, not for being in the ordinary tail.

export const ANOMALY_SCORE = 3.5;
export const ANOMALIES_KEPT = 50;
const MIN_DAYS_FOR_DAY_ANOMALIES = 7;
const MIN_RUNS_FOR_RATE = 5;
const MIN_RUNS_FOR_P50 = 3;
const MIN_DURATIONS_FOR_EXECUTION_ANOMALIES = 20;
/**
 * A robust score alone flags trivia when an agent is very regular (a day at
 * 0.8x the usual p50 can be "5 spreads" away). A finding must also matter:
 */
const MIN_EFFECT = {
  /** runs per day: at least this many more or fewer, and half the median */
  executions: (value: number, median: number) => Math.abs(value - median) >= Math.max(3, median / 2),
  /** success rate: at least 10 percentage points */
  successRate: (value: number, median: number) => Math.abs(value - median) >= 10,
  /** durations: at least 1.5 times slower or faster */
  p50Duration: (value: number, median: number) => value >= median * 1.5 || value * 1.5 <= median,
  /** one execution: at least 3 times its agent's median */
  duration: (value: number, median: number) => value >= median * 3,
};

type Metric = keyof TrendFigures;
const METRICS: Metric[] = ['executions', 'successRate', 'p50Duration', 'tokensUsed', 'costUsd'];

export interface TrendsInput {
  period: Period;
  /** Figures of the days with data, for the period and the period before it (other days are ignored). */
  summaries: readonly DayFigures[];
  agents: readonly string[] | null;
  prices: Readonly<Record<string, ModelPrice>>;
  now: number;
  /** The local day `now` falls in: if the window holds it, that day is still open. */
  today: string;
  /** Main-thread figures of the sessions of the window, each with the local day it began. */
  sessions?: readonly { day: string; figures: SessionFigures }[];
}

/** The subagents' share of each day's sessions, or null when no session of the window has figures. */
function sharePerDay(days: string[], input: TrendsInput): Trends['sessions'] {
  const inWindow = (input.sessions ?? []).filter((s) => days.includes(s.day));
  if (!inWindow.length) return null;
  const shares = days.map((day) => sessionShare(inWindow.filter((s) => s.day === day).map((s) => s.figures), input.agents, input.prices));
  return { tokenShare: shares.map((s) => s?.tokenShare ?? null), costShare: shares.map((s) => s?.costShare ?? null) };
}

export function buildTrends(input: TrendsInput): Trends {
  const filter = input.agents ? new Set(input.agents) : null;
  const keep = (agent: string) => filter === null || filter.has(agent);
  const days = daysBetween(input.period.from, input.period.to);
  const before = previousPeriod(input.period);
  const byDay = new Map(input.summaries.map((s) => [s.day, s]));
  // Today's runs so far would read as a quiet day: they stay in the series and
  // totals but not in the slopes or the day anomalies.
  const open = days.indexOf(input.today);
  const current = new Map<string, Tally>();
  const previous = new Map<string, Tally>();
  const overallCurrent = emptyTally();
  const overallPrevious = emptyTally();
  const add = (into: Map<string, Tally>, overall: Tally, day: string) => {
    for (const [agent, figures] of Object.entries(byDay.get(day)?.agents ?? {})) {
      if (!keep(agent)) continue;
      let tally = into.get(agent);
      if (!tally) into.set(agent, (tally = emptyTally()));
      addDay(tally, figures);
      addDay(overall, figures);
    }
  };
  for (const day of days) add(current, overallCurrent, day);
  for (const day of daysBetween(before.from, before.to)) add(previous, overallPrevious, day);
  const agentNames = [...new Set([...current.keys(), ...previous.keys()])].sort();

  const agents = agentNames.map((agent) => {
    const series = days.map((d) => {
      const figures = byDay.get(d)?.agents[agent];
      return figures ? tallyOf([figures]) : null;
    });
    return { agent, ...lineOf(series, current.get(agent) ?? null, previous.get(agent) ?? null, input.prices, open) };
  });
  const overallSeries = days.map((d) => {
    const selected = Object.entries(byDay.get(d)?.agents ?? {}).filter(([agent]) => keep(agent));
    return selected.length ? tallyOf(selected.map(([, figures]) => figures)) : null;
  });
  const overall = lineOf(overallSeries, overallCurrent, overallPrevious, input.prices, open);

  const anomalies: Anomaly[] = [];
  for (const { agent, series } of agents) anomalies.push(...dayAnomalies(agent, days, series, open));
  for (const [agent, tally] of current) anomalies.push(...executionAnomalies(agent, days, byDay, tally.durations));
  anomalies.sort((a, b) => Math.abs(b.score) - Math.abs(a.score) || (a.day < b.day ? -1 : 1) || (a.agent < b.agent ? -1 : 1));

  return {
    schemaVersion: 1,
    kind: 'agent-track/trends',
    generatedAt: new Date(input.now).toISOString(),
    period: periodText(input.period),
    range: periodRange(input.period),
    previousPeriod: periodText(before),
    filter: { agents: input.agents ? [...input.agents] : null },
    days,
    partialDay: open === -1 ? null : input.today,
    overall,
    agents,
    anomalies: anomalies.slice(0, ANOMALIES_KEPT),
    sessions: sharePerDay(days, input),
    warnings: [...coverageWarnings(input, before), ...costWarnings(costOf(overallCurrent.models, overallCurrent.longContextModels, input.prices))],
  };
}

/** Only what trends show, added up over days and agents: cheaper than a full period merge over a year. */
interface Tally {
  executions: number;
  success: number;
  tokensUsed: number;
  models: Record<string, TokenSums>;
  longContextModels: Record<string, TokenSums>;
  durations: DurationSet;
}

function emptyTally(): Tally {
  return { executions: 0, success: 0, tokensUsed: 0, models: keyedObject(), longContextModels: keyedObject(), durations: new DurationSet() };
}

function addDay(tally: Tally, day: AgentDay): void {
  tally.executions += day.executions;
  tally.success += day.success;
  tally.tokensUsed += day.tokensUsed.total;
  for (const [model, tokens] of Object.entries(day.models)) addTokens(modelTokens(tally.models, model), tokens);
  for (const [model, tokens] of Object.entries(day.longContextModels)) addTokens(modelTokens(tally.longContextModels, model), tokens);
  tally.durations.add(day.durations);
}

function tallyOf(days: readonly AgentDay[]): Tally {
  if (days.length === 1) {
    // One day of one agent: its own objects, nothing to add up.
    const [day] = days as [AgentDay];
    const durations = new DurationSet();
    durations.add(day.durations);
    return { executions: day.executions, success: day.success, tokensUsed: day.tokensUsed.total, models: day.models, longContextModels: day.longContextModels, durations };
  }
  const tally = emptyTally();
  for (const day of days) addDay(tally, day);
  return tally;
}

/** The change against the previous period means little if records only start partway through it. */
function coverageWarnings(input: TrendsInput, before: { from: string; to: string }): string[] {
  const first = input.summaries.reduce<string | null>((min, s) => (min === null || s.day < min ? s.day : min), null);
  if (first === null || first <= before.from || first > input.period.to) return [];
  if (first > before.to) return [`no records before ${first}: there is nothing to compare with in ${periodText(before)}`];
  return [`records start on ${first}, partway through the previous period (${periodText(before)}): changes against it overstate growth`];
}

function figuresOf(day: Tally | null, prices: Readonly<Record<string, ModelPrice>>): TrendFigures {
  if (!day || day.executions === 0) return { executions: 0, successRate: null, p50Duration: null, tokensUsed: 0, costUsd: 0 };
  return {
    executions: day.executions,
    successRate: percent(day.success, day.executions),
    p50Duration: day.durations.percentile(50),
    tokensUsed: day.tokensUsed,
    costUsd: costOf(day.models, day.longContextModels, prices).usd,
  };
}

function lineOf(
  days: readonly (Tally | null)[],
  current: Tally | null,
  previous: Tally | null,
  prices: Readonly<Record<string, ModelPrice>>,
  /** Index of the day still open, or -1. */
  open: number,
): TrendLine {
  const daily = days.map((d) => figuresOf(d, prices));
  const now = figuresOf(current, prices);
  const then = figuresOf(previous, prices);
  const series = {
    executions: daily.map((f) => f.executions),
    successRate: daily.map((f) => f.successRate),
    p50Duration: daily.map((f) => f.p50Duration),
    tokensUsed: daily.map((f) => f.tokensUsed),
    costUsd: daily.map((f) => f.costUsd),
  };
  const decimals: Record<Metric, number> = { executions: 3, successRate: 3, p50Duration: 1, tokensUsed: 1, costUsd: 6 };
  const change = {} as TrendLine['change'];
  const fitted = {} as TrendLine['slope'];
  for (const metric of METRICS) {
    const a = then[metric];
    const b = now[metric];
    const delta = a === null || b === null ? null : round(b - a, decimals[metric]);
    change[metric] = { previous: a, current: b, delta, percent: delta === null || !a ? null : round((delta / a) * 100, 1) };
    const s = slope(open === -1 ? series[metric] : series[metric].map((v, i) => (i === open ? null : v)));
    fitted[metric] = s === null ? null : round(s, decimals[metric] + 1);
  }
  return { current: now, previous: then, change, slope: fitted, series };
}

function dayAnomalies(agent: string, days: readonly string[], series: TrendLine['series'], open: number): Anomaly[] {
  const found: Anomaly[] = [];
  const check = (metric: Anomaly['metric'], values: (number | null)[], counts: readonly number[], minRuns: number, log: boolean) => {
    const points = values.map((v, i) => (v !== null && i !== open && counts[i]! >= minRuns ? { day: days[i]!, value: v } : null)).filter((p) => p !== null);
    if (points.length < MIN_DAYS_FOR_DAY_ANOMALIES) return;
    const scale = log ? toLog : (v: number) => v;
    const spread = robustSpread(points.map((p) => scale(p.value)).sort((a, b) => a - b));
    if (!spread) return;
    for (const p of points) {
      const score = robustScore(scale(p.value), spread);
      const median = log ? Math.exp(spread.median) : spread.median;
      if (Math.abs(score) >= ANOMALY_SCORE && MIN_EFFECT[metric](p.value, median)) {
        found.push(anomaly(agent, 'day', p.day, metric, p.value, spread, score, null, log));
      }
    }
  };
  check('executions', series.executions, series.executions.map(() => Infinity), 0, false);
  check('successRate', series.successRate, series.executions, MIN_RUNS_FOR_RATE, false);
  check('p50Duration', series.p50Duration, series.executions, MIN_RUNS_FOR_P50, true);
  return found;
}

/** Executions far slower than the agent's usual; each day keeps its few slowest as candidates. */
function executionAnomalies(agent: string, days: readonly string[], byDay: ReadonlyMap<string, DayFigures>, durations: DurationSet): Anomaly[] {
  if (durations.count < MIN_DURATIONS_FOR_EXECUTION_ANOMALIES) return [];
  const spread = durations.logSpread();
  if (!spread) return [];
  const found: Anomaly[] = [];
  for (const day of days) {
    for (const slow of byDay.get(day)?.agents[agent]?.slowest ?? []) {
      const score = robustScore(toLog(slow.duration), spread);
      if (score < ANOMALY_SCORE || !MIN_EFFECT.duration(slow.duration, Math.exp(spread.median))) break; // Longest first: the rest are closer still.
      found.push(anomaly(agent, 'execution', day, 'duration', slow.duration, spread, score, slow.id, true));
    }
  }
  return found;
}

/** Durations of 0 ms exist (a run that failed at once); 1 ms keeps the logarithm finite. */
function toLog(ms: number): number {
  return Math.log(Math.max(1, ms));
}

function anomaly(
  agent: string,
  kind: Anomaly['kind'],
  day: string,
  metric: Anomaly['metric'],
  value: number,
  spread: RobustSpread,
  score: number,
  executionId: string | null,
  log: boolean,
): Anomaly {
  return {
    agent,
    kind,
    day,
    metric,
    value,
    median: log ? Math.round(Math.exp(spread.median)) : round(spread.median, 3),
    spread: round(spread.spread, 4),
    scale: log ? 'log' : 'linear',
    score: round(score, 2),
    executionId,
  };
}

/** One project's trends, from its own logs folder and prices. */
export interface ProjectTrendsInput {
  project: string;
  logsDir: string;
  trends: Trends;
}

/**
 * `trends --all-projects`: each project's overall trend line, and every
 * project together per day. Projects share the window, so their series line
 * up day by day. A project's success count is its rate times its runs (rates
 * are kept to a tenth of a percent, so the total is exact to a run).
 */
export function projectsTrends(input: { projects: readonly ProjectTrendsInput[]; period: Period; agents: string[] | null; now: number; today: string }): ProjectsTrends {
  const { period, now, today } = input;
  const before = previousPeriod(period);
  const days = daysBetween(period.from, period.to);
  const rows: ProjectTrends[] = input.projects.map(({ project, logsDir, trends }) => ({
    project,
    logsDir,
    ...trends.overall,
    topAgents: [...trends.agents]
      .sort((a, b) => b.current.executions - a.current.executions || (a.agent < b.agent ? -1 : 1))
      .slice(0, 3)
      .map((a) => ({ agent: a.agent, executions: a.current.executions })),
    anomalies: trends.anomalies.length,
  }));
  rows.sort((a, b) => b.current.executions - a.current.executions || a.project.localeCompare(b.project));
  const sum = (values: (number | null)[]) => (values.some((v) => v === null) ? null : round(values.reduce<number>((n, v) => n + v!, 0), 6));
  const succeeded = (rate: number | null, runs: number) => Math.round(((rate ?? 0) / 100) * runs);
  const perDay = days.map((_, i) => {
    const runs = rows.reduce((n, r) => n + (r.series.executions[i] ?? 0), 0);
    return {
      executions: runs,
      successRate: percent(rows.reduce((n, r) => n + succeeded(r.series.successRate[i] ?? null, r.series.executions[i] ?? 0), 0), runs),
      tokensUsed: rows.reduce((n, r) => n + (r.series.tokensUsed[i] ?? 0), 0),
      costUsd: sum(rows.map((r) => r.series.costUsd[i] ?? 0)),
    };
  });
  const executions = rows.reduce((n, r) => n + r.current.executions, 0);
  return {
    schemaVersion: 1,
    kind: 'agent-track/projects-trends',
    generatedAt: new Date(now).toISOString(),
    period: periodText(period),
    previousPeriod: periodText(before),
    filter: { agents: input.agents },
    days,
    partialDay: today >= period.from && today <= period.to ? today : null,
    projects: rows,
    totals: {
      projects: rows.length,
      executions,
      previousExecutions: rows.reduce((n, r) => n + r.previous.executions, 0),
      successRate: percent(rows.reduce((n, r) => n + succeeded(r.current.successRate, r.current.executions), 0), executions),
      tokensUsed: rows.reduce((n, r) => n + r.current.tokensUsed, 0),
      costUsd: sum(rows.map((r) => r.current.costUsd)),
      series: {
        executions: perDay.map((d) => d.executions),
        successRate: perDay.map((d) => d.successRate),
        tokensUsed: perDay.map((d) => d.tokensUsed),
        costUsd: perDay.map((d) => d.costUsd),
      },
    },
  };
}
