import type { AgentExecution, ClosedBy, ExecutionError, ExecutionStatus, Priority, ToolTimelineEntry } from '../schema/record.js';
import type { StoredEvent } from './events.js';
import { classifyAgentFailure, countIssues } from './outcome.js';
import { shortenHome } from './scrub.js';
import type { TranscriptSummary } from './transcript.js';

// Pure: the events of one execution (+ its transcript summary and chain) in,
// one record out. Called again whenever a new event arrives for the same
// execution, so a late event corrects the record instead of duplicating it.

export interface Closure {
  by: Extract<ClosedBy, 'SessionEnd' | 'timeout'>;
  at: number;
  detail: string;
}

export interface Chain {
  parentExecutionId: string | null;
  childExecutions: string[];
  parallelWith: string[];
}

export interface AssemblyInput {
  id: string;
  sessionId: string;
  events: StoredEvent[];
  transcript: TranscriptSummary | null;
  chain: Chain;
  /** From Claude Code's meta file of the agent (1 = launched by the main thread). */
  spawnDepth: number | null;
  closure: Closure | null;
  defaultPriority: Priority;
  now: number;
}

const first = (events: StoredEvent[], kind: StoredEvent['kind']) => events.find((e) => e.kind === kind);
const last = (events: StoredEvent[], kind: StoredEvent['kind']) => events.findLast((e) => e.kind === kind);

/** A run's agent type as its events name it: the Agent call's, SubagentStart's, the result's, else the first event that names one. */
export function agentTypeOf(events: StoredEvent[]): string {
  return [first(events, 'pre'), first(events, 'start'), last(events, 'done'), ...events].find((e) => e?.agentType != null)?.agentType ?? 'unknown';
}

/** When a run started: its Agent call, else its SubagentStart, else `otherwise` (the best later sign). */
export function startOf(events: StoredEvent[], otherwise: number): number {
  return first(events, 'pre')?.at ?? first(events, 'start')?.at ?? otherwise;
}

/**
 * The event that finishes an execution: the Agent call's result, its failure,
 * or a background agent's stop, else its notification (an agent that failed
 * on an API error gets no SubagentStop).
 */
export function terminalEvent(events: StoredEvent[]): StoredEvent | null {
  const fail = last(events, 'fail');
  if (fail) return fail;
  const done = last(events, 'done');
  if (done) return done;
  const stop = last(events, 'stop');
  if (stop && events.some((e) => e.kind === 'launched')) return stop;
  // A subagent that ended on an API error (StopFailure, 2.1.332), else the
  // first notification: a resumed agent notifies again, and the record is of the first run.
  return first(events, 'stopfail') ?? first(events, 'notified') ?? null;
}

