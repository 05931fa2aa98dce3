import { dirname, isAbsolute, join } from 'node:path';
import { lstatSync, readdirSync } from 'node:fs';
import { readRegularFile } from '../store/fs.js';
import type { SubagentMeta } from './events.js';
import { isPathSafeId } from './ids.js';

// Claude Code keeps each subagent's transcript and a small meta file next to
// the session transcript:
//   <dir of transcript_path>/<session_id>/subagents/agent-<agent_id>.jsonl
//   <dir of transcript_path>/<session_id>/subagents/agent-<agent_id>.meta.json
// The meta file is the only link from an agent id to the Agent call's
// tool_use_id that SubagentStart provides. The ids come from the payload:
// one that could leave that folder (see ids.ts) names no file at all.

function subagentFile(transcriptPath: string, sessionId: string, agentId: string, suffix: string): string | null {
  if (!isPathSafeId(sessionId) || !isPathSafeId(agentId)) return null;
  return join(dirname(transcriptPath), sessionId, 'subagents', `agent-${agentId}${suffix}`);
}

/** Null when the ids are not Claude Code's (see ids.ts). */
export function subagentTranscriptPath(transcriptPath: string, sessionId: string, agentId: string): string | null {
  return subagentFile(transcriptPath, sessionId, agentId, '.jsonl');
}

/** SubagentStop's `agent_transcript_path`, when it names a file the way Claude Code does: absolute, without "..". */
export function isSubagentTranscriptPath(path: string): boolean {
  return isAbsolute(path) && !path.includes('\0') && !path.split(/[\\/]/).includes('..');
}

/** A meta file is a few hundred bytes. */
const META_MAX_BYTES = 64 * 1024;

/** `warn` is told why a meta file was not read (ids not Claude Code's, not a regular file, over the cap). */
export function readSubagentMeta(transcriptPath: string | undefined, sessionId: string, agentId: string, warn?: (message: string) => void): SubagentMeta | null {
  if (!transcriptPath) return null;
  const path = subagentFile(transcriptPath, sessionId, agentId, '.meta.json');
  if (!path) {
    warn?.(`subagent meta file not read: the agent or session id is not in Claude Code's format (${JSON.stringify(agentId.slice(0, 80))})`);
    return null;
  }
  const file = readRegularFile(path, META_MAX_BYTES);
  if (!file.ok) {
    if (!file.missing) warn?.(`subagent meta file skipped: ${file.problem}`);
    return null;
  }
  try {
    const meta = JSON.parse(file.bytes.toString('utf8')) as Record<string, unknown>;
    return {
      toolUseId: typeof meta.toolUseId === 'string' && meta.toolUseId ? meta.toolUseId : null,
      spawnDepth: typeof meta.spawnDepth === 'number' ? meta.spawnDepth : null,
      description: typeof meta.description === 'string' ? meta.description : null,
    };
  } catch {
    return null;
  }
}

const SAFE_ID = /^[A-Za-z0-9_-]{1,200}$/;

/** Claude Code's own folder: $CLAUDE_CONFIG_DIR, else ~/.claude. */
export function claudeConfigDir(env: NodeJS.ProcessEnv, home: string): string {
  return env.CLAUDE_CONFIG_DIR || join(home, '.claude');
}

/**
 * Where finished subagents' transcripts are, when they still exist. A record
 * keeps the session and agent ids, not the path: the project folder under
 * projects/ is Claude Code's own slug of the cwd, so each project is tried.
 * The finder lists projects/ once and remembers each session's project, so a
 * page of 500 runs over 60 projects costs a listing and a few stats per
 * session, not 60 stats per run.
 */
export function subagentTranscriptFinder(claudeDir: string): (sessionId: string, agentId: string) => string | null {
  const projects = join(claudeDir, 'projects');
  let names: string[] | null = null;
  const sessionProject = new Map<string, string | null>();
  const isFile = (path: string) => {
    try {
      return lstatSync(path).isFile();
    } catch {
      return false;
    }
  };
  return (sessionId, agentId) => {
    // Ids come from a record: never let one walk out of the projects folder.
    if (!SAFE_ID.test(sessionId) || !SAFE_ID.test(agentId)) return null;
    const file = `agent-${agentId}.jsonl`;
    const known = sessionProject.get(sessionId);
    if (known) {
      const path = join(projects, known, sessionId, 'subagents', file);
      if (isFile(path)) return path;
    }
    if (names === null) {
      try {
        names = readdirSync(projects).sort();
      } catch {
        names = [];
      }
    }
    for (const name of names) {
      const path = join(projects, name, sessionId, 'subagents', file);
      if (isFile(path)) {
        sessionProject.set(sessionId, name);
        return path;
      }
    }
    return null;
  };
}
