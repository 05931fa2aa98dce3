import { describe, expect, test } from 'vitest';
import { classifyAgentFailure, classifyToolError, countIssues, isTestCommand, OUTCOME_SCAN_MAX } from '../../src/capture/outcome';
import { finishesWithin } from '../support/deadline';

describe('countIssues', () => {
  test.each([
    ['Found 2 issues.', 2],
    ['I found 3 potential security issues in auth.ts', 3],
    ['Review complete. No issues found.', 0],
    ['There are two problems with this approach', 2],
    ['Issues found: 7', 7],
    ['1 bug and some style nits', 1],
    ['Done: wrote the tests.', null],
    ['API Error: 400 scripted failure', null],
    ['Tests written; 1 failing.', null],
    ['', null],
  ])('%j -> %s', (text, expected) => {
    expect(countIssues(text)).toBe(expected);
  });
});

describe('isTestCommand', () => {
  test.each(['npm test', 'npm run test -- --watch=false', 'pnpm test', 'yarn test', 'npx vitest run', 'npx jest src', 'pytest -q', 'python -m pytest tests/', 'go test ./...', 'cargo test', 'dotnet test', 'mvn -q test', './gradlew test', 'make test', 'cd api && npm test', 'bundle exec rspec'])('%s runs tests', (cmd) => {
    expect(isTestCommand(cmd)).toBe(true);
  });
  test.each(['git status', 'npm install', 'echo test', 'cat test.txt', 'ls tests/', 'exit 3', 'npm run build', 'mvn package; echo test', 'gradle build && cat verify'])('%s does not', (cmd) => {
    expect(isTestCommand(cmd)).toBe(false);
  });
  test.each(['mvn -q clean verify', 'mvnw -Dtest=Foo test', 'gradle :app:test', 'cd x; ./gradlew check test'])('%s runs JVM tests', (cmd) => {
    expect(isTestCommand(cmd)).toBe(true);
  });
  test('reads only the start of a huge command', () => {
    expect(isTestCommand(`npm test ${'x'.repeat(OUTCOME_SCAN_MAX * 10)}`)).toBe(true);
    expect(isTestCommand(`${'echo hi; '.repeat(OUTCOME_SCAN_MAX)}npm test`)).toBe(false);
  });
  // Issue 10, case 6: these took 30.8 s and 17.4 s in the closing hook (the limit is a hang guard, 100x the need).
  test('"mvn " x 80,000 and "gradle " x 50,000 are answered at once', () => {
    const out = finishesWithin(
      10_000,
      `const { isTestCommand } = require('./src/capture/outcome.ts');
       console.log(isTestCommand('mvn '.repeat(80_000)), isTestCommand('gradle '.repeat(50_000)), isTestCommand('mvn '.repeat(100) + 'test'));`,
    );
    expect(out).toBe('false false true');
  });
});

describe('error classification', () => {
  test.each([
    ['<tool_use_error>Error: No such tool available: Grep.</tool_use_error>', 'tool_unavailable'],
    ['Exit code 3', 'command_failed'],
    ['Permission to use Bash has been denied.', 'permission_denied'],
    ['Request timed out after 30000ms', 'timeout'],
    ['File does not exist.', 'not_found'],
    ['<tool_use_error>String to replace not found in file.</tool_use_error>', 'not_found'],
    ['[Request interrupted by user for tool use]', 'interrupted'],
    ['something odd', 'tool_error'],
  ])('%s -> %s', (text, type) => {
    expect(classifyToolError(text)).toBe(type);
  });

  test('Agent call failures', () => {
    expect(classifyAgentFailure("Agent type 'x' not found. Available agents: a, b", false)).toBe('unknown_agent_type');
    expect(classifyAgentFailure('Interrupted by user', true)).toBe('interrupted');
    expect(classifyAgentFailure('boom', false)).toBe('agent_failed');
  });
});
