import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { valueAfter, needle } from '../capture/lines.js';
import { longKeyPrefix, projectKey } from './project-key.js';
import { claudeConfigDir } from '../capture/claude-paths.js';

// Where Claude Code keeps transcripts, and which of them belong to a project.

/** $CLAUDE_CONFIG_DIR/projects, else ~/.claude/projects. */
export function claudeProjectsDir(env: NodeJS.ProcessEnv, home: string): string {
  return join(claudeConfigDir(env, home), 'projects');
}

/** The session transcripts of one project (its folder named from its path, as Claude Code names it). */
export function projectSessions(projectsDir: string, projectPath: string): string[] {
  const exact = join(projectsDir, projectKey(projectPath));
  const folders = existsSync(exact) ? [projectKey(projectPath)] : [];
  const prefix = longKeyPrefix(projectPath);
  if (prefix && !folders.length) {
    // Long paths: releases differ in the hash after the cut; the prefix is the same.
    folders.push(...fg.sync(`${fg.escapePath(prefix)}*`, { cwd: projectsDir, onlyDirectories: true, followSymbolicLinks: false }));
  }
  return folders.flatMap((folder) => sessionFiles(join(projectsDir, folder)));
}

// Releases 2.0.30 to 2.1.1 kept each subagent's transcript beside the session
// file, as agent-<id>.jsonl: a subagent's, read with its session, never a session.
const NOT_SUBAGENTS = ['agent-*.jsonl', '*/agent-*.jsonl'];

/** Every session transcript under the projects folder. */
export function allSessions(projectsDir: string): string[] {
  return fg.sync('*/*.jsonl', { cwd: projectsDir, absolute: true, onlyFiles: true, followSymbolicLinks: false, ignore: NOT_SUBAGENTS }).sort();
}

function sessionFiles(folder: string): string[] {
  return fg.sync('*.jsonl', { cwd: folder, absolute: true, onlyFiles: true, followSymbolicLinks: false, ignore: NOT_SUBAGENTS }).sort();
}

const CWD = needle('"cwd":"');
const PEEK_BYTES = 256 * 1024;

/** The session's working folder from its first lines, without reading the whole transcript. */
export function peekCwd(transcriptPath: string): string | null {
  let fd: number | null = null;
  try {
    fd = openSync(transcriptPath, 'r');
    const buffer = Buffer.allocUnsafe(PEEK_BYTES);
    const n = readSync(fd, buffer, 0, PEEK_BYTES, 0);
    const raw = valueAfter(buffer.subarray(0, n), CWD, 4096);
    return raw === null ? null : (JSON.parse(`"${raw}"`) as string);
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
