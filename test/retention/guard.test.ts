import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { RefusedLogsDirError, resolveLogsRoot } from '../../src/retention/guard.js';

const root = () => realpathSync(mkdtempSync(join(tmpdir(), 'agent-track-guard-')));

describe('the folder retention may work in', () => {
  test('a logs folder resolves to its real path', () => {
    const dir = root();
    const logs = join(dir, 'real-logs');
    mkdirSync(logs);
    symlinkSync(logs, join(dir, 'linked-logs'));
    expect(resolveLogsRoot(join(dir, 'linked-logs'), {})).toEqual({ path: logs, exists: true });
    expect(resolveLogsRoot(join(dir, 'not-yet'), {})).toEqual({ path: join(dir, 'not-yet'), exists: false });
  });

  test('the root folder is refused, also through a symlink', () => {
    const dir = root();
    symlinkSync('/', join(dir, 'to-root'));
    expect(() => resolveLogsRoot('/', {})).toThrow(RefusedLogsDirError);
    expect(() => resolveLogsRoot(join(dir, 'to-root'), {})).toThrow(/root folder/);
  });

  test('a home folder is refused, from $HOME or the system, also through a symlink', () => {
    const dir = root();
    const home = join(dir, 'home', 'someone');
    mkdirSync(home, { recursive: true });
    symlinkSync(home, join(dir, 'to-home'));
    expect(() => resolveLogsRoot(home, { HOME: home })).toThrow(/home folder/);
    expect(() => resolveLogsRoot(join(dir, 'to-home'), { HOME: home })).toThrow(/home folder/);
    expect(() => resolveLogsRoot(homedir(), {})).toThrow(/home folder/);
  });

  test('a folder holding a home folder is refused; one inside it is fine', () => {
    const dir = root();
    const home = join(dir, 'home', 'someone');
    mkdirSync(join(home, 'project', '.claude', 'execution-logs'), { recursive: true });
    expect(() => resolveLogsRoot(join(dir, 'home'), { HOME: home })).toThrow(/holds the home folder/);
    expect(resolveLogsRoot(join(home, 'project', '.claude', 'execution-logs'), { HOME: home }).exists).toBe(true);
  });
});
