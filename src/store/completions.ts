import type { CompletionLine } from '../schema/completion.js';
import type { AgentExecution } from '../schema/record.js';
import { appendLine } from './atomic.js';
import { completionsPath } from './paths.js';

// YYYY-MM-DD/completions.jsonl: one line per finished execution (schema:
// schema/completion.ts). A later correction that changes any of the line's
// figures appends a line with a higher revision; readers keep the last line
// per executionId. (Read back by completion-lines.ts: the hook that writes
// them does not load their schema.)

export function completionLine(record: AgentExecution, revision: number): string {
  return JSON.stringify({ ...completionFields(record), revision });
}

/** What a completion line says of a record, revision aside: when it changes, a new line is due. */
export function completionFields(record: AgentExecution): Omit<CompletionLine, 'revision'> {
  return {
    executionId: record.id,
    agentType: record.agentType,
    status: record.result.status,
    timestamp: new Date(record.metrics.endTime ?? record.metrics.startTime).toISOString(),
    startTime: record.timestamp,
    duration: record.metrics.duration,
    tokensUsed: record.metrics.tokensUsed,
    closedBy: record.capture.closedBy,
    // What pricing needs, so budgets and the statusline read a day's spend from this small file.
    model: record.request.context.model,
    tokens: record.metrics.tokens,
  };
}

export function appendCompletion(logsDir: string, day: string, record: AgentExecution, revision: number): void {
  // One whole line or none, never through a linked day folder or log (see appendLine).
  appendLine(completionsPath(logsDir, day), completionLine(record, revision), { within: logsDir });
}
