import * as z from 'zod/mini';
import { described } from './describe.js';
import { ClosedBy, ExecutionStatus } from './enums.js';
import { TokenBreakdown } from './tokens.js';

// One line of `<logs>/YYYY-MM-DD/completions.jsonl`: a finished execution, as
// the hook (or import) wrote its record. A later correction appends a line
// with a higher revision; the last line per executionId is current. The lines
// carry what budgets and the statusline need (model and billed tokens), so a
// period's spend is read from one small file per day instead of every record.
// `model` and `tokens` are absent in lines written before they existed: a
// reader then reads that day's records.

const count = () => z.int().check(z.gte(0));

export const CompletionLine = z.object({
  executionId: z.string(),
  agentType: z.string(),
  status: ExecutionStatus,
  timestamp: described(z.string(), 'End of the execution (its start when the end is unknown), ISO 8601'),
  startTime: described(z.string(), "Start of the execution, ISO 8601 (the record's timestamp)"),
  duration: z.nullable(z.number().check(z.gte(0))),
  tokensUsed: z.nullable(count()),
  closedBy: ClosedBy,
  model: z.optional(described(z.nullable(z.string()), "The agent's model id as recorded (absent in lines written before agent-track 2026-12-06)")),
  tokens: z.optional(
    described(
      z.nullable(z.object(TokenBreakdown.shape)),
      "The record's billed tokens (metrics.tokens), priced with the current price list and config prices when read (absent in older lines)",
    ),
  ),
  revision: described(z.int().check(z.gte(1)), 'Higher for a later correction of the same execution'),
});
export type CompletionLine = z.infer<typeof CompletionLine>;