export function assembleExecution(input: AssemblyInput): AgentExecution | null {
  const { events, transcript } = input;
  const terminal = terminalEvent(events);
  if (!terminal && !input.closure) return null;
  const pre = first(events, 'pre');
  const start = first(events, 'start');
  const stop = last(events, 'stop');
  const done = last(events, 'done');
  const launched = first(events, 'launched');
  // Claude Code's own figures for a background run (see notification.ts).
  const notified = first(events, 'notified')?.notification ?? null;
  const pick = <T>(get: (e: StoredEvent) => T | null | undefined): T | null => {
    for (const event of events) {
      const value = get(event);
      if (value !== null && value !== undefined) return value;
    }
    return null;
  };

  const agentType = agentTypeOf(events);
  const startTime = startOf(events, transcript?.firstAt ?? events[0]?.at ?? input.now);
  const measured = timingOf(terminal, launched !== undefined, transcript, input.closure, events, startTime, notified);
  // Event times are when each hook process started: a PostToolUse whose process
  // started before the PreToolUse's (a loaded machine) would end the run before it began.
  const timing = { ...measured, endTime: Math.max(measured.endTime, startTime) };

  let status: ExecutionStatus;
  const interrupted = terminal ? terminal.kind === 'fail' && classifyAgentFailure(terminal.failure!.error, terminal.failure!.isInterrupt) === 'interrupted' : true;
  const errors: ExecutionError[] = (transcript?.errors ?? []).map((e) => (interrupted && killedByTheInterrupt(e) ? { ...e, type: 'interrupted', recoveryAction: null } : e));
  const toolFailed = errors.some((e) => e.tool !== null);
  if (terminal?.kind === 'fail') {
    status = 'failed';
    errors.push({
      type: classifyAgentFailure(terminal.failure!.error, terminal.failure!.isInterrupt),
      message: terminal.failure!.error,
      tool: null,
      recoveryAction: null,
      at: terminal.at,
    });
  } else if (terminal?.kind === 'done') {
    const response = terminal.response!;
    if (response.apiError) {
      status = 'failed';
      if (!errors.some((e) => e.type === 'api_error')) {
        errors.push({ type: 'api_error', message: response.apiError, tool: null, recoveryAction: null, at: terminal.at });
      }
    } else if (response.status !== null && response.status !== 'completed') {
      status = 'failed';
      errors.push({ type: 'agent_failed', message: `Agent result status: ${response.status}`, tool: null, recoveryAction: null, at: terminal.at });
    } else {
      status = toolFailed ? 'partial' : 'success';
    }
  } else if (terminal?.kind === 'stopfail') {
    status = 'failed';
    const message = terminal.failure!.error;
    const apiError = message.includes('API Error');
    if (!(apiError && errors.some((e) => e.type === 'api_error'))) {
      errors.push({ type: apiError ? 'api_error' : 'agent_failed', message, tool: null, recoveryAction: null, at: terminal.at });
    }
  } else if (notified && notified.status !== 'completed') {
    // Claude Code says the background agent failed (or was stopped).
    status = 'failed';
    const apiError = notified.summary !== null && notified.summary.includes('API Error');
    if (!(apiError && errors.some((e) => e.type === 'api_error'))) {
      const type = apiError ? 'api_error' : /^(killed|stopped|cancell?ed)$/.test(notified.status) ? 'interrupted' : 'agent_failed';
      errors.push({ type, message: notified.summary ?? `Agent status: ${notified.status}`, tool: null, recoveryAction: null, at: terminal?.at ?? null });
    }
  } else if (terminal) {
    // A background agent's SubagentStop (or notification): an API error leaves no final answer.
    status = failedOnItsOwn(errors, transcript) ? 'failed' : toolFailed ? 'partial' : 'success';
  } else {
    status = 'failed';
    // A run that failed on its own before the session ended was not interrupted: its api_error says what happened.
    if (!failedOnItsOwn(errors, transcript)) {
      errors.push({ type: 'interrupted', message: input.closure!.detail, tool: null, recoveryAction: null, at: input.closure!.at });
    }
  }

  const finalText = transcript?.finalText ?? null;
  const isResult = status !== 'failed' || terminal?.kind === 'done';
  const outputSize = !isResult ? null : terminal?.kind === 'done' ? terminal.response!.textLength : stop?.stop?.lastMessageLength ?? finalText?.length ?? null;
  const issuesFound = !isResult ? null : terminal?.kind === 'done' ? terminal.response!.issuesFound : stop?.stop?.issuesFound ?? countIssues(finalText);
  const resolvedModel = done?.response?.resolvedModel ?? launched?.response?.resolvedModel ?? null;

  return {
    schemaVersion: 1,
    id: input.id,
    agentType,
    timestamp: new Date(startTime).toISOString(),
    request: {
      prompt: pre?.request?.prompt ?? null,
      promptHash: pre?.request?.promptHash ?? null,
      promptLength: pre?.request?.promptLength ?? null,
      description: pre?.request?.description ?? start?.meta?.description ?? null,
      priority: pre?.request?.priority ?? input.defaultPriority,
      triggeredBy: pre?.launcher ? pre.launcher.agentType ?? 'agent' : 'user',
      context: {
        sessionId: input.sessionId,
        promptId: pick((e) => e.promptId),
        toolUseId: pick((e) => e.toolUseId),
        agentId: pick((e) => (e.kind === 'pre' ? null : e.agentId)),
        parentAgentId: pre?.launcher?.agentId ?? null,
        model: transcript?.model ?? (resolvedModel ? resolvedModel.replace(/\[[^\]]*\]$/, '') : null) ?? pre?.request?.model ?? null,
        background: pre?.request?.background === true || launched !== undefined,
        cwd: pick((e) => (e.cwd ? shortenHome(e.cwd) : null)),
        permissionMode: pick((e) => e.permissionMode),
        spawnDepth: input.spawnDepth ?? start?.meta?.spawnDepth ?? null,
        claudeCodeVersion: transcript?.claudeCodeVersion ?? null,
      },
    },
    metrics: {
      startTime,
      endTime: timing.endTime,
      duration: timing.duration,
      durationSource: timing.source,
      // A background run: the last call's context size from its transcript, the same
      // measure as totalTokens. The notification's subagent_tokens equals it on 2.1.332;
      // 2.1.197 computed it from a streaming placeholder (153 for 171), so it is the fallback.
      tokensUsed: terminal?.kind === 'done' ? terminal.response!.totalTokens : transcript?.lastCallTokens ?? notified?.tokens ?? null,
      tokens: transcript ? { ...transcript.tokens } : null,
      apiCalls: transcript?.apiCalls ?? null,
      memoryUsage: null,
      toolsUsed: transcript ? [...transcript.toolsUsed] : [],
      // Not structuredClone: its first call costs a hook process ~4 ms.
      toolCalls: transcript ? Object.fromEntries(Object.entries(transcript.toolCalls).map(([tool, n]) => [tool, { ...n }])) : {},
      totalToolUseCount: done?.response?.totalToolUseCount ?? notified?.toolUses ?? transcript?.toolUseCount ?? null,
      toolTimeline: transcript ? toolTimelineOf(transcript, startTime) : null,
    },
    result: {
      status,
      outputSize,
      // An agent that never started (unknown type) modified nothing: 0 is known, not missing.
      filesModified: transcript ? transcript.modifiedFiles.length : neverStarted(events) ? 0 : null,
      modifiedFiles: transcript ? [...transcript.modifiedFiles] : [],
      testsRun: transcript ? transcript.testCommands.length : neverStarted(events) ? 0 : null,
      testCommands: transcript ? [...transcript.testCommands] : [],
      issuesFound,
    },
    errors,
    chain: {
      parentExecutionId: input.chain.parentExecutionId,
      childExecutions: [...input.chain.childExecutions].sort(),
      parallelWith: [...input.chain.parallelWith].sort(),
    },
    capture: {
      closedBy: terminal ? closedByOf(terminal) : input.closure!.by,
      // A kind seen twice is a duplicate delivery (or a resumed background agent stopping again).
      events: [...new Set(events.map((e) => e.kind))],
      writtenAt: input.now,
    },
  };
}

