import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { SidechainFiles } from '../../src/import/sidechains.js';

// The temporary copies import makes of sidechains written inside a session
// file (Claude Code before 2.0.30) are the user's transcript lines, unscrubbed:
// none may outlive the import, however it ends.

const parents: string[] = [];
afterEach(() => {
  for (const dir of parents.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function parentDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-track-sidechain-files-'));
  parents.push(dir);
  return dir;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

function folder(parent: string, name: string, ageMs: number): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'agent-x.jsonl'), '{"secret":"line"}\n');
  const at = (Date.now() - ageMs) / 1000;
  utimesSync(dir, at, at);
  return dir;
}

describe('sidechain copies', () => {
  test('live in a private folder named after the process, and are gone once disposed of', () => {
    const parent = parentDir();
    const files = new SidechainFiles(parent);
    const path = files.create('abc');
    files.append(path, Buffer.from('{"a":1}'));
    expect(readdirSync(parent)).toEqual([expect.stringMatching(new RegExp(`^agent-track-sidechains-${process.pid}-`))]);
    files.dispose();
    expect(readdirSync(parent)).toEqual([]);
  });

  test("a folder abandoned by a killed import is removed by the next; a live one's, a recent one and a planted link are not", () => {
    const parent = parentDir();
    const gone = deadPid();
    const abandoned = folder(parent, `agent-track-sidechains-${gone}-aaaaaa`, 2 * 3_600_000);
    const recent = folder(parent, `agent-track-sidechains-${gone}-bbbbbb`, 60_000);
    const running = folder(parent, `agent-track-sidechains-${process.ppid}-cccccc`, 2 * 3_600_000);
    const elsewhere = folder(parentDir(), 'kept', 0);
    symlinkSync(elsewhere, join(parent, `agent-track-sidechains-${gone}-dddddd`));
    const files = new SidechainFiles(parent);
    files.create('abc');
    try {
      expect(existsSync(abandoned)).toBe(false);
      expect(existsSync(recent)).toBe(true);
      expect(existsSync(running)).toBe(true);
      expect(existsSync(join(elsewhere, 'agent-x.jsonl'))).toBe(true);
    } finally {
      files.dispose();
    }
  });

  test.each(['SIGTERM', 'SIGINT'] as const)('an import stopped by %s removes its copies, and ends as the signal ends it', async (signal) => {
    const parent = parentDir();
    const script = `
      const { SidechainFiles } = require(${JSON.stringify(resolve(__dirname, '../../src/import/sidechains.ts'))});
      const files = new SidechainFiles(${JSON.stringify(parent)});
      files.append(files.create('abc'), Buffer.from('{"secret":"line"}'));
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((ready) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready()));
    expect(readdirSync(parent)).toHaveLength(1);
    const ended = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, by) => done(by)));
    child.kill(signal);
    expect(await ended).toBe(signal);
    expect(readdirSync(parent)).toEqual([]);
  });
});
