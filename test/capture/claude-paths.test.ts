import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { subagentTranscriptFinder } from '../../src/capture/claude-paths.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function transcript(project: string, session: string, agent: string): string {
  const folder = join(dir, 'projects', project, session, 'subagents');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `agent-${agent}.jsonl`);
  writeFileSync(path, '{}\n');
  return path;
}

describe('subagentTranscriptFinder', () => {
  test("finds each run's transcript in whichever project its session ran, and nothing for a removed one", () => {
    dir = mkdtempSync(join(tmpdir(), 'at-claude-paths-'));
    const a = transcript('-home-me-api', 'session-1', 'a1');
    const b = transcript('-home-me-web', 'session-2', 'b1');
    const a2 = transcript('-home-me-api', 'session-1', 'a2');
    const find = subagentTranscriptFinder(dir);
    expect(find('session-1', 'a1')).toBe(a);
    expect(find('session-2', 'b1')).toBe(b);
    expect(find('session-1', 'a2')).toBe(a2);
    expect(find('session-1', 'gone')).toBeNull();
    expect(find('session-3', 'x')).toBeNull();
  });

  test('an id from a record never walks out of the projects folder, and a linked transcript is not one', () => {
    dir = mkdtempSync(join(tmpdir(), 'at-claude-paths-'));
    const real = transcript('-p', 's', 'real');
    mkdirSync(join(dir, 'projects', '-p', 's2', 'subagents'), { recursive: true });
    symlinkSync(real, join(dir, 'projects', '-p', 's2', 'subagents', 'agent-linked.jsonl'));
    const find = subagentTranscriptFinder(dir);
    expect(find('../../etc', 'passwd')).toBeNull();
    expect(find('s', '../real')).toBeNull();
    expect(find('s2', 'linked')).toBeNull();
  });

  test('no projects folder: nothing found, no error', () => {
    dir = mkdtempSync(join(tmpdir(), 'at-claude-paths-'));
    expect(subagentTranscriptFinder(dir)('s', 'a')).toBeNull();
  });
});