/**
 * A tool call the interrupt itself ended: when the session is killed, 2.1.332 kills the
 * running command's processes and writes "Exit code 137" (128 + SIGKILL) into the
 * agent's transcript, where 2.1.197 wrote a user rejection. The command did not fail and
 * the agent did not give up: the user stopped the run. Only a signal's exit code on a
 * call with nothing after it counts; a command that died of a signal earlier in the run
 * (and was followed by more work) is a real failure.
 */
function killedByTheInterrupt(error: ExecutionError): boolean {
  if (error.type !== 'command_failed' || error.recoveryAction !== 'gave up') return false;
  const code = /^Exit code (\d+)$/.exec(error.message.trim());
  return code !== null && Number(code[1]) > 128 && Number(code[1]) <= 128 + 64;
}

/** An API error ended the agent (no final answer after it): it failed, nobody interrupted it. */
function failedOnItsOwn(errors: ExecutionError[], transcript: TranscriptSummary | null): boolean {
  return errors.some((e) => e.type === 'api_error') && !transcript?.finalText?.trim();
}

/**
 * Claude Code refused the Agent call (unknown agent type): no agent ever ran.
 * Only then: a run whose SubagentStart hook was lost also has no start event, and did run.
 */
function neverStarted(events: StoredEvent[]): boolean {
  const fail = last(events, 'fail')?.failure;
  if (!fail || classifyAgentFailure(fail.error, fail.isInterrupt) !== 'unknown_agent_type') return false;
  return !events.some((e) => e.kind === 'start' || e.kind === 'stop' || e.kind === 'launched');
}

