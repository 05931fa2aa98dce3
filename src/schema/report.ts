import * as z from 'zod/mini';

// The JSON that `agent-track report --json` prints and metrics/*.json hold.
// Published as schema/report.schema.json and schema/trends.schema.json (npm run
// schema). Keys are stable camelCase; a figure that cannot be known is null,
// never 0 or a guess. Durations are milliseconds, rates are percentages with
// one decimal, money is USD.

const count = () => z.int().check(z.gte(0));
const d = (text: string) => z.describe(text);
const day = () => z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
const nullableMs = (text: string) => z.nullable(count().check(d(text)));
const rate = (text: string) => z.nullable(z.number().check(z.gte(0), z.lte(100), d(text)));

export const ReportRange = z.object({
  kind: z.enum(['daily', 'weekly', 'monthly', 'custom']),
  label: z.string().check(d('"2026-11-25", "2026-W48", "2026-11" or "2026-11-01 to 2026-11-20"')),
  from: day(),
  to: day().check(d('Last day covered; today for a period still running')),
  days: count(),
  complete: z.boolean().check(d('False while the period still runs')),
});

export const CostFigures = z.object({
  usd: z.nullable(z.number().check(d('Total USD; null when some executions with tokens could not be priced'))),
  pricedUsd: z.number().check(d('USD of the executions that could be priced')),
  pricedExecutions: count(),
  unpricedExecutions: count().check(d('Executions with tokens but an unknown model, or recorded before tokens were split per API call with a context past 200k for a model with long-context rates')),
  executionsWithoutTokens: count().check(d('Executions with no token data (e.g. interrupted before their transcript existed)')),
});
export type CostFigures = z.infer<typeof CostFigures>;

export const BilledTokens = z.object({
  input: count(),
  output: count(),
  cacheCreation: count(),
  cacheRead: count(),
  total: count(),
});

export const ErrorCount = z.object({
  type: z.string(),
  count: count(),
  executions: count().check(d('Executions with at least one error of this type')),
});

export const ReportSummary = z.object({
  totalExecutions: count(),
  succeeded: count(),
  partial: count().check(d('Finished with some failed tool calls')),
  failed: count(),
  successRate: rate('succeeded / totalExecutions'),
  avgDuration: nullableMs('Mean duration (ms)'),
  p50Duration: nullableMs('Median duration (ms), nearest-rank over the exact durations'),
  p95Duration: nullableMs('95th percentile duration (ms), nearest-rank'),
  totalTokensUsed: count().check(d("Sum of Claude Code's per-agent totalTokens (each agent's final context size, as the UI shows)")),
  billedTokens: BilledTokens.check(d('Tokens billed over every API call of every execution')),
  cost: CostFigures,
  failuresByType: z.array(ErrorCount),
  agents: count().check(d('Agent types with executions')),
});

export const AgentMetrics = z.object({
  agent: z.string(),
  executions: count(),
  succeeded: count(),
  partial: count(),
  failed: count(),
  successRate: rate('succeeded / executions'),
  avgDuration: nullableMs('Mean duration (ms)'),
  p50Duration: nullableMs('Median duration (ms)'),
  p95Duration: nullableMs('95th percentile duration (ms)'),
  tokens: z.object({
    total: count().check(d('Sum of totalTokens')),
    avg: z.nullable(count().check(d('Mean totalTokens per execution that reported it'))),
    billed: count().check(d('Billed tokens, all kinds')),
  }),
  cost: CostFigures,
  commonErrors: z.array(z.object({ type: z.string(), count: z.int(), executions: z.int(), sample: z.string() })),
  lastSuccess: z.nullable(z.string().check(d('ISO time of the last successful finish in the period'))),
  lastExecution: z.nullable(z.string()),
});
export type AgentMetrics = z.infer<typeof AgentMetrics>;

export const TopPerformer = z.object({
  agent: z.string(),
  executions: count(),
  avgDuration: z.nullable(count()),
  successRate: rate('Success rate'),
  p95Duration: z.nullable(count()),
});
export type TopPerformer = z.infer<typeof TopPerformer>;

export const ImprovementRule = z.enum([
  'high-failure-rate',
  'no-success',
  'slower-than-usual',
  'token-heavy',
  'token-growth',
  'recurring-error',
  'failing-tool',
]);
export type ImprovementRule = z.infer<typeof ImprovementRule>;

