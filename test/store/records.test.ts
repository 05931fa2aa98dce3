import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ingestPayload } from '../../src/capture/ingest.js';
import { DEFAULT_CONFIG } from '../../src/schema/config.js';
import { listDays, readDayFacts, readDayRecords, type LoadIssue } from '../../src/store/records.js';
import { at, makeRecord } from '../analytics/make-record.js';
import { isAgentEvent, loadFixture } from '../support/fixtures.js';
import { tempLogs, writeRecords } from './store-helpers.js';

describe('record loader', () => {
  test('reads the records real Claude Code sessions produced', () => {
    const fixture = loadFixture('fanout');
    let now = at(2026, 11, 20, 10);
    for (const payload of fixture.payloads.filter(isAgentEvent)) {
      now += 1000;
      ingestPayload(payload, { logsDir: fixture.logsDir, config: DEFAULT_CONFIG, now, deadline: now + 5000 });
    }
    const issues: LoadIssue[] = [];
    const facts = readDayFacts(fixture.logsDir, '2026-11-20', (i) => issues.push(i));
    expect(issues).toEqual([]);
    expect(facts.map((f) => [f.agentType, f.result.status]).sort()).toEqual([
      ['code-review-specialist', 'failed'],
      ['code-review-specialist', 'partial'],
      ['test-automation-specialist', 'partial'],
    ]);
    // The fast loader and the full-record loader agree on every field reports read.
    const full = readDayRecords(fixture.logsDir, '2026-11-20', () => {});
    for (const fact of facts) {
      const record = full.find((r) => r.id === fact.id)!;
      expect(fact.metrics).toEqual({
        startTime: record.metrics.startTime,
        endTime: record.metrics.endTime,
        duration: record.metrics.duration,
        tokensUsed: record.metrics.tokensUsed,
        tokens: record.metrics.tokens,
        apiCalls: record.metrics.apiCalls,
        toolCalls: record.metrics.toolCalls,
      });
      expect(fact.errors).toEqual(record.errors.map(({ recoveryAction: _r, ...e }) => e));
    }
  });

  test('skips corrupt and foreign files with a reason and reads the rest', () => {
    const logs = tempLogs();
    writeRecords(logs, [makeRecord({ id: 'good', agent: 'reviewer', start: at(2026, 11, 20, 10) })]);
    const dir = join(logs, '2026-11-20', 'reviewer');
    writeFileSync(join(dir, 'exec-truncated.json'), '{"schemaVersion":1,"id":"tr');
    writeFileSync(join(dir, 'exec-foreign.json'), JSON.stringify({ hello: 'world' }));
    writeFileSync(join(dir, 'exec-future.json'), JSON.stringify({ ...makeRecord({ id: 'f', start: 0 }), schemaVersion: 2 }));
    writeFileSync(join(dir, '.exec-half.json.abc.tmp'), '{');
    writeFileSync(join(dir, 'notes.txt'), 'not a record');
    mkdirSync(join(logs, '2026-11-20', 'empty-agent'));
    const issues: LoadIssue[] = [];
    const facts = readDayFacts(logs, '2026-11-20', (i) => issues.push(i));
    expect(facts.map((f) => f.id)).toEqual(['good']);
    expect(issues.map((i) => [i.path.split('/').pop(), i.problem.split(' (')[0]]).sort()).toEqual([
      ['exec-foreign.json', 'not an execution record'],
      ['exec-future.json', 'not an execution record'],
      ['exec-truncated.json', 'not valid JSON'],
    ]);
    expect(issues.find((i) => i.path.endsWith('exec-foreign.json'))!.problem).toContain('schemaVersion');
  });

  test('reads a record larger than its read buffer', () => {
    const logs = tempLogs();
    const big = makeRecord({ id: 'big', start: at(2026, 11, 20, 10), errors: Array.from({ length: 400 }, () => ({ type: 'x', message: 'e'.repeat(400) })) });
    writeRecords(logs, [big]);
    const facts = readDayFacts(logs, '2026-11-20', () => {});
    expect(facts[0]!.errors).toHaveLength(400);
  });

  test('lists only date folders, oldest first', () => {
    const logs = tempLogs();
    for (const name of ['2026-11-21', '2026-11-02', 'metrics', '.state', '2026-1-1']) mkdirSync(join(logs, name));
    expect(listDays(logs)).toEqual(['2026-11-02', '2026-11-21']);
    expect(listDays(join(logs, 'missing'))).toEqual([]);
  });
});

describe('files that are not what they seem', () => {
  test('a symlinked record file is not followed, and a broken file is reported without quoting it', async () => {
    const { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { readDayRecords } = await import('../../src/store/records');
    const logs = mkdtempSync(join(tmpdir(), 'agent-track-links-'));
    const secret = join(logs, '..', `secret-${Date.now()}.txt`);
    writeFileSync(secret, 'root:x:0:0:root:/root:/bin/bash');
    mkdirSync(join(logs, '2026-11-01', 'reviewer'), { recursive: true });
    symlinkSync(secret, join(logs, '2026-11-01', 'reviewer', 'exec-link.json'));
    writeFileSync(join(logs, '2026-11-01', 'reviewer', 'exec-broken.json'), 'password=hunter2 {');
    const issues: string[] = [];
    expect(readDayRecords(logs, '2026-11-01', (i) => issues.push(`${i.path}: ${i.problem}`))).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain('exec-broken.json: not valid JSON');
    expect(issues.join('\n')).not.toContain('hunter2');
    expect(issues.join('\n')).not.toContain('root:x');
  });
});
