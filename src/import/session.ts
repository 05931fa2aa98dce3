import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { readRegularFile } from '../store/fs.js';
import type { AgentCall, AgentResult, TaskNotification, TranscriptScan, UsageTally } from '../capture/transcript-scan.js';
import { scanTranscript } from '../capture/transcript-scan.js';
import { direntsOrEmpty } from '../store/fs.js';
import { isPathSafeId } from '../capture/ids.js';
import { inlineSidechains, SidechainFiles } from './sidechains.js';

// One Claude Code session on disk, turned into the hook payloads the hooks
// would have received for each of its subagent runs:
//   <project key>/<session>.jsonl                          the session (Agent calls, results, notifications)
//   <project key>/<session>/subagents/agent-<id>.jsonl     each subagent's transcript (its own Agent calls: nesting)
//   <project key>/<session>/subagents/agent-<id>.meta.json agent type, tool_use_id, spawn depth
// and what older releases wrote instead (docs/claude-code-observations.md, "Before subagents/"):
//   2.0.30 to 2.1.1:  <project key>/agent-<id>.jsonl beside the session file, no meta file;
//                     the Task call's result names the agent (toolUseResult.agentId)
//   before 2.0.30:    the subagents' lines inside the session file (isSidechain: true),
//                     linked to their Task call by its prompt only (sidechains.ts)

/** Claude Code's meta file; read leniently, every field optional. */
const metaSchema = z.looseObject({
  agentType: z.optional(z.string()),
  description: z.optional(z.string()),
  toolUseId: z.optional(z.string()),
  spawnDepth: z.optional(z.number()),
  parentAgentId: z.optional(z.string()),
  finished: z.optional(z.boolean()),
});
type Meta = z.infer<typeof metaSchema>;
const META_MAX_BYTES = 64 * 1024;

export interface SubagentFiles {
  agentId: string;
  transcript: string;
  meta: Meta | null;
  scan: TranscriptScan | null;
}

/** A payload as a hook would get it, and when the hook would have run. */
export interface TimedPayload {
  at: number;
  payload: Record<string, unknown>;
  /** For SubagentStart/Stop: what Claude Code's meta file says (the hook reads it the same way). */
  meta?: { toolUseId: string | null; spawnDepth: number | null; description: string | null };
}

export interface ImportedRun {
  sessionId: string;
  /** The session transcript the run was read from (its notification's source). */
  transcriptPath: string;
  toolUseId: string;
  agentId: string | null;
  /** The agent that made the Agent call; null for the main thread. */
  launcherAgentId: string | null;
  cwd: string | null;
  startAt: number;
  /** Whether the transcripts show the run's end (else the hooks would still have it in flight). */
  ended: boolean;
  payloads: TimedPayload[];
  /** Claude Code's <task-notification> of a background run: stored as the hooks store it. */
  notified: TaskNotification | null;
}

export interface SessionRead {
  sessionId: string;
  /** The main thread's billed tokens (null when the transcript could not be read). */
  usage: UsageTally | null;
  transcriptPath: string;
  cwd: string | null;
  runs: ImportedRun[];
  /** Files of the session that could not be used, with why. */
  skipped: { path: string; reason: string }[];
  bytes: number;
  /** Transcripts split out of the session file (before 2.0.30): dispose once its records are written. */
  sidechains: SidechainFiles;
}

