import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { StoredEvent } from '../../src/capture/events';
import { SessionState } from '../../src/capture/state';

const event = (kind: StoredEvent['kind'], at: number): StoredEvent => ({
  v: 1,
  kind,
  at,
  sessionId: 's-1',
  promptId: null,
  toolUseId: 'toolu_1',
  agentId: null,
  agentType: 'Explore',
  cwd: null,
  transcriptPath: null,
  permissionMode: null,
});

describe('events stored in one batch (import)', () => {
  test('one file, read back as the events it holds, in time order with the events written one by one', () => {
    const state = new SessionState(mkdtempSync(join(tmpdir(), 'agent-track-batch-')), 's-1');
    state.writeEvents('t-toolu_1', [event('pre', 1_000), event('done', 3_000)]);
    state.writeEvent('t-toolu_1', event('start', 2_000));
    expect(readdirSync(state.execDir('t-toolu_1'))).toHaveLength(2);
    expect(state.eventNames('t-toolu_1').map((n) => [n.kind, n.at])).toEqual([['pre', 1_000], ['start', 2_000], ['done', 3_000]]);
    expect(state.readEvents('t-toolu_1').map((e) => e.kind)).toEqual(['pre', 'start', 'done']);
  });

  test('a batch file that does not read back whole holds no event', () => {
    const state = new SessionState(mkdtempSync(join(tmpdir(), 'agent-track-batch-')), 's-1');
    state.writeEvents('t-toolu_1', [event('pre', 1_000), event('done', 3_000)]);
    const [file] = readdirSync(state.execDir('t-toolu_1'));
    writeFileSync(join(state.execDir('t-toolu_1'), file!), '[{"v":1,"kind":"pre"');
    expect(state.eventNames('t-toolu_1')).toEqual([]);
    expect(state.readEvents('t-toolu_1')).toEqual([]);
  });

  test('a single event is written as a file of its own', () => {
    const state = new SessionState(mkdtempSync(join(tmpdir(), 'agent-track-batch-')), 's-1');
    state.writeEvents('t-toolu_1', [event('pre', 1_000)]);
    expect(readdirSync(state.execDir('t-toolu_1'))[0]).toMatch(/^0000000001000-pre-/);
  });
});
