import * as z from 'zod/mini';
import { AgentExecution, ExecutionError } from './record.js';

// The part of an execution record that reports read, picked from the record
// schema itself so the two cannot drift. The report loader validates every
// file against this: a foreign or corrupt file is skipped, a record written by
// a newer version with extra fields still loads. Validating (and keeping) only
// these fields costs about half of validating the whole record, which is what
// keeps a scan of a million files near the speed of reading them.

const S = AgentExecution.shape;

/**
 * The same schema without its describe() checks, all the way down. z.compile
 * cannot compile that check and runs every described field through the slow
 * runtime parser instead, which doubles the validation cost per record (and
 * much more in a cold process). Descriptions matter to the published JSON
 * Schema, not to reading records back.
 */
export function withoutDescriptions<T extends z.ZodMiniType>(schema: T): T {
  const def = schema.def as unknown as Record<string, unknown> & { type: string; checks?: { _zod: { def: { check: string } } }[] };
  const next: Record<string, unknown> = { ...def };
  if (def.checks) next.checks = def.checks.filter((check) => check._zod.def.check !== 'describe');
  const strip = (key: string) => (next[key] = withoutDescriptions(def[key] as z.ZodMiniType));
  switch (def.type) {
    case 'object':
      next.shape = Object.fromEntries(Object.entries(def.shape as Record<string, z.ZodMiniType>).map(([k, v]) => [k, withoutDescriptions(v)]));
      break;
    case 'nullable':
    case 'optional':
      strip('innerType');
      break;
    case 'array':
      strip('element');
      break;
    case 'record':
      strip('keyType');
      strip('valueType');
      break;
  }
  return schema.clone(next as unknown as T['def']);
}

export const ExecutionFacts = z.object({
  schemaVersion: S.schemaVersion,
  id: S.id,
  agentType: S.agentType,
  request: z.object({
    context: z.pick(S.request.shape.context, { promptId: true, model: true, background: true }),
  }),
  metrics: z.pick(S.metrics, {
    startTime: true,
    endTime: true,
    duration: true,
    tokensUsed: true,
    tokens: true,
    apiCalls: true,
    toolCalls: true,
  }),
  result: z.pick(S.result, { status: true, filesModified: true, testsRun: true, issuesFound: true }),
  errors: z.array(z.pick(ExecutionError, { type: true, message: true, tool: true, at: true })),
  chain: z.pick(S.chain, { parentExecutionId: true, parallelWith: true }),
  capture: z.pick(S.capture, { writtenAt: true }),
});
export type ExecutionFacts = z.infer<typeof ExecutionFacts>;

/** What the loader validates with: ExecutionFacts, fully compilable. */
export const ExecutionFactsForReading = withoutDescriptions(ExecutionFacts);