export function readSession(transcriptPath: string): SessionRead {
  const fileSessionId = basename(transcriptPath, '.jsonl');
  const read: SessionRead = { usage: null, sessionId: fileSessionId, transcriptPath, cwd: null, runs: [], skipped: [], bytes: 0, sidechains: new SidechainFiles() };
  const main = scanTranscript(transcriptPath, { times: false, usage: true });
  if ('problem' in main) {
    read.skipped.push({ path: transcriptPath, reason: main.problem });
    return read;
  }
  read.bytes += main.bytes;
  // 2.0.x creates the file of a `--resume`d run's new session id and writes nothing to it: nothing to import, nothing wrong.
  if (main.bytes === 0) return read;
  if (main.unusable) {
    read.skipped.push({ path: transcriptPath, reason: main.unusable });
    return read;
  }
  if (main.malformed) read.skipped.push({ path: transcriptPath, reason: `${main.malformed} malformed line(s) (truncated?), rest imported` });
  if (main.oversized) read.skipped.push({ path: transcriptPath, reason: `${main.oversized} line(s) over the size cap, skipped` });

  read.usage = main.usage;
  const subagents = readSubagents(transcriptPath, fileSessionId, read);
  const agentOfToolUse = new Map<string, string>();
  for (const sub of subagents.values()) if (sub.meta?.toolUseId) agentOfToolUse.set(sub.meta.toolUseId, sub.agentId);
  addOlderLayouts(main, subagents, agentOfToolUse, read);

  const sources: { launcher: SubagentFiles | null; scan: TranscriptScan }[] = [{ launcher: null, scan: main }];
  for (const sub of subagents.values()) if (sub.scan) sources.push({ launcher: sub, scan: sub.scan });
  const seen = new Set<string>();
  for (const { launcher, scan } of sources) {
    for (const call of scan.calls) {
      // A resumed session's file repeats the calls of the session it continues: one run each.
      if (seen.has(call.toolUseId)) continue;
      seen.add(call.toolUseId);
      const result = scan.results.get(call.toolUseId) ?? null;
      // A call of a tool the agent did not have (no Task tool in a subagent before 2.1) never ran: no hook saw it.
      if (result?.text && NO_SUCH_TOOL.test(result.text)) continue;
      const notification = main.notifications.get(call.toolUseId) ?? null;
      const agentId = agentOfToolUse.get(call.toolUseId) ?? agentIdOf(result, notification);
      const run = runOf({
        sessionId: call.sessionId ?? fileSessionId,
        transcriptPath,
        call: launcher && call.permissionMode === null ? { ...call, permissionMode: main.permissionMode } : call,
        result,
        notification,
        launcher,
        sub: agentId ? subagents.get(agentId) ?? null : null,
        agentId,
      });
      read.cwd ??= call.cwd;
      read.runs.push(run);
    }
  }
  read.runs.sort((a, b) => a.startAt - b.startAt);
  return read;
}

function readSubagents(transcriptPath: string, sessionId: string, read: SessionRead): Map<string, SubagentFiles> {
  const dir = join(transcriptPath.slice(0, -'.jsonl'.length), 'subagents');
  const found = new Map<string, SubagentFiles>();
  for (const entry of direntsOrEmpty(dir)) {
    const match = /^agent-([A-Za-z0-9_-]+)\.jsonl$/.exec(entry.name);
    if (!match || !entry.isFile()) continue;
    const agentId = match[1]!;
    found.set(agentId, subagentFiles(agentId, join(dir, entry.name), readMeta(join(dir, `agent-${agentId}.meta.json`), read), read));
  }
  void sessionId;
  return found;
}

function subagentFiles(agentId: string, transcript: string, meta: Meta | null, read: SessionRead, countBytes = true): SubagentFiles {
  const scan = scanTranscript(transcript, { times: true, usage: false });
  let usable: TranscriptScan | null = null;
  if ('problem' in scan) read.skipped.push({ path: transcript, reason: scan.problem });
  else if (scan.unusable) read.skipped.push({ path: transcript, reason: scan.unusable });
  else usable = scan;
  if (usable && countBytes) read.bytes += usable.bytes;
  return { agentId, transcript, meta, scan: usable };
}

const NO_SUCH_TOOL = /^(?:<tool_use_error>)?Error: No such tool available: /;

/**
 * The subagents of the main thread's Task calls that releases before 2.1.2 kept
 * elsewhere: beside the session file (named by the call's result), or inside it.
 */
