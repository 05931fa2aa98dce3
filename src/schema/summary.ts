import * as z from 'zod/mini';
import { ExecutionStatus } from './enums.js';

// The day rollup, `<logs>/YYYY-MM-DD/summary.json`. It is MERGEABLE: every
// figure is a count, a sum, an exact list or a bounded "top n" list, so the
// summaries of any set of days combine into exactly what a recomputation from
// their records would give (percentiles included, from the exact durations).
// It is also what survives once retention deletes a day's raw records.

const count = () => z.int().check(z.gte(0));
const ms = () => z.number().check(z.gte(0));
const d = (text: string) => z.describe(text);

export const TokenSums = z.object({
  executions: count().check(d('Executions whose billed tokens are included')),
  input: count(),
  output: count(),
  cacheCreation: count(),
  cacheRead: count(),
});
export type TokenSums = z.infer<typeof TokenSums>;

export const ErrorTally = z.object({
  count: count().check(d('Errors of this type')),
  executions: count().check(d('Executions with at least one error of this type')),
  sample: z.string().check(d('The most recent message of this type, scrubbed and truncated')),
  sampleAt: ms(),
  tools: z.record(z.string(), count()).check(d('Errors of this type per tool')),
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
  durations: z.array(count()).check(d('Ascending durations (ms) of every execution whose duration is known')),
  tokensUsed: z.object({
    total: count().check(d("Sum of Claude Code's totalTokens (context size at each agent's end)")),
    executions: count(),
  }),
  tokens: TokenSums.check(d('Billed tokens summed over executions that have them')),
  models: z.record(z.string(), TokenSums).check(d('Billed tokens per model id as recorded, for pricing')),
  longContextModels: z
    .record(z.string(), TokenSums)
    .check(d('Billed tokens of executions whose context passed 200k tokens, where some models bill a premium')),
  apiCalls: count(),
  filesModified: count(),
  testsRun: count(),
  issuesFound: count(),
  toolCalls: z.record(z.string(), z.object({ calls: count(), failures: count() })),
  errors: z.record(z.string(), ErrorTally),
  lastSuccessAt: z.nullable(ms()),
  lastExecutionAt: z.nullable(ms()),
  slowest: z.array(SlowExecution).check(d('The slowest executions, longest first (bounded)')),
});
export type AgentDay = z.infer<typeof AgentDay>;

export const WorkflowTally = z.object({
  stages: z.array(z.array(z.string())).check(d('Stages in launch order; the agents of one stage ran in parallel')),
  agents: z.array(z.string()).check(d('Distinct agent types in the workflow')),
  runs: count(),
  succeeded: count().check(d('Runs in which every execution succeeded')),
  executions: count(),
  wallTime: count().check(d('Sum over runs of first launch to last finish (ms)')),
});
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

export const DaySummary = z.object({
  schemaVersion: z.literal(1),
  day: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  executions: count(),
  agents: z.record(z.string(), AgentDay),
  workflows: z.record(z.string(), WorkflowTally).check(d('Workflows (one user prompt each) that lie inside the day, by signature')),
  openPrompts: z
    .array(PromptFragment)
    .check(d("Prompts with activity near midnight: kept whole so a report can join them with the neighbouring day's part")),
  withoutPrompt: count().check(d('Executions with no prompt id, which belong to no workflow')),
  skipped: z.object({
    count: count(),
    samples: z.array(SkippedFile).check(d('The first few skipped files, relative to the day folder')),
  }),
});
export type DaySummary = z.infer<typeof DaySummary>;

export const Fingerprint = z.object({
  agentDirs: z.record(z.string(), z.string()).check(d('Record folder name -> modification time (ns)')),
  completions: z.nullable(z.string().check(d('completions.jsonl "mtimeNs:size"'))),
});
export type Fingerprint = z.infer<typeof Fingerprint>;

export const DaySummaryFile = z.object({
  ...DaySummary.shape,
  source: z.object({
    builder: count().check(d('Version of the code that built it; an older one is rebuilt')),
    builtAt: ms(),
    fingerprint: Fingerprint.check(d('State of the inputs, taken before they were read')),
  }),
});
export type DaySummaryFile = z.infer<typeof DaySummaryFile>;
