import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, test } from 'vitest';
import * as z from 'zod/mini';
import { PriceList } from '../../src/schema/prices.js';
import { makeRecord } from '../analytics/make-record.js';
import { tempLogs, writeRecords } from '../store/store-helpers.js';
import { runCli } from '../support/cli.js';

// `agent-track prices` as a user runs it: the built CLI on a logs folder whose
// records (two days old, inside the default 30 days at any hour) used a priced
// model, a model the list does not know, and one the config prices.

const DAY = 86_400_000;
const twoDaysAgo = Date.now() - 2 * DAY;

function store(): { logs: string; config: string } {
  const logs = tempLogs();
  writeRecords(logs, [
    makeRecord({ id: 'a', model: 'claude-opus-5-5', start: twoDaysAgo }),
    makeRecord({ id: 'b', model: 'claude-opus-5-5', start: twoDaysAgo + 60_000 }),
    makeRecord({ id: 'c', model: 'toString', start: twoDaysAgo + 120_000 }),
    makeRecord({ id: 'd', model: 'my-proxy-model', start: twoDaysAgo + 180_000 }),
  ]);
  const config = join(dirname(logs), 'agent-track.json');
  writeFileSync(config, JSON.stringify({ prices: { 'my-proxy-model': { input: 1, output: 2, cacheWrite: 3, cacheRead: 0.5 } } }));
  return { logs, config };
}

function prices(logs: string, args: string[]) {
  return runCli(['--logs-dir', logs, 'prices', ...args], { cwd: tmpdir() });
}

describe('agent-track prices', () => {
  test('--json: each model in use with its price and where it comes from, valid against its schema', () => {
    const { logs } = store();
    const run = prices(logs, ['--json', '--model', 'claude-sonnet-4-5-20250929']);
    expect(run.status).toBe(0);
    const list = z.parse(PriceList, JSON.parse(run.stdout));
    expect(list.source).toMatchObject({ dataset: '@pydantic/genai-prices', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(list.models.map((m) => [m.model, m.executions, m.source, m.priceKey])).toEqual([
      ['claude-opus-5-5', 2, 'dataset', 'claude-opus-5-5'],
      ['my-proxy-model', 1, 'config', 'my-proxy-model'],
      ['toString', 1, null, null],
      ['claude-sonnet-4-5-20250929', 0, 'dataset', 'claude-sonnet-4-5'],
    ]);
    expect(list.models[0]!.rates).toEqual({ input: 4, output: 20, cacheWrite: 5, cacheWrite1h: 8, cacheRead: 0.2 });
    expect(list.models[1]!.rates).toEqual({ input: 1, output: 2, cacheWrite: 3, cacheWrite1h: 3, cacheRead: 0.5 });
    expect(list.models[3]!.longContext).toEqual({ above: 200_000, rates: { input: 6, output: 22.5, cacheWrite: 7.5, cacheWrite1h: 12, cacheRead: 0.6 } });
    expect(run.stderr).toContain('no price for toString');
  });

  test('the table names the list, its version and date, and each price source', () => {
    const { logs } = store();
    const run = prices(logs, []);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/list: @pydantic\/genai-prices \d+\.\d+\.\d+ \(\d{4}-\d{2}-\d{2}\)/);
    expect(run.stdout).toMatch(/claude-opus-5-5 +2 +\$4 +\$20 +\$5 +\$8 +\$0\.20 +same rates +list: claude-opus-5-5/);
    expect(run.stdout).toMatch(/my-proxy-model .*config: my-proxy-model/);
    expect(run.stdout).toMatch(/toString .*no price: cost left out/);
  });

  test('bad input gets one line and exit code 2', () => {
    const { logs } = store();
    for (const args of [['--days', '0'], ['--model', ' '], ['--json', '--format', 'csv']]) {
      const run = prices(logs, args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr.split('\n')[0]).toMatch(/^agent-track: /);
      expect(run.stdout).toBe('');
    }
  });
});
