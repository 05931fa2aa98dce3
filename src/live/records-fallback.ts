import { summarizeDay } from '../analytics/day-summary.js';
import { loadDay } from '../rollup/day-rollup.js';
import { localDay } from '../time/period.js';
import { readDayFacts } from '../store/records.js';
import type { RecordsFallback } from './day-source.js';

// The statusline's slower path (see day-source.ts): the records and rollups
// every report reads. Its own file in the built statusline, loaded only when a
// day's completion lines cannot stand for its records.

export const recordsFallback: RecordsFallback = {
  readDay(logsDir, day, now, onIssue) {
    if (day < localDay(now)) return { spend: loadDay(logsDir, day, { now, onIssue }).figures, runs: () => [] };
    const facts = readDayFacts(logsDir, day, onIssue);
    return { spend: summarizeDay(day, facts), runs: () => facts };
  },
};
