import * as z from 'zod/mini';
import { BudgetState } from './budgets.js';
import { described } from './describe.js';

// What `agent-track check --json` prints. Published as schema/check.schema.json.

export const Alert = z.object({
  kind: z.enum(['budget-spent', 'budget-warning', 'agent-failed']),
  subject: described(z.string(), 'The budget name or the agent type'),
  text: described(z.string(), 'One line for a person: what, with its figures'),
});
export type Alert = z.infer<typeof Alert>;

export const CheckOutput = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('agent-track/check'),
  generatedAt: z.string(),
  ok: described(z.boolean(), 'False (exit code 1) when a budget is spent or an agent\'s health is failed'),
  problems: described(z.array(Alert), 'Why ok is false'),
  warnings: described(z.array(Alert), 'Budgets past their warning share: reported, exit code still 0'),
  budgets: z.array(BudgetState),
});
export type CheckOutput = z.infer<typeof CheckOutput>;
