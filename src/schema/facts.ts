import * as z from 'zod/mini';
import { AgentExecution, ExecutionError } from './record.js';

// The part of an execution record that reports read, picked from the record
// schema itself so the two cannot drift. The report loader validates every
// file against this: a foreign or corrupt file is skipped, a record written by
// a newer version with extra fields still loads. Validating (and keeping) only
// these fields costs about half of validating the whole record, which is what
// keeps a scan of a million files near the speed of reading them.

const S = AgentExecution.shape;

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
