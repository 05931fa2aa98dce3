import { statSync } from 'node:fs';
import { readRegularFile } from '../store/fs.js';
import { sleepSync } from '../store/lock.js';
import { isAbsolute, relative } from 'node:path';
import { LONG_CONTEXT_TOKENS } from '../schema/long-context.js';
import { TOOL_TIMELINE_MAX } from '../schema/limits.js';
import type { ExecutionError, LongContextTokens, TokenBreakdown } from '../schema/record.js';
import { classifyToolError, isTestCommand } from './outcome.js';
import { capName } from '../schema/limits.js';
import { scrubAndTruncate, shortenHome } from './scrub.js';

// One read of a subagent transcript (<session>/subagents/agent-<id>.jsonl)
// gives everything the per-tool hooks would have, without a hook process per
// tool call: tool names, failures, touched files, test commands, API usage.

export interface TranscriptSummary {
  firstAt: number | null;
  lastAt: number | null;
  model: string | null;
  claudeCodeVersion: string | null;
  apiCalls: number;
  /** Always with cacheCreation1h and longContext (null until a call passes LONG_CONTEXT_TOKENS). */
  tokens: TokenBreakdown & { cacheCreation1h: number; longContext: LongContextTokens | null };
  /** input + cache + output of the last API call: what Claude Code reports as totalTokens. */
  lastCallTokens: number | null;
  toolsUsed: string[];
  toolCalls: Record<string, { calls: number; failures: number }>;
  toolUseCount: number;
  errors: ExecutionError[];
  modifiedFiles: string[];
  testCommands: string[];
  finalText: string | null;
  /** Tool calls in order with the transcript times of their tool_use and tool_result lines (Unix ms). */
  toolTimeline: TimedToolCall[];
}

export interface TimedToolCall {
  tool: string;
  at: number | null;
  resultAt: number | null;
  ok: boolean;
}

const FILE_WRITERS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);
const MESSAGE_MAX = 500;
const COMMAND_MAX = 200;
/** File paths: longer than any real one, short enough that a hostile one costs the scrubber little. */
const PATH_MAX = 1_000;

interface ToolUse {
  id: string;
  name: string;
  input: Record<string, unknown>;
  at: number | null;
  turn: number;
}

interface Line {
  type?: unknown;
  timestamp?: unknown;
  version?: unknown;
  isApiErrorMessage?: unknown;
  apiErrorStatus?: unknown;
  message?: {
    id?: unknown;
    model?: unknown;
    usage?: Record<string, unknown>;
    content?: unknown;
  };
}

