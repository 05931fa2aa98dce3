import { readSubagentMeta } from './claude-paths.js';
import { execKeyForToolUse, type SessionState } from './state.js';

// SubagentStart fires before Claude Code writes the agent's meta file (the
// only link from agent id to Agent call), so a start is first filed under its
// agent id ("a-<id>"). Later events learn the link: the Agent result names the
// agent, SubagentStop finds the meta file. A run that ends without either (an
// interrupt, a killed session) is linked here instead.

/** Whether an "a-" folder's agent is already known to belong to an Agent call. */
export function isLinkedOrphan(state: SessionState, execKey: string): boolean {
  if (!execKey.startsWith('a-')) return false;
  const agentId = orphanAgent(state, execKey)?.agentId;
  return agentId !== undefined && state.execKeyOfAgent(agentId) !== null;
}

function orphanAgent(state: SessionState, key: string) {
  const events = state.readEvents(key);
  const start = events.find((e) => e.agentId);
  if (!start?.agentId) return null;
  return { agentId: start.agentId, agentType: start.agentType, at: start.at, transcriptPath: events.find((e) => e.transcriptPath)?.transcriptPath ?? undefined };
}

/**
 * Link every agent of the session still filed under its own id by its meta
 * file, when that exists now. With `guess` (only when closing runs: a guess
 * is written down for good) the rest go, in start order, to the earliest
 * unlinked Agent call of the same type launched before they started.
 */
export function linkAgents(state: SessionState, guess: boolean): void {
  for (const [agentId, key] of findLinks(state, guess)) state.mapAgent(agentId, key);
}

/** agent id -> execution key, for unlinked agents: by meta file, and by type and time with `guess`. */
export function findLinks(state: SessionState, guess: boolean): Map<string, string> {
  const found = new Map<string, string>();
  const orphans = state
    .execKeys()
    .filter((key) => key.startsWith('a-'))
    .map((key) => orphanAgent(state, key))
    .filter((o): o is NonNullable<typeof o> => o !== null && state.execKeyOfAgent(o.agentId) === null);
  if (!orphans.length) return found;
  const taken = new Set(state.linkedExecKeys());
  for (const orphan of orphans) {
    const meta = readSubagentMeta(orphan.transcriptPath, state.sessionId, orphan.agentId);
    if (meta?.toolUseId) {
      found.set(orphan.agentId, execKeyForToolUse(meta.toolUseId));
      taken.add(execKeyForToolUse(meta.toolUseId));
    }
  }
  if (!guess) return found;
  for (const orphan of orphans.filter((o) => !found.has(o.agentId)).sort((a, b) => a.at - b.at)) {
    let best: { key: string; at: number } | null = null;
    for (const candidate of state.execKeys()) {
      if (!candidate.startsWith('t-') || taken.has(candidate)) continue;
      const events = state.readEvents(candidate);
      if (events.some((e) => e.agentId)) continue;
      const pre = events.find((e) => e.kind === 'pre');
      // Hook processes of one launch run a few ms apart; allow for that.
      if (!pre || pre.agentType !== orphan.agentType || pre.at > orphan.at + 1_000) continue;
      // Agents start in launch order: the earliest launch not yet linked is this one's.
      if (!best || pre.at < best.at) best = { key: candidate, at: pre.at };
    }
    if (best) {
      found.set(orphan.agentId, best.key);
      taken.add(best.key);
    }
  }
  return found;
}
