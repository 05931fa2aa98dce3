import * as z from 'zod/mini';
import { Priority } from '../schema/enums.js';
import type { Config } from '../schema/config.js';
import { countIssues } from './outcome.js';
import { agentToolInput, agentToolResponse, count, identifier, name, text, type HookPayload } from './payload.js';
import { memo } from '../schema/memo.js';
import { sha256Hex } from '../store/hash.js';
import { priorityFor } from './priority.js';
import { scrubAndTruncate, scrubNullable } from './scrub.js';

// The in-flight state is a folder of immutable event files, one per hook
// call, each holding only what assembly needs, already scrubbed. Writing a
// new file never conflicts with another hook process; the record is rebuilt
// from the whole set, so event order and duplicate deliveries do not matter.

// `notified` is not a hook: it is Claude Code's <task-notification> for a
// background run, found in the main session transcript (see awaiting.ts).
export const EventKind = z.enum(['pre', 'start', 'stop', 'done', 'launched', 'fail', 'end', 'notified', 'stopfail']);
export type EventKind = z.infer<typeof EventKind>;

const str = () => z.nullable(z.string());
const num = () => z.nullable(z.number());

// Built on first use: most hook processes only write events, never read them back.
export const storedEventSchema = memo(() => z.object({
  v: z.literal(1),
  kind: EventKind,
  at: z.number(),
  sessionId: z.string(),
  promptId: str(),
  toolUseId: str(),
  agentId: str(),
  agentType: str(),
  cwd: str(),
  transcriptPath: str(),
  permissionMode: str(),
  /** pre: the subagent that made this Agent call (nesting). */
  launcher: z.optional(z.object({ agentId: z.string(), agentType: str() })),
  request: z.optional(
    z.object({
      prompt: str(),
      promptHash: str(),
      promptLength: num(),
      description: str(),
      model: str(),
      background: z.boolean(),
      name: str(),
      priority: Priority,
    }),
  ),
  response: z.optional(
    z.object({
      status: str(),
      resolvedModel: str(),
      totalDurationMs: num(),
      totalTokens: num(),
      totalToolUseCount: num(),
      textLength: num(),
      issuesFound: num(),
      apiError: str(),
      durationMs: num(),
    }),
  ),
  failure: z.optional(z.object({ error: z.string(), isInterrupt: z.boolean(), durationMs: num() })),
  stop: z.optional(z.object({ agentTranscriptPath: str(), lastMessageLength: num(), issuesFound: num() })),
  meta: z.optional(z.object({ spawnDepth: num(), description: str() })),
  notification: z.optional(z.object({ status: z.string(), summary: str(), tokens: num(), toolUses: num(), durationMs: num() })),
  reason: z.optional(str()),
}));
export type StoredEvent = z.infer<ReturnType<typeof storedEventSchema>>;

/**
 * What reading an event back checks: its envelope. The rest is our own
 * format, written by this code; the full schema above documents it, and the
 * tests hold every event written to it. Building that schema would cost every
 * finalizing hook process ~2 ms.
 */
export const storedEventEnvelope = memo(() => z.looseObject({ v: z.literal(1), kind: EventKind, at: z.number(), sessionId: z.string() }));

const PROMPT_MAX = 10_000;
const TEXT_MAX = 2_000;

export interface SubagentMeta {
  toolUseId: string | null;
  spawnDepth: number | null;
  description: string | null;
}

