import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import type { AgentExecution } from '../../../src/schema/record';
import { listDays, readDayRecords } from '../../../src/store/records';
import { REPO_ROOT, type SessionDirs } from './claude-session.js';

export const BIN = path.join(REPO_ROOT, 'bin', 'agent-track');

/**
 * The built CLI, run in a session's project as its user would: that session's
 * home, and no CLAUDE_CONFIG_DIR from the developer's shell (the home's .claude is used).
 */
export function agentTrack(args: string[], dirs: Pick<SessionDirs, 'project' | 'home'>, input?: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: dirs.project, input, env: { ...process.env, HOME: dirs.home, NO_COLOR: '1', CLAUDE_CONFIG_DIR: '' }, encoding: 'utf8' });
}

/** Every record in a logs folder, by id; a file the loader cannot read fails the test. */
export function storedRecords(logsDir: string): AgentExecution[] {
  const problems: string[] = [];
  const all = listDays(logsDir).flatMap((day) => readDayRecords(logsDir, day, (p) => problems.push(`${p.path}: ${p.problem}`)));
  expect(problems).toEqual([]);
  return all.sort((a, b) => a.id.localeCompare(b.id));
}
