import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCli } from '../support/cli';

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
  expect(run.stderr).toContain('--days must be a whole number');
});
