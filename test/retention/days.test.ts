import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { prepareRawRemoval, removeRaw } from '../../src/retention/days.js';
import { Ledger } from '../../src/retention/result.js';
import { AgentExecution } from '../../src/schema/record.js';
import { writeFileAtomic } from '../../src/store/atomic.js';
import { localDay } from '../../src/time/period.js';
import { daySummaryState } from '../../src/rollup/day-rollup.js';
import { dayWithRecords, generatedStore, recordFiles } from './store.js';

describe('a day whose records are being removed', () => {
  test('keeps every record a hook writes after the check: a correction, a new record, a new folder, a new completion', () => {
    const store = generatedStore({ days: 14, promptsPerDay: 6, seed: 41 });
    const day = dayWithRecords(store, 8, 13);
    const now = Date.now();
    const ctx = { root: store.logsDir, now, today: localDay(now), dryRun: false, ledger: new Ledger(store.logsDir) };
    const listed = recordFiles(store.logsDir, day);
    expect(listed.length).toBeGreaterThan(1);

    const removal = prepareRawRemoval(ctx, day, 0)!;
    expect(removal).not.toBeNull();
    expect(existsSync(join(store.logsDir, day, '.pruned'))).toBe(true);
    const summary = readFileSync(join(store.logsDir, day, 'summary.json'), 'utf8');

    // Hooks write while the prune is between its check and its removals.
    const [corrected, ...rest] = listed;
    const record = AgentExecution.parse(JSON.parse(readFileSync(join(store.logsDir, day, corrected!), 'utf8')));
    const correctedText = `${JSON.stringify({ ...record, result: { ...record.result, status: 'failed' } })}\n`;
    writeFileAtomic(join(store.logsDir, day, corrected!), correctedText);
    const agent = corrected!.split('/')[0]!;
    const newInOldFolder = `${agent}/exec-arrivedjustnow.json`;
    writeFileAtomic(join(store.logsDir, day, newInOldFolder), `${JSON.stringify({ ...record, id: 'arrivedjustnow' })}\n`);
    writeFileAtomic(join(store.logsDir, day, 'late-agent', 'exec-newfolder.json'), `${JSON.stringify({ ...record, id: 'newfolder', agentType: 'late-agent' })}\n`);
    appendFileSync(join(store.logsDir, day, 'completions.jsonl'), '{"executionId":"late"}\n');

    removeRaw(ctx, removal);

    expect(recordFiles(store.logsDir, day)).toEqual([corrected!, newInOldFolder, 'late-agent/exec-newfolder.json'].sort());
    expect(readFileSync(join(store.logsDir, day, corrected!), 'utf8')).toBe(correctedText);
    expect(readFileSync(join(store.logsDir, day, 'completions.jsonl'), 'utf8')).toMatch(/\{"executionId":"late"\}\n$/);
    for (const file of rest) if (!file.startsWith(`${agent}/`)) expect(existsSync(join(store.logsDir, day, file.split('/')[0]!)), file).toBe(false);
    expect(ctx.ledger.kept).toEqual([{ path: day, reason: "2 files changed by a hook while pruning: written after the day's summary, they stay until the day folder goes" }]);
    expect(ctx.ledger.failed).toEqual([]);
    // Nothing left aside, and the rollup is still the one that was checked.
    expect(readdirSync(join(store.logsDir, day, agent)).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(readFileSync(join(store.logsDir, day, 'summary.json'), 'utf8')).toBe(summary);
    expect(daySummaryState(store.logsDir, day)).toBe('current');
  });
});
