import * as z from 'zod/mini';
import { described } from './describe.js';
import { LongContextTokens } from './tokens.js';

// The part of a day's figures that budgets, the statusline's cost and its
// running agents' expected times read. The day rollup (summary.ts) is built
// from these very schemas, so the two cannot drift; the statusline reads a
// pruned day's summary.json through DaySpendFile without loading the rest.

const count = () => z.int().check(z.gte(0));
const ms = () => z.number().check(z.gte(0));

export const DayName = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

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

export const AgentSpend = z.object({
  executions: count(),
  success: count(),
  partial: count(),
  failed: count(),
  durations: described(z.array(count()), 'Ascending durations (ms) of every execution whose duration is known'),
  tokens: described(z.object(TokenSums.shape), 'Billed tokens summed over executions that have them'),
  models: described(z.record(z.string(), TokenSums), 'Billed tokens per model id as recorded, for pricing'),
  longContextModels: described(
    z.record(z.string(), TokenSums),
    'Billed tokens of executions whose context passed 200k tokens but whose records do not split them per API call (written before agent-track recorded tokens.longContext): not priced for models with long-context rates',
  ),
  lastSuccessAt: z.nullable(ms()),
});

/** What the statusline reads of a pruned day's summary.json (its records are gone, so the rollup is final). */
export const DaySpendFile = z.object({
  day: DayName,
  executions: count(),
  agents: z.record(z.string(), AgentSpend),
});
