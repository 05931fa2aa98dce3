import { describe, expect, test } from 'vitest';
import { fragmentOf } from '../../src/analytics/day-summary.js';
import { describeWorkflow, workflowRun } from '../../src/analytics/workflows.js';
import { at, makeRecord, type RecordSpec } from './make-record.js';

const T = at(2026, 11, 20, 10);
const run = (...specs: Omit<RecordSpec, 'promptId'>[]) => {
  const result = workflowRun(specs.map((s) => fragmentOf(makeRecord({ ...s, promptId: 'p' }))));
  const info = describeWorkflow(result.key);
  return { ...result, ...info, signature: info.name };
};

describe('workflow shape', () => {
  test('agents one after another form a sequence', () => {
    const shape = run(
      { id: 'a', agent: 'planner', start: T, duration: 1000 },
      { id: 'b', agent: 'coder', start: T + 2000, duration: 5000 },
      { id: 'c', agent: 'reviewer', start: T + 8000, duration: 1000 },
    );
    expect(shape.signature).toBe('planner → coder → reviewer');
    expect(shape.wallTime).toBe(9000);
    expect(shape.succeeded).toBe(true);
  });

  test('agents launched together are one parallel stage, whatever order they started in', () => {
    const one = run(
      { id: 'a', agent: 'planner', start: T, duration: 1000 },
      { id: 'b', agent: 'tester', start: T + 2000, duration: 4000 },
      { id: 'c', agent: 'coder', start: T + 2005, duration: 3000 },
      { id: 'd', agent: 'reviewer', start: T + 7000, duration: 1000 },
    );
    const other = run(
      { id: 'a', agent: 'planner', start: T, duration: 1000 },
      { id: 'b', agent: 'coder', start: T + 2000, duration: 3000 },
      { id: 'c', agent: 'tester', start: T + 2005, duration: 4000 },
      { id: 'd', agent: 'reviewer', start: T + 7000, duration: 1000 },
    );
    expect(one.signature).toBe('planner → [coder | tester] → reviewer');
    expect(one.stages).toEqual([['planner'], ['coder', 'tester'], ['reviewer']]);
    expect(other.signature).toBe(one.signature);
  });

  test('a fan-out of the same agent keeps each launch', () => {
    const shape = run(
      { id: 'a', agent: 'searcher', start: T, duration: 3000 },
      { id: 'b', agent: 'searcher', start: T + 10, duration: 3000 },
      { id: 'c', agent: 'searcher', start: T + 20, duration: 3000 },
    );
    expect(shape.signature).toBe('[searcher | searcher | searcher]');
  });

  test('a background agent marks its launch, not the whole time it runs', () => {
    const shape = run(
      { id: 'bg', agent: 'indexer', start: T, duration: 60_000, background: true },
      { id: 'a', agent: 'coder', start: T + 5000, duration: 1000, parallelWith: ['bg'] },
      { id: 'b', agent: 'reviewer', start: T + 7000, duration: 1000, parallelWith: ['bg'] },
    );
    expect(shape.signature).toBe('indexer → coder → reviewer');
  });

  test('a background agent launched in the same turn as a foreground one shares its stage', () => {
    const shape = run(
      { id: 'bg', agent: 'indexer', start: T, duration: 60_000, background: true },
      { id: 'a', agent: 'coder', start: T + 50, duration: 1000 },
    );
    expect(shape.signature).toBe('[coder | indexer]');
  });

  test('an agent launched by another agent is shown inside its parent', () => {
    const shape = run(
      { id: 'p', agent: 'general-purpose', start: T, duration: 10_000 },
      { id: 'c1', agent: 'reviewer', start: T + 1000, duration: 2000, parent: 'p' },
      { id: 'c2', agent: 'tester', start: T + 4000, duration: 2000, parent: 'p' },
      { id: 'n', agent: 'writer', start: T + 11_000, duration: 1000 },
    );
    expect(shape.signature).toBe('general-purpose(reviewer → tester) → writer');
    expect(shape.agents).toEqual(['general-purpose', 'reviewer', 'tester', 'writer']);
    expect(JSON.parse(shape.key)).toEqual([[['general-purpose', [['reviewer'], ['tester']]]], ['writer']]);
  });

  test('one failure makes the whole run unsuccessful', () => {
    const shape = run({ id: 'a', start: T }, { id: 'b', start: T + 5000, status: 'partial' });
    expect(shape.succeeded).toBe(false);
  });
});
