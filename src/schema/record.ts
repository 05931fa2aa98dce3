import * as z from 'zod/mini';
import { described } from './describe.js';
import { ClosedBy, ExecutionStatus, Priority } from './enums.js';
import { TOOL_TIMELINE_MAX } from './limits.js';
import { LongContextTokens, TokenBreakdown } from './tokens.js';

// The one execution record. Types, the reader's validation and the published
// JSON Schema (schema/agent-execution.schema.json) all come from here.
// Rule: a field holds real data or null, never a guess.

const count = () => z.int().check(z.gte(0));
const ms = () => z.number().check(z.gte(0));

export { ClosedBy, ExecutionStatus, Priority };

// Billed tokens (schema/tokens.ts): also in completion lines, which load them without the record.
export { LongContextTokens, TokenBreakdown };

export const ToolCallCount = z.object({ calls: count(), failures: count() });

export const ToolTimelineEntry = z.object({
  tool: z.string(),
  start: described(ms(), 'ms from metrics.startTime to the tool_use line in the transcript'),
  duration: z.nullable(described(ms(), 'ms from the tool_use line to its tool_result line; null when no result was written')),
  ok: described(z.boolean(), 'false when the tool_result was an error'),
});
export type ToolTimelineEntry = z.infer<typeof ToolTimelineEntry>;

export const ExecutionError = z.object({
  type: described(z.string(), 'Category: api_error, tool_error, tool_unavailable, permission_denied, interrupted, unknown_agent_type, agent_failed, timeout, ...'),
  message: described(z.string(), 'Scrubbed and truncated error text'),
  tool: z.nullable(z.string()),
  recoveryAction: z.nullable(described(z.string(), 'What the agent did next: retried, switched tool (<name>), continued, gave up; null when not applicable')),
  at: z.nullable(ms()),
});
export type ExecutionError = z.infer<typeof ExecutionError>;

export const AgentExecution = z.object({
  schemaVersion: z.literal(1),
  id: z.string().check(z.minLength(1)),
  agentType: described(z.string(), 'Exact subagent type as Claude Code named it'),
  timestamp: described(z.iso.datetime({ offset: true }), 'Start of the execution (ISO 8601)'),
  request: z.object({
    prompt: z.nullable(described(z.string(), 'Scrubbed prompt; null when the config stores no prompt text')),
    promptHash: z.nullable(described(z.string(), 'sha256 of the original prompt')),
    promptLength: z.nullable(count()),
    description: z.nullable(z.string()),
    priority: Priority,
    triggeredBy: described(z.string(), '"user" or the agent type of the parent execution'),
    context: z.object({
      sessionId: z.string(),
      promptId: z.nullable(z.string()),
      toolUseId: z.nullable(z.string()),
      agentId: z.nullable(z.string()),
      parentAgentId: z.nullable(z.string()),
      model: z.nullable(z.string()),
      background: z.boolean(),
      cwd: z.nullable(z.string()),
      permissionMode: z.nullable(z.string()),
      spawnDepth: z.nullable(count()),
      claudeCodeVersion: z.nullable(z.string()),
    }),
  }),
  metrics: z.object({
    startTime: described(ms(), 'Unix ms'),
    endTime: z.nullable(ms()),
    duration: z.nullable(described(ms(), "ms; Claude Code's totalDurationMs where given")),
    durationSource: z.nullable(
      described(
        z.enum(['claude-code', 'task-notification', 'transcript', 'hooks']),
        "claude-code: the Agent call's PostToolUse totals; task-notification: Claude Code's notification of a background run; transcript: an estimate (first to last transcript line) until one of those is seen; hooks: between hook events",
      ),
    ),
    tokensUsed: z.nullable(described(count(), "Claude Code's totalTokens: the context size of the agent's last API call")),
    tokens: z.nullable(described(z.object(TokenBreakdown.shape), "Billed tokens summed over the agent's API calls (each message id once)")),
    apiCalls: z.nullable(count()),
    memoryUsage: described(z.null(), 'Not observable from Claude Code hooks; always null'),
    toolsUsed: described(z.array(z.string()), 'Distinct tool names in order of first use'),
    toolCalls: z.record(z.string(), ToolCallCount),
    totalToolUseCount: z.nullable(count()),
    // Optional: records written before it existed still validate.
    toolTimeline: z.optional(
      z.nullable(described(z.array(ToolTimelineEntry).check(z.maxLength(TOOL_TIMELINE_MAX)), `Each tool call in order, first ${TOOL_TIMELINE_MAX} at most; null when there was no transcript`)),
    ),
  }),
  result: z.object({
    status: ExecutionStatus,
    outputSize: z.nullable(described(count(), 'Characters of the final message')),
    filesModified: z.nullable(count()),
    modifiedFiles: z.array(z.string()),
    testsRun: z.nullable(described(count(), 'Test-runner commands the agent ran')),
    testCommands: z.array(z.string()),
    issuesFound: z.nullable(described(count(), 'When the final message states a count')),
  }),
  errors: z.array(ExecutionError),
  chain: z.object({
    parentExecutionId: z.nullable(z.string()),
    childExecutions: z.array(z.string()),
    parallelWith: z.array(z.string()),
  }),
  capture: z.object({
    closedBy: ClosedBy,
    events: described(z.array(z.string()), 'Kinds of hook events that built this record, in order of arrival'),
    writtenAt: ms(),
  }),
});
export type AgentExecution = z.infer<typeof AgentExecution>;
