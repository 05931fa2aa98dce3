import * as z from 'zod/mini';
import { memo } from './memo.js';

// The main thread of one Claude Code session, beside its subagents' records:
// <logs>/sessions/<session>.json. The record stays one per subagent run; this
// file says what the rest of the session cost, so reports can show the
// subagents' share. Published as schema/session.schema.json (npm run schema).
// Built on first use: only a SessionEnd hook needs it, and building it cost
// every other hook process ~0.9 ms and 450 KB of young heap (enough to set off
// a garbage collection).

const count = () => z.int().check(z.gte(0));
const d = (text: string) => z.describe(text);

const modelTokens = () =>
  z.object({
    input: count(),
    output: count(),
    cacheCreation: count(),
    cacheRead: count(),
    apiCalls: count().check(d('API responses, each message id counted once')),
  });
export type ModelTokens = z.infer<ReturnType<typeof modelTokens>>;

export const sessionFiguresSchema = memo(() => z.object({
  schemaVersion: z.literal(1),
  sessionId: z.string(),
  source: z.enum(['import', 'hooks']).check(d('What read the transcript: agent-track import, or the hooks at SessionEnd / the next command')),
  firstAt: z.nullable(z.number().check(d('First main-thread API response, ms since the epoch'))),
  lastAt: z.nullable(z.number()),
  mainThread: z.record(z.string(), modelTokens()).check(d("Billed tokens of the main thread per model, from the session transcript (subagents' are in their records)")),
  subagents: z.object({
    runs: count(),
    byModel: z.record(z.string(), modelTokens()).check(d("The session's subagent records' billed tokens per model")),
    byAgent: z.record(z.string(), z.object({ runs: count(), tokens: count().check(d('Billed tokens, all kinds')) })),
  }).check(d("The session's subagent records, summed when this file was written")),
  claudeCode: z.nullable(
    z.object({
      totalCostUsd: z.number().check(d("Claude Code's own cost of the whole session, subagents included (its cost-state line)")),
      byModel: z.record(z.string(), z.object({ input: count(), output: count(), cacheCreation: count(), cacheRead: count(), costUsd: z.number() })),
    }),
  ).check(d('What Claude Code itself said the session cost, when the transcript has it (2.1.332 and later)')),
  writtenAt: z.number(),
}));
export type SessionFigures = z.infer<ReturnType<typeof sessionFiguresSchema>>;
