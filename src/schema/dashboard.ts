import * as z from 'zod/mini';
import { described } from './describe.js';
import { ExecutionStatus } from './enums.js';
import { Report, ReportSummary, Trends } from './report.js';
import { Status } from './status.js';
import { ProjectsTrends } from './projects-trends.js';

// The data embedded in the HTML dashboard (`agent-track dashboard`). It is
// made of the JSON the other commands print, unchanged, so the page and the
// reports cannot disagree: `report` is `agent-track report --since FROM
// --until TO --json`, `trends` the same period's `agent-track trends`, each
// entry of `daily` the summary of `agent-track report --daily DAY --json`,
// `status` what `agent-track status --json` printed when the page was made.
// Published as schema/dashboard.schema.json.

const count = () => z.int().check(z.gte(0));

// A recent execution as the page's table shows it, once unpacked (dashboard/recent-pack.ts).
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
  firstError: z.nullable(described(z.string(), 'Its first error message, scrubbed (as the record keeps it)')),
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

const text = () => described(count(), 'Index into strings');
const maybeText = () => z.nullable(text());
const perRun = <T extends z.ZodMiniType>(item: T, what: string) => described(z.array(item), what);
/** A run named in a chain: its row in these columns when it is among them, else its execution id. */
const ChainRef = z.union([count(), z.string()]);

function RecentPackSchema() {
  return z.object({
    days: described(z.array(z.string()), 'The days the recent executions were read from (the latest recorded days of the period)'),
    total: described(count(), 'Executions in those days'),
    base: described(count(), 'Unix ms that runs.start counts from'),
    promptShown: described(count(), 'Prompts longer than this many characters are cut to it in the page; `agent-track show <id>` has them whole'),
    strings: described(z.array(z.string()), 'Every text of the runs once, the most used first; the columns hold indices into it'),
    runs: described(
      z.object({
        id: perRun(z.string(), 'Execution id; one entry per run, latest first, in every column'),
        agent: perRun(text(), 'Agent type'),
        status: perRun(text(), 'success, partial or failed'),
        start: perRun(count(), 'Start, ms after base'),
        duration: perRun(z.nullable(count()), 'ms'),
        tokensUsed: perRun(z.nullable(count()), "Claude Code's totalTokens"),
        background: perRun(z.union([z.literal(0), z.literal(1)]), '1: a background agent'),
        description: perRun(maybeText(), 'Description of the Agent call'),
        prompt: perRun(maybeText(), 'Scrubbed prompt, cut to promptShown characters; null when the config stores no prompt text'),
        promptLength: perRun(z.nullable(count()), 'Characters of the stored prompt when the page cut it; null when it is whole'),
        model: perRun(maybeText(), 'Model'),
        session: perRun(text(), 'Session id'),
        parent: perRun(z.nullable(ChainRef), 'The run that launched it: a row of these columns or an execution id; null when the user prompt did'),
        children: perRun(z.array(ChainRef), 'Runs it launched'),
        parallel: perRun(z.array(ChainRef), 'Runs of the same prompt that overlapped it'),
        errors: perRun(z.array(z.tuple([text(), text(), maybeText(), maybeText()])), 'Each error: type, message, tool, recovery action; the table\'s error count, types and first error are read from here'),
        tokens: perRun(z.nullable(z.tuple([count(), count(), count(), count()])), 'Billed tokens: input, output, cache writes, cache reads'),
        costUsd: perRun(z.nullable(z.number()), 'Priced from its billed tokens; null when not priced'),
        toolCalls: perRun(z.array(count()), 'Per tool, three numbers: tool (index into strings), calls, failed calls'),
        files: perRun(z.array(text()), 'Files it modified'),
        tests: perRun(z.array(text()), 'Test commands it ran'),
        timeline: perRun(
          z.array(z.tuple([text(), count(), z.nullable(count()), z.union([z.literal(0), z.literal(1)])])),
          "Its first stored tool calls (metrics.toolTimeline), as many as the page's budget leaves, newer runs first: tool, ms from the run's start, duration (null: no result), 1 ok / 0 failed",
        ),
        timelineTotal: perRun(count(), 'Tool calls its record stores; more than timeline holds when the page left some out'),
        transcript: perRun(z.nullable(z.tuple([text(), z.string()])), "Its transcript when it existed as the page was made: folder (index into strings) and file name"),
      }),
      'One array per field, one entry per run',
    ),
  });
}

export const RecentPack = RecentPackSchema();
export type RecentPack = z.infer<typeof RecentPack>;

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
  recent: described(RecentPackSchema(), 'The latest executions of the period and the detail a click on one opens, packed by column'),
  status: Status,
  projects: z.optional(
    described(ProjectsTrends, 'With --all-projects: every project on this machine, as `agent-track trends --all-projects --json` gives it for the same days'),
  ),
});
export type DashboardData = z.infer<typeof DashboardData>;
