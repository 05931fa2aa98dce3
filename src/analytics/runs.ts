import type { ModelPrice } from '../schema/config.js';
import type { AgentExecution } from '../schema/record.js';
import type { ChainRun, RunDetail, RunRow } from '../schema/runs.js';
import { runCost } from './cost.js';

// One run at a time: the rows of `agent-track runs` and the pieces of `show`.
// Pure: records in, rows out.

export interface RunFilter {
  agent: string | null;
  status: AgentExecution['result']['status'] | null;
  /** Unix ms: runs that started at or after it. */
  since: number | null;
  session: string | null;
}

export function matchesRun(record: AgentExecution, filter: RunFilter): boolean {
  return (
    (filter.agent === null || record.agentType === filter.agent) &&
    (filter.status === null || record.result.status === filter.status) &&
    (filter.since === null || record.metrics.startTime >= filter.since) &&
    (filter.session === null || record.request.context.sessionId === filter.session)
  );
}

/** Newest first; ties by id so the order is stable. */
export function newestFirst(a: AgentExecution, b: AgentExecution): number {
  return b.metrics.startTime - a.metrics.startTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function runRow(record: AgentExecution, prices: Readonly<Record<string, ModelPrice>>): RunRow {
  const first = record.errors[0];
  return {
    id: record.id,
    agent: record.agentType,
    sessionId: record.request.context.sessionId,
    description: record.request.description,
    status: record.result.status,
    background: record.request.context.background,
    startTime: new Date(record.metrics.startTime).toISOString(),
    duration: record.metrics.duration === null ? null : Math.round(record.metrics.duration),
    costUsd: runCost(record, prices),
    firstError: first ? { type: first.type, message: first.message } : null,
  };
}

/** A run named in a chain: its figures when its record was found, its id alone when not. */
export function chainRun(id: string, record: AgentExecution | null): ChainRun {
  return {
    id,
    agent: record?.agentType ?? null,
    status: record?.result.status ?? null,
    startTime: record ? new Date(record.metrics.startTime).toISOString() : null,
    duration: record?.metrics.duration == null ? null : Math.round(record.metrics.duration),
  };
}

export interface DetailOptions {
  /** How many of its stored tool calls the detail carries: the dashboard gives each run a share of one budget (see commands/dashboard.ts). */
  timelineRoom: number;
  /** A longer prompt is cut to this many characters: 500 runs in one page, a long prompt each would outweigh the rest of it. */
  promptShown: number;
  /** Its transcript, when the caller found one. */
  transcriptPath: string | null;
}

export function runDetail(record: AgentExecution, prices: Readonly<Record<string, ModelPrice>>, options: DetailOptions): RunDetail {
  const prompt = record.request.prompt;
  const stored = record.metrics.toolTimeline ?? [];
  const cut = prompt !== null && prompt.length > options.promptShown;
  const t = record.metrics.tokens;
  return {
    description: record.request.description,
    prompt: prompt === null ? null : cut ? `${prompt.slice(0, options.promptShown - 1)}…` : prompt,
    promptLength: cut ? prompt.length : null,
    model: record.request.context.model,
    sessionId: record.request.context.sessionId,
    chain: { parent: record.chain.parentExecutionId, children: record.chain.childExecutions, parallel: record.chain.parallelWith },
    errors: record.errors.map(({ type, message, tool, recoveryAction }) => ({ type, message, tool, recoveryAction })),
    // The four kinds the page shows, not the record's whole breakdown.
    billedTokens: t === null ? null : { input: t.input, output: t.output, cacheCreation: t.cacheCreation, cacheRead: t.cacheRead },
    costUsd: runCost(record, prices),
    toolCalls: Object.entries(record.metrics.toolCalls).map(([tool, c]) => ({ tool, calls: c.calls, failures: c.failures })),
    modifiedFiles: record.result.modifiedFiles,
    testCommands: record.result.testCommands,
    timeline: { calls: stored.slice(0, Math.max(0, options.timelineRoom)), total: stored.length },
    transcriptPath: options.transcriptPath,
  };
}
