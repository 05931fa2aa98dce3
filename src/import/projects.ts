import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import fg from 'fast-glob';
import { homedir } from 'node:os';
import { readRegistry, registryPath } from '../store/projects.js';
import { LOGS_SUBDIR, projectOfLogs } from '../store/paths.js';
import { claudeProjectsDir, peekCwd } from './discover.js';

// Every project on the machine with a logs folder: those in agent-track's
// registry (install, import) and those Claude Code has transcripts of (each
// project folder's newest session names its cwd).

export interface KnownProject {
  project: string;
  logsDir: string;
}

export function knownProjects(registryFile: string, projectsDir: string): KnownProject[] {
  const found = new Map<string, string>();
  for (const [project, entry] of Object.entries(readRegistry(registryFile).projects)) found.set(project, entry.logsDir);
  for (const folder of fg.sync('*', { cwd: projectsDir, onlyDirectories: true, absolute: true, followSymbolicLinks: false })) {
    const sessions = fg.sync('*.jsonl', { cwd: folder, absolute: true, stats: true, onlyFiles: true }).sort((a, b) => (b.stats?.mtimeMs ?? 0) - (a.stats?.mtimeMs ?? 0));
    for (const session of sessions.slice(0, 3)) {
      const cwd = peekCwd(session.path);
      if (cwd && !found.has(cwd)) found.set(cwd, join(cwd, LOGS_SUBDIR));
      if (cwd) break;
    }
  }
  // One entry per logs folder: imports of several projects into one `--logs-dir` (each
  // registered under its own name) must not count that folder once per project. A folder
  // several projects share is named for itself.
  const byLogs = new Map<string, string[]>();
  for (const [project, logsDir] of found) {
    const key = resolve(logsDir);
    byLogs.set(key, [...(byLogs.get(key) ?? []), project]);
  }
  return [...byLogs]
    .filter(([logsDir]) => existsSync(logsDir))
    .map(([logsDir, projects]) => ({ project: projects.length === 1 ? projects[0]! : projectOfLogs(logsDir), logsDir }))
    .sort((a, b) => a.project.localeCompare(b.project));
}

/** knownProjects from this user's registry and Claude Code folder: what every --all-projects and --project reads. */
export function projectsOnThisMachine(env: NodeJS.ProcessEnv): KnownProject[] {
  return knownProjects(registryPath(env, homedir()), claudeProjectsDir(env, homedir()));
}

/** The projects `--project NAME` names: its path, or its folder name. */
export function projectsNamed(projects: KnownProject[], name: string): KnownProject[] {
  const exact = projects.filter((p) => p.project === name);
  return exact.length ? exact : projects.filter((p) => basename(p.project) === name);
}
