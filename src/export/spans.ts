import { runCost } from '../analytics/cost.js';
import type { ModelPrice, RedactKind } from '../schema/config.js';
import type { AgentExecution } from '../schema/record.js';
import { agentSpanIdOf, sha256Hex, toolSpanIdsOf, traceIdOf } from './ids.js';

// Records -> spans, pure (no fs, no clock, no OpenTelemetry objects): the
// trace model of docs/export-recipes.md. One trace per user prompt; one
// `invoke_agent <agentType>` span per execution, a child of the span of the
// agent that launched it; one `execute_tool <tool>` span per call of its tool
// timeline. Attributes follow the OpenTelemetry GenAI conventions (gen_ai.*)
// with the OpenInference names beside them (Phoenix and Langfuse read those),
// and agent_track.* for what neither has a name for.

export type AttributeValue = string | number | boolean | string[];
export type Attributes = Record<string, AttributeValue>;

export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes: Attributes;
}

export interface ExportSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Attributes;
  events: SpanEvent[];
  status: { code: 'unset' | 'error'; message: string | null };
}

export interface SpanOptions {
  /** Send the (already scrubbed) prompt text as input.value. */
  prompts: boolean;
  /** Texts sent as hashes instead. */
  redact: ReadonlySet<RedactKind>;
  prices: Readonly<Record<string, ModelPrice>>;
}

const STATUS_UNSET: ExportSpan['status'] = { code: 'unset', message: null };
const STATUS_TOOL_ERROR: ExportSpan['status'] = { code: 'error', message: 'tool_error' };

/** The agent span first, then its tool spans in order. */
export function executionSpans(record: AgentExecution, options: SpanOptions): ExportSpan[] {
  const { context } = record.request;
  const traceId = traceIdOf(context.sessionId, context.promptId);
  const spanId = agentSpanIdOf(record.id);
  const startMs = record.metrics.startTime;
  // Claude Code's own duration when it gave one; else the hooks' end; a run with neither is a point in time.
  const endMs = record.metrics.duration !== null ? startMs + record.metrics.duration : Math.max(startMs, record.metrics.endTime ?? startMs);
  const failed = record.result.status === 'failed';

  const agent: ExportSpan = {
    traceId,
    spanId,
    parentSpanId: record.chain.parentExecutionId ? agentSpanIdOf(record.chain.parentExecutionId) : null,
    name: `invoke_agent ${record.agentType}`,
    startMs,
    endMs,
    attributes: agentAttributes(record, options),
    events: record.errors.map((error) => ({
      name: 'exception',
      timeMs: error.at ?? endMs,
      attributes: defined({
        'exception.type': error.type,
        'exception.message': text(error.message, 'messages', options),
        'agent_track.error.tool': error.tool,
        'agent_track.error.recovery_action': error.recoveryAction,
      }),
    })),
    status: failed ? { code: 'error', message: record.errors[0]?.type ?? 'failed' } : STATUS_UNSET,
  };

  const spans = [agent];
  const timeline = record.metrics.toolTimeline ?? [];
  if (timeline.length) {
    const toolSpanId = toolSpanIdsOf(record.id);
    timeline.forEach((call, index) => {
      const start = startMs + call.start;
      spans.push({
        traceId,
        spanId: toolSpanId(index),
        parentSpanId: spanId,
        name: `execute_tool ${call.tool}`,
        startMs: start,
        endMs: start + (call.duration ?? 0),
        // Few attributes: a run has a dozen tool spans, and the session and
        // execution are on their parent. A call with no tool_result in the
        // transcript is a zero-length span, said so.
        attributes: toolAttributes(call.tool, call.ok, call.duration !== null),
        events: [],
        status: call.ok ? STATUS_UNSET : STATUS_TOOL_ERROR,
      });
    });
  }
  return spans;
}

/**
 * Shared between the tool spans of the same tool and outcome (never changed
 * once made): a 100,000-run export has 1.4 million tool spans and a few
 * dozen distinct attribute sets. Bounded, for a store with endless MCP tool names.
 */
const toolAttributeSets = new Map<string, Attributes[]>();
const TOOL_ATTRIBUTE_SETS_MAX = 1_000;

function toolAttributes(tool: string, ok: boolean, completed: boolean): Attributes {
  let sets = toolAttributeSets.get(tool);
  if (!sets && toolAttributeSets.size < TOOL_ATTRIBUTE_SETS_MAX) toolAttributeSets.set(tool, (sets = []));
  const index = (ok ? 1 : 0) + (completed ? 2 : 0);
  const cached = sets?.[index];
  if (cached) return cached;
  const attributes: Attributes = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool, 'openinference.span.kind': 'TOOL', 'tool.name': tool };
  if (!completed) attributes['agent_track.tool.completed'] = false;
  if (!ok) attributes['error.type'] = 'tool_error';
  if (sets) sets[index] = attributes;
  return attributes;
}

