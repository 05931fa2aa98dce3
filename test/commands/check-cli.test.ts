import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as z from 'zod/mini';
import { CheckOutput } from '../../src/schema/check.js';
import { Status } from '../../src/schema/status.js';
import { makeRecord } from '../analytics/make-record.js';
import { tempLogs, writeRecords } from '../store/store-helpers.js';
import { runCli } from '../support/cli.js';

// `agent-track check` exit codes, and the budgets in `status`, on the built CLI.
// The runs are placed a moment before now, never before today's midnight, so
// today's budget holds them at any hour.

const now = Date.now();
const midnight = new Date(now).setHours(0, 0, 0, 0);
const justBefore = (ms: number) => Math.max(midnight, now - ms);

const PRICES = { 'test-model': { input: 10, output: 10, cacheWrite: 10, cacheRead: 10 } };

function store(options: { budgets: unknown[]; failing?: boolean }): { logs: string; config: string } {
  const logs = tempLogs();
  const config = join(dirname(logs), 'agent-track.json');
  writeFileSync(config, JSON.stringify({ prices: PRICES, budgets: options.budgets }));
  const runs = Array.from({ length: 2 }, (_, i) =>
    makeRecord({ id: `ok${i}`, agent: 'planner', start: justBefore(5000 + i * 1000), duration: 100, model: 'test-model', tokens: { input: 100_000, output: 0 } }),
  );
  const failing = options.failing
    ? Array.from({ length: 3 }, (_, i) =>
        makeRecord({ id: `f${i}`, agent: 'tester', start: justBefore(1000 + i * 100), duration: 50, status: 'failed', tokens: null, errors: [{ type: 'api_error', message: 'API Error: 529' }] }),
      )
    : [];
  writeRecords(logs, [...runs, ...failing]);
  return { logs, config };
}

const check = (s: { logs: string; config: string }, args: string[] = []) => runCli(['--logs-dir', s.logs, '--config', s.config, 'check', ...args], { cwd: tmpdir() });

describe('agent-track check', () => {
  test('exit 0 when all is well, saying so', () => {
    const run = check(store({ budgets: [{ period: 'day', usd: 10 }] }));
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('ok: no budget spent, no agent failing (1 budget checked)\n');
  });

  test('exit 0 with a warning past the warning share', () => {
    const run = check(store({ budgets: [{ name: 'daily', period: 'day', usd: 2.4 }] }));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^WARN {2}budget "daily": \$2\.00 of \$2\.40 \(83\.3%\) today/);
  });

  test('exit 1 when a budget is spent, with the reason, and --json that matches its schema', () => {
    const s = store({ budgets: [{ name: 'daily', period: 'day', billedTokens: 150_000 }] });
    const run = check(s);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('FAIL  budget "daily": 200k tokens of 150k tokens (133.3%) today\n');
    const json = check(s, ['--json']);
    expect(json.status).toBe(1);
    const out = z.parse(CheckOutput, JSON.parse(json.stdout));
    expect(out).toMatchObject({ ok: false, problems: [{ kind: 'budget-spent', subject: 'daily' }] });
    expect(check(s, ['--quiet'])).toMatchObject({ status: 1, stdout: '' });
  });

  test('exit 1 when an agent is failing, with no budget set', () => {
    const run = check(store({ budgets: [], failing: true }));
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^FAIL {2}agent tester is failing: /);
  });

  test('a bad budget in the config is one clear line and exit 1', () => {
    const s = store({ budgets: [{ period: 'day' }] });
    const run = check(s);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^agent-track: invalid config .*a budget needs "usd", "billedTokens" or both/);
  });

  test('status shows each budget with its burn and forecast', () => {
    const s = store({ budgets: [{ name: 'daily', period: 'day', usd: 10 }] });
    const json = runCli(['--logs-dir', s.logs, '--config', s.config, 'status', '--json'], { cwd: tmpdir() });
    const status = z.parse(Status, JSON.parse(json.stdout));
    expect(status.budgets).toMatchObject([{ name: 'daily', metric: 'usd', spent: 2, limit: 10, share: 20, state: 'ok' }]);
    const table = runCli(['--logs-dir', s.logs, '--config', s.config, 'status'], { cwd: tmpdir() }).stdout;
    expect(table).toMatch(/Budgets\n.*\n.*\ndaily +\S+ +\$2\.00 +\$10\.00 +20\.0%/);
  });
});
