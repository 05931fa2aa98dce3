import { capName } from '../schema/limits.js';
import * as z from 'zod/mini';
import { describeIssues } from '../schema/issues.js';
import { memo } from '../schema/memo.js';

// What Claude Code sends on stdin (observed on 2.1.197, see
// docs/claude-code-observations.md). zod checks what identifies an event:
// its name, session, Agent call and agent ids. Descriptive fields (prompt,
// model, totals, ...) are read with the lenient readers below: a field a
// future version sends with another type counts as absent, so one odd field
// never loses an event. Small schemas also keep a hook process fast: each
// zod schema object costs startup time, and every subagent run pays it four
// times.

const id = () => z.string().check(z.minLength(1), z.maxLength(512));

const toolEvent = <N extends string>(name: N) =>
  memo(() => z.looseObject({ hook_event_name: z.literal(name), session_id: id(), tool_name: z.string(), tool_use_id: id() }));
const agentEvent = <N extends string>(name: N) => memo(() => z.looseObject({ hook_event_name: z.literal(name), session_id: id(), agent_id: id() }));

const SCHEMAS = {
  // The launch must say what it launches: a tool_input that is not an object would leave the agent type a guess.
  PreToolUse: memo(() =>
    z.looseObject({ hook_event_name: z.literal('PreToolUse'), session_id: id(), tool_name: z.string(), tool_use_id: id(), tool_input: z.looseObject({}) }),
  ),
  PostToolUse: toolEvent('PostToolUse'),
  PostToolUseFailure: toolEvent('PostToolUseFailure'),
  SubagentStart: agentEvent('SubagentStart'),
  SubagentStop: agentEvent('SubagentStop'),
  // 2.1.332: a subagent that ends on an API error gets this instead of SubagentStop.
  StopFailure: agentEvent('StopFailure'),
  SessionEnd: memo(() => z.looseObject({ hook_event_name: z.literal('SessionEnd'), session_id: id() })),
};

type Schemas = typeof SCHEMAS;
export type HookPayload = { [K in keyof Schemas]: z.infer<ReturnType<Schemas[K]>> }[keyof Schemas];

export const AGENT_TOOLS = new Set(['Agent', 'Task']);
export const HANDLED_EVENTS = new Set(Object.keys(SCHEMAS));

export type PayloadCheck = { success: true; data: HookPayload } | { success: false; error: string };

/** Validate a payload whose event name is one we handle. */
export function parsePayload(raw: Record<string, unknown>): PayloadCheck {
  const schema = SCHEMAS[raw.hook_event_name as keyof Schemas];
  if (!schema) return { success: false, error: `unhandled event ${String(raw.hook_event_name)}` };
  const parsed = schema().safeParse(raw);
  return parsed.success ? { success: true, data: parsed.data as HookPayload } : { success: false, error: describeIssues(parsed.error) };
}

// Lenient readers for descriptive fields.

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function flag(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** An optional id (e.g. the launching agent's `agent_id` on PreToolUse). */
export function identifier(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 512 ? value : undefined;
}

export function fields(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A name from a payload (agent type, model), capped at NAME_MAX like every name a record keeps. */
export function name(value: unknown): string | undefined {
  const t = text(value);
  return t === undefined ? undefined : capName(t);
}

/** The Agent tool's input: `tool_input` of PreToolUse and PostToolUse(Failure). */
export function agentToolInput(value: unknown) {
  const input = fields(value);
  return {
    description: text(input.description),
    prompt: text(input.prompt),
    subagentType: name(input.subagent_type),
    model: name(input.model),
    runInBackground: flag(input.run_in_background),
    name: name(input.name),
  };
}

/** The Agent tool's result (`tool_response` of PostToolUse); older versions may send plain text. */
export function agentToolResponse(value: unknown) {
  const response = fields(value);
  const blocks = Array.isArray(response.content) ? response.content.map(fields) : [];
  const texts = blocks.filter((b) => b.type === 'text').map((b) => text(b.text)).filter((t): t is string => t !== undefined);
  return {
    status: text(response.status),
    agentId: identifier(response.agentId),
    agentType: name(response.agentType),
    resolvedModel: name(response.resolvedModel),
    totalDurationMs: count(response.totalDurationMs),
    totalTokens: count(response.totalTokens),
    totalToolUseCount: count(response.totalToolUseCount),
    text: typeof value === 'string' ? value : texts.length ? texts.join('\n') : null,
  };
}