function agentAttributes(record: AgentExecution, options: SpanOptions): Attributes {
  const { context } = record.request;
  const tokens = record.metrics.tokens;
  // GenAI conventions count cached input in gen_ai.usage.input_tokens; Anthropic's input_tokens leaves it out.
  const input = tokens ? tokens.input + tokens.cacheRead + tokens.cacheCreation : null;
  const usd = runCost(record, options.prices);
  const prompt = promptValue(record, options);
  const toolCalls = Object.values(record.metrics.toolCalls).reduce((sum, tool) => sum + tool.calls, 0);
  return defined({
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.agent.name': record.agentType,
    'gen_ai.agent.id': context.agentId ?? record.id,
    'gen_ai.agent.description': text(record.request.description, 'prompts', options),
    'gen_ai.conversation.id': context.sessionId,
    'gen_ai.request.model': context.model,
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': tokens?.output ?? null,
    'gen_ai.usage.cache_read.input_tokens': tokens?.cacheRead ?? null,
    'gen_ai.usage.cache_creation.input_tokens': tokens?.cacheCreation ?? null,
    'gen_ai.usage.cost': usd,
    'error.type': record.result.status === 'failed' ? (record.errors[0]?.type ?? 'agent_failed') : null,
    // OpenInference (Arize Phoenix; Langfuse maps these too).
    'openinference.span.kind': 'AGENT',
    'agent.name': record.agentType,
    'session.id': context.sessionId,
    'llm.model_name': context.model,
    'llm.provider': 'anthropic',
    'llm.token_count.prompt': input,
    'llm.token_count.completion': tokens?.output ?? null,
    'llm.token_count.total': tokens && input !== null ? input + tokens.output : null,
    'llm.token_count.prompt_details.cache_read': tokens?.cacheRead ?? null,
    'llm.token_count.prompt_details.cache_write': tokens?.cacheCreation ?? null,
    'input.value': prompt,
    'input.mime_type': prompt === null ? null : 'text/plain',
    // agent-track's own figures.
    'agent_track.execution.id': record.id,
    'agent_track.status': record.result.status,
    'agent_track.priority': record.request.priority,
    'agent_track.triggered_by': record.request.triggeredBy,
    'agent_track.prompt.id': context.promptId,
    'agent_track.background': context.background,
    'agent_track.cost_usd': usd,
    'agent_track.api_calls': record.metrics.apiCalls,
    'agent_track.tool_calls': toolCalls,
    'agent_track.files_modified': record.result.filesModified,
    'agent_track.modified_files': record.result.modifiedFiles.length ? record.result.modifiedFiles.map((f) => text(f, 'paths', options)!) : null,
    'agent_track.tests_run': record.result.testsRun,
    'agent_track.test_commands': record.result.testCommands.length ? record.result.testCommands.map((c) => text(c, 'messages', options)!) : null,
    'agent_track.issues_found': record.result.issuesFound,
    'agent_track.output_size': record.result.outputSize,
    'agent_track.duration_source': record.metrics.durationSource,
    'agent_track.closed_by': record.capture.closedBy,
    'agent_track.claude_code.version': context.claudeCodeVersion,
    'agent_track.cwd': text(context.cwd, 'paths', options),
  });
}

/**
 * Off unless asked for. Redacted: the hash of the original prompt the record
 * keeps (there even when the config stores no prompt text); else the stored,
 * already scrubbed text.
 */
function promptValue(record: AgentExecution, options: SpanOptions): string | null {
  const { prompt, promptHash } = record.request;
  if (options.redact.has('prompts')) return promptHash ? `sha256:${promptHash.slice(0, 16)}` : prompt === null ? null : redacted(prompt);
  return options.prompts ? prompt : null;
}

/** A text as it may leave the machine: as is, or its hash when that kind of text is redacted. */
export function text(value: string | null, kind: RedactKind, options: Pick<SpanOptions, 'redact'>): string | null {
  if (value === null) return null;
  return options.redact.has(kind) ? redacted(value) : value;
}

/** 16 hex digits of sha256: equal texts stay equal (a backend can still group by them), the text itself is not sent. */
export function redacted(value: string): string {
  return `sha256:${sha256Hex(value).slice(0, 16)}`;
}

/**
 * The attributes that have a value, as an object in V8's fast mode. Built
 * key by key, an object of more than 16 properties turns into a dictionary,
 * and the serializer walks each span's attributes twice (sizing, then
 * writing) with for...in, which is slow on dictionaries: the copy that
 * `{ ...out }` makes is fast again, and cut the serializer's time by a sixth.
 */
function defined(attributes: Record<string, AttributeValue | null | undefined>): Attributes {
  const out: Attributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return { ...out };
}
