import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { priorityFor } from '../../src/capture/priority';
import { configuredPatternError, matchesConfiguredPattern, matchesGlob } from '../../src/schema/pattern';
import { runHook } from '../support/cli';

// Configured patterns run on prompts inside the hook: a catastrophic one must
// cost time linear in the prompt, never stall Claude Code (issue 10, case 3).

const catastrophic = { default: 'medium' as const, rules: [{ priority: 'high' as const, promptMatches: '(a+)+$' }] };

describe('configured patterns run in linear time', () => {
  test('(a+)+$ on 28 a and a b answers at once (a backtracking engine takes 2^28 steps)', () => {
    expect(matchesConfiguredPattern('(a+)+$', `${'a'.repeat(28)}b`)).toBe(false);
    expect(priorityFor({ agentType: 'x', prompt: `${'a'.repeat(28)}!`, description: null }, catastrophic)).toBe('medium');
    expect(priorityFor({ agentType: 'x', prompt: 'a'.repeat(28), description: null }, catastrophic)).toBe('high');
  });

  test('a nested pattern over a 1 MB prompt is still answered', () => {
    const prompt = `${'ab'.repeat(500_000)}!`;
    expect(matchesConfiguredPattern('^(a|ab|b)*c$', prompt)).toBe(false);
  });

  test('matching is case-insensitive, as documented', () => {
    expect(matchesConfiguredPattern(String.raw`\b(urgent|hotfix)\b`, 'an URGENT fix')).toBe(true);
  });

  test('patterns RE2 cannot run are refused with the reason', () => {
    expect(configuredPatternError('(?=x)a')).toMatch(/.+/);
    expect(configuredPatternError(String.raw`(a)\1`)).toMatch(/.+/);
    expect(configuredPatternError('security|review')).toBeNull();
  });

  test.each([
    ['security-*', 'Security-Reviewer', true],
    ['*-reviewer', 'code-reviewer', true],
    ['?ode-*', 'code-x', true],
    ['code', 'code-reviewer', false],
    ['*a*a*a*a*a*a*a*a*b', 'a'.repeat(100_000), false],
  ])('glob %s on %s', (glob, name, expected) => {
    expect(matchesGlob(glob, name)).toBe(expected);
  });
});

describe('the built hook with a catastrophic configured pattern', () => {
  test('records the launch, exit 0, silent', () => {
    const project = mkdtempSync(join(tmpdir(), 'agent-track-pattern-'));
    mkdirSync(join(project, '.claude'), { recursive: true });
    writeFileSync(join(project, '.claude', 'agent-track.json'), JSON.stringify({ priority: { rules: [{ priority: 'high', promptMatches: '(a+)+$' }] } }));
    const payload = {
      session_id: 'sess-pattern',
      transcript_path: join(project, 't.jsonl'),
      cwd: project,
      hook_event_name: 'PreToolUse',
      tool_name: 'Agent',
      tool_use_id: 'toolu_pattern',
      tool_input: { description: 'd', prompt: `${'a'.repeat(28)}!`, subagent_type: 'reviewer' },
    };
    // runHook gives up after 30 s (status null); today's code runs until Claude Code kills it at 15 s.
    const run = runHook(JSON.stringify(payload), { CLAUDE_PROJECT_DIR: project });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
    const state = join(project, '.claude', 'execution-logs', '.state');
    const files = readdirSync(state, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    const text = files.map((f) => readFileSync(join(f.parentPath, f.name), 'utf8')).join('\n');
    expect(text).toContain('a'.repeat(28));
  });
});
