import type { BudgetState } from '../schema/budgets.js';
import type { ExecutionFacts } from '../schema/facts.js';
import type { ActiveAgent, AgentHealth, ErrorSummary, HealthStatus, HealthThresholds, Last24Hours, Status } from '../schema/status.js';
import type { DayFigures } from '../schema/summary.js';
import type { DaySpend } from './day-spend.js';
import type { ModelPrice } from '../schema/config.js';
import type { SessionFigures } from '../schema/session.js';
import { sessionShare } from './session-share.js';
import { DurationSet } from './durations.js';
import { formatPercent } from './format.js';
import { percent, roundedMean } from './stats.js';
import { DAY_MS } from '../time/duration.js';

// The live view (`agent-track status`): what runs now and when it should be
// done, the last 24 hours, and each agent's health. Pure: in-flight runs, day
// figures and raw records in, with `now`; the caller decides what to read.

/**
 * Health is judged on an agent's recent runs: its latest `recentRuns` runs
 * started within `recentDays`, so a busy agent is judged on this morning and a
 * rare one on its week. Only failed runs count as errors: a partial run
 * finished its work with some tool calls failing.
 *
 *   failed    its last `failedStreak` runs failed, or every one of its recent
 *             runs failed, or at least `failedErrorRate`% of them did (given
 *             `minRunsForRate` runs)
 *   degraded  at least `degradedErrorRate`% of its recent runs failed (given
 *             `minRunsForRate` runs), or its latest run failed
 *   healthy   otherwise
 */
export const HEALTH_THRESHOLDS: HealthThresholds = {
  recentRuns: 20,
  recentDays: 7,
  historyDays: 28,
  degradedErrorRate: 20,
  failedErrorRate: 50,
  minRunsForRate: 5,
  failedStreak: 3,
};

export const TOP_ERRORS_KEPT = 5;

/** What health reads of a finished run: a record, or a completion line (the statusline's source). */
export interface HealthRun {
  id: string;
  agentType: string;
  metrics: Pick<ExecutionFacts['metrics'], 'startTime' | 'endTime' | 'duration'>;
  result: Pick<ExecutionFacts['result'], 'status'>;
}

/** A run started and not finished, as the in-flight state knows it. */
export interface RunningExecution {
  executionId: string;
  agentType: string;
  sessionId: string;
  startTime: number;
  background: boolean;
  lastActivity: number;
}

export interface StatusInput {
  now: number;
  active: readonly RunningExecution[];
  /** Figures of the history days, today's included: typical durations and last successes. */
  history: readonly DayFigures[];
  /**
   * Raw records: at least every one started in the last 24 hours and each
   * agent's recent runs (see foldersForRecentRuns). A record met twice counts once.
   */
  records: readonly ExecutionFacts[];
  thresholds?: HealthThresholds;
  warnings?: string[];
  /** Each budget's burn, computed by budgetStates; none when no budget is set. */
  budgets?: BudgetState[];
  /** Session figures (sessions/<session>.json) that may reach into the last 24 hours, and the prices to cost them. */
  sessions?: readonly SessionFigures[];
  prices?: Readonly<Record<string, ModelPrice>>;
}

export function buildStatus(input: StatusInput): Status {
  const thresholds = input.thresholds ?? HEALTH_THRESHOLDS;
  const records = uniqueRecords(input.records);
  const typical = typicalDurations(input.history);
  return {
    schemaVersion: 1,
    kind: 'agent-track/status',
    generatedAt: new Date(input.now).toISOString(),
    activeAgents: input.active.map((run) => activeAgent(run, typical.get(run.agentType) ?? null, input.now)),
    last24Hours: last24Hours(records, input.now),
    agentHealth: agentHealth(records, input.history, input.now, thresholds),
    thresholds,
    sessions: sessionShare(recentSessions(input.sessions ?? [], input.now), null, input.prices ?? {}),
    budgets: input.budgets ?? [],
    warnings: input.warnings ?? [],
  };
}

/** Each agent type's median duration (nearest rank, as reports give p50) over the history days; `only`: just these agent types. */
export function typicalDurations(history: readonly DaySpend[], only?: ReadonlySet<string>): Map<string, number> {
  const sets = new Map<string, DurationSet>();
  for (const day of history) {
    for (const [agent, figures] of Object.entries(day.agents)) {
      if (only && !only.has(agent)) continue;
      let set = sets.get(agent);
      if (!set) sets.set(agent, (set = new DurationSet()));
      set.add(figures.durations);
    }
  }
  const typical = new Map<string, number>();
  for (const [agent, set] of sets) {
    const p50 = set.percentile(50);
    if (p50 !== null) typical.set(agent, p50);
  }
  return typical;
}

