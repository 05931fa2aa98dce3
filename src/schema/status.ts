import * as z from 'zod/mini';
import { BudgetState } from './budgets.js';
import { described } from './describe.js';
import { ExecutionStatus } from './enums.js';
import { SessionShare } from './report.js';

// The JSON that `agent-track status --json` prints: the design document's
// AgentDashboard (activeAgents, last24Hours, agentHealth) with its dates as
// ISO strings. Published as schema/status.schema.json (npm run schema).
// Durations are milliseconds, rates percentages with one decimal; a figure
// that cannot be known is null.

const count = () => z.int().check(z.gte(0));
const iso = (text: string) => described(z.string(), text);
const nullableMs = (text: string) => z.nullable(described(count(), text));
const rate = (text: string) => z.nullable(described(z.number().check(z.gte(0), z.lte(100)), text));

export const ActiveAgent = z.object({
  agentType: z.string(),
  executionId: z.string(),
  sessionId: z.string(),
  startTime: iso('When its Agent call was made (ISO 8601)'),
  estimatedCompletion: z.nullable(iso("startTime + the agent type's median duration over its history; null when it has none")),
  typicalDuration: nullableMs("The agent type's median duration (ms) the estimate is made from"),
  runningFor: described(count(), 'Milliseconds since it started'),
  overdue: described(z.boolean(), 'Running past its estimated completion'),
  background: z.boolean(),
  lastActivity: iso('Its latest hook event or transcript write (ISO 8601)'),
});
export type ActiveAgent = z.infer<typeof ActiveAgent>;

export const ErrorSummary = z.object({
  type: z.string(),
  count: described(count(), 'Errors of this type'),
  executions: described(count(), 'Executions with at least one error of this type'),
  agents: described(z.array(z.string()), 'Agent types it happened in, most affected first'),
  sample: described(z.string(), 'The most recent message of this type, scrubbed'),
  lastSeen: iso('When the most recent one happened (ISO 8601)'),
});
export type ErrorSummary = z.infer<typeof ErrorSummary>;

export const Last24Hours = z.object({
  from: iso('Start of the window (ISO 8601): executions that started after it are counted'),
  to: iso('End of the window: now'),
  executionCount: described(count(), 'Finished executions that started in the window'),
  succeeded: count(),
  partial: count(),
  failed: count(),
  avgResponseTime: nullableMs('Mean duration (ms)'),
  errorRate: rate('failed / executionCount'),
  topErrors: z.array(ErrorSummary),
});
export type Last24Hours = z.infer<typeof Last24Hours>;

export const HealthStatus = z.enum(['healthy', 'degraded', 'failed']);
export type HealthStatus = z.infer<typeof HealthStatus>;

export const AgentHealth = z.object({
  status: described(HealthStatus, 'From its recent runs by the thresholds in `thresholds`'),
  reason: described(z.string(), 'Why, in words'),
  lastSuccess: z.nullable(iso('Latest successful finish within its history window (ISO 8601)')),
  lastExecution: iso('Start of its latest run (ISO 8601)'),
  recentExecutions: described(count(), 'Runs its recent figures are over: its latest runs within the recent window'),
  recentErrorRate: rate('Failed share of its recent runs'),
  consecutiveFailures: described(count(), 'Its latest runs that failed in a row'),
  avgDuration: nullableMs('Mean duration of its recent runs (ms)'),
  recentStatuses: described(z.array(ExecutionStatus), 'Outcomes of its recent runs, latest first'),
});
export type AgentHealth = z.infer<typeof AgentHealth>;

export const HealthThresholds = z.object({
  recentRuns: described(count(), "An agent's recent runs: at most this many of its latest runs ..."),
  recentDays: described(count(), '... started within this many days'),
  historyDays: described(count(), 'Days of history behind typical durations and last successes'),
  degradedErrorRate: described(z.number(), 'degraded from this failed share (%) of recent runs ...'),
  failedErrorRate: described(z.number(), 'failed from this failed share (%) of recent runs ...'),
  minRunsForRate: described(count(), '... when it has at least this many recent runs'),
  failedStreak: described(count(), 'failed when this many of its latest runs failed in a row'),
});
export type HealthThresholds = z.infer<typeof HealthThresholds>;

export const Status = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('agent-track/status'),
  generatedAt: z.string(),
  activeAgents: described(z.array(ActiveAgent), 'Runs started and not finished, not older than the in-flight timeout; oldest first'),
  last24Hours: Last24Hours,
  agentHealth: described(
    z.record(z.string(), AgentHealth),
    'Per agent type with a run in the recent window; failed first, then degraded, then healthy',
  ),
  thresholds: HealthThresholds,
  sessions: described(
    z.nullable(SessionShare),
    "The subagents' share of the sessions active in the last 24 hours (main thread + subagents, from sessions/<session>.json); null when none has figures",
  ),
  budgets: described(z.array(BudgetState), 'Each budget of agent-track.json in its current period: burn and forecast, one entry per capped metric'),
  warnings: z.array(z.string()),
});
export type Status = z.infer<typeof Status>;
