import { AGENT_TOOLS, fields, text } from './payload.js';
import { notificationOfEntry, type TaskNotification as ParsedNotification } from './notification.js';
import { has, needle, searchLines, valueAfter, type OpenProblem } from './lines.js';

// One pass over one transcript (a session's, or a subagent's) collecting what
// the hooks would have been told about Agent calls made in it: each call, its
// result, and the <task-notification> of a background agent. Lines are
// decoded only when a byte search says they can hold one of those.

export interface AgentCall {
  toolUseId: string;
  toolName: string;
  input: Record<string, unknown>;
  at: number;
  sessionId: string | null;
  cwd: string | null;
  permissionMode: string | null;
}

export interface AgentResult {
  at: number;
  isError: boolean;
  /** The tool_result's text blocks. */
  text: string | null;
  /** What PostToolUse gets as tool_response; only the session transcript keeps it. */
  toolUseResult: Record<string, unknown> | null;
  promptId: string | null;
}

/** A background agent's end, as Claude Code tells the main thread (read by capture's own parser). */
export interface TaskNotification {
  at: number;
  notification: ParsedNotification;
}

/** Billed tokens of the transcript's own API responses, per model, each message id once. */
export interface UsageTally {
  byModel: Map<string, { input: number; output: number; cacheCreation: number; cacheRead: number; apiCalls: number }>;
  firstAt: number | null;
  lastAt: number | null;
  /** Claude Code's cost-state line (2.1.332): the session's own total. */
  costState: Record<string, unknown> | null;
}

export interface TranscriptScan {
  usage: UsageTally;
  calls: AgentCall[];
  results: Map<string, AgentResult>;
  notifications: Map<string, TaskNotification>;
  /** First and last line timestamps (asked for subagent transcripts: SubagentStart/Stop happen then). */
  firstAt: number | null;
  lastAt: number | null;
  /** The last assistant line was an API error: Claude Code sends no SubagentStop then. */
  endsInApiError: boolean;
  bytes: number;
  /** The last permission mode the transcript names (subagent transcripts name none: theirs is the session's). */
  permissionMode: string | null;
  /** Lines that looked relevant and were not JSON (a cut last line included). */
  malformed: number;
  oversized: number;
  /** Why nothing of the file could be used: not JSON at all, or JSON of no shape we know. */
  unusable: 'not JSON' | 'unknown shape' | null;
}

const TOOL_USE = needle('"tool_use"');
const TOOL_RESULT = needle('"tool_result"');
const NOTIFICATION = needle('<task-notification>');
const TIMESTAMP = needle('"timestamp":"');
const PERMISSION_MODE = needle('"permissionMode":"');
const ASSISTANT = needle('"type":"assistant"');
const API_ERROR = needle('"isApiErrorMessage":true');
const TOOL_NAMES = [...AGENT_TOOLS].map((name) => needle(`"name":"${name}"`));
const NEEDLES = [TOOL_USE, TOOL_RESULT, NOTIFICATION, PERMISSION_MODE];
const USAGE = needle('"usage":{');
const COST_STATE = needle('"type":"cost-state"');
const USAGE_NEEDLES = [...NEEDLES, USAGE, COST_STATE];

/** `times`: first and last line times (subagent transcripts); `usage`: the main thread's billed tokens (session transcripts). */
/** `deadline`: give up then (the SessionEnd hook's budget). */
export function scanTranscript(path: string, options: { times: boolean; usage: boolean; deadline?: number }): TranscriptScan | OpenProblem {
  const seenMessages = new Set<string>();
  const scan: TranscriptScan = {
    usage: { byModel: new Map(), firstAt: null, lastAt: null, costState: null },
    calls: [],
    results: new Map(),
    notifications: new Map(),
    firstAt: null,
    lastAt: null,
    endsInApiError: false,
    bytes: 0,
    permissionMode: null,
    malformed: 0,
    oversized: 0,
    unusable: null,
  };
  let known = false;
  // Result lines are parsed only when they answer a call seen before them.
  const pendingIds = new Set<string>();
  const callIds = new Set<string>();
  const timeOf = (line: Buffer) => {
    const at = Date.parse(valueAfter(line, TIMESTAMP) ?? '');
    return Number.isNaN(at) ? null : at;
  };
  const parse = (raw: Buffer, first: boolean) => {
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      const line = parsed as Record<string, unknown>;
      if (typeof line.type === 'string' || typeof line.sessionId === 'string') known = true;
      // Releases before 2.0.30 wrote their subagents' lines into the session file: in a
      // session transcript those are not the main thread's (import reads them on their own).
      if (options.usage && line.isSidechain === true) return null;
      return line;
    } catch {
      if (first) scan.unusable = 'not JSON';
      else scan.malformed++;
      return null;
    }
  };

  const stream = searchLines(path, { needles: options.usage ? USAGE_NEEDLES : NEEDLES, lastOf: [TIMESTAMP, ASSISTANT], deadline: options.deadline }, (raw, kind, lastOfIndex) => {
    if (kind === 'last-of') {
      if (lastOfIndex === 0) scan.lastAt = timeOf(raw) ?? scan.lastAt;
      else scan.endsInApiError = has(raw, API_ERROR);
      return;
    }
    if (kind === 'first' || kind === 'tail') {
      // The first line says whether this is a transcript at all; a tail with no newline may be cut.
      const line = parse(raw, kind === 'first');
      if (!line) return;
      const at = timeOf(raw);
      if (at !== null) {
        if (kind === 'first') scan.firstAt = at;
        scan.lastAt = at;
      }
      if (has(raw, ASSISTANT)) scan.endsInApiError = has(raw, API_ERROR);
      if (has(raw, PERMISSION_MODE)) scan.permissionMode = valueAfter(raw, PERMISSION_MODE) ?? scan.permissionMode;
      readLine(line, scan, callIds, pendingIds);
      return;
    }
    if (has(raw, PERMISSION_MODE)) scan.permissionMode = valueAfter(raw, PERMISSION_MODE) ?? scan.permissionMode;
    if (options.usage && (has(raw, USAGE) || has(raw, COST_STATE))) {
      const line = parse(raw, false);
      if (line) tallyUsage(line, scan.usage, seenMessages);
    }
    const wanted =
      (has(raw, TOOL_USE) && TOOL_NAMES.some((name) => has(raw, name))) ||
      (pendingIds.size > 0 && has(raw, TOOL_RESULT) && answersPending(raw, pendingIds)) ||
      has(raw, NOTIFICATION);
    if (!wanted) return;
    const line = parse(raw, false);
    if (line) readLine(line, scan, callIds, pendingIds);
  });
  if ('problem' in stream) return stream;
  scan.bytes = stream.bytes;
  scan.oversized = stream.oversized;
  if (!options.times) {
    scan.firstAt = null;
    scan.lastAt = null;
  }
  if (scan.unusable === null && !known) scan.unusable = 'unknown shape';
  return scan;
}

