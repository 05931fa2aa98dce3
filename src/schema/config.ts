import * as z from 'zod/mini';
import { parseDuration, DURATION_HELP } from '../time/duration.js';
import { configuredPatternError } from './pattern.js';
import { Priority } from './enums.js';
import { memo } from './memo.js';
import { DAY_MS } from '../time/duration.js';

// The project config, `.claude/agent-track.json`. Every key is optional; the
// defaults below are the design document's policy.

const duration = () =>
  z
    // A bare number ("raw": 7) is the likeliest slip: say what is expected, not zod's "Invalid input".
    .string({ error: (issue) => `expected a duration string such as "7d", not ${kindOf(issue.input)}` })
    .check(z.refine((text) => parseDuration(text) !== null, { message: `expected ${DURATION_HELP}` }));

const priorityRule = () =>
  z.strictObject({
    priority: Priority,
    agentType: z.optional(z.string().check(z.describe('Glob on the agent type, e.g. "security-*"'))),
    promptMatches: z.optional(
      z.string().check(
        // RE2 syntax (linear time, see schema/pattern.ts): no lookaround, no backreferences.
        z.refine((source) => configuredPatternError(source) === null, { message: 'not a valid regular expression (RE2 syntax: no lookaround or backreferences)' }),
        z.describe('Case-insensitive regular expression (RE2 syntax) tested on the prompt and description'),
      ),
    ),
  });
export type PriorityRule = z.infer<ReturnType<typeof priorityRule>>;

export const BudgetPeriod = z.enum(['day', 'week', 'month']);
export type BudgetPeriod = z.infer<typeof BudgetPeriod>;

const budget = () =>
  z
    .strictObject({
      name: z.optional(z.string().check(z.minLength(1), z.maxLength(80), z.describe('Shown in status, check and alerts (default: period and agents)'))),
      period: BudgetPeriod.check(z.describe('day, week (ISO, Monday to Sunday) or month, in local time')),
      agentType: z.optional(z.string().check(z.minLength(1), z.describe('Glob on the agent type as in "priority", e.g. "security-*"; all agents when absent'))),
      usd: z.optional(z.number().check(z.gt(0), z.describe('Cost cap in USD (list prices, or "prices" below)'))),
      billedTokens: z.optional(z.int().check(z.gt(0), z.describe('Cap on billed tokens: input, output, cache writes and reads'))),
      warnAt: z.optional(z.number().check(z.gt(0), z.lte(100), z.describe('Warn from this share of the cap, in % (default 80)'))),
    })
    .check(z.refine((b) => b.usd !== undefined || b.billedTokens !== undefined, { message: 'a budget needs "usd", "billedTokens" or both' }));
export type BudgetRule = z.infer<ReturnType<typeof budget>>;

export const modelPrice = () =>
  z.strictObject({
    input: z.number().check(z.gte(0)),
    output: z.number().check(z.gte(0)),
    cacheWrite: z.number().check(z.gte(0), z.describe('5-minute cache writes')),
    cacheWrite1h: z.optional(z.number().check(z.gte(0), z.describe('1-hour cache writes; default: the cacheWrite rate'))),
    cacheRead: z.number().check(z.gte(0)),
  });
export type ModelPrice = z.infer<ReturnType<typeof modelPrice>>;

// Built on first use: the hook reads a config file only when the project has one.
export const configFileSchema = memo(() =>
  z.strictObject({
    $schema: z.optional(z.string()),
    storePrompts: z.optional(z.boolean().check(z.describe('false: store only a hash and the length of each prompt'))),
    inFlightTimeout: z.optional(duration().check(z.describe('A run with no stop event is closed as interrupted after this long'))),
    priority: z.optional(
      z.strictObject({
        default: z.optional(Priority),
        rules: z.optional(z.array(priorityRule())),
      }),
    ),
    retention: z.optional(
      z.strictObject({
        raw: z.optional(duration()),
        dailySummaries: z.optional(duration()),
        weeklyReports: z.optional(duration()),
        monthlyReports: z.optional(duration()),
      }),
    ),
    prices: z.optional(
      z.record(z.string(), modelPrice()).check(z.describe('USD per million tokens, by model id; overrides the bundled price list at any context size')),
    ),
    budgets: z.optional(z.array(budget()).check(z.maxLength(100), z.describe('Spending caps per day, week or month, checked by status, check, statusline and alerts'))),
    export: z.optional(
      z.strictObject({
        afterSession: z.optional(z.boolean().check(z.describe('true: each SessionEnd starts a detached `agent-track export` (never delays the hook)'))),
        prompts: z.optional(z.boolean().check(z.describe('true: send prompt text (scrubbed) as input.value; off by default'))),
        redact: z.optional(z.array(RedactKind).check(z.describe('Send sha256 hashes instead of these texts'))),
        serviceName: z.optional(z.string().check(z.minLength(1), z.describe('service.name of the exported spans (default claude-code-subagents)'))),
        resource: z.optional(
          z.strictObject({
            user: z.optional(z.boolean().check(z.describe('false: leave out user.name'))),
            host: z.optional(z.boolean().check(z.describe('false: leave out host.name'))),
            project: z.optional(z.boolean().check(z.describe('false: leave out agent_track.project'))),
          }),
        ),
      }),
    ),
  }),
);
export type ConfigFile = z.infer<ReturnType<typeof configFileSchema>>;

