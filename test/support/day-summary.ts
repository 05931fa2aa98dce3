import { loadDay, wholeSummary } from '../../src/rollup/day-rollup.js';
import type { DaySummary } from '../../src/schema/summary.js';
import type { IssueSink } from '../../src/store/records.js';

/** A day's whole summary through the one entry point, as retention loads it (rollup written once settled). */
export function daySummaryOf(logsDir: string, day: string, now: number, onIssue: IssueSink): DaySummary {
  const loaded = loadDay(logsDir, day, { now, onIssue, workflows: true });
  return wholeSummary(loaded.figures, loaded.workflows);
}

/** A day's whole summary read straight from its records, written nowhere. */
export function recordsSummaryOf(logsDir: string, day: string, onIssue: IssueSink): DaySummary {
  const loaded = loadDay(logsDir, day, { now: 0, onIssue, workflows: true, from: 'records', save: false });
  return wholeSummary(loaded.figures, loaded.workflows);
}