const TOOL_USE_ID = needle('"tool_use_id":"');

/** Whether a tool_result line answers an Agent call still waiting for its result: its ids looked up, not searched for. */
function answersPending(line: Buffer, pending: Set<string>): boolean {
  for (let at = line.indexOf(TOOL_USE_ID); at >= 0; at = line.indexOf(TOOL_USE_ID, at + TOOL_USE_ID.length)) {
    const id = valueAfter(line.subarray(at), TOOL_USE_ID, 512);
    if (id !== null && pending.has(id)) return true;
  }
  return false;
}

function readLine(line: Record<string, unknown>, scan: TranscriptScan, callIds: Set<string>, pendingIds: Set<string>): void {
  const permissionMode = scan.permissionMode;
  const at = Date.parse(text(line.timestamp) ?? '');
  if (Number.isNaN(at)) return;
  const message = fields(line.message);
  const content = Array.isArray(message.content) ? message.content.map(fields) : [];
  if (line.type === 'assistant') {
    for (const block of content) {
      const id = text(block.id);
      const name = text(block.name);
      if (block.type !== 'tool_use' || !id || !name || !AGENT_TOOLS.has(name)) continue;
      // One API message may be written as several lines repeating its blocks.
      if (callIds.has(id)) continue;
      callIds.add(id);
      scan.calls.push({
        toolUseId: id,
        toolName: name,
        input: fields(block.input),
        at,
        sessionId: text(line.sessionId) ?? null,
        cwd: text(line.cwd) ?? null,
        permissionMode,
      });
      pendingIds.add(id);
    }
  } else if (line.type === 'user') {
    for (const block of content) {
      const id = text(block.tool_use_id);
      if (block.type !== 'tool_result' || !id || scan.results.has(id) || !callIds.has(id)) continue;
      pendingIds.delete(id);
      const toolUseResult = fields(line.toolUseResult);
      scan.results.set(id, {
        at,
        isError: block.is_error === true,
        text: textOf(block.content),
        toolUseResult: Object.keys(toolUseResult).length ? toolUseResult : null,
        promptId: text(line.promptId) ?? null,
      });
    }
  }
  if (line.type === 'user' || line.type === 'queue-operation') readNotification(line, at, scan);
}

function readNotification(line: Record<string, unknown>, at: number, scan: TranscriptScan): void {
  const found = notificationOfEntry(line);
  if (!found) return;
  // As the hooks do (awaiting.ts): the first notification after the launch closes the run
  // (Claude Code writes it queued, then delivered; a resumed agent notifies again later).
  if (scan.notifications.has(found.notification.toolUseId)) return;
  scan.notifications.set(found.notification.toolUseId, { at: found.at ?? at, notification: found.notification });
}

function textOf(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const texts = content.map(fields).flatMap((b) => (b.type === 'text' && typeof b.text === 'string' ? [b.text] : []));
  return texts.length ? texts.join('\n') : null;
}

function tallyUsage(line: Record<string, unknown>, tally: UsageTally, seen: Set<string>): void {
  if (line.type === 'cost-state') {
    tally.costState = line;
    return;
  }
  if (line.type !== 'assistant') return;
  const message = fields(line.message);
  const id = text(message.id);
  const model = text(message.model);
  // One API message may be written as several lines repeating its usage; synthetic lines are not billed.
  if (!id || !model || model === '<synthetic>' || seen.has(id)) return;
  seen.add(id);
  const usage = fields(message.usage);
  const n = (key: string) => {
    const value = usage[key];
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
  };
  const sums = tally.byModel.get(model) ?? { input: 0, output: 0, cacheCreation: 0, cacheRead: 0, apiCalls: 0 };
  sums.input += n('input_tokens');
  sums.output += n('output_tokens');
  sums.cacheCreation += n('cache_creation_input_tokens');
  sums.cacheRead += n('cache_read_input_tokens');
  sums.apiCalls++;
  tally.byModel.set(model, sums);
  const at = Date.parse(text(line.timestamp) ?? '');
  if (!Number.isNaN(at)) {
    tally.firstAt ??= at;
    tally.lastAt = at;
  }
}
