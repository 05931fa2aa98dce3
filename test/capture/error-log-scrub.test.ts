import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runHook } from '../support/cli';

// Issue 10, case 4: the excerpt of a cut-off payload in hook-errors.log kept
// "api_key": "..." because, inside the payload's JSON, its quotes are escaped.

test('the hook-errors.log excerpt of a cut-off payload has no secret', () => {
  const project = mkdtempSync(join(tmpdir(), 'agent-track-errlog-'));
  mkdirSync(join(project, '.claude'));
  const prompt = 'Call the API with {"api_key": "q8Zr4Lm2Xw9Tn5Vb"} and PGPASSWORD=Tr0ub4dor then report.';
  const payload = JSON.stringify({ session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_use_id: 't', tool_input: { prompt } });
  const cut = payload.slice(0, payload.indexOf('then'));
  expect(cut).toContain(String.raw`\"api_key\": \"q8Zr4Lm2Xw9Tn5Vb\"`);
  expect(runHook(cut, { CLAUDE_PROJECT_DIR: project }).status).toBe(0);
  const log = readFileSync(join(project, '.claude', 'execution-logs', 'hook-errors.log'), 'utf8');
  expect(log).toContain('payload is not JSON');
  expect(log).toContain('[REDACTED:');
  expect(log).not.toContain('q8Zr4Lm2Xw9Tn5Vb');
  expect(log).not.toContain('Tr0ub4dor');
});
