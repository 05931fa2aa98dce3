import { dirname, join } from 'node:path';
import { readRegularFile } from '../store/fs.js';
import type { SubagentMeta } from './events.js';

// Claude Code keeps each subagent's transcript and a small meta file next to
// the session transcript:
//   <dir of transcript_path>/<session_id>/subagents/agent-<agent_id>.jsonl
//   <dir of transcript_path>/<session_id>/subagents/agent-<agent_id>.meta.json
// The meta file is the only link from an agent id to the Agent call's
// tool_use_id that SubagentStart provides.

function subagentFile(transcriptPath: string, sessionId: string, agentId: string, suffix: string): string {
  return join(dirname(transcriptPath), sessionId, 'subagents', `agent-${agentId}${suffix}`);
}

export function subagentTranscriptPath(transcriptPath: string, sessionId: string, agentId: string): string {
  return subagentFile(transcriptPath, sessionId, agentId, '.jsonl');
}

/** A meta file is a few hundred bytes. */
const META_MAX_BYTES = 64 * 1024;

/** `warn` is told why a meta file that is there was not read (not a regular file, over the cap). */
export function readSubagentMeta(transcriptPath: string | undefined, sessionId: string, agentId: string, warn?: (message: string) => void): SubagentMeta | null {
  if (!transcriptPath) return null;
  const file = readRegularFile(subagentFile(transcriptPath, sessionId, agentId, '.meta.json'), META_MAX_BYTES);
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
