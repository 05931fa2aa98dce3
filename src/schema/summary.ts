import * as z from 'zod/mini';
import { described } from './describe.js';
import { ExecutionStatus } from './enums.js';
import { AgentSpend, DayName, TokenSums } from './day-spend.js';

// The day rollup, `<logs>/YYYY-MM-DD/summary.json`. It is MERGEABLE: every
// figure is a count, a sum, an exact list or a bounded "top n" list, so the
// summaries of any set of days combine into exactly what a recomputation from
// their records would give (percentiles included, from the exact durations).
// It is also what survives once retention deletes a day's raw records.

const count = () => z.int().check(z.gte(0));
const ms = () => z.number().check(z.gte(0));
export { TokenSums };

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

// The figures budgets and the statusline read are declared in day-spend.ts
// (which the statusline loads without this module), and used here as they are.
const S = AgentSpend.shape;
export const AgentDay = z.object({
  executions: S.executions,
  success: S.success,
  partial: S.partial,
  failed: S.failed,
  background: count(),
  durations: S.durations,
  tokensUsed: z.object({
    total: described(count(), "Sum of Claude Code's totalTokens (context size at each agent's end)"),
    executions: count(),
  }),
  tokens: S.tokens,
  models: S.models,
  longContextModels: S.longContextModels,
  apiCalls: count(),
  filesModified: count(),
  testsRun: count(),
  issuesFound: count(),
  toolCalls: z.record(z.string(), z.object({ calls: count(), failures: count() })),
  errors: z.record(z.string(), ErrorTally),
  lastSuccessAt: S.lastSuccessAt,
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
  day: DayName,
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
