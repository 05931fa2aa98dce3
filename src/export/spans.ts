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
      const shape = toolShape(call.tool);
      spans.push({
        traceId,
        spanId: toolSpanId(index),
        parentSpanId: spanId,
        name: shape.name,
        startMs: start,
        endMs: start + (call.duration ?? 0),
        // Few attributes: a run has a dozen tool spans, and the session and
        // execution are on their parent. A call with no tool_result in the
        // transcript is a zero-length span, said so.
        attributes: toolAttributes(shape, call.ok, call.duration !== null),
        events: [],
        status: call.ok ? STATUS_UNSET : STATUS_TOOL_ERROR,
      });
    });
  }
  return spans;
}

/**
 * What the spans of one tool share, made once and never changed: its span
 * name and its attribute sets by outcome. A 100,000-run export has 1.4
 * million tool spans and a few dozen distinct tools; a name made per span
 * would also be a new concatenated string that the serializer flattens
 * (copies) before writing it. Bounded, for a store with endless MCP tool names.
 */
interface ToolShape {
  tool: string;
  name: string;
  sets: (Attributes | undefined)[];
}
const toolShapes = new Map<string, ToolShape>();
const TOOL_SHAPES_MAX = 1_000;

function toolShape(tool: string): ToolShape {
  let shape = toolShapes.get(tool);
  if (!shape) {
    shape = { tool, name: `execute_tool ${tool}`, sets: [] };
    if (toolShapes.size < TOOL_SHAPES_MAX) toolShapes.set(tool, shape);
  }
  return shape;
}

function toolAttributes(shape: ToolShape, ok: boolean, completed: boolean): Attributes {
  const index = (ok ? 1 : 0) + (completed ? 2 : 0);
  const cached = shape.sets[index];
  if (cached) return cached;
  const { tool } = shape;
  const attributes: Attributes = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool, 'openinference.span.kind': 'TOOL', 'tool.name': tool };
  if (!completed) attributes['agent_track.tool.completed'] = false;
  if (!ok) attributes['error.type'] = 'tool_error';
  shape.sets[index] = attributes;
  return attributes;
}

function agentAttributes(record: AgentExecution, options: SpanOptions): Attributes {
  const { context } = record.request;
  const { metrics, result } = record;
  const toolCalls = Object.values(metrics.toolCalls).reduce((sum, tool) => sum + tool.calls, 0);
  // What every run has, as one literal; then each of the others only when it has a value (OTLP has no null).
  // Named stores, not a loop over keys: built key by key, an object past 16
  // properties turns into a V8 dictionary, which the official serializer
  // walks twice per span with for...in, slowly (its time -16% on fast objects).
  const a: Attributes = {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.agent.name': record.agentType,
    'gen_ai.agent.id': context.agentId ?? record.id,
    'gen_ai.conversation.id': context.sessionId,
    // OpenInference (Arize Phoenix; Langfuse maps these too).
    'openinference.span.kind': 'AGENT',
    'agent.name': record.agentType,
    'session.id': context.sessionId,
    'llm.provider': 'anthropic',
    // agent-track's own figures.
    'agent_track.execution.id': record.id,
    'agent_track.status': result.status,
    'agent_track.priority': record.request.priority,
    'agent_track.triggered_by': record.request.triggeredBy,
    'agent_track.background': context.background,
    'agent_track.tool_calls': toolCalls,
  };
  const description = text(record.request.description, 'prompts', options);
  if (description !== null) a['gen_ai.agent.description'] = description;
  if (context.model !== null) {
    a['gen_ai.request.model'] = context.model;
    a['llm.model_name'] = context.model;
  }
  const tokens = metrics.tokens;
  if (tokens) {
    // GenAI conventions count cached input in gen_ai.usage.input_tokens; Anthropic's input_tokens leaves it out.
    const input = tokens.input + tokens.cacheRead + tokens.cacheCreation;
    a['gen_ai.usage.input_tokens'] = input;
    a['gen_ai.usage.output_tokens'] = tokens.output;
    a['gen_ai.usage.cache_read.input_tokens'] = tokens.cacheRead;
    a['gen_ai.usage.cache_creation.input_tokens'] = tokens.cacheCreation;
    a['llm.token_count.prompt'] = input;
    a['llm.token_count.completion'] = tokens.output;
    a['llm.token_count.total'] = input + tokens.output;
    a['llm.token_count.prompt_details.cache_read'] = tokens.cacheRead;
    a['llm.token_count.prompt_details.cache_write'] = tokens.cacheCreation;
  }
  const usd = runCost(record, options.prices);
  if (usd !== null) {
    a['gen_ai.usage.cost'] = usd;
    a['agent_track.cost_usd'] = usd;
  }
  if (result.status === 'failed') a['error.type'] = record.errors[0]?.type ?? 'agent_failed';
  const prompt = promptValue(record, options);
  if (prompt !== null) {
    a['input.value'] = prompt;
    a['input.mime_type'] = 'text/plain';
  }
  if (context.promptId !== null) a['agent_track.prompt.id'] = context.promptId;
  if (metrics.apiCalls !== null) a['agent_track.api_calls'] = metrics.apiCalls;
  if (result.filesModified !== null) a['agent_track.files_modified'] = result.filesModified;
  if (result.modifiedFiles.length) a['agent_track.modified_files'] = result.modifiedFiles.map((f) => text(f, 'paths', options)!);
  if (result.testsRun !== null) a['agent_track.tests_run'] = result.testsRun;
  if (result.testCommands.length) a['agent_track.test_commands'] = result.testCommands.map((c) => text(c, 'messages', options)!);
  if (result.issuesFound !== null) a['agent_track.issues_found'] = result.issuesFound;
  if (result.outputSize !== null) a['agent_track.output_size'] = result.outputSize;
  if (metrics.durationSource !== null) a['agent_track.duration_source'] = metrics.durationSource;
  if (record.capture.closedBy !== null) a['agent_track.closed_by'] = record.capture.closedBy;
  if (context.claudeCodeVersion !== null) a['agent_track.claude_code.version'] = context.claudeCodeVersion;
  const cwd = text(context.cwd, 'paths', options);
  if (cwd !== null) a['agent_track.cwd'] = cwd;
  return a;
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

/** The attributes that have a value (OTLP has no null). */
function defined(attributes: Record<string, AttributeValue | null | undefined>): Attributes {
  const out: Attributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out;
}
