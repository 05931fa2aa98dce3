import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { summarizeDay } from '../../src/analytics/day-summary.js';
import { ingestPayload } from '../../src/capture/ingest.js';
import { DEFAULT_CONFIG } from '../../src/schema/config.js';
import { DaySummaryFile, DayWorkflowsFile } from '../../src/schema/summary.js';
import { readDayRecords, type LoadIssue } from '../../src/store/records.js';
import { daySummaryState, loadDay, SUMMARY_BUILDER } from '../../src/rollup/day-rollup.js';
import { daySummaryOf } from '../support/day-summary.js';
import { summaryPath } from '../../src/store/paths.js';
import { at, makeRecord } from '../analytics/make-record.js';
import { isAgentEvent, loadFixture, type FixtureName } from '../support/fixtures.js';
import { age, tempLogs, writeRecords } from '../store/store-helpers.js';

const DAY = '2026-11-20';
const LATER = Date.now() + 60_000;
const none = () => {};

function readFile(logs: string, day = DAY) {
  return DaySummaryFile.parse(JSON.parse(readFileSync(summaryPath(logs, day), 'utf8')));
}

function readWorkflows(logs: string, day = DAY) {
  return DayWorkflowsFile.parse(JSON.parse(readFileSync(join(logs, day, 'workflows.json'), 'utf8')));
}

/** Real records from the three captured sessions, all on DAY, plus hand-made ones. */
function realStore(): string {
  const logs = tempLogs();
  let now = at(2026, 11, 20, 9);
  for (const name of ['single', 'fanout', 'nested-background'] as FixtureName[]) {
    const fixture = loadFixture(name);
    for (const payload of fixture.payloads.filter(isAgentEvent)) {
      now += 1000;
      ingestPayload(payload, { logsDir: logs, config: DEFAULT_CONFIG, now, deadline: now + 5000 });
    }
  }
  writeRecords(logs, [
    makeRecord({ id: 'h1', agent: 'planner', start: at(2026, 11, 20, 14), duration: 4000, promptId: 'p' }),
    makeRecord({ id: 'h2', agent: 'planner', start: at(2026, 11, 20, 23, 45), duration: 9000, status: 'failed', errors: [{ type: 'timeout' }] }),
  ]);
  age(logs, DAY);
  return logs;
}