export function summarizeTranscript(text: string, projectDir: string | null): TranscriptSummary {
  const summary: TranscriptSummary = {
    firstAt: null,
    lastAt: null,
    model: null,
    claudeCodeVersion: null,
    apiCalls: 0,
    tokens: { input: 0, output: 0, cacheCreation: 0, cacheRead: 0, cacheCreation1h: 0, longContext: null },
    lastCallTokens: null,
    toolsUsed: [],
    // No prototype: a tool named __proto__ or toString is a key like any other (see analytics/keyed.ts).
    toolCalls: Object.create(null) as TranscriptSummary['toolCalls'],
    toolUseCount: 0,
    errors: [],
    modifiedFiles: [],
    testCommands: [],
    finalText: null,
    toolTimeline: [],
  };
  const seenMessages = new Set<string>();
  const toolUses: ToolUse[] = [];
  const toolUsesById = new Map<string, ToolUse>();
  const failures: { use: ToolUse; text: string; at: number | null }[] = [];
  const failedIds = new Set<string>();
  const resultAt = new Map<string, number>();
  let turn = 0;

  for (const raw of text.split('\n')) {
    if (!raw) continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      continue; // A line being written while we read: the rest is still good.
    }
    const at = typeof line.timestamp === 'string' ? Date.parse(line.timestamp) : NaN;
    if (!Number.isNaN(at)) {
      summary.firstAt ??= at;
      summary.lastAt = at;
    }
    if (typeof line.version === 'string') summary.claudeCodeVersion ??= line.version;
    const message = line.message;
    if (!message) continue;

    if (line.type === 'assistant') {
      const messageId = typeof message.id === 'string' ? message.id : null;
      const synthetic = message.model === '<synthetic>';
      if (typeof message.model === 'string' && !synthetic) summary.model ??= capName(message.model);
      // One API message is written as one line per content block, each
      // repeating the same id and usage: count it once.
      if (messageId && !seenMessages.has(messageId)) {
        seenMessages.add(messageId);
        turn++;
        const usage = readUsage(message.usage);
        if (!synthetic) summary.apiCalls++;
        addUsage(summary.tokens, usage);
        // Long-context rates apply to a whole call by its prompt size, so the split is made per call, here.
        if (usage.input + usage.cacheCreation + usage.cacheRead > LONG_CONTEXT_TOKENS) {
          addUsage((summary.tokens.longContext ??= { input: 0, output: 0, cacheCreation: 0, cacheCreation1h: 0, cacheRead: 0 }), usage);
        }
        summary.lastCallTokens = usage.input + usage.output + usage.cacheCreation + usage.cacheRead;
      }
      if (line.isApiErrorMessage === true) {
        summary.errors.push({
          type: 'api_error',
          message: scrubAndTruncate(textOf(message.content) ?? `API error ${String(line.apiErrorStatus ?? '')}`, MESSAGE_MAX),
          tool: null,
          recoveryAction: null,
          at: Number.isNaN(at) ? null : at,
        });
      }
      for (const block of blocks(message.content)) {
        if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
          const use: ToolUse = { id: block.id, name: capName(block.name), input: asRecord(block.input), at: Number.isNaN(at) ? null : at, turn };
          if (toolUsesById.has(use.id)) continue;
          toolUses.push(use);
          toolUsesById.set(use.id, use);
        } else if (block.type === 'text' && typeof block.text === 'string' && block.text.trim() && line.isApiErrorMessage !== true) {
          // Claude Code's own "API Error: ..." line is not the agent's answer.
          summary.finalText = block.text;
        }
      }
    } else if (line.type === 'user') {
      for (const block of blocks(message.content)) {
        if (block.type !== 'tool_result' || typeof block.tool_use_id !== 'string') continue;
        const use = toolUsesById.get(block.tool_use_id);
        if (use && !Number.isNaN(at) && !resultAt.has(use.id)) resultAt.set(use.id, at);
        if (!use || block.is_error !== true || failedIds.has(use.id)) continue;
        failedIds.add(use.id);
        failures.push({ use, text: textOf(block.content) ?? 'tool error', at: Number.isNaN(at) ? null : at });
      }
    }
  }

  for (const use of toolUses) {
    if (!summary.toolCalls[use.name]) {
      summary.toolCalls[use.name] = { calls: 0, failures: 0 };
      summary.toolsUsed.push(use.name);
    }
    summary.toolCalls[use.name]!.calls++;
    if (failedIds.has(use.id)) {
      summary.toolCalls[use.name]!.failures++;
      continue;
    }
    const file = FILE_WRITERS.has(use.name) ? use.input.file_path ?? use.input.notebook_path : undefined;
    if (typeof file === 'string') {
      const shown = displayPath(file, projectDir);
      if (!summary.modifiedFiles.includes(shown)) summary.modifiedFiles.push(shown);
    }
  }
  summary.toolUseCount = toolUses.length;
  summary.toolTimeline = toolUses
    .slice(0, TOOL_TIMELINE_MAX)
    .map((use) => ({ tool: use.name, at: use.at, resultAt: resultAt.get(use.id) ?? null, ok: !failedIds.has(use.id) }));
  for (const use of toolUses) {
    const command = use.name === 'Bash' ? use.input.command : undefined;
    if (typeof command === 'string' && isTestCommand(command)) {
      summary.testCommands.push(scrubAndTruncate(command, COMMAND_MAX));
    }
  }
  const toolErrors = failures.map(({ use, text, at }) => {
    const type = classifyToolError(text);
    return {
      type,
      message: scrubAndTruncate(text, MESSAGE_MAX),
      tool: use.name,
      // An interrupted call was the user's decision, not the agent's: nothing to report.
      recoveryAction: type === 'interrupted' ? null : recoveryAfter(use, toolUses),
      at,
    };
  });
  summary.errors = [...toolErrors, ...summary.errors].sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
  return summary;
}

/** What the agent did after a failed tool call: the next call in a later turn. */
function recoveryAfter(failed: ToolUse, toolUses: ToolUse[]): string {
  const next = toolUses.find((use) => use.turn > failed.turn);
  if (!next) return 'gave up';
  if (next.name !== failed.name) return `switched tool (${next.name})`;
  return JSON.stringify(next.input) === JSON.stringify(failed.input) ? 'retried' : 'retried with changes';
}

/** Bigger than any real subagent transcript; reading and parsing this much already takes about a second. */
export const TRANSCRIPT_MAX_BYTES = 64 * 1024 * 1024;

export interface TranscriptRead {
  summary: TranscriptSummary;
  /** Bytes read: a transcript that grows past this later was read before Claude Code finished writing it. */
  bytes: number;
  /** Its modification time when read: an unchanged size and time mean the read still holds. */
  mtimeMs: number;
}

