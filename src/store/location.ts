import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LOGS_SUBDIR } from './paths.js';

export interface LocationInput {
  /** --logs-dir */
  flag?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** The hook payload's cwd, when there is one. */
  payloadCwd?: string | undefined;
  cwd: string;
}

/**
 * Where the execution logs live: --logs-dir, then AGENT_TRACK_LOGS_DIR, then the
 * project's `.claude/execution-logs` (CLAUDE_PROJECT_DIR, the payload's cwd, or
 * the nearest folder above the cwd that has a `.claude` folder).
 */
export function resolveLogsDir(input: LocationInput): string {
  if (input.flag) return resolve(input.cwd, input.flag);
  const fromEnv = input.env.AGENT_TRACK_LOGS_DIR;
  if (fromEnv) return resolve(input.cwd, fromEnv);
  const project = input.payloadCwd && !input.env.CLAUDE_PROJECT_DIR ? input.payloadCwd : resolveProjectDir(input);
  return join(resolve(input.cwd, project), LOGS_SUBDIR);
}

/** The project folder a command works on: CLAUDE_PROJECT_DIR, else the nearest folder above the cwd with a `.claude` folder, else the cwd. */
export function resolveProjectDir(input: { env: NodeJS.ProcessEnv; cwd: string }): string {
  return resolve(input.cwd, input.env.CLAUDE_PROJECT_DIR || findProjectDir(input.cwd));
}

/** The config file sits beside the logs folder: `.claude/agent-track.json` by default. */
export function resolveConfigPath(logsDir: string, env: NodeJS.ProcessEnv, flag?: string): string {
  if (flag) return resolve(flag);
  if (env.AGENT_TRACK_CONFIG) return resolve(env.AGENT_TRACK_CONFIG);
  return join(dirname(logsDir), 'agent-track.json');
}

function findProjectDir(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.claude'))) return dir;
    if (dirname(dir) === dir) return resolve(start);
  }
}

/** "shop-api" for /home/dev/shop-api/.claude/execution-logs; the folder's own name for a logs folder elsewhere. */
export function projectName(logsDir: string): string {
  const normal = resolve(logsDir);
  return normal.endsWith(LOGS_SUBDIR) ? basename(dirname(dirname(normal))) : basename(normal);
}
