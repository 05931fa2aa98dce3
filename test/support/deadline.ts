import { spawnSync } from 'node:child_process';
import { REPO } from './cli';

/**
 * Runs `script` (CommonJS, requiring the repo's TypeScript by path) in a child
 * process that is killed after `ms`, and returns what it printed, or null when
 * it was killed. For inputs that made today's code run for minutes: a test of
 * such a case must be able to fail rather than hang (speed itself is bench/'s job).
 */
export function finishesWithin(ms: number, script: string): string | null {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO, timeout: ms, encoding: 'utf8' });
  if (run.signal) return null;
  if (run.status !== 0) throw new Error(`script failed: ${run.stderr}`);
  return run.stdout.trim();
}
