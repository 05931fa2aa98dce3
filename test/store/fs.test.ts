import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readRegularFile } from '../../src/store/fs';

const scratch = () => mkdtempSync(join(tmpdir(), 'agent-track-fs-'));

describe('readRegularFile', () => {
  test('reads a regular file, through a symlink too', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a.json'), '{"x":1}');
    symlinkSync(join(dir, 'a.json'), join(dir, 'link.json'));
    for (const name of ['a.json', 'link.json']) {
      const read = readRegularFile(join(dir, name), 1024);
      expect(read.ok && read.bytes.toString()).toBe('{"x":1}');
    }
  });

  test('a missing file is ordinary, not a problem', () => {
    expect(readRegularFile(join(scratch(), 'none.json'), 1024)).toMatchObject({ ok: false, missing: true });
    expect(readRegularFile(join(scratch(), 'no-dir', 'none.json'), 1024)).toMatchObject({ ok: false, missing: true });
  });

  test('does not open a FIFO for reading: that would block until a writer came', () => {
    const dir = scratch();
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    // Before the fix this call never returned: the test run would hang here.
    expect(readRegularFile(join(dir, 'fifo'), 1024)).toMatchObject({ ok: false, missing: false, problem: expect.stringContaining('not a regular file') });
  });

  test('skips folders and devices', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'sub'));
    expect(readRegularFile(join(dir, 'sub'), 1024)).toMatchObject({ ok: false, missing: false });
    expect(readRegularFile('/dev/zero', 1024)).toMatchObject({ ok: false, missing: false, problem: expect.stringContaining('not a regular file') });
  });

  test('skips a file over the cap without reading it', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'big'), '');
    truncateSync(join(dir, 'big'), 1024 * 1024);
    expect(readRegularFile(join(dir, 'big'), 1024)).toMatchObject({ ok: false, missing: false, problem: expect.stringContaining('over the 1024 byte cap') });
    writeFileSync(join(dir, 'exact'), 'x'.repeat(1024));
    const read = readRegularFile(join(dir, 'exact'), 1024);
    expect(read.ok && read.bytes.length).toBe(1024);
  });
});