/** Texts that `export` can send as hashes: prompts (and Agent call descriptions), file paths, error messages and commands. */
export const RedactKind = z.enum(['prompts', 'paths', 'messages']);
export type RedactKind = z.infer<typeof RedactKind>;

// The config as the code uses it: every key present, durations in ms. Its
// type is inferred from this schema (not kept by hand beside the file's), and
// a test parses resolveConfig's output with it. Built only when called: the
// hook needs the type, never the schema.
export const resolvedConfigSchema = memo(() => {
  const ms = () => z.number().check(z.gte(0));
  return z.strictObject({
    storePrompts: z.boolean(),
    inFlightTimeoutMs: ms(),
    priority: z.strictObject({ default: Priority, rules: z.array(priorityRule()) }),
    retention: z.strictObject({ rawMs: ms(), dailySummariesMs: ms(), weeklyReportsMs: ms(), monthlyReportsMs: ms() }),
    prices: z.record(z.string(), modelPrice()),
    budgets: z.array(budget()),
    export: z.strictObject({
      afterSession: z.boolean(),
      prompts: z.boolean(),
      redact: z.array(RedactKind),
      serviceName: z.string(),
      resource: z.strictObject({ user: z.boolean(), host: z.boolean(), project: z.boolean() }),
    }),
  });
});
export type Config = z.infer<ReturnType<typeof resolvedConfigSchema>>;
export type ExportConfig = Config['export'];


export const DEFAULT_CONFIG: Config = {
  storePrompts: true,
  inFlightTimeoutMs: 2 * 3_600_000,
  priority: { default: 'medium', rules: [] },
  retention: { rawMs: 7 * DAY_MS, dailySummariesMs: 30 * DAY_MS, weeklyReportsMs: 90 * DAY_MS, monthlyReportsMs: 365 * DAY_MS },
  prices: {},
  budgets: [],
  export: { afterSession: false, prompts: false, redact: [], serviceName: 'claude-code-subagents', resource: { user: true, host: true, project: true } },
};

export function resolveConfig(file: ConfigFile): Config {
  const ms = (text: string | undefined, fallback: number) => (text === undefined ? fallback : parseDuration(text)!);
  const d = DEFAULT_CONFIG;
  return {
    storePrompts: file.storePrompts ?? d.storePrompts,
    inFlightTimeoutMs: ms(file.inFlightTimeout, d.inFlightTimeoutMs),
    priority: {
      default: file.priority?.default ?? d.priority.default,
      rules: file.priority?.rules ?? d.priority.rules,
    },
    retention: {
      rawMs: ms(file.retention?.raw, d.retention.rawMs),
      dailySummariesMs: ms(file.retention?.dailySummaries, d.retention.dailySummariesMs),
      weeklyReportsMs: ms(file.retention?.weeklyReports, d.retention.weeklyReportsMs),
      monthlyReportsMs: ms(file.retention?.monthlyReports, d.retention.monthlyReportsMs),
    },
    prices: file.prices ?? d.prices,
    budgets: file.budgets ?? d.budgets,
    export: {
      afterSession: file.export?.afterSession ?? d.export.afterSession,
      prompts: file.export?.prompts ?? d.export.prompts,
      redact: file.export?.redact ?? d.export.redact,
      serviceName: file.export?.serviceName ?? d.export.serviceName,
      resource: { ...d.export.resource, ...file.export?.resource },
    },
  };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
