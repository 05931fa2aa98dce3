import * as z from 'zod/mini';
import { described } from './describe.js';
import { ExecutionStatus } from './enums.js';
import { AgentExecution, ToolTimelineEntry } from './record.js';

// What `agent-track runs --json` and `agent-track show <id> --json` print.
// Published as schema/runs.schema.json and schema/show.schema.json (npm run schema).

const count = () => z.int().check(z.gte(0));
const usd = (text: string) => z.nullable(described(z.number(), text));

export const RunRow = z.object({
  id: z.string(),
  agent: z.string(),
  sessionId: z.string(),
  description: z.nullable(z.string()),
  status: ExecutionStatus,
  background: z.boolean(),
  startTime: described(z.string(), 'ISO 8601'),
  duration: z.nullable(described(count(), 'ms')),
  costUsd: usd('Priced from its billed tokens; null when it has none or its model has no price'),
  firstError: z.nullable(z.object({ type: z.string(), message: z.string() })),
});
export type RunRow = z.infer<typeof RunRow>;

export const RunsOutput = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('agent-track/runs'),
  generatedAt: z.string(),
  filter: z.object({
    agent: z.nullable(z.string()),
    status: z.nullable(ExecutionStatus),
    since: z.nullable(described(z.string(), 'ISO 8601: runs that started at or after it')),
    session: z.nullable(z.string()),
    limit: count(),
  }),
  runs: described(z.array(RunRow), 'Newest first, at most `limit`'),
  more: described(z.boolean(), 'True when more runs matched than `limit` shows'),
});
export type RunsOutput = z.infer<typeof RunsOutput>;

export const ChainRun = z.object({
  id: z.string(),
  agent: z.nullable(described(z.string(), 'Null when its record is not in the logs folder (pruned, or still running)')),
  status: z.nullable(ExecutionStatus),
  startTime: z.nullable(z.string()),
  duration: z.nullable(count()),
});
export type ChainRun = z.infer<typeof ChainRun>;

// One tool call of a timeline: the record's own entry shape (metrics.toolTimeline).
export const ToolCallEntry = ToolTimelineEntry;
export type ToolCallEntry = ToolTimelineEntry;

export const ShowOutput = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('agent-track/show'),
  generatedAt: z.string(),
  execution: AgentExecution,
  costUsd: usd('Priced from its billed tokens'),
  chain: z.object({
    parent: z.nullable(ChainRun),
    children: z.array(ChainRun),
    parallel: described(z.array(ChainRun), 'Runs of the same prompt that overlapped it'),
  }),
  timeline: z.object({
    source: z.nullable(described(z.enum(['transcript', 'record']), 'Where the tool calls were read; null when neither has them')),
    calls: z.array(ToolCallEntry),
  }),
  transcriptPath: z.nullable(described(z.string(), "The subagent's transcript, when it still exists")),
});
export type ShowOutput = z.infer<typeof ShowOutput>;

/**
 * One run as the dashboard's detail view shows it: what `show` shows, from the
 * record and a look for its transcript (a page made for many runs reads none),
 * the prompt cut. The page carries it packed (schema/dashboard.ts RecentPack).
 */
export const RunDetail = z.object({
  description: z.nullable(z.string()),
  prompt: z.nullable(described(z.string(), 'Scrubbed prompt, cut to the page\'s length')),
  promptLength: z.nullable(described(count(), 'Characters of the stored prompt when it was cut; null when it is whole')),
  model: z.nullable(z.string()),
  sessionId: z.string(),
  chain: z.object({ parent: z.nullable(z.string()), children: z.array(z.string()), parallel: z.array(z.string()) }),
  errors: z.array(z.object({ type: z.string(), message: z.string(), tool: z.nullable(z.string()), recoveryAction: z.nullable(z.string()) })),
  billedTokens: z.nullable(z.object({ input: count(), output: count(), cacheCreation: count(), cacheRead: count() })),
  costUsd: usd('Priced from its billed tokens'),
  toolCalls: z.array(z.object({ tool: z.string(), calls: count(), failures: count() })),
  modifiedFiles: z.array(z.string()),
  testCommands: z.array(z.string()),
  timeline: z.object({
    calls: described(z.array(ToolCallEntry), "The first of the record's stored tool calls (metrics.toolTimeline), as many as the page's budget leaves: newer runs first"),
    total: described(count(), 'Tool calls the record stores; more than calls holds when the page left some out'),
  }),
  transcriptPath: z.nullable(described(z.string(), "The subagent's transcript, when it existed as the page was made")),
});
export type RunDetail = z.infer<typeof RunDetail>;
