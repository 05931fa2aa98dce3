import { statSync, unlinkSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import type { Config } from '../schema/config.js';
import type { AgentExecution } from '../schema/record.js';
import { writeFileAtomic } from '../store/atomic.js';
import { withLock } from '../store/lock.js';
import { appendCompletion, completionFields } from '../store/completions.js';
import { executionId, recordPath } from '../store/paths.js';
import { localDay } from '../time/period.js';
import { isPlainWithin } from '../store/safe-path.js';
import { assembleExecution, terminalEvent, type Chain, type Closure } from './assemble.js';
import { isSubagentTranscriptPath, readSubagentMeta, subagentTranscriptPath } from './claude-paths.js';
import type { StoredEvent } from './events.js';
import { linkAgents } from './links.js';
import { execKeyForAgent, execKeyForToolUse, runStart, type EventName, type SessionState } from './state.js';
import { readSettledTranscript, type TranscriptRead, type TranscriptSummary } from './transcript.js';

export interface FinalizeContext {
  logsDir: string;
  config: Config;
  now: number;
  /**
   * Absolute time after which waiting for a lock or a transcript gives up, and
   * optional follow-up work is left to the next sweep (the hook's own deadline:
   * its work is synchronous, so no timer can stop it).
   */
  deadline: number;
  /** Told what was skipped and why (the hook logs it to hook-errors.log). */
  warn?: (message: string) => void;
}

export type FinalizeResult = 'written' | 'pending';

interface Written {
  record: AgentExecution;
  /** Other executions of the session (lineage excluded), each with whether it overlapped this one; and the parent. */
  related: { peers: Map<string, boolean>; parentKey: string | null };
}

/**
 * Write (or rewrite) the record of one execution from all its events, under
 * its lock. `closeAs` closes a run that has no terminal event: at SessionEnd,
 * or by a later command once it is older than the in-flight timeout.
 */
export interface FinalizeOptions {
  /** Close a run that has no terminal event (SessionEnd, or the in-flight timeout). */
  closeAs?: 'timeout' | null;
  /** Rewrite the peers and parent this record links to (false for those rewrites themselves: one level deep). */
  followUps?: boolean;
}

export function finalizeExecution(
  state: SessionState,
  execKey: string,
  ctx: FinalizeContext,
  { closeAs = null, followUps = true }: FinalizeOptions = {},
): FinalizeResult {
  // Waiting for the transcript to catch up takes up to SETTLE_MAX_MS: done
  // before taking the lock, so that the run's other hook processes (and a
  // sweep) are not kept waiting on it. Under the lock the transcript is read
  // again only if it changed since.
  const settled = settleTranscript(state, execKey, ctx);
  const written = withLock(state.lockPath(execKey), ctx.deadline, () => {
    // An event that lands while we write is either seen by this loop or its own
    // hook process finds our marker and finalizes again after us.
    let last: Written | null = null;
    for (let round = 0; round < 5; round++) {
      const names = state.eventNames(execKey);
      last = writeOnce(state, execKey, names, ctx, closeAs, settled);
      if (!last || sameNames(names, state.eventNames(execKey))) break;
    }
    return last;
  }, undefined, { within: ctx.logsDir });
  if (!written) return 'pending';
  if (!followUps) return 'written';
  // Hook processes can finish in any order: a peer or parent written before
  // this run's events existed is rewritten so links stay symmetric. Done
  // outside our lock, so two runs fixing each other cannot deadlock, and one
  // level deep: overlap is symmetric, so a rewritten peer agrees with us.
  const { record, related } = written;
  for (const [key, overlaps] of related.peers) {
    if (Date.now() >= ctx.deadline) return 'written';
    const marker = state.readWritten(key);
    if (marker?.parallelWith && marker.parallelWith.includes(record.id) !== overlaps) finalizeExecution(state, key, ctx, { closeAs, followUps: false });
  }
  if (related.parentKey) {
    const marker = state.readWritten(related.parentKey);
    if (marker?.childExecutions && !marker.childExecutions.includes(record.id)) finalizeExecution(state, related.parentKey, ctx, { closeAs, followUps: false });
  }
  return 'written';
}

function writeOnce(
  state: SessionState,
  execKey: string,
  names: EventName[],
  ctx: FinalizeContext,
  closeAs: 'timeout' | null,
  settled: Settled | null,
): Written | null {
  const events = state.readEvents(execKey);
  let agentId = events.find((e) => e.agentId)?.agentId ?? null;
  if (!agentId && execKey.startsWith('t-')) {
    // No event named the agent (an interrupted run): link it now, guessing only when closing.
    linkAgents(state, terminalEvent(events) !== null || closeAs !== null || state.sessionEndFor(runStart(events)) !== null);
    agentId = state.agentOfExec(execKey);
  }
  const orphanKey = agentId && execKey.startsWith('t-') ? execKeyForAgent(agentId) : null;
  const orphanEvents = orphanKey ? state.readEvents(orphanKey) : [];
  events.push(...orphanEvents);
  events.sort((a, b) => a.at - b.at);

  const closure = terminalEvent(events) ? null : closureOf(state, runStart(events), ctx, closeAs);
  if (!terminalEvent(events) && !closure) return null;

  const sessionId = state.sessionId;
  const links = linksOf(state, execKey, events, agentId, closure);
  // Claude Code writes the meta file after SubagentStart: read it now for the spawn depth.
  const transcriptPath = events.find((e) => e.transcriptPath)?.transcriptPath ?? undefined;
  const meta = agentId ? readSubagentMeta(transcriptPath, sessionId, agentId) : null;
  const transcript = transcriptOf(events, sessionId, agentId, closure, ctx, settled);
  const record = assembleExecution({
    id: executionId(sessionId, execKey),
    sessionId,
    events,
    transcript: transcript?.read?.summary ?? null,
    chain: links.chain,
    spawnDepth: meta?.spawnDepth ?? null,
    closure,
    defaultPriority: ctx.config.priority.default,
    now: ctx.now,
  })!;
  writeRecord(state, execKey, record, names, ctx, transcript && { path: transcript.path, bytes: transcript.read?.bytes ?? 0 });
  if (orphanKey && orphanEvents.length) retireOrphan(state, orphanKey, ctx);
  return { record, related: { peers: links.peers, parentKey: links.parentKey } };
}

function closureOf(state: SessionState, start: number | null, ctx: FinalizeContext, closeAs: 'timeout' | null): Closure | null {
  const end = state.sessionEndFor(start);
  if (end) {
    return { by: 'SessionEnd', at: end.at, detail: `The session ended (${end.reason ?? 'unknown reason'}) before the agent finished` };
  }
  if (closeAs === 'timeout') {
    const hours = Math.round((ctx.config.inFlightTimeoutMs / 3_600_000) * 10) / 10;
    return { by: 'timeout', at: ctx.now, detail: `No stop event within the in-flight timeout (${hours} h): the session was likely killed` };
  }
  return null;
}

interface Settled {
  path: string;
  read: TranscriptRead | null;
}

/** Where the run's transcript is: the path SubagentStop gave, else next to the session transcript. */
function transcriptPathOf(events: StoredEvent[], sessionId: string, agentId: string | null): string | null {
  const stopPath = events.findLast((e) => e.stop?.agentTranscriptPath)?.stop?.agentTranscriptPath ?? null;
  // From the payload: taken only when it names a subagent transcript the way Claude Code does.
  const fromStop = stopPath !== null && isSubagentTranscriptPath(stopPath) ? stopPath : null;
  const sessionTranscript = events.find((e) => e.transcriptPath)?.transcriptPath ?? null;
  return fromStop ?? (sessionTranscript && agentId ? subagentTranscriptPath(sessionTranscript, sessionId, agentId) : null);
}

/**
 * Outside the lock: wait until the transcript of a run that has ended agrees
 * with its ending event (or has been quiet), and keep what was read. A run
 * closed without an end of its own (SessionEnd, timeout) is not waited for:
 * Claude Code gives SessionEnd hooks 1.5 s in all, and whatever it still
 * writes on the way out is picked up by the next sweep (see transcriptGrew).
 */
function settleTranscript(state: SessionState, execKey: string, ctx: FinalizeContext): Settled | null {
  const events = state.readEvents(execKey);
  const terminal = terminalEvent(events);
  if (!terminal) return null;
  const agentId = events.find((e) => e.agentId)?.agentId ?? state.agentOfExec(execKey);
  const path = transcriptPathOf(events, state.sessionId, agentId);
  if (!path) return null;
  const read = readSettledTranscript(path, events.find((e) => e.cwd)?.cwd ?? null, {
    expect: transcriptAgrees(terminal),
    since: terminal.at,
    until: Math.min(ctx.deadline, terminal.at + SETTLE_MAX_MS),
    warn: ctx.warn,
  });
  return { path, read };
}

/** Under the lock: the settled read when the file is as it was then, else one read of it now (no waiting). */
function transcriptOf(events: StoredEvent[], sessionId: string, agentId: string | null, closure: Closure | null, ctx: FinalizeContext, settled: Settled | null) {
  const path = transcriptPathOf(events, sessionId, agentId);
  if (!path) return null;
  if (settled && settled.path === path && settled.read && unchangedSince(path, settled.read)) return { path, read: settled.read };
  const terminal = terminalEvent(events);
  const read = readSettledTranscript(path, events.find((e) => e.cwd)?.cwd ?? null, {
    expect: terminal ? transcriptAgrees(terminal) : null,
    since: terminal?.at ?? closure?.at ?? 0,
    until: 0,
    warn: ctx.warn,
  });
  return { path, read };
}

function unchangedSince(path: string, read: TranscriptRead): boolean {
  try {
    const stat = statSync(path);
    return stat.size === read.bytes && stat.mtimeMs === read.mtimeMs;
  } catch {
    return false;
  }
}

/** How long a hook waits at most for a transcript to catch up with the event that ended its run. */
const SETTLE_MAX_MS = 1_500;

/**
 * What the ending event says the complete transcript holds. The Agent result
 * carries Claude Code's totals (its tool count, and totalTokens, the context
 * size of the last API call); SubagentStop the final message.
 */
function transcriptAgrees(terminal: StoredEvent): ((t: TranscriptSummary) => boolean) | null {
  const notified = terminal.kind === 'notified' ? terminal.notification : undefined;
  if (notified?.toolUses != null || notified?.tokens != null) {
    return (t) => (notified.toolUses == null || t.toolUseCount >= notified.toolUses) && (!notified.tokens || t.lastCallTokens === notified.tokens);
  }
  const response = terminal.kind === 'done' ? terminal.response : undefined;
  if (response) {
    return (t) =>
      (response.totalToolUseCount === null || t.toolUseCount >= response.totalToolUseCount) &&
      (!response.totalTokens || t.lastCallTokens === response.totalTokens) &&
      (response.textLength === null || t.finalText?.length === response.textLength);
  }
  const stopLength = terminal.kind === 'stop' ? terminal.stop?.lastMessageLength ?? null : null;
  if (stopLength !== null) return (t) => t.finalText?.length === stopLength;
  return null;
}

interface Range {
  start: number;
  end: number | null;
}

/**
 * When a run was alive, judged the same way for every run of the session so
 * that "A overlapped B" and "B overlapped A" always agree. A run without a
 * terminal event ends at the first SessionEnd after its start, or is still running.
 */
function rangeOf(names: EventName[], sessionEnds: number[]): Range | null {
  const starts = names.filter((n) => n.kind === 'pre' || n.kind === 'start').map((n) => n.at);
  if (!starts.length) return null;
  const start = Math.min(...starts);
  const launched = names.some((n) => n.kind === 'launched');
  const terminal = names.find((n) => n.kind === 'done' || n.kind === 'fail' || (launched && n.kind === 'stop'));
  return { start, end: terminal?.at ?? sessionEnds.find((at) => at >= start) ?? null };
}

interface Links {
  chain: Chain;
  peers: Map<string, boolean>;
  parentKey: string | null;
}

function linksOf(state: SessionState, execKey: string, events: StoredEvent[], agentId: string | null, closure: Closure | null): Links {
  const sessionId = state.sessionId;
  const launchers = state.launchers();
  const parentKeyOf = (key: string): string | null => {
    const launcher = launchers.get(key);
    if (!launcher) return null;
    return state.execKeyOfAgent(launcher) ?? metaKey(events, sessionId, launcher);
  };
  const ancestors = (key: string): string[] => {
    const found: string[] = [];
    for (let k = parentKeyOf(key); k && found.length < 32 && !found.includes(k); k = parentKeyOf(k)) found.push(k);
    return found;
  };

  const parentKey = parentKeyOf(execKey);
  const sessionEnds = state.sessionEndTimes();
  // A start filed under its agent id counts towards the Agent call it is linked to.
  const orphanOf = new Map<string, string>();
  for (const key of state.execKeys()) {
    if (!key.startsWith('a-')) continue;
    const linked = state.execKeyOfAgent(key.slice(2));
    if (linked) orphanOf.set(linked, key);
  }
  const namesOf = (key: string) => [...state.eventNames(key), ...(orphanOf.has(key) ? state.eventNames(orphanOf.get(key)!) : [])];
  const linkedOrphans = new Set(orphanOf.values());
  const own = rangeOf(namesOf(execKey), sessionEnds);
  const ownEnd = own?.end ?? closure?.at ?? null;
  const myAncestors = ancestors(execKey);
  const peers = new Map<string, boolean>();
  if (own && ownEnd !== null) {
    for (const key of state.execKeys()) {
      if (key === execKey || (agentId && key === execKeyForAgent(agentId)) || linkedOrphans.has(key) || myAncestors.includes(key)) continue;
      if (ancestors(key).includes(execKey)) continue;
      const other = rangeOf(namesOf(key), sessionEnds);
      // A run that ended before this one started never listed it (a start only
      // moves earlier as late events arrive), so its record needs no second look.
      if (other === null || (other.end !== null && other.end <= own.start)) continue;
      peers.set(key, other.start < ownEnd);
    }
  }
  return {
    chain: {
      parentExecutionId: parentKey ? executionId(sessionId, parentKey) : null,
      childExecutions: agentId ? state.childExecKeys(agentId).map((key) => executionId(sessionId, key)) : [],
      parallelWith: [...peers].filter(([, overlaps]) => overlaps).map(([key]) => executionId(sessionId, key)),
    },
    peers,
    parentKey,
  };
}

/** When the launcher's agent-id mapping is missing, its meta file still names its Agent call. */
function metaKey(events: StoredEvent[], sessionId: string, agentId: string): string | null {
  const transcriptPath = events.find((e) => e.transcriptPath)?.transcriptPath ?? undefined;
  const toolUseId = readSubagentMeta(transcriptPath, sessionId, agentId)?.toolUseId;
  return toolUseId ? execKeyForToolUse(toolUseId) : null;
}

function writeRecord(
  state: SessionState,
  execKey: string,
  record: AgentExecution,
  names: EventName[],
  ctx: FinalizeContext,
  transcript: { path: string; bytes: number } | null,
): void {
  const day = localDay(record.metrics.startTime);
  const path = recordPath(ctx.logsDir, day, record.agentType, record.id);
  const previous = state.readWritten(execKey);
  // A record moves when its day or agent type changes (a late PreToolUse). A
  // writer killed after writing the record but before its marker would leave
  // a record the marker does not name, and the next writer a second one with
  // the same id: so the path is listed first, and every listed path but the
  // current one is removed after the write.
  const listed = state.recordPaths(execKey);
  if (!listed.includes(path)) state.listRecordPath(execKey, path);
  // No fsync: it would cost every agent run 1-5 ms of the hook's budget (4 ms on
  // the development VM) to survive a power cut that the unsynced event files it
  // is built from would not survive either. The rename keeps a killed process
  // from leaving half a record, and a rename over an existing record is flushed
  // first by ext4, XFS and btrfs, so a correction never empties one.
  // Throws when the record could not be written whole (a full disk): the marker below then stays as it was, and the next event retries.
  writeFileAtomic(path, `${JSON.stringify(record)}\n`, { within: ctx.logsDir });
  for (const stray of new Set([...listed, previous?.recordPath ?? path])) if (stray !== path) removeInside(ctx.logsDir, stray);

  const revision = (previous?.revision ?? 0) + 1;
  const completion = JSON.stringify(completionFields(record));
  // Markers written before `completion` was kept compare the status alone.
  const unchanged = previous?.completion !== undefined ? previous.completion === completion : previous?.status === record.result.status;
  const logged = previous?.completionLogged === true && unchanged && previous.recordPath === path;
  if (!logged) appendCompletion(ctx.logsDir, day, record, previous ? revision : 1);
  state.writeWritten(execKey, {
    recordPath: path,
    status: record.result.status,
    closedBy: record.capture.closedBy,
    events: names.map((n) => n.name),
    completionLogged: true,
    completion,
    revision,
    parallelWith: record.chain.parallelWith,
    childExecutions: record.chain.childExecutions,
    ...(transcript ? { transcript } : {}),
  });
}

/** An orphan key (events filed under the agent id before its Agent call was known) merged into its real execution. */
function retireOrphan(state: SessionState, orphanKey: string, ctx: FinalizeContext): void {
  const marker = state.readWritten(orphanKey);
  for (const path of new Set([...state.recordPaths(orphanKey), marker?.recordPath ?? ''])) if (path) removeInside(ctx.logsDir, path);
  state.writeWritten(orphanKey, {
    recordPath: '',
    status: 'merged',
    closedBy: 'merged',
    events: state.eventNames(orphanKey).map((n) => n.name),
    completionLogged: true,
    revision: (marker?.revision ?? 0) + 1,
  });
}

function removeInside(logsDir: string, path: string): void {
  const rel = relative(logsDir, path);
  if (!rel || rel.startsWith(`..${sep}`) || rel === '..') return;
  // A path from a marker, through folders that may have been swapped for links since: never unlink through one.
  if (!isPlainWithin(logsDir, dirname(path))) return;
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function sameNames(a: EventName[], b: EventName[]): boolean {
  return a.length === b.length && a.every((n, i) => n.name === b[i]!.name);
}
