import * as z from 'zod/mini';
import { parseDuration, DURATION_HELP } from '../config/duration.js';
import { configuredPatternError } from '../config/pattern.js';
import { Priority } from './enums.js';
import { memo } from './memo.js';

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
        // RE2 syntax (linear time, see config/pattern.ts): no lookaround, no backreferences.
        z.refine((source) => configuredPatternError(source) === null, { message: 'not a valid regular expression (RE2 syntax: no lookaround or backreferences)' }),
        z.describe('Case-insensitive regular expression (RE2 syntax) tested on the prompt and description'),
      ),
    ),
  });
export type PriorityRule = z.infer<ReturnType<typeof priorityRule>>;

export const modelPrice = () =>
  z.strictObject({
    input: z.number().check(z.gte(0)),
    output: z.number().check(z.gte(0)),
    cacheWrite: z.number().check(z.gte(0)),
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
      z.record(z.string(), modelPrice()).check(z.describe('USD per million tokens, by model id; overrides the built-in table')),
    ),
  }),
);
export type ConfigFile = z.infer<ReturnType<typeof configFileSchema>>;

export interface Config {
  storePrompts: boolean;
  inFlightTimeoutMs: number;
  priority: { default: Priority; rules: PriorityRule[] };
  retention: { rawMs: number; dailySummariesMs: number; weeklyReportsMs: number; monthlyReportsMs: number };
  prices: Record<string, ModelPrice>;
}

const DAY = 86_400_000;

export const DEFAULT_CONFIG: Config = {
  storePrompts: true,
  inFlightTimeoutMs: 2 * 3_600_000,
  priority: { default: 'medium', rules: [] },
  retention: { rawMs: 7 * DAY, dailySummariesMs: 30 * DAY, weeklyReportsMs: 90 * DAY, monthlyReportsMs: 365 * DAY },
  prices: {},
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
  };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
