import * as z from 'zod/mini';
import { described } from './describe.js';
import { ExecutionStatus } from './enums.js';
import { LongContextTokens } from './record.js';

// The day rollup, `<logs>/YYYY-MM-DD/summary.json`. It is MERGEABLE: every
// figure is a count, a sum, an exact list or a bounded "top n" list, so the
// summaries of any set of days combine into exactly what a recomputation from
// their records would give (percentiles included, from the exact durations).
// It is also what survives once retention deletes a day's raw records.

const count = () => z.int().check(z.gte(0));
const ms = () => z.number().check(z.gte(0));
export const TokenSums = z.object({
  executions: described(count(), 'Executions whose billed tokens are included'),
  input: count(),
  output: count(),
  cacheCreation: count(),
  cacheRead: count(),
  cacheCreation1h: z.optional(described(count(), 'Of cacheCreation: 1-hour cache writes (absent in rollups of older versions)')),
  longContext: z.optional(
    described(z.object(LongContextTokens.shape), 'Of these tokens: those of API calls whose prompt passed 200k tokens, as the records split them'),
  ),
});
export type TokenSums = z.infer<typeof TokenSums>;

export const ErrorTally = z.object({
  count: described(count(), 'Errors of this type'),
  executions: described(count(), 'Executions with at least one error of this type'),
  sample: described(z.string(), 'The most recent message of this type, scrubbed and truncated'),
  sampleAt: ms(),
  tools: described(z.record(z.string(), count()), 'Errors of this type per tool'),
});
export type ErrorTally = z.infer<typeof ErrorTally>;

export const SlowExecution = z.object({
  id: z.string(),
  duration: count(),
  startTime: ms(),
  status: ExecutionStatus,
  promptId: z.nullable(z.string()),
});
export type SlowExecution = z.infer<typeof SlowExecution>;

export const AgentDay = z.object({
  executions: count(),
  success: count(),
  partial: count(),
  failed: count(),
  background: count(),
  durations: described(z.array(count()), 'Ascending durations (ms) of every execution whose duration is known'),
  tokensUsed: z.object({
    total: described(count(), "Sum of Claude Code's totalTokens (context size at each agent's end)"),
    executions: count(),
  }),
  tokens: described(z.object(TokenSums.shape), 'Billed tokens summed over executions that have them'),
  models: described(z.record(z.string(), TokenSums), 'Billed tokens per model id as recorded, for pricing'),
  longContextModels: described(
    z.record(z.string(), TokenSums),
    'Billed tokens of executions whose context passed 200k tokens but whose records do not split them per API call (written before agent-track recorded tokens.longContext): not priced for models with long-context rates',
  ),
  apiCalls: count(),
  filesModified: count(),
  testsRun: count(),
  issuesFound: count(),
  toolCalls: z.record(z.string(), z.object({ calls: count(), failures: count() })),
  errors: z.record(z.string(), ErrorTally),
  lastSuccessAt: z.nullable(ms()),
  lastExecutionAt: z.nullable(ms()),
  slowest: described(z.array(SlowExecution), 'The slowest executions, longest first (bounded)'),
});
export type AgentDay = z.infer<typeof AgentDay>;

export const WorkflowTally = described(
  z.tuple([count(), count(), count(), count()]),
  '[runs, runs in which every execution succeeded, executions, summed wall time from first launch to last finish (ms)]',
);
export type WorkflowTally = z.infer<typeof WorkflowTally>;

export const FragmentExecution = z.object({
  id: z.string(),
  agentType: z.string(),
  startTime: ms(),
  endTime: z.nullable(ms()),
  duration: z.nullable(ms()),
  status: ExecutionStatus,
  background: z.boolean(),
  parentExecutionId: z.nullable(z.string()),
  parallelWith: z.array(z.string()),
});
export type FragmentExecution = z.infer<typeof FragmentExecution>;

export const PromptFragment = z.object({
  promptId: z.string(),
  executions: z.array(FragmentExecution),
});
export type PromptFragment = z.infer<typeof PromptFragment>;

export const SkippedFile = z.object({ path: z.string(), problem: z.string() });

/** The figures of one day: what trends, baselines and retention need. Stored as summary.json. */
export const DayFigures = z.object({
  schemaVersion: z.literal(1),
  day: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  executions: count(),
  agents: z.record(z.string(), AgentDay),
  withoutPrompt: described(count(), 'Executions with no prompt id, which belong to no workflow'),
  skipped: z.object({
    count: count(),
    samples: described(z.array(SkippedFile), 'The first few skipped files, relative to the day folder'),
  }),
});
export type DayFigures = z.infer<typeof DayFigures>;

/** The workflows of one day: only reports over a period read them. Stored as workflows.json. */
export const DayWorkflows = z.object({
  workflows: described(
    z.record(z.string(), WorkflowTally),
    'Workflows (one user prompt each) that lie inside the day, keyed by their shape as JSON: stages of agent types, [agent, stages] for an agent that launched others',
  ),
  openPrompts: described(
    z.array(PromptFragment),
    "Prompts with activity near midnight: kept whole so a report can join them with the neighbouring day's part",
  ),
});
export type DayWorkflows = z.infer<typeof DayWorkflows>;

/** A whole day summary, as built from the records. */
export const DaySummary = z.object({ ...DayFigures.shape, ...DayWorkflows.shape });
export type DaySummary = z.infer<typeof DaySummary>;

export const Fingerprint = z.object({
  agentDirs: described(z.record(z.string(), z.string()), 'Record folder name -> modification time (ns)'),
  completions: z.nullable(described(z.string(), 'completions.jsonl "mtimeNs:size"')),
});
export type Fingerprint = z.infer<typeof Fingerprint>;

const Source = z.object({
  builder: described(count(), 'Version of the code that built it; an older one is rebuilt'),
  builtAt: ms(),
  fingerprint: described(z.object(Fingerprint.shape), 'State of the inputs, taken before they were read'),
});

/** <logs>/YYYY-MM-DD/summary.json */
export const DaySummaryFile = z.object({ ...DayFigures.shape, source: Source });
export type DaySummaryFile = z.infer<typeof DaySummaryFile>;

/** <logs>/YYYY-MM-DD/workflows.json, written by the same build just before summary.json. */
export const DayWorkflowsFile = z.object({ schemaVersion: z.literal(1), day: DayFigures.shape.day, ...DayWorkflows.shape, source: Source });
export type DayWorkflowsFile = z.infer<typeof DayWorkflowsFile>;
