import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync, existsSync, lstatSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli';

function project(settings?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'agent-track-install-'));
  mkdirSync(join(dir, '.claude'));
  if (settings !== undefined) writeFileSync(join(dir, '.claude', 'settings.json'), settings);
  return dir;
}

const read = (dir: string, name = 'settings.json') => readFileSync(join(dir, '.claude', name), 'utf8');

describe('agent-track install / uninstall', () => {
  test('installs into a project without settings, then is a no-op the second time', () => {
    const dir = project();
    const first = runCli(['install'], { cwd: dir });
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Installed agent-track hooks');
    const settings = JSON.parse(read(dir));
    expect(Object.keys(settings.hooks).sort()).toEqual(['PostToolUse', 'PostToolUseFailure', 'PreToolUse', 'SessionEnd', 'StopFailure', 'SubagentStart', 'SubagentStop']);
    expect(settings.hooks.PreToolUse[0].hooks[0].args[1]).toBe('hook');
    const before = read(dir);
    const second = runCli(['install'], { cwd: dir });
    expect(second.stdout).toContain('already installed');
    expect(read(dir)).toBe(before);
  });

  test('--dry-run prints a diff and leaves the file alone', () => {
    const original = '{"model":"opus"}\n';
    const dir = project(original);
    const run = runCli(['install', '--dry-run'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\+\s+"PreToolUse": \[/m);
    expect(run.stdout).toContain('dry run: nothing was changed');
    expect(read(dir)).toBe(original);
  });

  test('--local writes settings.local.json; --user writes ~/.claude/settings.json', () => {
    const dir = project();
    expect(runCli(['install', '--local'], { cwd: dir }).status).toBe(0);
    expect(existsSync(join(dir, '.claude', 'settings.local.json'))).toBe(true);
    expect(existsSync(join(dir, '.claude', 'settings.json'))).toBe(false);
    const home = mkdtempSync(join(tmpdir(), 'agent-track-home-'));
    expect(runCli(['install', '--user'], { cwd: dir, env: { HOME: home } }).status).toBe(0);
    expect(JSON.parse(readFileSync(join(home, '.claude', 'settings.json'), 'utf8')).hooks.SessionEnd).toHaveLength(1);
  });

  test('refuses an invalid settings file with a clear message and leaves it untouched', () => {
    const broken = '{ "hooks": { "PreToolUse": [ }\n';
    const dir = project(broken);
    const run = runCli(['install'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('is not valid JSON');
    expect(run.stderr).toContain('nothing was changed');
    expect(run.stdout).toBe('');
    expect(read(dir)).toBe(broken);
  });

  test('refuses settings whose hooks have the wrong shape', () => {
    const odd = '{"hooks":{"PreToolUse":{"matcher":"x"}}}';
    const dir = project(odd);
    const run = runCli(['install'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('"hooks.PreToolUse" is not an array');
    expect(read(dir)).toBe(odd);
  });

  test('keeps the permissions of the settings file', () => {
    const dir = project('{}');
    chmodSync(join(dir, '.claude', 'settings.json'), 0o600);
    runCli(['install'], { cwd: dir });
    expect(statSync(join(dir, '.claude', 'settings.json')).mode & 0o777).toBe(0o600);
  });

  test('uninstall removes only its own entries', () => {
    const original = JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }] }, env: { A: '1' } }, null, 2) + '\n';
    const dir = project(original);
    runCli(['install'], { cwd: dir });
    const run = runCli(['uninstall'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(read(dir)).toBe(original);
    expect(runCli(['uninstall'], { cwd: dir }).stdout).toContain('not installed');
  });

  test("install, doctor and uninstall leave a user's own 'agent-tracker hook' alone", () => {
    const original = JSON.stringify({ hooks: { SessionEnd: [{ hooks: [{ type: 'command', command: '/usr/local/bin/my-agent-tracker hook' }] }] } }, null, 2) + '\n';
    const dir = project(original);
    const home = mkdtempSync(join(tmpdir(), 'agent-track-home-'));
    const doctor = runCli(['doctor'], { cwd: dir, env: { HOME: home } });
    expect(doctor.stdout).toContain('Hooks not installed');
    runCli(['install'], { cwd: dir });
    expect(JSON.parse(read(dir)).hooks.SessionEnd[0]).toEqual(JSON.parse(original).hooks.SessionEnd[0]);
    runCli(['uninstall'], { cwd: dir });
    expect(read(dir)).toBe(original);
  });

  test('a symlinked settings file (dotfiles) is updated through the link, and stays a link', () => {
    const home = mkdtempSync(join(tmpdir(), 'agent-track-home-'));
    mkdirSync(join(home, 'dotfiles'));
    mkdirSync(join(home, '.claude'));
    const target = join(home, 'dotfiles', 'claude-settings.json');
    writeFileSync(target, '{"model":"opus"}\n');
    chmodSync(target, 0o600);
    const link = join(home, '.claude', 'settings.json');
    symlinkSync('../dotfiles/claude-settings.json', link);
    expect(runCli(['install', '--user'], { cwd: project(), env: { HOME: home } }).status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toMatchObject({ model: 'opus', hooks: { SessionEnd: [expect.anything()] } });
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(runCli(['uninstall', '--user'], { cwd: project(), env: { HOME: home } }).status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('{\n  "model": "opus"\n}\n');
  });

  test('a symlink whose target does not exist yet gets its target created', () => {
    const dir = project();
    mkdirSync(join(dir, 'shared'));
    symlinkSync(join(dir, 'shared', 'settings.json'), join(dir, '.claude', 'settings.json'));
    expect(runCli(['install'], { cwd: dir }).status).toBe(0);
    expect(lstatSync(join(dir, '.claude', 'settings.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'shared', 'settings.json'), 'utf8')).hooks.PreToolUse).toHaveLength(1);
  });

  test('--user and --local together is a usage error', () => {
    const run = runCli(['install', '--user', '--local'], { cwd: project() });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('choose one of --user and --local');
  });
});