function addOlderLayouts(main: TranscriptScan, subagents: Map<string, SubagentFiles>, agentOfToolUse: Map<string, string>, read: SessionRead): void {
  const unplaced = main.calls.filter((call) => !agentOfToolUse.has(call.toolUseId));
  if (!unplaced.length) return;
  const folder = dirname(read.transcriptPath);
  const inline: AgentCall[] = [];
  for (const call of unplaced) {
    const result = main.results.get(call.toolUseId) ?? null;
    const agentId = agentIdOf(result, null);
    const beside = agentId && isPathSafeId(agentId) ? join(folder, `agent-${agentId}.jsonl`) : null;
    if (agentId && beside && !subagents.has(agentId) && existsSync(beside)) {
      subagents.set(agentId, subagentFiles(agentId, beside, null, read));
      agentOfToolUse.set(call.toolUseId, agentId);
    }
    // Only a finished run can have an inline sidechain (1.0.x writes it when the agent is done), and only
    // 1.0.x's results name no agent: a 2.1.x session (a failed call, one still running) is not read again.
    else if (!agentId && result && !result.isError && result.toolUseResult) inline.push(call);
  }
  if (!inline.length) return;
  const chains = inlineSidechains(read.transcriptPath, read.sidechains);
  if ('problem' in chains) return; // The session's own scan read the file a moment ago; nothing more to say.
  // Each sidechain to the first call, in launch order, with its prompt: parallel calls with one prompt are alike anyway.
  for (const chain of chains) {
    const call = inline.find((c) => typeof c.input.prompt === 'string' && c.input.prompt === chain.prompt);
    if (!call) continue;
    inline.splice(inline.indexOf(call), 1);
    // Its bytes were counted with the session file's.
    subagents.set(chain.id, subagentFiles(chain.id, chain.path, null, read, false));
    agentOfToolUse.set(call.toolUseId, chain.id);
  }
}

