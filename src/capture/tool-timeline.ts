import type { ToolCallEntry } from '../schema/runs.js';

// The tool calls of one subagent transcript, in order: each tool_use block
// (assistant line) matched with its tool_result (user line) by id. Both lines
// carry an ISO `timestamp`, so a call's duration is result time - call time.
// The same shape as the compact timeline a record may store
// (metrics.toolTimeline), so `show` can fall back to that one.

interface Block {
  type?: unknown;
  id?: unknown;
  name?: unknown;
  tool_use_id?: unknown;
  is_error?: unknown;
}

/** `startTime`: the run's start (Unix ms); offsets are from it. */
export function toolTimeline(text: string, startTime: number): ToolCallEntry[] {
  const calls: ToolCallEntry[] = [];
  const open = new Map<string, { entry: ToolCallEntry; at: number }>();
  for (const raw of text.split('\n')) {
    // Only lines with tool blocks matter: skip the rest without parsing them.
    if (!raw.includes('"tool_use') && !raw.includes('"tool_result')) continue;
    let line: { type?: unknown; timestamp?: unknown; message?: { content?: unknown } };
    try {
      line = JSON.parse(raw) as typeof line;
    } catch {
      continue;
    }
    const at = typeof line.timestamp === 'string' ? Date.parse(line.timestamp) : NaN;
    const content = Array.isArray(line.message?.content) ? (line.message!.content as Block[]) : [];
    for (const block of content) {
      if (!block || typeof block !== 'object') continue;
      if (line.type === 'assistant' && block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
        const entry: ToolCallEntry = { tool: block.name, start: Number.isNaN(at) ? 0 : Math.max(0, at - startTime), duration: null, ok: true };
        calls.push(entry);
        open.set(block.id, { entry, at });
      } else if (line.type === 'user' && block.type === 'tool_result' && typeof block.tool_use_id === 'string') {
        const call = open.get(block.tool_use_id);
        if (!call) continue;
        open.delete(block.tool_use_id);
        call.entry.ok = block.is_error !== true;
        if (!Number.isNaN(at) && !Number.isNaN(call.at)) call.entry.duration = Math.max(0, at - call.at);
      }
    }
  }
  return calls;
}
