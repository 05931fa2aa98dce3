import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { shape } from '../../scripts/capture-claude-code';
import { CAPTURED_SCENARIOS, FIXTURE_VERSIONS, fixturesDir, isAgentEvent, loadFixture } from '../support/fixtures';
import { allRecords, replay } from '../support/replay';

// Every scenario captured from each supported Claude Code release (npm run
// capture:claude-code), replayed through the real ingest path: each Agent call the
// session made becomes exactly one record of its type, whatever the release sends.
// What the records must hold on 2.1.332 (the task-notification figures) is pinned by
// the capture tests of that work; this file keeps the captures themselves honest.

describe.each(FIXTURE_VERSIONS)('captures of Claude Code %s', (version) => {
  test('hold every scenario, each with its shape.txt up to date', () => {
    const folders = readdirSync(fixturesDir(version));
    for (const name of CAPTURED_SCENARIOS) {
      expect(folders).toContain(name);
      const folder = join(fixturesDir(version), name);
      expect(readFileSync(join(folder, 'shape.txt'), 'utf8')).toBe(shape(folder));
    }
  });

  test.each(CAPTURED_SCENARIOS)('%s: one record per Agent call, of the type it asked for', (name) => {
    const fixture = loadFixture(name, version);
    expect(fixture.original.every((p) => p.cwd === '/home/dev/shop-api')).toBe(true);
    const calls = fixture.payloads.filter((p) => p.hook_event_name === 'PreToolUse' && p.tool_name === 'Agent');
    expect(calls.length).toBeGreaterThan(0);
    replay(fixture.logsDir, fixture.payloads.filter(isAgentEvent));
    const records = allRecords(fixture.logsDir);
    const asked = calls.map((p) => (p.tool_input as { subagent_type: string }).subagent_type).sort();
    expect(records.map((r) => r.agentType).sort()).toEqual(asked);
    expect(new Set(records.map((r) => r.id)).size).toBe(calls.length);
  });
});
