import { describe, expect, test } from 'vitest';
import type { AgentExecution } from '../../src/schema/record';
import { allRecords, completionLines, replayFixture } from '../support/replay';

// Claude Code runs hooks in parallel and they finish in any order. Whatever
// order the hook processes reach the disk in, the records must come out the same.

function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function shuffled(length: number, seed: number): number[] {
  const random = seeded(seed);
  const order = Array.from({ length }, (_, i) => i);
  for (let i = length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Records with what differs between two replays (temp folder, write time) taken out. */
function comparable(records: AgentExecution[], root: string) {
  return records
    .map((r) => JSON.parse(JSON.stringify({ ...r, capture: { ...r.capture, writtenAt: 0 } }).split(root).join('<root>')))
    .sort((a, b) => a.id.localeCompare(b.id));
}

function lastStatusById(lines: Record<string, unknown>[]) {
  const last = new Map<string, unknown>();
  for (const line of lines) last.set(line.executionId as string, line.status);
  return Object.fromEntries([...last].sort());
}

describe.each(['single', 'fanout', 'nested-background'] as const)('%s session in any order', (name) => {
  const inOrder = replayFixture(name);
  const expected = comparable(allRecords(inOrder.logsDir), inOrder.root);
  const expectedStatus = lastStatusById(completionLines(inOrder.logsDir));
  // A background run's record is written at its SubagentStop and corrected once its notification is read.
  const expectedLines = completionLines(inOrder.logsDir).length;

  test.each(Array.from({ length: 12 }, (_, i) => i + 1))('shuffle %i gives the same records', (seed) => {
    const run = replayFixture(name, { order: shuffled(inOrder.agentPayloads.length, seed) });
    expect(comparable(allRecords(run.logsDir), run.root)).toEqual(expected);
    expect(lastStatusById(completionLines(run.logsDir))).toEqual(expectedStatus);
  });

  test('a duplicate delivery of every event changes nothing', () => {
    const order = [...inOrder.agentPayloads.keys(), ...inOrder.agentPayloads.keys()];
    const run = replayFixture(name, { order });
    expect(comparable(allRecords(run.logsDir), run.root)).toEqual(expected);
    expect(completionLines(run.logsDir)).toHaveLength(expectedLines);
  });
});
