import { describe, expect, test } from 'vitest';
import * as z from 'zod/mini';
import { packRecent, unpackRecent } from '../../src/dashboard/recent-pack.js';
import { jsonForScript } from '../../src/dashboard/embed.js';
import { RecentPack } from '../../src/schema/dashboard.js';
import { at, makeRecord } from '../analytics/make-record.js';
import { recentRuns } from './sample-data.js';

// The recent runs as the page carries them: packed by column with one string
// table, unpacked by the page's script into the same rows and details.

const start = at(2026, 11, 20, 10, 0);

function sampleRecords() {
  const parent = makeRecord({ id: 'run-parent', agent: 'planner', start, duration: 90_000, tools: { Agent: { calls: 2, failures: 0 }, Read: { calls: 3, failures: 1 } } });
  parent.chain.childExecutions = ['run-child', 'run-pruned-child'];
  parent.request.prompt = `Plan the migration.\n${'Keep the callers compatible. '.repeat(20)}`;
  parent.metrics.toolTimeline = [
    { tool: 'Read', start: 40, duration: 900, ok: true },
    { tool: 'Read', start: 1_200, duration: null, ok: false },
    { tool: 'Agent', start: 2_000, duration: 60_000, ok: true },
  ];
  parent.result.modifiedFiles = ['src/db/migrate.ts', 'src/db/schema.ts'];
  parent.result.testCommands = ['npm test'];
  const child = makeRecord({
    id: 'run-child',
    agent: 'coder',
    start: start + 2_000,
    status: 'failed',
    parent: 'run-parent',
    parallelWith: ['run-elsewhere'],
    background: true,
    tokens: null,
    errors: [
      { type: 'command_failed', message: 'npm test exited with 1:\n  3 failing', tool: 'Bash', recoveryAction: 'retried' },
      { type: 'api_error', message: 'Overloaded', tool: null, recoveryAction: null },
    ],
  });
  child.request.prompt = null;
  const other = makeRecord({ id: 'run-other', agent: 'coder', start: start + 5_000, duration: null, model: null });
  return [parent, child, other];
}

describe('the recent runs packed for the page', () => {
  test('unpack gives back every row and detail as built', () => {
    const runs = recentRuns(sampleRecords(), 80);
    const pack = packRecent({ days: ['2026-11-20'], total: 3, promptShown: 80, runs });
    expect(unpackRecent(pack)).toEqual(runs);
  });

  test('survives the page: embedded as the page embeds it, read back, valid against its published schema', () => {
    const runs = recentRuns(sampleRecords(), 80);
    const pack = packRecent({ days: ['2026-11-20'], total: 3, promptShown: 80, runs });
    const read = JSON.parse(jsonForScript(pack)) as unknown;
    expect(z.safeParse(RecentPack, read).success).toBe(true);
    expect(unpackRecent(read as RecentPack)).toEqual(runs);
  });

  test('a row reads its error count, types, first error and billed total from its detail, stored once', () => {
    const runs = recentRuns(sampleRecords(), 80);
    const child = unpackRecent(packRecent({ days: [], total: 3, promptShown: 80, runs })).find((r) => r.row.id === 'run-child')!;
    expect(child.row).toMatchObject({ errors: 2, errorTypes: ['command_failed', 'api_error'], firstError: 'npm test exited with 1:\n  3 failing', billedTokens: null, background: true });
    const pack = packRecent({ days: [], total: 3, promptShown: 80, runs });
    expect(pack.strings.filter((s) => s === 'npm test exited with 1:\n  3 failing')).toHaveLength(1);
  });

  test('every text once, the most used first; chain members in the page by row, others by id', () => {
    const pack = packRecent({ days: [], total: 3, promptShown: 80, runs: recentRuns(sampleRecords(), 80) });
    expect(new Set(pack.strings).size).toBe(pack.strings.length);
    // 'coder' names two runs, 'planner' one.
    expect(pack.strings.indexOf('coder')).toBeLessThan(pack.strings.indexOf('planner'));
    const parentRow = pack.runs.id.indexOf('run-parent');
    const childRow = pack.runs.id.indexOf('run-child');
    expect(pack.runs.parent[childRow]).toBe(parentRow);
    expect(pack.runs.children[parentRow]).toEqual([childRow, 'run-pruned-child']);
    expect(pack.runs.parallel[childRow]).toEqual(['run-elsewhere']);
    expect(pack.runs.start[childRow]! - pack.runs.start[parentRow]!).toBe(2_000);
  });

  test('a long prompt is cut to the page length and says how long it was', () => {
    const records = sampleRecords();
    const [run] = unpackRecent(packRecent({ days: [], total: 3, promptShown: 80, runs: recentRuns(records, 80) })).filter((r) => r.row.id === 'run-parent');
    expect(run!.detail.prompt).toHaveLength(80);
    expect(run!.detail.prompt!.endsWith('…')).toBe(true);
    expect(run!.detail.promptLength).toBe(records[0]!.request.prompt!.length);
  });

  test('a transcript path is stored as its folder, shared, and its file name', () => {
    const runs = recentRuns(sampleRecords(), 80).map((r, i) => ({ ...r, detail: { ...r.detail, transcriptPath: `/home/u/.claude/projects/-w/s1/subagents/agent-a${i}.jsonl` } }));
    const pack = packRecent({ days: [], total: 3, promptShown: 80, runs });
    expect(pack.strings.filter((s) => s === '/home/u/.claude/projects/-w/s1/subagents/')).toHaveLength(1);
    expect(unpackRecent(pack).map((r) => r.detail.transcriptPath)).toEqual(runs.map((r) => r.detail.transcriptPath));
  });

  test('no runs, an empty pack', () => {
    const pack = packRecent({ days: [], total: 0, promptShown: 80, runs: [] });
    expect(pack.strings).toEqual([]);
    expect(unpackRecent(pack)).toEqual([]);
  });
});
