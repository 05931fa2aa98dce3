import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO } from '../support/cli';

// The launcher without a usable dist/: a plugin checkout before its first
// `npm install`, or any hook that fires while `npm run build` rewrites dist/.

function install(dist?: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-bin-'));
  cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
  if (dist) {
    mkdirSync(join(root, 'dist'));
    for (const [name, text] of Object.entries(dist)) writeFileSync(join(root, 'dist', name), text);
  }
  return root;
}

const run = (root: string, args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin', 'agent-track'), ...args], { input: '{"hook_event_name":"SessionEnd","session_id":"s"}', encoding: 'utf8', timeout: 20_000 });

const broken = { 'hook.cjs': 'this is not javascript (', 'cli.cjs': 'this is not javascript (' };

describe('bin/agent-track without a usable build', () => {
  test.each([
    ['missing', undefined],
    ['broken', broken],
  ])('dist %s: the hook exits 0 and prints nothing', (_label, dist) => {
    const result = run(install(dist), ['hook']);
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
  });

  test('a hook bundle that throws while loading still exits 0 silently', () => {
    const result = run(install({ 'hook.cjs': 'throw new Error("half written")' }), ['hook']);
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
  });

  test.each([
    ['missing', undefined],
    ['broken', broken],
  ])('dist %s: a command prints one line saying how to build, and exits 1', (_label, dist) => {
    const root = install(dist);
    const result = run(root, ['report']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`agent-track is not built: run npm install in ${root}\n`);
  });
});