export const ImprovementArea = z.object({
  agent: z.string(),
  rule: ImprovementRule,
  issue: z.string().check(d('What the data shows, with its figures')),
  recommendation: z.string(),
  figures: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).check(d('The figures that made the rule fire')),
});
export type ImprovementArea = z.infer<typeof ImprovementArea>;

export const EarlySignal = z.object({
  agent: z.string(),
  executions: count().check(d('Fewer than a rate needs: the signal gives counts only')),
  failed: count(),
  partial: count(),
  errors: z.array(z.object({ type: z.string(), executions: count() })),
  text: z.string().check(d('"1 of 3 runs failed: api_error"')),
  sample: z.nullable(z.string().check(d('Latest message of its most common error'))),
});
export type EarlySignal = z.infer<typeof EarlySignal>;

const ToolFigures = {
  tool: z.string(),
  calls: count(),
  failures: count(),
  failureRate: rate('failures / calls'),
};

export const ToolUsage = z.object({
  tools: z.array(z.object({ ...ToolFigures, agents: count().check(d('Agent types that used it')) })),
  byAgent: z.array(z.object({ agent: z.string(), tools: z.array(z.object(ToolFigures)) })),
});
export type ToolUsage = z.infer<typeof ToolUsage>;

export const WorkflowPattern = z.object({
  name: z.string().check(d('The shape as text: "a → [b | c] → d"; [..|..] ran in parallel, a(b) means a launched b')),
  frequency: count().check(d('Prompts that ran this shape')),
  agentSequence: z.array(z.string()).check(d('Agents in launch order, stage by stage')),
  stages: z.array(z.array(z.string())).check(d('Stages; the agents of one stage ran in parallel')),
  avgTotalDuration: count().check(d('Mean wall time from first launch to last finish (ms)')),
  successRate: rate('Runs in which every agent succeeded'),
});
export type WorkflowPattern = z.infer<typeof WorkflowPattern>;

export const ModelCostRow = z.object({
  model: z.string(),
  executions: count(),
  input: count(),
  output: count(),
  cacheCreation: count(),
  cacheRead: count(),
  usd: z.nullable(z.number().check(d('Null when some of its executions could not be priced'))),
  pricedUsd: z.number(),
  unpricedExecutions: count(),
  unpriced: z.nullable(z.enum(['unknown-model', 'no-model', 'long-context'])),
  priceSource: z.nullable(
    z.enum(['list', 'config']).check(d('list: the bundled price list dated pricesAsOf; config: "prices" in agent-track.json. Null for a model with no price')),
  ),
});

export const CostReport = z.object({
  currency: z.literal('USD'),
  pricesAsOf: z.string().check(d('Release date of the bundled price list, @pydantic/genai-prices (models priced from the config say so in byModel[].priceSource; agent-track prices shows its version)')),
  total: CostFigures,
  byModel: z.array(ModelCostRow),
  byAgent: z.array(z.object({ agent: z.string(), usd: z.nullable(z.number()), pricedUsd: z.number(), unpricedExecutions: count() })),
});
export type CostReport = z.infer<typeof CostReport>;

export const SessionShare = z.object({
  sessions: count().check(d('Sessions of the period with main-thread figures (sessions/<session>.json, written by agent-track import)')),
  mainThread: z.object({ tokens: count(), usd: z.nullable(z.number()) }),
  subagents: z.object({ runs: count(), tokens: count(), usd: z.nullable(z.number()) }),
  tokenShare: rate("Subagents' share of those sessions' billed tokens"),
  costShare: rate("Subagents' share of those sessions' cost; null when some tokens could not be priced"),
  byAgent: z.array(z.object({ agent: z.string(), runs: count(), tokens: count(), shareOfSessionTokens: rate("This agent type's share of the sessions' billed tokens") })),
});
export type SessionShare = z.infer<typeof SessionShare>;

