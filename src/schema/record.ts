import * as z from 'zod/mini';
import { ClosedBy, ExecutionStatus, Priority } from './enums.js';

// The one execution record. Types, the reader's validation and the published
// JSON Schema (schema/agent-execution.schema.json) all come from here.
// Rule: a field holds real data or null, never a guess.

const count = () => z.int().check(z.gte(0));
const ms = () => z.number().check(z.gte(0));
const d = (text: string) => z.describe(text);

export { ClosedBy, ExecutionStatus, Priority };

export const TokenBreakdown = z.object({
  input: count(),
  output: count(),
  cacheCreation: count(),
  cacheRead: count(),
});
export type TokenBreakdown = z.infer<typeof TokenBreakdown>;

export const ToolCallCount = z.object({ calls: count(), failures: count() });

export const ExecutionError = z.object({
  type: z.string().check(d('Category: api_error, tool_error, tool_unavailable, permission_denied, interrupted, unknown_agent_type, agent_failed, timeout, ...')),
  message: z.string().check(d('Scrubbed and truncated error text')),
  tool: z.nullable(z.string()),
  recoveryAction: z.nullable(z.string().check(d('What the agent did next: retried, switched tool (<name>), continued, gave up; null when not applicable'))),
  at: z.nullable(ms()),
});
export type ExecutionError = z.infer<typeof ExecutionError>;

export const AgentExecution = z.object({
  schemaVersion: z.literal(1),
  id: z.string().check(z.minLength(1)),
  agentType: z.string().check(d('Exact subagent type as Claude Code named it')),
  timestamp: z.iso.datetime({ offset: true }).check(d('Start of the execution (ISO 8601)')),
  request: z.object({
    prompt: z.nullable(z.string().check(d('Scrubbed prompt; null when the config stores no prompt text'))),
    promptHash: z.nullable(z.string().check(d('sha256 of the original prompt'))),
    promptLength: z.nullable(count()),
    description: z.nullable(z.string()),
    priority: Priority,
    triggeredBy: z.string().check(d('"user" or the agent type of the parent execution')),
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
    startTime: ms().check(d('Unix ms')),
    endTime: z.nullable(ms()),
    duration: z.nullable(ms().check(d("ms; Claude Code's totalDurationMs where given"))),
    durationSource: z.nullable(z.enum(['claude-code', 'transcript', 'hooks'])),
    tokensUsed: z.nullable(count().check(d("Claude Code's totalTokens: the context size of the agent's last API call"))),
    tokens: z.nullable(TokenBreakdown.check(d("Billed tokens summed over the agent's API calls (each message id once)"))),
    apiCalls: z.nullable(count()),
    memoryUsage: z.null().check(d('Not observable from Claude Code hooks; always null')),
    toolsUsed: z.array(z.string()).check(d('Distinct tool names in order of first use')),
    toolCalls: z.record(z.string(), ToolCallCount),
    totalToolUseCount: z.nullable(count()),
  }),
  result: z.object({
    status: ExecutionStatus,
    outputSize: z.nullable(count().check(d('Characters of the final message'))),
    filesModified: z.nullable(count()),
    modifiedFiles: z.array(z.string()),
    testsRun: z.nullable(count().check(d('Test-runner commands the agent ran'))),
    testCommands: z.array(z.string()),
    issuesFound: z.nullable(count().check(d('When the final message states a count'))),
  }),
  errors: z.array(ExecutionError),
  chain: z.object({
    parentExecutionId: z.nullable(z.string()),
    childExecutions: z.array(z.string()),
    parallelWith: z.array(z.string()),
  }),
  capture: z.object({
    closedBy: ClosedBy,
    events: z.array(z.string()).check(d('Kinds of hook events that built this record, in order of arrival')),
    writtenAt: ms(),
  }),
});
export type AgentExecution = z.infer<typeof AgentExecution>;
