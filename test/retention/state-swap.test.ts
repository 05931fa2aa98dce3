import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { prune } from '../../src/retention/prune.js';
import { DEFAULT_CONFIG } from '../../src/schema/config.js';
import { filesUnder } from '../support/replay.js';
import { generatedStore, snapshot } from './store.js';

// Another process swaps .state for a link to a folder outside while prune runs
// (the review saw 14 files deleted there over 275 swaps). Whatever the timing,
// nothing in the link's target may be touched.

const SWAPPER = `
const { renameSync, symlinkSync, unlinkSync } = require('node:fs');
const [state, aside, target] = process.argv.slice(1);
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
for (;;) {
  try {
    renameSync(state, aside);
    symlinkSync(target, state);
    sleep(1);
    unlinkSync(state);
    renameSync(aside, state);
    sleep(1);
  } catch {}
}
`;

describe('.state swapped for a link while prune runs', () => {
  test('nothing inside the link target is removed or moved', async () => {
    const store = generatedStore({ days: 4, promptsPerDay: 3, seed: 41 });
    const stateDir = join(store.logsDir, '.state');
    // The target looks exactly like finished session state: what prune would delete if it followed the link.
    const target = join(mkdtempSync(join(tmpdir(), 'agent-track-victim-')), 'state');
    cpSync(stateDir, target, { recursive: true, preserveTimestamps: true });
    const before = snapshot(target);
    expect(Object.keys(before).length).toBeGreaterThan(5);

    const swapper = spawn(process.execPath, ['-e', SWAPPER, stateDir, join(store.logsDir, '.state-real'), target], { stdio: 'ignore' });
    const stopped = new Promise((resolve) => swapper.on('exit', resolve));
    try {
      const deadline = Date.now() + 5_000;
      for (let run = 0; Date.now() < deadline; run++) {
        // The swapper runs between our runs too: each prune meets .state real or linked at any step.
        prune({ logsDir: store.logsDir, root: store.logsDir, config: DEFAULT_CONFIG, policy: DEFAULT_CONFIG.retention, now: Date.now(), dryRun: false, writeReport: () => null });
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      swapper.kill('SIGTERM');
      await stopped;
    }
    expect(snapshot(target)).toEqual(before);
    expect(filesUnder(target).filter((f) => f.includes('.gc-'))).toEqual([]);
  }, 30_000);
});
