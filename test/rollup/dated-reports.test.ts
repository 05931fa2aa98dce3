import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { summarizeDay } from '../../src/analytics/day-summary.js';
import { isoWeekPeriod } from '../../src/time/period.js';
import { buildReport } from '../../src/analytics/report.js';
import { readFinishedReport } from '../../src/rollup/dated-reports.js';
import { at, makeRecord } from '../analytics/make-record.js';

// A finished dated report is the one record of its period once retention took
// the day folders: what it counted decides whether a rebuilt report may replace it.

const dir = mkdtempSync(join(tmpdir(), 'agent-track-dated-'));
let n = 0;
const stored = (text: string) => {
  const path = join(dir, `${n++}.json`);
  writeFileSync(path, text);
  return path;
};
const json = (value: unknown) => stored(JSON.stringify(value));
const complete = { range: { complete: true } };

describe('readFinishedReport', () => {
  test.each([
    ['a missing file', join(dir, 'none.json'), null],
    ['a file that is not JSON', stored('{"range":'), null],
    ['JSON that is not an object', json([1, 2]), null],
    ['a report written while its period still ran', json({ range: { complete: false }, dataQuality: { daysWithData: 3 }, summary: { totalExecutions: 9 } }), null],
    ['a report with "complete" not exactly true', json({ range: { complete: 'yes' } }), null],
    ['a finished report saying what it counted', json({ ...complete, dataQuality: { daysWithData: 3 }, summary: { totalExecutions: 9 } }), { daysWithData: 3, totalExecutions: 9 }],
    ['a finished report saying nothing of what it counted: never replaced', json(complete), { daysWithData: Infinity, totalExecutions: Infinity }],
    ['counts of the wrong type are taken as everything', json({ ...complete, dataQuality: { daysWithData: '3' }, summary: 'nine' }), { daysWithData: Infinity, totalExecutions: Infinity }],
  ])('%s', (_, path, coverage) => {
    const read = readFinishedReport(path);
    expect(read === null ? null : read.coverage).toEqual(coverage);
    // None of these is a whole report of this version.
    if (read) expect(read.report).toBeNull();
  });

  test('a whole report of this version comes back whole, beside its coverage', () => {
    const today = '2026-11-30';
    const records = [makeRecord({ id: 'r1', agent: 'code-reviewer', start: at(2026, 11, 24, 10), duration: 2_000 })];
    const report = buildReport({ period: isoWeekPeriod('2026-W48', today)!, days: [summarizeDay('2026-11-24', records)], baseline: [], baselineDays: 28, agents: null, prices: {}, now: at(2026, 11, 30, 9) });
    expect(report.range.complete).toBe(true);
    const read = readFinishedReport(json(report));
    expect(read?.coverage).toEqual({ daysWithData: 1, totalExecutions: 1 });
    expect(read?.report).toEqual(report);
  });
});
