import * as z from 'zod/mini';
import { described } from './describe.js';

// Billed tokens of an execution: the record's metrics.tokens and a completion
// line's tokens (schema/completion.ts), which a statusline reads without
// building the whole record schema.

const count = () => z.int().check(z.gte(0));

// A token count may carry per-call detail that pricing needs: the 1-hour part of
// the cache writes and the part billed in long-context calls. Both are
// optional, so records written before they existed still validate and price
// as before.
const cacheCreation1h = () =>
  z.optional(described(count(), 'Of cacheCreation: tokens written to the 1-hour cache, billed at a higher rate than 5-minute writes'));

export const LongContextTokens = z.object({
  input: count(),
  output: count(),
  cacheCreation: count(),
  cacheCreation1h: count(),
  cacheRead: count(),
});
export type LongContextTokens = z.infer<typeof LongContextTokens>;

export const TokenBreakdown = z.object({
  input: count(),
  output: count(),
  cacheCreation: count(),
  cacheRead: count(),
  cacheCreation1h: cacheCreation1h(),
  longContext: z.optional(
    z.nullable(
      described(
        z.object(LongContextTokens.shape),
        'Of these tokens: those of API calls whose prompt passed 200k tokens, which some models bill at higher rates; null when no call did (absent in older records)',
      ),
    ),
  ),
});
export type TokenBreakdown = z.infer<typeof TokenBreakdown>;
