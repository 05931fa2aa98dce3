import { describe, expect, test } from 'vitest';
import { RUNNING_SHOWN, runningSegment, runningShown, withRunning, type RunningRun } from '../../src/render/statusline-running';

// The statusline's running part, drawn from the runs and the clock alone: by
// the full statusline, and at print time by the warm path from a kept line.

const at = Date.UTC(2026, 11, 6, 9, 0);
const run = (agentType: string, startedAgo: number, expectedMs: number | null): RunningRun => ({ agentType, startTime: at - startedAgo, expectedMs });

describe('the running part of the statusline', () => {
  test('each run: elapsed against expected, ⏰ once past it, ? with none', () => {
    expect(runningSegment(runningShown([run('code-reviewer', 42_000, 90_000)]), at)).toBe('▶ code-reviewer 42s/1m30s');
    expect(runningSegment(runningShown([run('tester', 185_000, 130_000)]), at)).toBe('⏰ tester 3m05s/2m10s');
    expect(runningSegment(runningShown([run('planner', 3_725_000, null)]), at)).toBe('▶ planner 1h02m/?');
    // At the expected time exactly it is not late yet.
    expect(runningSegment(runningShown([run('tester', 60_000, 60_000)]), at)).toBe('▶ tester 1m00s/1m00s');
  });

  test('seconds round to the nearest; a start after the clock shows 0s', () => {
    expect(runningSegment(runningShown([run('a', 1_499, null)]), at)).toBe('▶ a 1s/?');
    expect(runningSegment(runningShown([run('a', 1_500, null)]), at)).toBe('▶ a 2s/?');
    expect(runningSegment(runningShown([run('a', 59_500, null)]), at)).toBe('▶ a 1m00s/?');
    expect(runningSegment(runningShown([run('a', -5_000, 10_000)]), at)).toBe('▶ a 0s/10s');
  });

  test('the earliest started first, three named and the rest counted', () => {
    const runs = [run('fourth', 1_000, null), run('first', 40_000, null), run('third', 20_000, null), run('second', 30_000, null), run('fifth', 0, null)];
    const part = runningShown(runs);
    expect(part.shown.map((r) => r.agentType)).toEqual(['first', 'second', 'third']);
    expect(part.count).toBe(5);
    expect(RUNNING_SHOWN).toBe(3);
    expect(runningSegment(part, at)).toBe('▶ first 40s/? ▶ second 30s/? ▶ third 20s/? +2');
  });

  test('names made printable and cut to 24 characters', () => {
    expect(runningSegment(runningShown([run('test-automation-specialist', 1_000, null)]), at)).toBe('▶ test-automation-special… 1s/?');
    expect(runningSegment(runningShown([run('evil\u001b[2J\u202Eagent', 1_000, null)]), at)).toBe('▶ evilagent 1s/?');
  });

  test('the whole line: the running part before the rest, or the rest alone with no run', () => {
    expect(withRunning(runningShown([run('a', 5_000, 4_000)]), 'subagents today $1.00', at)).toBe('⏰ a 5s/4s · subagents today $1.00');
    expect(withRunning(null, 'subagents today $1.00', at)).toBe('subagents today $1.00');
    expect(withRunning(undefined, 'subagents today $1.00', at)).toBe('subagents today $1.00');
    expect(withRunning(runningShown([]), 'subagents today $1.00', at)).toBe('subagents today $1.00');
  });
});
