import * as z from 'zod/mini';
import { described } from './describe.js';

// One budget's burn, as `status --json`, `check --json` and the dashboard
// show it. A budget with both a cost and a token cap gives two entries, one
// per metric. Published inside schema/status.schema.json.

const count = () => z.int().check(z.gte(0));

export const BudgetState = z.object({
  name: described(z.string(), 'The budget\'s name, or "<period> · <agents>"'),
  period: z.enum(['day', 'week', 'month']),
  from: described(z.string(), 'First day of the current period (YYYY-MM-DD, local)'),
  to: described(z.string(), 'Last day of the current period'),
  agentType: z.nullable(described(z.string(), 'Glob on the agent type; null for all agents')),
  metric: z.enum(['usd', 'billedTokens']),
  limit: z.number(),
  spent: described(z.number(), 'So far in the period (USD of the runs that could be priced, or billed tokens)'),
  share: described(z.number(), 'spent / limit, in %'),
  forecast: z.nullable(
    described(z.number(), "spent at the period's end at the period's own burn rate so far; null in its first 24th, too early to say"),
  ),
  forecastShare: z.nullable(z.number()),
  warnAt: described(z.number(), 'Warning share, in %'),
  state: described(z.enum(['ok', 'warning', 'spent']), 'spent: at or over the cap; warning: at or over warnAt'),
  executions: described(count(), 'Runs counted'),
  unpricedExecutions: described(count(), 'Runs with tokens that could not be priced (their cost is not in `spent`)'),
});
export type BudgetState = z.infer<typeof BudgetState>;