export const Report = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('agent-track/report'),
  generatedAt: z.string(),
  period: z.string().check(d('"YYYY-MM-DD to YYYY-MM-DD"')),
  range: ReportRange,
  filter: z.object({ agents: z.nullable(z.array(z.string())) }),
  summary: ReportSummary,
  agentMetrics: z.array(AgentMetrics),
  topPerformers: z.array(TopPerformer),
  improvementAreas: z.array(ImprovementArea).check(d('Findings backed by enough runs')),
  // A default, so dated reports written before early signals existed still read back.
  earlySignals: z._default(
    z.array(EarlySignal).check(d('Agents with too few runs for a rate that failed or ended partial: counts, kept apart from the findings')),
    () => [],
  ),
  toolUsage: ToolUsage,
  workflowPatterns: z.array(WorkflowPattern),
  cost: CostReport,
  dataQuality: z.object({
    daysWithData: count(),
    skippedFiles: count().check(d('Corrupt or foreign files in the logs folder that were left out')),
    executionsWithoutPrompt: count().check(d('Executions with no prompt id (not part of any workflow)')),
  }),
  /** Optional: reports written before session figures existed have none. */
  sessions: z.optional(z.nullable(SessionShare.check(d("The subagents' share of their sessions (main thread + subagents); null with no session figures")))),
  warnings: z.array(z.string()),
});
export type Report = z.infer<typeof Report>;

// Trends ---------------------------------------------------------------------

export const TrendFigures = z.object({
  executions: count(),
  successRate: rate('Success rate'),
  p50Duration: z.nullable(count()),
  tokensUsed: count(),
  costUsd: z.nullable(z.number()),
});
export type TrendFigures = z.infer<typeof TrendFigures>;

const ChangeFigure = z.object({
  previous: z.nullable(z.number()),
  current: z.nullable(z.number()),
  delta: z.nullable(z.number().check(d('current - previous (percentage points for rates)'))),
  percent: z.nullable(z.number().check(d('delta / previous, in %; null when previous is 0 or unknown'))),
});

const perMetric = <T extends z.ZodMiniType>(schema: T) =>
  z.object({ executions: schema, successRate: schema, p50Duration: schema, tokensUsed: schema, costUsd: schema });

export const TrendSeries = z.object({
  executions: z.array(count()),
  successRate: z.array(z.nullable(z.number())),
  p50Duration: z.array(z.nullable(count())),
  tokensUsed: z.array(count()),
  costUsd: z.array(z.nullable(z.number())),
});
export type TrendSeries = z.infer<typeof TrendSeries>;

export const TrendLine = z.object({
  current: TrendFigures,
  previous: TrendFigures.check(d('The period of the same length just before')),
  change: perMetric(ChangeFigure),
  slope: perMetric(z.nullable(z.number())).check(d('Least-squares slope of the daily series, per day')),
  series: TrendSeries.check(d('One value per day of `days`')),
});
export type TrendLine = z.infer<typeof TrendLine>;

export const Anomaly = z.object({
  agent: z.string(),
  kind: z.enum(['day', 'execution']),
  day: day(),
  metric: z.enum(['executions', 'successRate', 'p50Duration', 'duration']).check(d('A day figure, or one execution\'s duration')),
  value: z.number(),
  median: z.number().check(d("The agent's median over the window, in the value's unit")),
  spread: z.number().check(d('Robust spread on the given scale: 1.4826 x MAD (or 1.2533 x mean absolute deviation when the MAD is 0)')),
  scale: z.enum(['linear', 'log']).check(d('log: durations, compared as ln(ms) because they are skewed')),
  score: z.number().check(d('(value - median) / spread, on that scale')),
  executionId: z.nullable(z.string()),
});
export type Anomaly = z.infer<typeof Anomaly>;

export const Trends = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('agent-track/trends'),
  generatedAt: z.string(),
  period: z.string(),
  range: ReportRange,
  previousPeriod: z.string(),
  filter: z.object({ agents: z.nullable(z.array(z.string())) }),
  days: z.array(day()),
  partialDay: z.nullable(
    day().check(
      d(
        'The day still running (today) when the window holds it: its runs so far are in the series, the totals and the change against the previous period, but not in the slopes or the day anomalies',
      ),
    ),
  ),
  overall: TrendLine,
  agents: z.array(z.object({ agent: z.string(), ...TrendLine.shape })),
  anomalies: z.array(Anomaly),
  /** Optional: trends written before session figures existed have none. */
  sessions: z.optional(
    z.nullable(
      z.object({
        tokenShare: z.array(z.nullable(z.number())).check(d("Per day of `days`: the subagents' share of the billed tokens of the sessions begun that day (sessions/<session>.json), null with none")),
        costShare: z.array(z.nullable(z.number())).check(d('Per day: the same share of their cost, null when none or not fully priced')),
      }),
    ).check(d('null when no session of the window has main-thread figures')),
  ),
  warnings: z.array(z.string()),
});
export type Trends = z.infer<typeof Trends>;
