import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { entriesOf, entryAt, removeEmptyDir, removeIfUnchanged } from '../../src/retention/remove.js';
import { writeFileAtomic } from '../../src/store/atomic.js';

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'agent-track-remove-'));
}

describe('removing a file only if it is still the file looked at', () => {
  test('an unchanged file is removed and nothing is left beside it', () => {
    const dir = folder();
    writeFileSync(join(dir, 'exec-a.json'), '{"v":1}');
    const [entry] = entriesOf(dir);
    expect(removeIfUnchanged(entry!)).toBe('removed');
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a record rewritten after it was looked at is kept, with its new content', () => {
    const dir = folder();
    const path = join(dir, 'exec-a.json');
    writeFileAtomic(path, '{"v":1}');
    const entry = entryAt(path)!;
    // A hook's correction lands between the look and the removal.
    writeFileAtomic(path, '{"v":2}');
    expect(removeIfUnchanged(entry)).toBe('changed');
    expect(readFileSync(path, 'utf8')).toBe('{"v":2}');
    expect(readdirSync(dir)).toEqual(['exec-a.json']);
  });

  test('an append-only log that grew is put back whole', () => {
    const dir = folder();
    const path = join(dir, 'completions.jsonl');
    writeFileSync(path, 'old\n');
    const entry = entryAt(path)!;
    appendFileSync(path, 'late\n');
    expect(removeIfUnchanged(entry, { appendOnly: true })).toBe('changed');
    expect(readFileSync(path, 'utf8')).toBe('old\nlate\n');
  });

  test('a file already gone is not an error', () => {
    const dir = folder();
    writeFileSync(join(dir, 'exec-a.json'), '{}');
    const entry = entryAt(join(dir, 'exec-a.json'))!;
    removeIfUnchanged(entry);
    expect(removeIfUnchanged(entry)).toBe('gone');
  });

  test('symbolic links are seen as links, never followed', () => {
    const dir = folder();
    const outside = folder();
    writeFileSync(join(outside, 'target.json'), 'precious');
    symlinkSync(join(outside, 'target.json'), join(dir, 'exec-link.json'));
    symlinkSync(outside, join(dir, 'linked-folder'));
    expect(entriesOf(dir).map((e) => [e.name, e.kind])).toEqual([
      ['exec-link.json', 'symlink'],
      ['linked-folder', 'symlink'],
    ]);
  });

  test('a folder is only removed when empty', () => {
    const dir = folder();
    mkdirSync(join(dir, 'agent'));
    writeFileSync(join(dir, 'agent', 'exec-new.json'), '{}');
    expect(removeEmptyDir(join(dir, 'agent'))).toBe(false);
    expect(existsSync(join(dir, 'agent', 'exec-new.json'))).toBe(true);
    mkdirSync(join(dir, 'empty'));
    expect(removeEmptyDir(join(dir, 'empty'))).toBe(true);
    expect(existsSync(join(dir, 'empty'))).toBe(false);
  });
});