/** Turn one validated hook payload into the event we store. */
export function toStoredEvent(payload: HookPayload, at: number, config: Config, meta: SubagentMeta | null): StoredEvent {
  const base = {
    v: 1 as const,
    // Whole milliseconds: event file names sort by this number.
    at: Math.round(at),
    sessionId: payload.session_id,
    promptId: text(payload.prompt_id) ?? null,
    toolUseId: null as string | null,
    agentId: null as string | null,
    agentType: null as string | null,
    cwd: text(payload.cwd) ?? null,
    transcriptPath: text(payload.transcript_path) ?? null,
    permissionMode: text(payload.permission_mode) ?? null,
  };
  switch (payload.hook_event_name) {
    case 'PreToolUse': {
      const input = agentToolInput(payload.tool_input);
      const agentType = input.subagentType || 'general-purpose';
      const prompt = input.prompt ?? null;
      const launcher = identifier(payload.agent_id);
      return {
        ...base,
        kind: 'pre',
        toolUseId: payload.tool_use_id,
        agentType,
        ...(launcher ? { launcher: { agentId: launcher, agentType: name(payload.agent_type) ?? null } } : {}),
        request: {
          prompt: prompt !== null && config.storePrompts ? scrubAndTruncate(prompt, PROMPT_MAX) : null,
          promptHash: prompt !== null ? sha256Hex(prompt) : null,
          promptLength: prompt !== null ? prompt.length : null,
          description: input.description !== undefined ? scrubAndTruncate(input.description, TEXT_MAX) : null,
          model: input.model ?? null,
          background: input.runInBackground === true,
          name: scrubNullable(input.name),
          priority: priorityFor({ agentType, prompt, description: input.description ?? null }, config.priority),
        },
      };
    }
    case 'PostToolUse': {
      const response = agentToolResponse(payload.tool_response);
      const launched = response.status === 'async_launched';
      // An API failure inside the subagent still arrives as "completed".
      const apiError = response.text !== null && /^API Error/i.test(response.text) ? scrubAndTruncate(response.text, TEXT_MAX) : null;
      return {
        ...base,
        kind: launched ? 'launched' : 'done',
        toolUseId: payload.tool_use_id,
        agentId: response.agentId ?? null,
        agentType: response.agentType ?? agentToolInput(payload.tool_input).subagentType ?? null,
        response: {
          status: response.status ?? null,
          resolvedModel: response.resolvedModel ?? null,
          totalDurationMs: response.totalDurationMs ?? null,
          totalTokens: response.totalTokens ?? null,
          totalToolUseCount: response.totalToolUseCount ?? null,
          textLength: launched || response.text === null ? null : response.text.length,
          issuesFound: launched || apiError ? null : countIssues(response.text),
          apiError,
          durationMs: count(payload.duration_ms) ?? null,
        },
      };
    }
    case 'PostToolUseFailure':
      return {
        ...base,
        kind: 'fail',
        toolUseId: payload.tool_use_id,
        agentType: agentToolInput(payload.tool_input).subagentType || null,
        failure: {
          error: scrubAndTruncate(text(payload.error) ?? 'unknown error', TEXT_MAX),
          isInterrupt: payload.is_interrupt === true,
          durationMs: count(payload.duration_ms) ?? null,
        },
      };
    case 'SubagentStart':
      return {
        ...base,
        kind: 'start',
        toolUseId: meta?.toolUseId ?? null,
        agentId: payload.agent_id,
        agentType: name(payload.agent_type) ?? null,
        meta: { spawnDepth: meta?.spawnDepth ?? null, description: meta?.description == null ? null : scrubAndTruncate(meta.description, TEXT_MAX) },
      };
    case 'SubagentStop': {
      const last = text(payload.last_assistant_message) ?? null;
      return {
        ...base,
        kind: 'stop',
        toolUseId: meta?.toolUseId ?? null,
        agentId: payload.agent_id,
        agentType: name(payload.agent_type) ?? null,
        stop: {
          agentTranscriptPath: text(payload.agent_transcript_path) ?? null,
          lastMessageLength: last === null ? null : last.length,
          issuesFound: countIssues(last),
        },
      };
    }
    case 'StopFailure': {
      // `error` is a category ("unknown" for an API 400); the last message says what happened.
      const message = text(payload.last_assistant_message) || text(payload.error) || 'unknown error';
      return {
        ...base,
        kind: 'stopfail',
        toolUseId: meta?.toolUseId ?? null,
        agentId: payload.agent_id,
        agentType: text(payload.agent_type) ?? null,
        failure: { error: scrubAndTruncate(message, TEXT_MAX), isInterrupt: false, durationMs: null },
      };
    }
    case 'SessionEnd':
      return { ...base, kind: 'end', reason: text(payload.reason) ?? null };
  }
}
