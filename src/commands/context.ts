import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { projectsOnThisMachine, projectsNamed } from '../import/projects.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../schema/config.js';
import { terminalWidth } from '../render/width.js';
import { resolveConfigPath, resolveLogsDir } from '../store/location.js';

/** A problem with how the command was called: exit code 2. */
export class UsageError extends Error {}

/** A problem the user can fix (bad config, unreadable folder): exit code 1, one readable line. */
export class UserError extends Error {}

export interface GlobalOptions {
  logsDir?: string;
  config?: string;
  /** A project by its path or folder name, found in the registry or from Claude Code's transcripts. */
  project?: string;
}

/** What every interactive command needs, resolved once at the edge. */
export interface CommandContext {
  logsDir: string;
  configPath: string;
  config: Config;
  now: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  /** Colour only on a terminal and never with NO_COLOR (https://no-color.org). */
  color: boolean;
  /** Columns to fit output in: see terminalWidth. */
  width: number;
}

export function createContext(options: GlobalOptions): CommandContext {
  const env = process.env;
  const cwd = process.cwd();
  const logsDir = options.project !== undefined ? projectLogsDir(options, env) : resolveLogsDir({ flag: options.logsDir, env, cwd });
  const configPath = resolveConfigPath(logsDir, env, options.config);
  let config: Config;
  try {
    config = loadConfig(configPath);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  return {
    logsDir,
    configPath,
    config,
    now: clockFrom(env),
    cwd,
    env,
    stdout: process.stdout,
    stderr: process.stderr,
    color: wantsColor(process.stdout, env),
    width: terminalWidth(process.stdout, env),
  };
}

/** The logs folder of the project `--project` names. */
function projectLogsDir(options: GlobalOptions, env: NodeJS.ProcessEnv): string {
  if (options.logsDir !== undefined) throw new UsageError('choose one: --project or --logs-dir');
  const known = projectsOnThisMachine(env);
  const named = projectsNamed(known, options.project!);
  if (named.length > 1) throw new UsageError(`--project ${options.project} names several projects: ${named.map((p) => p.project).join(', ')}; give its path`);
  if (!named.length) {
    const list = known.length ? `known: ${known.map((p) => basename(p.project)).join(', ')}` : 'none known yet: run `agent-track install` or `agent-track import` in it';
    throw new UserError(`no project named ${options.project} with a logs folder (${list})`);
  }
  return named[0]!.logsDir;
}

/**
 * The command's "now": the real clock, or AGENT_TRACK_NOW (an ISO 8601 time or
 * milliseconds since the epoch) so that tests and reproducible demos can say which
 * moment it is instead of depending on the hour they happen to run at. The hook does
 * not read it: it stamps what it sees with the real time.
 */
export function clockFrom(env: NodeJS.ProcessEnv, real: () => number = Date.now): number {
  const raw = env.AGENT_TRACK_NOW;
  if (raw === undefined || raw === '') return real();
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new UserError(`AGENT_TRACK_NOW must be an ISO 8601 time or milliseconds since 1970, got "${raw}"`);
  }
  return ms;
}

export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if ('NO_COLOR' in env && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/**
 * The file `--out` names, relative to the current folder. Its folder must
 * exist: a typo in a path would otherwise quietly grow a tree of folders
 * (only agent-track's own metrics folder is made on demand, by the writer).
 */
export function outFile(cwd: string, out: string): string {
  const path = resolve(cwd, out);
  const dir = dirname(path);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // Missing or unreadable: said below.
  }
  if (!isDir) throw new UserError(`--out ${out}: the folder ${dir} does not exist`);
  return path;
}