export function activeAgent(run: RunningExecution, typicalDuration: number | null, now: number): ActiveAgent {
  const done = typicalDuration === null ? null : run.startTime + typicalDuration;
  return {
    agentType: run.agentType,
    executionId: run.executionId,
    sessionId: run.sessionId,
    startTime: iso(run.startTime),
    estimatedCompletion: done === null ? null : iso(done),
    typicalDuration,
    runningFor: Math.max(0, Math.round(now - run.startTime)),
    overdue: done !== null && now > done,
    background: run.background,
    lastActivity: iso(run.lastActivity),
  };
}

/** Finished executions that started in the 24 hours before `now`. */
export function last24Hours(records: readonly ExecutionFacts[], now: number): Last24Hours {
  const from = now - DAY_MS;
  const window = records.filter((r) => r.metrics.startTime > from && r.metrics.startTime <= now);
  const count = (status: string) => window.filter((r) => r.result.status === status).length;
  const durations = window.flatMap((r) => (r.metrics.duration === null ? [] : [r.metrics.duration]));
  const failed = count('failed');
  return {
    from: iso(from),
    to: iso(now),
    executionCount: window.length,
    succeeded: count('success'),
    partial: count('partial'),
    failed,
    avgResponseTime: roundedMean(durations.reduce((a, b) => a + b, 0), durations.length),
    errorRate: percent(failed, window.length),
    topErrors: topErrors(window),
  };
}

export function topErrors(records: readonly ExecutionFacts[], keep = TOP_ERRORS_KEPT): ErrorSummary[] {
  interface Tally {
    count: number;
    executions: number;
    agents: Map<string, number>;
    sample: string;
    at: number;
  }
  const byType = new Map<string, Tally>();
  for (const record of records) {
    const seen = new Set<string>();
    for (const error of record.errors) {
      const at = error.at ?? record.metrics.startTime;
      let tally = byType.get(error.type);
      if (!tally) byType.set(error.type, (tally = { count: 0, executions: 0, agents: new Map(), sample: error.message, at }));
      tally.count++;
      if (at >= tally.at) {
        tally.sample = error.message;
        tally.at = at;
      }
      if (!seen.has(error.type)) {
        seen.add(error.type);
        tally.executions++;
        tally.agents.set(record.agentType, (tally.agents.get(record.agentType) ?? 0) + 1);
      }
    }
  }
  return [...byType]
    .sort(([a, x], [b, y]) => y.executions - x.executions || y.count - x.count || (a < b ? -1 : 1))
    .slice(0, keep)
    .map(([type, t]) => ({
      type,
      count: t.count,
      executions: t.executions,
      agents: [...t.agents].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([agent]) => agent),
      sample: t.sample,
      lastSeen: iso(t.at),
    }));
}

