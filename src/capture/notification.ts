import * as z from 'zod/mini';
import { memo } from '../schema/memo.js';

// Claude Code (2.1.332 and later) runs top-level agents in the background and
// tells the main thread when one ends with a user message in the session
// transcript:
//   <task-notification><task-id>AGENT_ID</task-id><tool-use-id>TOOL_USE_ID</tool-use-id>
//   <output-file>…</output-file><status>completed|failed</status><summary>…</summary>
//   <result>…</result><usage><subagent_tokens>172</subagent_tokens><tool_uses>2</tool_uses>
//   <duration_ms>426</duration_ms></usage></task-notification>
// These are Claude Code's own figures for the run, the same ones a foreground
// run's PostToolUse carries. Pure: text in, figures out. The text is untrusted
// (a prompt can contain anything), so tags are found with indexOf (linear, no
// regex backtracking) and the result goes through zod.

export interface TaskNotification {
  taskId: string | null;
  toolUseId: string;
  status: string;
  summary: string | null;
  /** Claude Code's `subagent_tokens`: the context size of the agent's last call (a foreground run's totalTokens). */
  tokens: number | null;
  toolUses: number | null;
  durationMs: number | null;
}

const OPEN = '<task-notification>';
const CLOSE = '</task-notification>';
/** A real notification is well under 64 KB (its result text is the agent's final message, which can be long). */
const NOTIFICATION_MAX = 1024 * 1024;

const figure = () => z.nullable(z.int().check(z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)));
const notificationSchema = memo(() =>
  z.object({
    taskId: z.nullable(z.string().check(z.maxLength(512))),
    toolUseId: z.string().check(z.minLength(1), z.maxLength(512)),
    status: z.string().check(z.minLength(1), z.maxLength(64)),
    summary: z.nullable(z.string()),
    tokens: figure(),
    toolUses: figure(),
    durationMs: figure(),
  }),
);

/** The notification in a message text, or null when there is none or it is malformed. */
export function parseTaskNotification(text: string): TaskNotification | null {
  const start = text.indexOf(OPEN);
  if (start < 0) return null;
  const end = text.indexOf(CLOSE, start);
  if (end < 0 || end - start > NOTIFICATION_MAX) return null;
  const body = text.slice(start + OPEN.length, end);
  // <result> is the agent's own text and may quote tags: read everything else around it.
  const resultAt = body.indexOf('<result>');
  const resultEnd = resultAt < 0 ? -1 : body.lastIndexOf('</result>');
  const head = resultAt < 0 ? body : body.slice(0, resultAt);
  const tail = resultAt < 0 || resultEnd < 0 ? (resultAt < 0 ? body : '') : body.slice(resultEnd);
  const usage = tagOf(tail, 'usage');
  const parsed = notificationSchema().safeParse({
    taskId: tagOf(head, 'task-id'),
    toolUseId: tagOf(head, 'tool-use-id'),
    status: tagOf(head, 'status'),
    summary: tagOf(head, 'summary'),
    tokens: numberOf(usage, 'subagent_tokens'),
    toolUses: numberOf(usage, 'tool_uses'),
    durationMs: numberOf(usage, 'duration_ms'),
  });
  return parsed.success ? parsed.data : null;
}

function tagOf(text: string | null, name: string): string | null {
  if (text === null) return null;
  const open = `<${name}>`;
  const start = text.indexOf(open);
  if (start < 0) return null;
  const end = text.indexOf(`</${name}>`, start + open.length);
  return end < 0 ? null : text.slice(start + open.length, end).trim();
}

function numberOf(text: string | null, name: string): number | null {
  const value = tagOf(text, name);
  return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : null;
}

/**
 * The notification for one Agent call in a stretch of the main transcript
 * (JSONL), or null. Lines are only parsed when they name the call, so a long
 * transcript costs one byte search. Claude Code writes the text twice (a
 * queue-operation line when it is queued, the user message when delivered):
 * the first is the earliest moment Claude Code knew.
 */
export function findTaskNotification(jsonl: Buffer, toolUseId: string): { notification: TaskNotification; at: number | null } | null {
  const needle = Buffer.from(`<tool-use-id>${toolUseId}</tool-use-id>`);
  for (let from = 0; from < jsonl.length; ) {
    const hit = jsonl.indexOf(needle, from);
    if (hit < 0) break;
    const lineStart = jsonl.lastIndexOf(0x0a, hit) + 1;
    const newline = jsonl.indexOf(0x0a, hit);
    const lineEnd = newline < 0 ? jsonl.length : newline;
    const found = notificationOfLine(jsonl.toString('utf8', lineStart, lineEnd));
    if (found && found.notification.toolUseId === toolUseId) return found;
    from = lineEnd + 1;
  }
  return null;
}

function notificationOfLine(line: string): { notification: TaskNotification; at: number | null } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null; // A line still being written: the next look finds it whole.
  }
  return notificationOfEntry(parsed);
}

/**
 * The notification a parsed transcript line carries (a queue-operation line or
 * a user message), with the line's time. Import reads its lines through here
 * too, so both paths see the same notification at the same moment.
 */
export function notificationOfEntry(parsed: unknown): { notification: TaskNotification; at: number | null } | null {
  if (!parsed || typeof parsed !== 'object') return null;
  const entry = parsed as { type?: unknown; timestamp?: unknown; content?: unknown; message?: { content?: unknown } };
  const text = entry.type === 'queue-operation' ? entry.content : entry.type === 'user' ? textOf(entry.message?.content) : null;
  if (typeof text !== 'string') return null;
  const notification = parseTaskNotification(text);
  if (!notification) return null;
  const at = typeof entry.timestamp === 'string' ? Date.parse(entry.timestamp) : NaN;
  return { notification, at: Number.isNaN(at) ? null : at };
}

function textOf(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const texts = content.flatMap((b) => (b && typeof b === 'object' && (b as { type?: unknown }).type === 'text' && typeof (b as { text?: unknown }).text === 'string' ? [(b as { text: string }).text] : []));
  return texts.length ? texts.join('\n') : null;
}
