// Background agents as Claude Code 2.1.332 runs them (every top-level Agent call
// launches in the background): agent-track installed as users install it, the
// real binary against the scripted API, and the records checked against the
// figures Claude Code itself wrote into the main transcript (<task-notification>).
//
// The binary comes from E2E_CLAUDE_BIN (a path to a `claude` 2.1.332 or later);
// without it the file is skipped. E.g.:
//   cd /tmp/cc332 && npm init -y && npm install @anthropic-ai/claude-code@2.1.332
//   E2E_CLAUDE_BIN=/tmp/cc332/node_modules/.bin/claude npx vitest run --config vitest.e2e.config.mts test/e2e/background.e2e.test.ts
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentExecution } from '../../src/schema/record';
import { listDays, readDayRecords } from '../../src/store/records';
import { startFakeAnthropic, type FakeAnthropic } from './support/fake-anthropic.js';
import { cleanup, createProject, REPO_ROOT, sessionEnv, type SessionDirs } from './support/claude-session.js';
import { ALL_SCRIPTS, fanout, single, type Scenario } from './support/scenarios.js';

const CLAUDE = process.env.E2E_CLAUDE_BIN;
const BIN = path.join(REPO_ROOT, 'bin', 'agent-track');

let api: FakeAnthropic;
const toClean: SessionDirs[] = [];

interface Notification {
  toolUseId: string;
  status: string;
  tokens: number | null;
  toolUses: number | null;
  durationMs: number | null;
}

/** Claude Code's own figures, read straight off the main transcript. */
function notifications(transcript: string): Notification[] {
  return transcript
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type?: string; message?: { content?: unknown } })
    .filter((e) => e.type === 'user' && typeof e.message?.content === 'string' && e.message.content.startsWith('<task-notification>'))
    .map((e) => {
      const text = e.message!.content as string;
      const tag = (name: string) => text.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1] ?? null;
      const num = (name: string) => (tag(name) === null ? null : Number(tag(name)));
      return { toolUseId: tag('tool-use-id')!, status: tag('status')!, tokens: num('subagent_tokens'), toolUses: num('tool_uses'), durationMs: num('duration_ms') };
    });
}

async function track(sc: Scenario): Promise<{ records: AgentExecution[]; notes: Notification[]; logsDir: string }> {
  const dirs = createProject({ agents: sc.agents });
  toClean.push(dirs);
  const install = spawnSync(process.execPath, [BIN, 'install'], { cwd: dirs.project, env: { ...process.env, HOME: dirs.home, NO_COLOR: '1' }, encoding: 'utf8' });
  expect(install.status, install.stderr).toBe(0);
  // Not spawnSync: the API stand-in runs in this process and must keep answering.
  const exit = await new Promise<number | null>((resolve) => {
    const child = spawn(CLAUDE!, ['-p', sc.prompt, '--output-format', 'json'], { cwd: dirs.project, env: sessionEnv(dirs, api.url), stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  expect(exit).toBe(0);
  const logsDir = path.join(dirs.project, '.claude', 'execution-logs');
  const errors = path.join(logsDir, 'hook-errors.log');
  expect(fs.existsSync(errors) ? fs.readFileSync(errors, 'utf8') : '').toBe('');
  const main = fs.readdirSync(dirs.transcriptsDir).find((f) => f.endsWith('.jsonl'))!;
  const problems: string[] = [];
  const records = listDays(logsDir).flatMap((day) => readDayRecords(logsDir, day, (p) => problems.push(p.problem)));
  expect(problems).toEqual([]);
  return { records, notes: notifications(fs.readFileSync(path.join(dirs.transcriptsDir, main), 'utf8')), logsDir };
}

describe.skipIf(!CLAUDE)('background agents on the release in E2E_CLAUDE_BIN', () => {
  beforeAll(async () => {
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'hook.cjs'))) throw new Error('dist/ missing: run `npm run build`');
    api = await startFakeAnthropic({ scripts: ALL_SCRIPTS });
  });
  afterAll(async () => {
    await api?.close();
    toClean.forEach(cleanup);
  });

  it.each([single, fanout])("$name: every record has Claude Code's own figures", async (sc) => {
    const { records, notes } = await track(sc);
    expect(notes.length).toBeGreaterThan(0);
    expect(records).toHaveLength(notes.length);
    for (const note of notes) {
      const record = records.find((r) => r.request.context.toolUseId === note.toolUseId)!;
      expect(record.request.context.background).toBe(true);
      if (note.status === 'completed') {
        expect(record.metrics.durationSource).toBe('task-notification');
        // Within 5% or 50 ms of Claude Code's duration_ms (it is that number).
        expect(Math.abs(record.metrics.duration! - note.durationMs!)).toBeLessThanOrEqual(Math.max(50, note.durationMs! * 0.05));
        expect(record.metrics.tokensUsed).toBe(note.tokens);
        expect(record.metrics.totalToolUseCount).toBe(note.toolUses);
        expect(record.result.status).not.toBe('failed');
        expect(record.errors.filter((e) => e.tool === null)).toEqual([]);
      } else {
        // The API failure: closed by StopFailure, failed with its api_error and nothing else.
        expect(record.capture.closedBy).toBe('StopFailure');
        expect(record.result.status).toBe('failed');
        expect(record.errors.map((e) => e.type)).toEqual(['api_error']);
        expect(record.metrics.duration).toBeLessThan(5_000);
      }
    }
  });
});