/** Health of every agent type with a run in the recent window, failed first, then degraded, then healthy. */
export function agentHealth(
  records: readonly HealthRun[],
  history: readonly DaySpend[],
  now: number,
  thresholds: HealthThresholds = HEALTH_THRESHOLDS,
): Record<string, AgentHealth> {
  const since = now - thresholds.recentDays * DAY_MS;
  const byAgent = new Map<string, HealthRun[]>();
  for (const record of records) {
    if (record.metrics.startTime <= since || record.metrics.startTime > now) continue;
    const list = byAgent.get(record.agentType);
    if (list) list.push(record);
    else byAgent.set(record.agentType, [record]);
  }
  const lastSuccess = lastSuccesses(history, records, now);
  const entries = [...byAgent].map(([agent, runs]): [string, AgentHealth] => {
    const recent = runs.sort(latestFirst).slice(0, thresholds.recentRuns);
    const statuses = recent.map((r) => r.result.status);
    const verdict = judgeHealth(statuses, thresholds);
    const durations = recent.flatMap((r) => (r.metrics.duration === null ? [] : [r.metrics.duration]));
    const success = lastSuccess.get(agent);
    return [
      agent,
      {
        ...verdict,
        lastSuccess: success === undefined ? null : iso(success),
        lastExecution: iso(recent[0]!.metrics.startTime),
        recentExecutions: recent.length,
        avgDuration: roundedMean(durations.reduce((a, b) => a + b, 0), durations.length),
        recentStatuses: statuses,
      },
    ];
  });
  const rank: Record<HealthStatus, number> = { failed: 0, degraded: 1, healthy: 2 };
  entries.sort(([a, x], [b, y]) => rank[x.status] - rank[y.status] || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

export interface HealthVerdict {
  status: HealthStatus;
  reason: string;
  recentErrorRate: number | null;
  consecutiveFailures: number;
}

/** The thresholds applied to an agent's recent outcomes, latest first. */
export function judgeHealth(statuses: readonly string[], thresholds: HealthThresholds = HEALTH_THRESHOLDS): HealthVerdict {
  const n = statuses.length;
  const failed = statuses.filter((s) => s === 'failed').length;
  const rate = percent(failed, n);
  let streak = 0;
  while (streak < n && statuses[streak] === 'failed') streak++;
  const verdict = (status: HealthStatus, reason: string): HealthVerdict => ({ status, reason, recentErrorRate: rate, consecutiveFailures: streak });
  const share = `${failed} of its last ${n} runs failed (${formatPercent(rate)})`;
  const rated = n >= thresholds.minRunsForRate && rate !== null;

  if (n > 0 && streak === n) return verdict('failed', n === 1 ? 'its only recent run failed' : `all of its last ${n} runs failed`);
  if (streak >= thresholds.failedStreak) return verdict('failed', `its last ${streak} runs failed`);
  if (rated && rate >= thresholds.failedErrorRate) return verdict('failed', share);
  if (rated && rate >= thresholds.degradedErrorRate) return verdict('degraded', share);
  if (streak > 0) return verdict('degraded', streak === 1 ? 'its latest run failed' : `its last ${streak} runs failed`);
  return verdict('healthy', failed === 0 ? `no failed run in its last ${n}` : share);
}

/**
 * The record folders (day, agent type) to read so that every agent active in
 * the recent window has its latest `recentRuns` runs loaded, given the days
 * read whole anyway. Walks each agent's days back from the newest and stops
 * once the day counts say it has enough: a busy agent needs today only.
 */
export function foldersForRecentRuns(
  days: readonly DayFigures[],
  readWhole: ReadonlySet<string>,
  thresholds: HealthThresholds = HEALTH_THRESHOLDS,
): Map<string, string[]> {
  const newestFirst = [...days].sort((a, b) => (a.day < b.day ? 1 : -1));
  const have = new Map<string, number>();
  const folders = new Map<string, string[]>();
  for (const day of newestFirst) {
    for (const [agent, figures] of Object.entries(day.agents)) {
      const loaded = have.get(agent) ?? 0;
      if (loaded >= thresholds.recentRuns) continue;
      if (!readWhole.has(day.day)) folders.set(day.day, [...(folders.get(day.day) ?? []), agent]);
      have.set(agent, loaded + figures.executions);
    }
  }
  return folders;
}

function lastSuccesses(history: readonly DaySpend[], records: readonly HealthRun[], now: number): Map<string, number> {
  const last = new Map<string, number>();
  const note = (agent: string, at: number) => {
    if (at <= now && at > (last.get(agent) ?? -Infinity)) last.set(agent, at);
  };
  for (const day of history) for (const [agent, figures] of Object.entries(day.agents)) if (figures.lastSuccessAt !== null) note(agent, figures.lastSuccessAt);
  for (const r of records) if (r.result.status === 'success') note(r.agentType, r.metrics.endTime ?? r.metrics.startTime);
  return last;
}

/** A record rewritten into another folder can briefly exist twice: the newest write wins. */
function uniqueRecords(records: readonly ExecutionFacts[]): ExecutionFacts[] {
  const byId = new Map<string, ExecutionFacts>();
  for (const record of records) {
    const seen = byId.get(record.id);
    if (!seen || record.capture.writtenAt > seen.capture.writtenAt) byId.set(record.id, record);
  }
  return [...byId.values()];
}

function latestFirst(a: HealthRun, b: HealthRun): number {
  return b.metrics.startTime - a.metrics.startTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Sessions whose main thread was active in the 24 hours before `now`. */
export function recentSessions(sessions: readonly SessionFigures[], now: number): SessionFigures[] {
  return sessions.filter((s) => {
    const last = s.lastAt ?? s.firstAt ?? s.writtenAt;
    const first = s.firstAt ?? last;
    return last > now - DAY_MS && first <= now;
  });
}
