import * as z from 'zod/mini';
import { memo } from '../schema/memo.js';
import { describeIssues } from '../schema/issues.js';

// What Claude Code sends on stdin (observed on 2.1.197, see docs/claude-code.md).
// Identity fields are required; descriptive fields fall back to undefined when
// a future version changes their type, so one odd field never loses an event.
// Each schema is built on first use: a hook process needs only its event's.

const id = () => z.string().check(z.minLength(1), z.maxLength(512));
const lenient = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);

const base = () => ({
  session_id: id(),
  transcript_path: lenient(z.string()),
  cwd: lenient(z.string()),
  prompt_id: lenient(z.string()),
  permission_mode: lenient(z.string()),
  // Present only when the event fires inside a subagent.
  agent_id: lenient(id()),
  agent_type: lenient(z.string()),
});

export const AGENT_TOOLS = new Set(['Agent', 'Task']);
export const HANDLED_EVENTS = new Set(['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'SubagentStart', 'SubagentStop', 'SessionEnd']);

const agentToolInput = memo(() =>
  z.looseObject({
    description: lenient(z.string()),
    prompt: lenient(z.string()),
    subagent_type: lenient(z.string()),
    model: lenient(z.string()),
    run_in_background: lenient(z.boolean()),
    name: lenient(z.string()),
  }),
);

export const agentToolResponse = memo(() =>
  z.looseObject({
    status: lenient(z.string()),
    agentId: lenient(z.string()),
    agentType: lenient(z.string()),
    content: lenient(z.array(z.looseObject({ type: lenient(z.string()), text: lenient(z.string()) }))),
    resolvedModel: lenient(z.string()),
    totalDurationMs: lenient(z.number()),
    totalTokens: lenient(z.number()),
    totalToolUseCount: lenient(z.number()),
  }),
);
export type AgentToolResponse = z.infer<ReturnType<typeof agentToolResponse>>;

const preToolUse = memo(() =>
  z.looseObject({
    ...base(),
    hook_event_name: z.literal('PreToolUse'),
    tool_name: z.string(),
    tool_use_id: id(),
    tool_input: agentToolInput(),
  }),
);

const postToolUse = memo(() =>
  z.looseObject({
    ...base(),
    hook_event_name: z.literal('PostToolUse'),
    tool_name: z.string(),
    tool_use_id: id(),
    tool_input: lenient(agentToolInput()),
    // Parsed leniently by agentToolResponse(): an older version may send text.
    tool_response: z.unknown(),
    duration_ms: lenient(z.number()),
  }),
);

const postToolUseFailure = memo(() =>
  z.looseObject({
    ...base(),
    hook_event_name: z.literal('PostToolUseFailure'),
    tool_name: z.string(),
    tool_use_id: id(),
    tool_input: lenient(agentToolInput()),
    error: z.catch(z.string(), 'unknown error'),
    is_interrupt: lenient(z.boolean()),
    duration_ms: lenient(z.number()),
  }),
);

const subagentStart = memo(() =>
  z.looseObject({
    ...base(),
    hook_event_name: z.literal('SubagentStart'),
    agent_id: id(),
  }),
);

const subagentStop = memo(() =>
  z.looseObject({
    ...base(),
    hook_event_name: z.literal('SubagentStop'),
    agent_id: id(),
    agent_transcript_path: lenient(z.string()),
    last_assistant_message: lenient(z.string()),
  }),
);

const sessionEnd = memo(() =>
  z.looseObject({
    ...base(),
    hook_event_name: z.literal('SessionEnd'),
    reason: lenient(z.string()),
  }),
);

const SCHEMAS = {
  PreToolUse: preToolUse,
  PostToolUse: postToolUse,
  PostToolUseFailure: postToolUseFailure,
  SubagentStart: subagentStart,
  SubagentStop: subagentStop,
  SessionEnd: sessionEnd,
};

export type HookPayload =
  | z.infer<ReturnType<typeof preToolUse>>
  | z.infer<ReturnType<typeof postToolUse>>
  | z.infer<ReturnType<typeof postToolUseFailure>>
  | z.infer<ReturnType<typeof subagentStart>>
  | z.infer<ReturnType<typeof subagentStop>>
  | z.infer<ReturnType<typeof sessionEnd>>;

export type PayloadCheck = { success: true; data: HookPayload } | { success: false; error: string };

/** Validate a payload whose event name is one we handle. */
export function parsePayload(raw: Record<string, unknown>): PayloadCheck {
  const schema = SCHEMAS[raw.hook_event_name as keyof typeof SCHEMAS];
  if (!schema) return { success: false, error: `unhandled event ${String(raw.hook_event_name)}` };
  const parsed = schema().safeParse(raw);
  return parsed.success
    ? { success: true, data: parsed.data as HookPayload }
    : { success: false, error: describeIssues(parsed.error) };
}
