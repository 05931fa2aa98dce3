import * as z from 'zod/mini';
import { described } from './describe.js';
import { ExecutionStatus } from './enums.js';
import { Report, ReportSummary, Trends } from './report.js';
import { RunDetail } from './runs.js';
import { Status } from './status.js';

// The data embedded in the HTML dashboard (`agent-track dashboard`). It is
// made of the JSON the other commands print, unchanged, so the page and the
// reports cannot disagree: `report` is `agent-track report --since FROM
// --until TO --json`, `trends` the same period's `agent-track trends`, each
// entry of `daily` the summary of `agent-track report --daily DAY --json`,
// `status` what `agent-track status --json` printed when the page was made.
// Published as schema/dashboard.schema.json.

const count = () => z.int().check(z.gte(0));

export const RecentExecution = z.object({
  id: z.string(),
  agent: z.string(),
  status: ExecutionStatus,
  startTime: described(z.string(), 'ISO 8601'),
  duration: z.nullable(described(count(), 'ms')),
  tokensUsed: z.nullable(described(count(), "Claude Code's totalTokens")),
  billedTokens: z.nullable(described(count(), 'Billed tokens, all kinds')),
  errors: described(count(), 'Errors recorded in the run'),
  errorTypes: described(z.array(z.string()), 'Distinct error types, in order of first occurrence'),
  firstError: z.nullable(described(z.string(), 'Its first error message, scrubbed and shortened')),
  background: z.boolean(),
});
export type RecentExecution = z.infer<typeof RecentExecution>;

// ReportSummary is shared with the report schema: described here, its description would show there too.
export const DayEntry = z.object({
  day: z.string(),
  summary: ReportSummary,
  agents: described(
    z.array(
      z.object({
        agent: z.string(),
        executions: count(),
        tokensUsed: described(count(), "Sum of Claude Code's totalTokens"),
        usd: z.nullable(described(z.number(), 'Cost; null when some of its runs could not be priced')),
        pricedUsd: described(z.number(), 'Cost of the runs that could be priced'),
      }),
    ),
    "Per agent, from the same report's agentMetrics",
  ),
});
export type DayEntry = z.infer<typeof DayEntry>;

export const DashboardData = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('agent-track/dashboard'),
  generatedAt: z.string(),
  version: described(z.string(), 'agent-track version that made it'),
  project: described(z.string(), 'Name of the project folder the logs belong to'),
  recordedDays: z.nullable(z.object({ first: z.string(), last: z.string() })),
  report: Report,
  trends: Trends,
  daily: described(z.array(DayEntry), 'One entry per day of the period: the summary and agents of `agent-track report --daily DAY --json`'),
  recent: z.object({
    days: described(z.array(z.string()), 'The days the recent executions were read from (the latest recorded days of the period)'),
    total: described(count(), 'Executions in those days'),
    executions: described(z.array(RecentExecution), 'The latest of them, latest first (bounded)'),
    details: z.optional(
      described(z.record(z.string(), RunDetail), 'Per execution id of `executions`: the detail a click opens (what `agent-track show` shows, from the record)'),
    ),
  }),
  status: Status,
});
export type DashboardData = z.infer<typeof DashboardData>;
