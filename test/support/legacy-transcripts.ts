import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AgentExecution } from '../../src/schema/record';

// What the transcripts of a Claude Code release before 2.1.2 say of each subagent run,
// read here independently of src/import (plain JSON.parse of every line), so that the
// import's records can be checked field by field against them. Layouts:
// docs/claude-code-observations.md, "Before subagents/".

export type Line = Record<string, any>;

export const jsonLines = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);

const blocks = (l: Line): Line[] => (Array.isArray(l.message?.content) ? l.message.content : []);

export interface TranscriptRun {
  call: Line;
  /** When the Task call's line was written. */
  at: number;
  result: Line;
  agentId: string;
  /** The subagent's own lines. */
  own: Line[];
}

/** Each Task call of the main thread in a project folder of Claude Code's, with its result and its subagent's lines. */
export function runsInTranscripts(folder: string): TranscriptRun[] {
  const files = readdirSync(folder).filter((n) => n.endsWith('.jsonl'));
  const sessions = files.filter((n) => !n.startsWith('agent-')).flatMap((n) => jsonLines(join(folder, n)));
  const main = sessions.filter((l) => l.isSidechain === false);
  const calls = main.flatMap((l) => blocks(l).filter((b) => b.type === 'tool_use' && b.name === 'Task').map((b) => ({ line: l, block: b })));
  return calls.map(({ line, block }) => {
    const resultLine = main.find((l) => blocks(l).some((b) => b.type === 'tool_result' && b.tool_use_id === block.id))!;
    const result = resultLine.toolUseResult as Line;
    // Its own file (2.0.30 on), else the sidechain in the session file that starts with the call's prompt (1.0.x).
    let own: Line[];
    if (result.agentId) own = jsonLines(join(folder, `agent-${result.agentId}.jsonl`));
    else {
      const side = sessions.filter((l) => l.isSidechain === true);
      const root = side.find((l) => l.parentUuid === null && l.message.content === block.input.prompt)!;
      const ids = new Set([root.uuid]);
      own = side.filter((l) => (ids.has(l.uuid) || ids.has(l.parentUuid) ? ids.add(l.uuid) : false));
    }
    return { call: block, at: Date.parse(line.timestamp), result, agentId: (result.agentId as string | undefined) ?? own[0]!.uuid, own };
  });
}

export function sumUsage(own: Line[]) {
  const assistant = own.filter((l) => l.type === 'assistant');
  const sum = (key: string) => assistant.reduce((n, l) => n + (l.message.usage[key] ?? 0), 0);
  return { input: sum('input_tokens'), output: sum('output_tokens'), cacheRead: sum('cache_read_input_tokens'), cacheCreation: sum('cache_creation_input_tokens') };
}

/** One record per Task call, each field as the transcripts in `folder` say. */
export function expectAsTranscriptsSay(records: AgentExecution[], folder: string, version: string): void {
  const runs = runsInTranscripts(folder);
  expect(records.map((r) => r.request.context.toolUseId).sort()).toEqual(runs.map((r) => r.call.id).sort());
  for (const run of runs) {
    const record = records.find((r) => r.request.context.toolUseId === run.call.id)!;
    expect(record.agentType).toBe(run.call.input.subagent_type);
    expect(record.request.description).toBe(run.call.input.description);
    expect(record.request.context.agentId).toBe(run.agentId);
    expect(record.request.context.claudeCodeVersion).toBe(version);
    expect(record.request.context.model).toBe(run.own.find((l) => l.type === 'assistant')!.message.model);
    expect(record.metrics.startTime).toBe(run.at);
    expect(record.metrics.duration).toBe(run.result.totalDurationMs);
    expect(record.metrics.durationSource).toBe('claude-code');
    expect(record.metrics.tokensUsed).toBe(run.result.totalTokens);
    expect(record.metrics.totalToolUseCount).toBe(run.result.totalToolUseCount);
    expect(record.metrics.tokens).toMatchObject(sumUsage(run.own));
    expect(record.metrics.apiCalls).toBe(run.own.filter((l) => l.type === 'assistant').length);
    expect(record.result.outputSize).toBe(run.result.content.map((b: Line) => b.text).join('\n').length);
    // An agent that tried a Task call of its own saw it refused: partial, as its transcript shows.
    const refused = run.own.some((l) => l.type === 'user' && JSON.stringify(l.message.content).includes('No such tool available'));
    expect(record.result.status).toBe(refused ? 'partial' : 'success');
    expect(record.metrics.toolsUsed).toEqual(refused ? ['Task'] : ['Bash']);
  }
}

/**
 * What the hooks and import must agree on: all but when it was captured, the hooks' own
 * clock readings, and the two things only the hooks of 2.0.x are told: the permission mode
 * (no transcript of theirs names it) and the warm-up agents started with every session
 * (SubagentStart/Stop with no Task call), which the hooks list as parallel runs. `runs`:
 * the ids of the records of Task calls.
 */
export function comparableWithHooks(record: AgentExecution, runs: Set<string>) {
  const { capture: _capture, timestamp: _timestamp, ...rest } = record;
  const { startTime: _s, endTime: _e, ...metrics } = rest.metrics;
  const toolTimeline = metrics.toolTimeline?.map(({ start: _start, ...entry }) => entry) ?? null;
  return {
    ...rest,
    chain: { ...rest.chain, parallelWith: rest.chain.parallelWith.filter((id) => runs.has(id)) },
    request: { ...rest.request, context: { ...rest.request.context, permissionMode: null } },
    metrics: { ...metrics, toolTimeline },
  };
}
