import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DoctorOutput } from '../../src/schema/doctor.js';
import { runCli, runHook } from '../support/cli';

function project() {
  const dir = mkdtempSync(join(tmpdir(), 'agent-track-doctor-'));
  const home = mkdtempSync(join(tmpdir(), 'agent-track-doctor-home-'));
  return { dir, env: { HOME: home } };
}

describe('agent-track doctor', () => {
  test('says tracking is not wired up, and how to fix it, before install', () => {
    const { dir, env } = project();
    const run = runCli(['doctor'], { cwd: dir, env });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('✗ Hooks not installed');
    expect(run.stdout).toContain('agent-track install');
    expect(run.stdout).toContain('✓ Hook self-test');
  });

  test('is happy after install, and reports what it found as JSON', () => {
    const { dir, env } = project();
    runCli(['install'], { cwd: dir, env });
    const run = runCli(['doctor', '--json'], { cwd: dir, env });
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    // The published schema (schema/doctor.schema.json) names every key printed: parsing drops none.
    expect(DoctorOutput.parse(report)).toEqual(report);
    expect(report.ok).toBe(true);
    expect(report.checks.find((c: { title: string }) => c.title === 'Hooks installed').level).toBe('ok');
  });

  test('notices hooks pointing at a binary that no longer exists', () => {
    const { dir, env } = project();
    runCli(['install'], { cwd: dir, env });
    const path = join(dir, '.claude', 'settings.json');
    writeFileSync(path, readFileSync(path, 'utf8').split(JSON.stringify(join(process.cwd(), 'bin', 'agent-track'))).join('"/gone/agent-track/bin/agent-track"'));
    const run = runCli(['doctor'], { cwd: dir, env });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('/gone/agent-track/bin/agent-track, which does not exist');
  });

  test('shows recent hook errors', () => {
    const { dir, env } = project();
    runCli(['install'], { cwd: dir, env });
    const logs = join(dir, '.claude', 'execution-logs');
    mkdirSync(logs, { recursive: true });
    appendFileSync(join(logs, 'hook-errors.log'), `${JSON.stringify({ at: new Date().toISOString(), pid: 1, event: 'PreToolUse', message: 'invalid hook payload: session_id missing' })}\n`);
    const run = runCli(['doctor'], { cwd: dir, env });
    expect(run.stdout).toContain('! Recent hook errors');
    expect(run.stdout).toContain('invalid hook payload: session_id missing');
  });

  test('skips lines of hook-errors.log that are not hook errors instead of failing on them', () => {
    const { dir, env } = project();
    runCli(['install'], { cwd: dir, env });
    const logs = join(dir, '.claude', 'execution-logs');
    mkdirSync(logs, { recursive: true });
    const foreign = ['{}', '5', 'null', JSON.stringify({ at: 1, message: null }), JSON.stringify({ at: '2026-11-25T10:00:00.000Z', message: ['x'] })];
    const real = JSON.stringify({ at: new Date().toISOString(), pid: 1, event: null, message: 'transcript not readable' });
    appendFileSync(join(logs, 'hook-errors.log'), `${[...foreign, real].join('\n')}\n`);
    const run = runCli(['doctor', '--json'], { cwd: dir, env });
    expect(run.stderr).toBe('');
    const errors = DoctorOutput.parse(JSON.parse(run.stdout)).checks.find((c) => c.title === 'Recent hook errors')!;
    expect(errors.details[0]).toMatch(/: 1 in total, 1 in the last 24 hours$/);
    expect(errors.details[1]).toContain('transcript not readable');
  });

  test('run from a subfolder, finds the settings of the project whose logs it uses', () => {
    const { dir, env } = project();
    runCli(['install'], { cwd: dir, env });
    const deep = join(dir, 'src', 'deep');
    mkdirSync(deep, { recursive: true });
    const run = runCli(['doctor', '--json'], { cwd: deep, env });
    const report = JSON.parse(run.stdout);
    expect(report.checks.map((c: { title: string }) => c.title)).toContain('Hooks installed');
    expect(report.ok).toBe(true);
  });

  test('with no settings entries but recent records, says the hooks may come from a plugin instead of failing', () => {
    const { dir, env } = project();
    const common = { session_id: 'sess-plugin', transcript_path: '/nonexistent/t.jsonl', cwd: dir };
    const call = { ...common, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_use_id: 'toolu_p', tool_input: { prompt: 'p', subagent_type: 'reviewer' } };
    const done = { ...call, hook_event_name: 'PostToolUse', tool_response: { status: 'completed', agentId: 'ap', agentType: 'reviewer', content: [{ type: 'text', text: 'ok' }], totalDurationMs: 5, totalTokens: 5 } };
    for (const payload of [call, done]) expect(runHook(JSON.stringify(payload), { ...env, CLAUDE_PROJECT_DIR: dir }).status).toBe(0);
    const run = runCli(['doctor'], { cwd: dir, env });
    expect(run.stdout).toContain('! Hooks not in any settings file');
    expect(run.stdout).toContain('may come from a plugin');
    expect(run.status).toBe(0);
  });
});
