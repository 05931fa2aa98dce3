import type { AgentExecution, ExecutionError, LongContextTokens } from '../../src/schema/record.js';

// Hand-made execution records for analytics tests: every field valid against
// the record schema, with the few a test cares about set explicitly.

export interface RecordSpec {
  id: string;
  agent?: string;
  /** Local wall-clock start, e.g. at(2026, 11, 20, 10, 0). */
  start: number;
  duration?: number | null;
  end?: number | null;
  status?: 'success' | 'partial' | 'failed';
  model?: string | null;
  tokensUsed?: number | null;
  tokens?: { input: number; output: number; cacheCreation?: number; cacheRead?: number; cacheCreation1h?: number; longContext?: LongContextTokens | null } | null;
  apiCalls?: number | null;
  tools?: Record<string, { calls: number; failures: number }>;
  errors?: Partial<ExecutionError>[];
  promptId?: string | null;
  background?: boolean;
  parent?: string | null;
  parallelWith?: string[];
  writtenAt?: number;
}

/** A local time, months 1-12 as people write them. */
export function at(year: number, month: number, day: number, hour = 12, minute = 0, second = 0): number {
  return new Date(year, month - 1, day, hour, minute, second).getTime();
}

export function makeRecord(spec: RecordSpec): AgentExecution {
  const duration = spec.duration === undefined ? 1_000 : spec.duration;
  const end = spec.end === undefined ? spec.start + (duration ?? 0) : spec.end;
  const tokens =
    spec.tokens === undefined
      ? { input: 100, output: 20, cacheCreation: 0, cacheRead: 50 }
      : spec.tokens === null
        ? null
        : { cacheCreation: 0, cacheRead: 0, ...spec.tokens };
  return {
    schemaVersion: 1,
    id: spec.id,
    agentType: spec.agent ?? 'code-reviewer',
    timestamp: new Date(spec.start).toISOString(),
    request: {
      prompt: 'review the change',
      promptHash: 'ab'.repeat(32),
      promptLength: 17,
      description: 'Review',
      priority: 'medium',
      triggeredBy: spec.parent ? 'general-purpose' : 'user',
      context: {
        sessionId: 'session-1',
        promptId: spec.promptId === undefined ? `prompt-${spec.id}` : spec.promptId,
        toolUseId: `toolu_${spec.id}`,
        agentId: `a${spec.id}`,
        parentAgentId: null,
        model: spec.model === undefined ? 'claude-opus-4-8' : spec.model,
        background: spec.background ?? false,
        cwd: '/home/dev/project',
        permissionMode: 'default',
        spawnDepth: spec.parent ? 2 : 1,
        claudeCodeVersion: '2.1.197',
      },
    },
    metrics: {
      startTime: spec.start,
      endTime: end,
      duration,
      durationSource: duration === null ? null : 'claude-code',
      tokensUsed: spec.tokensUsed === undefined ? 170 : spec.tokensUsed,
      tokens,
      apiCalls: spec.apiCalls === undefined ? 3 : spec.apiCalls,
      memoryUsage: null,
      toolsUsed: Object.keys(spec.tools ?? {}),
      toolCalls: spec.tools ?? {},
      totalToolUseCount: null,
    },
    result: {
      status: spec.status ?? 'success',
      outputSize: 20,
      filesModified: 0,
      modifiedFiles: [],
      testsRun: 0,
      testCommands: [],
      issuesFound: null,
    },
    errors: (spec.errors ?? []).map((e) => ({
      type: e.type ?? 'api_error',
      message: e.message ?? 'API Error: 500',
      tool: e.tool ?? null,
      recoveryAction: e.recoveryAction ?? null,
      at: e.at === undefined ? spec.start + 10 : e.at,
    })),
    chain: { parentExecutionId: spec.parent ?? null, childExecutions: [], parallelWith: spec.parallelWith ?? [] },
    capture: { closedBy: 'PostToolUse', events: ['pre', 'start', 'stop', 'done'], writtenAt: spec.writtenAt ?? end ?? spec.start },
  };
}
