import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DURATION_HELP, parseDuration } from '../../src/time/duration';
import { ConfigError, loadConfig } from '../../src/config/load';
import { priorityFor } from '../../src/capture/priority';
import { DEFAULT_CONFIG, resolvedConfigSchema } from '../../src/schema/config';

const file = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'agent-track-config-')), 'agent-track.json');
  writeFileSync(path, content);
  return path;
};

describe('config', () => {
  test('no file means the defaults (the design document policy)', () => {
    expect(loadConfig('/nonexistent/agent-track.json')).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.retention.rawMs).toBe(7 * 86_400_000);
  });

  test('reads every key', () => {
    const config = loadConfig(
      file(JSON.stringify({ storePrompts: false, inFlightTimeout: '30m', retention: { raw: '14d' }, priority: { default: 'low', rules: [{ priority: 'high', agentType: 'security*' }] }, prices: { 'my-model': { input: 1, output: 2, cacheWrite: 1.25, cacheRead: 0.1 } } })),
    );
    expect(config.storePrompts).toBe(false);
    expect(config.inFlightTimeoutMs).toBe(30 * 60_000);
    expect(config.retention.rawMs).toBe(14 * 86_400_000);
    expect(config.retention.dailySummariesMs).toBe(30 * 86_400_000);
    expect(config.prices['my-model']!.output).toBe(2);
  });

  test.each([
    ['{not json', 'not valid JSON'],
    ['{"retention":{"raw":"forever"}}', 'retention.raw'],
    ['{"storePrompts":"no"}', 'storePrompts'],
    ['{"unknownKey":1}', 'unknownKey'],
    ['{"priority":{"rules":[{"priority":"urgent"}]}}', 'priority'],
    ['{"priority":{"rules":[{"priority":"high","promptMatches":"(("}]}}', 'not a valid regular expression'],
  ])('a broken file is a clear error: %s', (content, mention) => {
    const path = file(content);
    expect(() => loadConfig(path)).toThrow(ConfigError);
    expect(() => loadConfig(path)).toThrow(mention);
  });

  test('the resolved config, every key set or not, has the shape its type is inferred from', () => {
    const full = {
      storePrompts: false,
      inFlightTimeout: '30m',
      retention: { raw: '14d', dailySummaries: '60d', weeklyReports: '26w', monthlyReports: '730d' },
      priority: { default: 'low', rules: [{ priority: 'high', agentType: 'security*', promptMatches: 'audit' }] },
      prices: { 'my-model': { input: 1, output: 2, cacheWrite: 1.25, cacheWrite1h: 2, cacheRead: 0.1 } },
      budgets: [{ period: 'week', usd: 50, warnAt: 90 }],
      export: { afterSession: true, prompts: true, redact: ['paths'], serviceName: 'svc', resource: { host: false } },
    };
    for (const resolved of [DEFAULT_CONFIG, loadConfig(file('{}')), loadConfig(file(JSON.stringify(full)))]) {
      expect(resolvedConfigSchema().parse(resolved)).toEqual(resolved);
    }
    // Strict: a key the resolved type does not name would fail, so the schema cannot lag behind resolveConfig.
    expect(resolvedConfigSchema().safeParse({ ...DEFAULT_CONFIG, stray: 1 }).success).toBe(false);
  });

  test('durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('7')).toBeNull();
    expect(parseDuration('d7')).toBeNull();
  });

  test('a duration has an upper bound of 100 years, so no later step meets a date that cannot be', () => {
    expect(parseDuration('36500d')).toBe(36_500 * 86_400_000);
    expect(parseDuration('36501d')).toBeNull();
    expect(parseDuration('99999999999d')).toBeNull();
    expect(parseDuration(`${'9'.repeat(400)}w`)).toBeNull();
    expect(DURATION_HELP).toContain('at most 100 years (36500d)');
  });

  test.each([
    ['{"retention":{"raw":"99999999999d"}}', 'retention.raw: expected a number and a unit: ms, s, m, h, d or w (e.g. 90s, 2h, 7d), at most 100 years (36500d)'],
    ['{"retention":{"raw":7}}', 'retention.raw: expected a duration string such as "7d", not a number'],
    ['{"inFlightTimeout":true}', 'inFlightTimeout: expected a duration string such as "7d", not a boolean'],
  ])('a duration that is not one names its key and what is expected: %s', (content, message) => {
    expect(() => loadConfig(file(content))).toThrow(message);
  });
});

describe('priority rules', () => {
  const rules = {
    default: 'medium' as const,
    rules: [
      { priority: 'high' as const, agentType: 'security:*' },
      { priority: 'high' as const, promptMatches: '\\b(urgent|hotfix|prod(uction)? down)\\b' },
      { priority: 'low' as const, agentType: 'doc-*' },
    ],
  };
  test.each([
    [{ agentType: 'security:auditor', prompt: 'look', description: null }, 'high'],
    [{ agentType: 'general-purpose', prompt: 'URGENT: fix login', description: null }, 'high'],
    [{ agentType: 'general-purpose', prompt: 'x', description: 'hotfix for prod' }, 'high'],
    [{ agentType: 'doc-writer', prompt: 'write docs', description: null }, 'low'],
    [{ agentType: 'general-purpose', prompt: 'refactor', description: null }, 'medium'],
  ])('%j -> %s', (input, expected) => {
    expect(priorityFor(input, rules)).toBe(expected);
  });
});
