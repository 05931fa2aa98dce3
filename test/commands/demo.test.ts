import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { localDay } from '../../src/time/period.js';
import { runCli } from '../support/cli';
import { allRecords } from '../support/replay';

test('demo feeds generated activity through the real ingest and prints the report', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'agent-track-demo-test-')), 'demo');
  const run = runCli(['demo', '--days', '3', '--dir', dir]);
  expect(run.status).toBe(0);
  const captured = Number(/Captured (\d+) subagent executions/.exec(run.stdout)?.[1]);
  expect(captured).toBeGreaterThan(50);
  expect(run.stdout).toContain('Subagent report');
  expect(run.stdout).toMatch(/Executions \d/);
  const logs = join(dir, 'project', '.claude', 'execution-logs');
  const days = readdirSync(logs).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  expect(days.length).toBeGreaterThanOrEqual(1);
  // The report's execution count is the number of records captured.
  expect(run.stdout).toContain(`Executions ${captured.toLocaleString('en-US')}`);
});

test('demo rejects a bad --days with a usage error', () => {
  const run = runCli(['demo', '--days', 'many']);
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('--days expects a whole number');
});

test('demo run just after midnight records nothing after now', () => {
  // 00:51 local time, the hour at which the demo once wrote runs up to 18:26 of the day.
  const day = new Date(2026, 10, 18);
  const now = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 0, 51).getTime();
  const dir = join(mkdtempSync(join(tmpdir(), 'agent-track-demo-test-')), 'demo');
  const run = runCli(['demo', '--days', '3', '--dir', dir], { env: { AGENT_TRACK_NOW: new Date(now).toISOString() } });
  expect(run.status).toBe(0);
  const logs = join(dir, 'project', '.claude', 'execution-logs');
  const records = allRecords(logs);
  expect(records.length).toBeGreaterThan(20);
  for (const record of records) {
    expect(record.metrics.startTime).toBeLessThanOrEqual(now);
    expect(record.metrics.endTime ?? 0).toBeLessThanOrEqual(now);
  }
  // The two whole days before it are there; the report ends on the day it was run.
  expect(new Set(records.map((r) => localDay(r.metrics.startTime)))).toEqual(new Set([localDay(now - 2 * 86_400_000), localDay(now - 86_400_000)]));
  expect(run.stdout).toContain(localDay(now));
});

test('a bad AGENT_TRACK_NOW is one clear line and exit 1', () => {
  const run = runCli(['demo', '--days', '1'], { env: { AGENT_TRACK_NOW: 'yesterday' } });
  expect(run.status).toBe(1);
  expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining('AGENT_TRACK_NOW must be an ISO 8601 time')]);
});