describe('day rollups', () => {
  test('the rollup of a closed day equals a recomputation from its records', () => {
    const logs = realStore();
    const summary = daySummaryOf(logs, DAY, LATER, none);
    const { source, ...figures } = readFile(logs);
    const { source: workflowSource, schemaVersion: _v, day: _d, ...workflows } = readWorkflows(logs);
    const recomputed = summarizeDay(DAY, readDayRecords(logs, DAY, none));
    expect({ ...figures, ...workflows }).toEqual(recomputed);
    expect(summary).toEqual(recomputed);
    expect(recomputed.executions).toBe(9);
    expect(Object.keys(recomputed.workflows).length).toBeGreaterThan(0);
    expect(source.builder).toBe(SUMMARY_BUILDER);
    expect(source.builtAt).toBe(LATER);
    expect(workflowSource).toEqual(source);
    expect(daySummaryState(logs, DAY)).toBe('current');
    // A read that does not need workflows never opens workflows.json.
    expect(loadDay(logs, DAY, { now: LATER, onIssue: none })).toEqual({ figures, workflows: null, rebuilt: false });
  });

  test('a record added to a closed day makes its rollup stale, and the next run rebuilds it', () => {
    const logs = realStore();
    daySummaryOf(logs, DAY, LATER, none);
    writeRecords(logs, [makeRecord({ id: 'late', agent: 'planner', start: at(2026, 11, 20, 16), duration: 7000 })]);
    age(logs, DAY, 30);
    expect(daySummaryState(logs, DAY)).toBe('stale');
    const rebuilt = daySummaryOf(logs, DAY, LATER, none);
    expect(rebuilt.agents.planner!.durations).toEqual([4000, 7000, 9000]);
    expect(readFile(logs).agents.planner!.executions).toBe(3);
    expect(daySummaryState(logs, DAY)).toBe('current');
  });

  test('a new agent folder, a rewritten record or a completions line each make it stale', () => {
    const logs = realStore();
    daySummaryOf(logs, DAY, LATER, none);
    writeRecords(logs, [makeRecord({ id: 'n', agent: 'brand-new', start: at(2026, 11, 20, 12) })]);
    expect(daySummaryState(logs, DAY)).toBe('stale');

    daySummaryOf(logs, DAY, LATER, none);
    writeRecords(logs, [makeRecord({ id: 'h1', agent: 'planner', start: at(2026, 11, 20, 14), duration: 4000, status: 'failed' })]);
    expect(daySummaryState(logs, DAY)).toBe('stale');

    age(logs, DAY, 20);
    daySummaryOf(logs, DAY, LATER, none);
    expect(daySummaryState(logs, DAY)).toBe('current');
    appendFileSync(join(logs, DAY, 'completions.jsonl'), '{"executionId":"x","revision":2}\n');
    expect(daySummaryState(logs, DAY)).toBe('stale');
  });

  test('inputs written moments ago are summarised but not yet written down', () => {
    const logs = tempLogs();
    writeRecords(logs, [makeRecord({ id: 'a', start: at(2026, 11, 20, 10) })]);
    const summary = daySummaryOf(logs, DAY, Date.now(), none);
    expect(summary.executions).toBe(1);
    expect(existsSync(summaryPath(logs, DAY))).toBe(false);
    expect(daySummaryState(logs, DAY)).toBe('missing');
  });

  test('a summary built by an older builder is rebuilt', () => {
    const logs = realStore();
    daySummaryOf(logs, DAY, LATER, none);
    const file = readFile(logs);
    writeFileSync(summaryPath(logs, DAY), JSON.stringify({ ...file, executions: 1, source: { ...file.source, builder: SUMMARY_BUILDER - 1 } }));
    expect(daySummaryState(logs, DAY)).toBe('stale');
    expect(daySummaryOf(logs, DAY, LATER, none).executions).toBe(9);
  });

  test('a corrupt summary.json is reported and rebuilt', () => {
    const logs = realStore();
    writeFileSync(summaryPath(logs, DAY), '{"schemaVersion":');
    expect(daySummaryState(logs, DAY)).toBe('missing');
    const issues: LoadIssue[] = [];
    expect(daySummaryOf(logs, DAY, LATER, (i) => issues.push(i)).executions).toBe(9);
    expect(issues.map((i) => i.problem)).toEqual([expect.stringContaining('it is rebuilt from the records')]);
    expect(daySummaryState(logs, DAY)).toBe('current');
  });

  test('a workflows.json from other inputs than summary.json makes the day stale', () => {
    const logs = realStore();
    daySummaryOf(logs, DAY, LATER, none);
    const workflows = readWorkflows(logs);
    writeFileSync(join(logs, DAY, 'workflows.json'), JSON.stringify({ ...workflows, workflows: {}, source: { ...workflows.source, fingerprint: { agentDirs: {}, completions: null } } }));
    expect(daySummaryState(logs, DAY)).toBe('stale');
    expect(Object.keys(daySummaryOf(logs, DAY, LATER, none).workflows).length).toBeGreaterThan(0);
    expect(daySummaryState(logs, DAY)).toBe('current');
    unlinkSync(join(logs, DAY, 'workflows.json'));
    expect(daySummaryState(logs, DAY)).toBe('stale');
  });

  describe('after retention deletes the raw records', () => {
    test('the summary is kept and trusted as it is', () => {
      const logs = realStore();
      const before = daySummaryOf(logs, DAY, LATER, none);
      for (const agent of ['general-purpose', 'code-review-specialist', 'test-automation-specialist', 'planner']) {
        rmSync(join(logs, DAY, agent), { recursive: true });
      }
      unlinkSync(join(logs, DAY, 'completions.jsonl'));
      expect(daySummaryState(logs, DAY)).toBe('current');
      expect(daySummaryOf(logs, DAY, LATER, none)).toEqual(before);
      expect([daySummaryOf(logs, DAY, LATER, none)]).toEqual([before]);
      expect(Object.keys(before.workflows).length).toBeGreaterThan(0);
    });

    test('a pruned day without workflows.json keeps its figures and says its workflows are gone', () => {
      const logs = realStore();
      const before = daySummaryOf(logs, DAY, LATER, none);
      for (const agent of ['general-purpose', 'code-review-specialist', 'test-automation-specialist', 'planner']) rmSync(join(logs, DAY, agent), { recursive: true });
      unlinkSync(join(logs, DAY, 'workflows.json'));
      expect(daySummaryState(logs, DAY)).toBe('current');
      const issues: LoadIssue[] = [];
      expect(daySummaryOf(logs, DAY, LATER, (i) => issues.push(i))).toEqual({ ...before, workflows: {}, openPrompts: [] });
      expect(issues.map((i) => i.problem)).toEqual([expect.stringContaining('the workflows of this day are left out')]);
    });

    test('record folders emptied but left in place still count as pruned', () => {
      const logs = realStore();
      const before = daySummaryOf(logs, DAY, LATER, none);
      for (const agent of ['general-purpose', 'code-review-specialist', 'test-automation-specialist', 'planner']) {
        const dir = join(logs, DAY, agent);
        for (const name of readdirSync(dir)) unlinkSync(join(dir, name));
        expect(readdirSync(dir)).toEqual([]);
      }
      expect(daySummaryState(logs, DAY)).toBe('current');
      expect(daySummaryOf(logs, DAY, LATER, none)).toEqual(before);
    });
  });

  test('skipped files are reported again when the rollup is read', () => {
    const logs = realStore();
    writeFileSync(join(logs, DAY, 'planner', 'exec-broken.json'), 'nope');
    age(logs, DAY);
    const first: LoadIssue[] = [];
    daySummaryOf(logs, DAY, LATER, (i) => first.push(i));
    const second: LoadIssue[] = [];
    daySummaryOf(logs, DAY, LATER, (i) => second.push(i));
    expect(first).toHaveLength(1);
    expect(second).toEqual(first);
    expect(readFile(logs).skipped).toEqual({ count: 1, samples: [{ path: 'planner/exec-broken.json', problem: first[0]!.problem }] });
  });

  test('today is read from the records and never written as a rollup', () => {
    const logs = tempLogs();
    // The test's clock: noon, so that an hour later is still today (at 23:30 it was not).
    const now = new Date(2026, 10, 20, 12, 0).getTime();
    const today = new Date(now);
    writeRecords(logs, [makeRecord({ id: 't', start: new Date(today.getFullYear(), today.getMonth(), today.getDate(), 0, 1).getTime() })]);
    const summary = daySummaryOf(logs, summaryDay(now), now + 3_600_000, none);
    expect(summary!.executions).toBe(1);
    expect(existsSync(summaryPath(logs, summaryDay(now)))).toBe(false);
  });
});

function summaryDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