export interface SettleOptions {
  /** What the event that ended the run says the transcript must show (Claude Code's own totals), if it says anything. */
  expect: ((summary: TranscriptSummary) => boolean) | null;
  /** When that event happened: lines Claude Code queued before it are on disk within a flush interval or two. */
  since: number;
  /** Give up waiting then, and use what is there. */
  until: number;
  /** Told why a transcript that is there was not read (not a regular file, over the cap). */
  warn?: (message: string) => void;
}

// Claude Code appends transcript lines from a write queue drained every 100 ms
// (FLUSH_INTERVAL_MS in 2.1.197), so a hook can run before the agent's last
// lines are on disk. Waiting until the file has been quiet this long after the
// event covers a drain and its write on a loaded machine.
const QUIET_MS = 250;
const POLL_MS = 15;

/**
 * Reads a transcript once it has caught up with the event that ended the run:
 * at once when it agrees with Claude Code's totals, else when it has been
 * quiet for QUIET_MS since the event, or at `until`. A run that ended long ago
 * costs one read.
 */
export function readSettledTranscript(path: string, projectDir: string | null, settle: SettleOptions): TranscriptRead | null {
  let read: TranscriptRead | null = null;
  for (let first = true; ; first = false) {
    // Polls re-read only a file that changed: a long transcript costs a read and a parse each time.
    if (first || changedSince(path, read)) {
      const result = readTranscriptFile(path, projectDir);
      if (result && 'problem' in result) {
        settle.warn?.(`transcript skipped: ${result.problem}`);
        return null;
      }
      read = result;
      if (read && settle.expect?.(read.summary)) return read;
    }
    const now = Date.now();
    const lastWrite = read ? read.mtimeMs : 0;
    if (now >= settle.until || now - Math.max(settle.since, lastWrite) >= QUIET_MS) return read;
    sleepSync(POLL_MS);
  }
}

/** Whether the file differs from what was read of it (or appeared, or went). */
function changedSince(path: string, read: { bytes: number; mtimeMs: number } | null): boolean {
  try {
    const stat = statSync(path);
    return read === null || stat.size !== read.bytes || stat.mtimeMs !== read.mtimeMs;
  } catch {
    return read !== null;
  }
}

/** null: no transcript (yet). A problem: one is there but must not be read. */
function readTranscriptFile(path: string, projectDir: string | null): TranscriptRead | { problem: string } | null {
  // mtime is taken before the read: a write that lands during it makes the next poll read again.
  const file = readRegularFile(path, TRANSCRIPT_MAX_BYTES);
  if (!file.ok) return file.missing ? null : { problem: file.problem };
  return { summary: summarizeTranscript(file.bytes.toString('utf8'), projectDir), bytes: file.bytes.length, mtimeMs: file.mtimeMs };
}

/** Paths inside the project are stored relative to it; others keep their shape with secrets scrubbed. */
export function displayPath(path: string, projectDir: string | null): string {
  if (projectDir && isAbsolute(path)) {
    const rel = relative(projectDir, path);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return scrubAndTruncate(rel, PATH_MAX);
  }
  return scrubAndTruncate(shortenHome(path), PATH_MAX);
}

interface Block {
  type?: unknown;
  id?: unknown;
  name?: unknown;
  input?: unknown;
  text?: unknown;
  tool_use_id?: unknown;
  is_error?: unknown;
  content?: unknown;
}

function blocks(content: unknown): Block[] {
  return Array.isArray(content) ? (content.filter((b) => b && typeof b === 'object') as Block[]) : [];
}

function textOf(content: unknown): string | null {
  if (typeof content === 'string') return content;
  const texts = blocks(content)
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string);
  return texts.length ? texts.join('\n') : null;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** One API call's billed tokens. */
type CallUsage = LongContextTokens;

function readUsage(usage: Record<string, unknown> | undefined): CallUsage {
  const n = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);
  const cacheCreation = n(usage?.cache_creation_input_tokens);
  const split = usage?.cache_creation;
  const oneHour = split && typeof split === 'object' ? n((split as Record<string, unknown>).ephemeral_1h_input_tokens) : 0;
  return {
    input: n(usage?.input_tokens),
    output: n(usage?.output_tokens),
    cacheCreation,
    // As Claude Code reads it: the 1-hour part never exceeds the writes it is part of.
    cacheCreation1h: Math.min(oneHour, cacheCreation),
    cacheRead: n(usage?.cache_read_input_tokens),
  };
}

function addUsage(into: CallUsage, usage: CallUsage): void {
  into.input += usage.input;
  into.output += usage.output;
  into.cacheCreation += usage.cacheCreation;
  into.cacheCreation1h += usage.cacheCreation1h;
  into.cacheRead += usage.cacheRead;
}
