import { describe, expect, test } from 'vitest';
import { executionId, safeAgentDir } from '../../src/store/paths';
import { localDay } from '../../src/time/period.js';

describe('safeAgentDir', () => {
  test('keeps ordinary agent types as they are', () => {
    for (const type of ['code-review-specialist', 'general-purpose', 'Explore', 'test_automation.v2']) expect(safeAgentDir(type)).toBe(type);
  });

  test('makes unsafe types readable, safe and distinct', () => {
    expect(safeAgentDir('plugin:reviewer')).toMatch(/^plugin_reviewer-[0-9a-f]{8}$/);
    expect(safeAgentDir('plugin:reviewer')).not.toBe(safeAgentDir('plugin_reviewer'));
    expect(safeAgentDir('plugin:reviewer')).not.toBe(safeAgentDir('plugin?reviewer'));
  });

  test.each(['..', '.', '../../etc', 'a/b', 'a\\b', 'CON', 'nul.txt', 'com1', 'trailing. ', '.hidden', 'summary.json', 'completions.jsonl', '', 'x'.repeat(300), '名前'.repeat(60), 'tab\tnew\nline'])(
    '%j becomes a single safe folder name',
    (type) => {
      const name = safeAgentDir(type);
      expect(name).not.toMatch(/[<>:"/\\|?*\u0000-\u001f]/);
      expect(name).not.toMatch(/^\.|[. ]$/);
      expect(name).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i);
      expect(['summary.json', 'completions.jsonl']).not.toContain(name.toLowerCase());
      expect(name.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(90);
    },
  );

  test('is stable', () => {
    expect(safeAgentDir('a:b')).toBe(safeAgentDir('a:b'));
  });
});

describe('ids and days', () => {
  test('an execution id depends only on the session and the Agent call', () => {
    expect(executionId('s1', 't-toolu_1')).toBe(executionId('s1', 't-toolu_1'));
    expect(executionId('s1', 't-toolu_1')).not.toBe(executionId('s2', 't-toolu_1'));
    expect(executionId('s1', 't-toolu_1')).toMatch(/^[0-9a-f]{20}$/);
  });

  test('the day folder is the local calendar day', () => {
    expect(localDay(new Date(2026, 0, 31, 23, 59).getTime())).toBe('2026-01-31');
    expect(localDay(new Date(2026, 1, 1, 0, 0).getTime())).toBe('2026-02-01');
  });
});