function readMeta(path: string, read: SessionRead): Meta | null {
  const file = readRegularFile(path, META_MAX_BYTES);
  if (!file.ok) {
    if (!file.missing) read.skipped.push({ path, reason: file.problem });
    return null;
  }
  try {
    const parsed = metaSchema.safeParse(JSON.parse(file.bytes.toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // Said below.
  }
  read.skipped.push({ path, reason: 'not a meta file of a known shape' });
  return null;
}

function agentIdOf(result: AgentResult | null, notification: TaskNotification | null): string | null {
  const fromResult = result?.toolUseResult?.agentId;
  if (typeof fromResult === 'string' && fromResult) return fromResult;
  // A nested call's result keeps only its text, which names the agent.
  const fromText = result?.text ? /agentId: ([A-Za-z0-9_-]+)/.exec(result.text)?.[1] : undefined;
  return fromText ?? notification?.notification.taskId ?? null;
}

interface RunInput {
  sessionId: string;
  transcriptPath: string;
  call: AgentCall;
  result: AgentResult | null;
  notification: TaskNotification | null;
  launcher: SubagentFiles | null;
  sub: SubagentFiles | null;
  agentId: string | null;
}

function runOf(input: RunInput): ImportedRun {
  const { call, result, notification, launcher, sub, agentId } = input;
  const common = {
    session_id: input.sessionId,
    transcript_path: input.transcriptPath,
    cwd: call.cwd ?? undefined,
    permission_mode: call.permissionMode ?? undefined,
    prompt_id: result?.promptId ?? undefined,
  };
  const payloads: TimedPayload[] = [];
  payloads.push({
    at: call.at,
    payload: {
      ...common,
      hook_event_name: 'PreToolUse',
      tool_name: call.toolName,
      tool_use_id: call.toolUseId,
      tool_input: call.input,
      ...(launcher ? { agent_id: launcher.agentId, agent_type: launcher.meta?.agentType } : {}),
    },
  });
  const meta = sub?.meta
    ? { toolUseId: sub.meta.toolUseId ?? call.toolUseId, spawnDepth: sub.meta.spawnDepth ?? null, description: sub.meta.description ?? null }
    : { toolUseId: call.toolUseId, spawnDepth: null, description: null };
  const agentType = sub?.meta?.agentType ?? (typeof call.input.subagent_type === 'string' && call.input.subagent_type ? call.input.subagent_type : 'general-purpose');
  if (agentId && sub?.scan?.firstAt != null) {
    payloads.push({ at: sub.scan.firstAt, meta, payload: { ...common, hook_event_name: 'SubagentStart', agent_id: agentId, agent_type: agentType } });
  }

  const launched = result?.toolUseResult?.status === 'async_launched';
  let ended = false;
  if (result && result.isError) {
    ended = true;
    payloads.push({
      at: result.at,
      payload: {
        ...common,
        hook_event_name: 'PostToolUseFailure',
        tool_name: call.toolName,
        tool_use_id: call.toolUseId,
        tool_input: call.input,
        error: result.text ?? 'unknown error',
        is_interrupt: /interrupted by user/i.test(result.text ?? ''),
      },
    });
  } else if (result) {
    ended = !launched;
    payloads.push({
      at: result.at,
      payload: {
        ...common,
        hook_event_name: 'PostToolUse',
        tool_name: call.toolName,
        tool_use_id: call.toolUseId,
        tool_input: call.input,
        tool_response: result.toolUseResult ?? responseFromText(result.text, agentId),
      },
    });
  }
  // A background run ends when Claude Code tells the main thread (or marks its meta file finished).
  if (launched && (notification || sub?.meta?.finished === true)) ended = true;
  // The hooks store that notification as the run's `notified` event (capture/awaiting.ts); so does import, below.
  // A background agent that failed gets no SubagentStop: the notification is its end.
  const failedInBackground = launched && notification !== null && notification.notification.status !== 'completed';
  // Claude Code sends SubagentStop when the agent finishes, except after an API error in the foreground.
  const stops = agentId && sub?.scan && !failedInBackground && (launched ? ended : ended && !sub.scan.endsInApiError);
  if (stops) {
    payloads.push({
      at: sub!.scan!.lastAt ?? notification?.at ?? result!.at,
      meta,
      payload: { ...common, hook_event_name: 'SubagentStop', agent_id: agentId, agent_type: agentType, agent_transcript_path: sub!.transcript },
    });
  }
  return {
    sessionId: input.sessionId,
    transcriptPath: input.transcriptPath,
    toolUseId: call.toolUseId,
    agentId,
    launcherAgentId: launcher?.agentId ?? null,
    cwd: call.cwd,
    startAt: call.at,
    ended,
    payloads,
    // Only the main thread's background runs are told of in the session transcript, as the hooks look for them.
    notified: launched && !launcher ? notification : null,
  };
}

/**
 * The result of an Agent call made by a subagent: its transcript keeps only
 * the text, with Claude Code's figures in a <usage> block after the report.
 */
export function responseFromText(text: string | null, agentId: string | null): Record<string, unknown> {
  const body = text ?? '';
  const usage = /<usage>([\s\S]*?)<\/usage>/.exec(body)?.[1] ?? '';
  const figure = (pattern: RegExp) => {
    const match = pattern.exec(usage);
    return match ? Number(match[1]) : undefined;
  };
  const blocks = [body.split(/\nagentId: /)[0]!.replace(/<usage>[\s\S]*$/, '')];
  // 2.1.332 frames the report, after the notes Claude Code adds, and indents each of their lines by two spaces.
  const framed = /^([\s\S]*?)\[Subagent hand-back\][\s\S]*?The report follows:\n([\s\S]*)$/.exec(blocks[0]!);
  if (framed) {
    const dedent = (text: string) => text.replace(/^ {2}/gm, '');
    blocks.splice(0, 1, dedent(framed[1]!).replace(/\n$/, ''), dedent(framed[2]!));
  }
  return {
    status: 'completed',
    ...(agentId ? { agentId } : {}),
    content: blocks.filter(Boolean).map((text) => ({ type: 'text', text })),
    totalTokens: figure(/(?:subagent_tokens|total_tokens):\s*(\d+)/),
    totalToolUseCount: figure(/tool_uses:\s*(\d+)/),
    totalDurationMs: figure(/duration_ms:\s*(\d+)/),
  };
}