type Notified = NonNullable<StoredEvent['notification']>;

interface Timing {
  endTime: number;
  duration: number;
  source: NonNullable<AgentExecution['metrics']['durationSource']>;
}

function timingOf(
  terminal: StoredEvent | null,
  background: boolean,
  transcript: TranscriptSummary | null,
  closure: Closure | null,
  events: StoredEvent[],
  startTime: number,
  notified: Notified | null,
): Timing {
  const sinceStart = (end: number): Timing => ({ endTime: end, duration: Math.max(0, end - startTime), source: 'hooks' });
  if (terminal?.kind === 'done' || terminal?.kind === 'fail') {
    // Claude Code's own measure of the Agent call, when it gives one.
    const own = terminal.response?.totalDurationMs ?? terminal.response?.durationMs ?? terminal.failure?.durationMs ?? null;
    return own !== null ? { endTime: terminal.at, duration: own, source: 'claude-code' } : sinceStart(terminal.at);
  }
  // A background run: Claude Code's own measure is in its notification.
  if (terminal && notified?.durationMs != null) return { endTime: terminal.at, duration: notified.durationMs, source: 'task-notification' };
  // Else an estimate, first to last transcript line (shorter than Claude Code's by 8-42%), replaced once the notification is seen.
  const ownEnd = terminal?.kind === 'notified' || terminal?.kind === 'stopfail';
  if (terminal && (background || ownEnd) && transcript?.firstAt != null && transcript.lastAt != null) {
    // The run ended at its last transcript line; the notification or StopFailure may come later.
    const end = ownEnd ? transcript.lastAt : terminal.at;
    return { endTime: end, duration: transcript.lastAt - transcript.firstAt, source: 'transcript' };
  }
  if (terminal) return sinceStart(terminal.at);
  if (closure!.by === 'SessionEnd') return sinceStart(Math.max(closure!.at, startTime));
  // Timed out: the last sign of life is the best end we know.
  const lastSeen = Math.max(...events.map((e) => e.at), transcript?.lastAt ?? 0);
  return sinceStart(lastSeen);
}

function closedByOf(terminal: StoredEvent): ClosedBy {
  if (terminal.kind === 'notified') return 'task-notification';
  if (terminal.kind === 'stopfail') return 'StopFailure';
  return terminal.kind === 'fail' ? 'PostToolUseFailure' : terminal.kind === 'done' ? 'PostToolUse' : 'SubagentStop';
}

/**
 * Transcript times as offsets from the record's start. A call with no
 * timestamp is left out rather than placed at a guess; a start a few ms before
 * the hook's clock (two clocks, one machine) is put at 0.
 */
export function toolTimelineOf(transcript: TranscriptSummary, startTime: number): ToolTimelineEntry[] {
  const timeline: ToolTimelineEntry[] = [];
  for (const call of transcript.toolTimeline) {
    if (call.at === null) continue;
    const duration = call.resultAt === null ? null : Math.max(0, call.resultAt - call.at);
    timeline.push({ tool: call.tool, start: Math.max(0, call.at - startTime), duration, ok: call.ok });
  }
  return timeline;
}
