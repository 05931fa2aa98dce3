import { describe, expect, test } from 'vitest';
import { cronEntry, EXPORT_JOB, PRUNE_JOB } from '../../src/install/cron.js';

const input = { node: '/usr/bin/node', bin: '/opt/agent track/bin/agent-track', logsDir: '/home/me/p/.claude/execution-logs', configPath: null, args: ['--raw', '14d'] };

describe('cronEntry', () => {
  test('prune: daily between 03:00 and 05:59, the same minute for the same folder, output to prune.log', () => {
    const [comment, entry] = cronEntry(PRUNE_JOB, input).trimEnd().split('\n');
    expect(comment).toBe('# agent-track: daily retention for /home/me/p/.claude/execution-logs');
    const [minute, hour, ...rest] = entry!.split(' ');
    expect(Number(minute)).toBeGreaterThanOrEqual(0);
    expect(Number(minute)).toBeLessThan(60);
    expect([3, 4, 5]).toContain(Number(hour));
    expect(rest.slice(0, 3)).toEqual(['*', '*', '*']);
    expect(entry).toContain("/usr/bin/node '/opt/agent track/bin/agent-track' --logs-dir /home/me/p/.claude/execution-logs prune --raw 14d >> /home/me/p/.claude/execution-logs/prune.log 2>&1");
    expect(cronEntry(PRUNE_JOB, input)).toBe(cronEntry(PRUNE_JOB, { ...input }));
  });

  test('export: hourly, at a minute of its own, output to export.log', () => {
    const entry = cronEntry(EXPORT_JOB, { ...input, args: ['--endpoint', 'http://otel:4318'], configPath: '/etc/at.json' }).split('\n')[1]!;
    expect(entry).toMatch(/^\d{1,2} \* \* \* \* /);
    expect(entry).toContain(' --config /etc/at.json export --endpoint http://otel:4318 >> /home/me/p/.claude/execution-logs/export.log 2>&1');
  });

  test("a % (cron's newline) is escaped and a quote is quoted", () => {
    const text = cronEntry(PRUNE_JOB, { ...input, logsDir: "/tmp/50%'s logs" });
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toContain("'/tmp/50\\%'\\''s");
    // Only the entry: cron reads a comment line as it is.
    expect(text.split('\n')[1]).not.toMatch(/[^\\]%/);
  });
});
