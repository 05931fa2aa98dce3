import type { Config } from '../schema/config.js';
import { awaitNotification, collectNotifications } from './awaiting.js';
import { readSubagentMeta } from './claude-paths.js';
import { toStoredEvent, type SubagentMeta } from './events.js';
import { finalizeExecution, type FinalizeContext } from './finalize.js';
import { recordMainThread, SESSION_END_MAX_BYTES, SESSION_END_READ_MS } from './main-thread.js';
import { isLinkedOrphan, linkAgents } from './links.js';
import { AGENT_TOOLS, HANDLED_EVENTS, identifier, parsePayload, text, type HookPayload } from './payload.js';
import { execKeyForAgent, execKeyForToolUse, SessionState } from './state.js';

export class InvalidPayloadError extends Error {}

export type IngestOutcome = 'ignored' | 'recorded' | 'finalized';

export interface IngestContext extends FinalizeContext {
  config: Config;
}

/** The event name and tool, read without validating the rest: most payloads are not ours and must cost nothing. */
export function isRelevant(raw: unknown): boolean {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return true; // Let validation report it.
  const { hook_event_name: event, tool_name: tool } = raw as Record<string, unknown>;
  if (typeof event !== 'string' || !HANDLED_EVENTS.has(event)) return false;
  // The main thread's StopFailure (no agent_id) is no subagent's.
  if (event === 'StopFailure') return typeof (raw as Record<string, unknown>).agent_id === 'string';
  return !event.startsWith('PreToolUse') && !event.startsWith('PostToolUse') ? true : typeof tool === 'string' && AGENT_TOOLS.has(tool);
}

/** One hook payload in, its event stored, and the record written when the execution is complete. */
export function ingestPayload(raw: unknown, ctx: IngestContext): IngestOutcome {
  if (!isRelevant(raw)) return 'ignored';
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidPayloadError('hook payload is not a JSON object');
  const parsed = parsePayload(raw as Record<string, unknown>);
  if (!parsed.success) throw new InvalidPayloadError(`invalid hook payload: ${parsed.error}`);
  const payload = parsed.data;
  const state = new SessionState(ctx.logsDir, payload.session_id);
  const outcome = ingestEvent(payload, state, ctx);
  // Any hook of the session is a chance to pick up the notifications of its
  // background runs: a failed one gets no SubagentStop, and a finished one's
  // figures land in the main transcript after its SubagentStop.
  for (const key of collectNotifications(state, ctx.deadline, ctx.warn)) {
    if (Date.now() >= ctx.deadline) break;
    finalizeExecution(state, key, ctx);
  }
  return outcome;
}

function ingestEvent(payload: HookPayload, state: SessionState, ctx: IngestContext): IngestOutcome {
  switch (payload.hook_event_name) {
    case 'PreToolUse': {
      const key = execKeyForToolUse(payload.tool_use_id);
      const launcher = identifier(payload.agent_id);
      if (launcher) state.linkChild(launcher, key);
      state.writeEvent(key, toStoredEvent(payload, ctx.now, ctx.config, null));
      // Normally first; if its process ran late, the record already written gets corrected.
      return state.readWritten(key) ? finalize(state, key, ctx) : 'recorded';
    }
    case 'SubagentStart':
    case 'SubagentStop': {
      const { key, meta } = resolveAgent(state, payload.agent_id, text(payload.transcript_path), ctx.warn);
      state.writeEvent(key, toStoredEvent(payload, ctx.now, ctx.config, meta));
      // A foreground run finishes at the Agent call's PostToolUse; only a
      // background run (already "launched") or a record already written needs work now.
      const names = state.eventNames(key);
      const due = payload.hook_event_name === 'SubagentStop' && names.some((n) => n.kind === 'launched');
      return due || state.readWritten(key) ? finalize(state, key, ctx) : 'recorded';
    }
    case 'PostToolUse': {
      const key = execKeyForToolUse(payload.tool_use_id);
      const event = toStoredEvent(payload, ctx.now, ctx.config, null);
      if (event.agentId) state.mapAgent(event.agentId, key);
      state.writeEvent(key, event);
      if (event.kind === 'launched') {
        // Only the main thread's runs notify the session transcript. Searched from
        // its start once (a hook may run late, after the notification was written), then only what it gains.
        if (event.transcriptPath && !identifier(payload.agent_id)) {
          awaitNotification(state, { execKey: key, toolUseId: payload.tool_use_id, path: event.transcriptPath, from: 0 });
        }
        const stopped = state.eventNames(key).some((n) => n.kind === 'stop');
        return stopped || state.readWritten(key) ? finalize(state, key, ctx) : 'recorded';
      }
      return finalize(state, key, ctx);
    }
    case 'StopFailure': {
      // Ends the run at once: Claude Code knows it failed, and no SubagentStop will come.
      const { key, meta } = resolveAgent(state, payload.agent_id, text(payload.transcript_path), ctx.warn);
      state.writeEvent(key, toStoredEvent(payload, ctx.now, ctx.config, meta));
      return finalize(state, key, ctx);
    }
    case 'PostToolUseFailure': {
      const key = execKeyForToolUse(payload.tool_use_id);
      state.writeEvent(key, toStoredEvent(payload, ctx.now, ctx.config, null));
      return finalize(state, key, ctx);
    }
    case 'SessionEnd': {
      state.writeEvent(null, toStoredEvent(payload, ctx.now, ctx.config, null));
      // A background run that failed on its own is closed by its notification, not by the end of the session.
      const notified = collectNotifications(state, ctx.deadline, ctx.warn);
      linkAgents(state, true);
      for (const key of state.execKeys()) {
        // Past the deadline the next command's sweep closes the rest (the session has ended).
        if (Date.now() >= ctx.deadline) break;
        if ((!state.readWritten(key) || notified.includes(key)) && !isLinkedOrphan(state, key)) finalizeExecution(state, key, ctx);
      }
      // The main thread's figures, within what is left of SessionEnd's budget; else the next command's sweep writes them.
      const transcriptPath = text(payload.transcript_path);
      if (transcriptPath && Date.now() < ctx.deadline) {
        recordMainThread(state, transcriptPath, { now: ctx.now, deadline: Math.min(ctx.deadline, Date.now() + SESSION_END_READ_MS), maxBytes: SESSION_END_MAX_BYTES });
      }
      return 'finalized';
    }
  }
}

function finalize(state: SessionState, key: string, ctx: IngestContext): IngestOutcome {
  return finalizeExecution(state, key, ctx) === 'written' ? 'finalized' : 'recorded';
}

/** SubagentStart/Stop carry no tool_use_id: learn it from our own mapping or Claude Code's meta file. */
function resolveAgent(
  state: SessionState,
  agentId: string,
  transcriptPath: string | undefined,
  warn: ((message: string) => void) | undefined,
): { key: string; meta: SubagentMeta | null } {
  const meta = readSubagentMeta(transcriptPath, state.sessionId, agentId, warn);
  const mapped = state.execKeyOfAgent(agentId);
  if (mapped) return { key: mapped, meta };
  if (meta?.toolUseId) {
    const key = execKeyForToolUse(meta.toolUseId);
    state.mapAgent(agentId, key);
    return { key, meta };
  }
  return { key: execKeyForAgent(agentId), meta };
}
