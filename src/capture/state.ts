import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nanoid } from 'nanoid/non-secure';
import * as z from 'zod/mini';
import { appendLine, isTempFile, writeFileAtomic } from '../store/atomic.js';
import { readdirOrEmpty } from '../store/fs.js';
import { below, safeName, stateRoot } from '../store/paths.js';
import { memo } from '../schema/memo.js';
import { storedEventEnvelope, type EventKind, type StoredEvent } from './events.js';

// In-flight state of one Claude Code session:
//   .state/<session>/x-<exec>/<at>-<kind>-<rand>.json   events of one execution
//   .state/<session>/x-<exec>/<at>-batch-<rand>.json    several at once (import), a JSON array
//   .state/<session>/x-<exec>/written.json              what was last written for it
//   .state/<session>/x-<exec>/lock                      held while its record is written
//   .state/<session>/x-<exec>/paths                     every record path ever written for it, one a line
//   .state/<session>/agents/<agent id>                  agent id -> execution key
//   .state/<session>/children/<agent id>/<exec>         executions launched by that agent
//   .state/<session>/<at>-end-<rand>.json               SessionEnd
// An execution key is "t-<tool_use_id>" (the Agent call) or, when no tool use id
// could be learned, "a-<agent_id>".

const EVENT_FILE = /^(\d{13})-([a-z]+)-[A-Za-z0-9_-]+\.json$/;

// The name rule lives with the layout (store/paths.ts), where the statusline's warm path finds it without this module.
export { safeName };

export const execKeyForToolUse = (toolUseId: string) => `t-${safeName(toolUseId)}`;
export const execKeyForAgent = (agentId: string) => `a-${safeName(agentId)}`;

export interface EventName {
  name: string;
  at: number;
  kind: EventKind;
}

export function parseEventName(name: string): EventName | null {
  const match = EVENT_FILE.exec(name);
  return match ? { name, at: Number(match[1]), kind: match[2] as EventKind } : null;
}

/** When a run began: its Agent call or its agent's start, else its first event. */
export function runStart(events: { kind: EventKind; at: number }[]): number | null {
  const starts = events.filter((e) => e.kind === 'pre' || e.kind === 'start');
  const from = starts.length ? starts : events;
  return from.length ? Math.min(...from.map((e) => e.at)) : null;
}

// written.json drives rewrites (a marker that differs from the events means
// "write again"), so a marker that does not have this shape (a torn or foreign
// file) reads as no marker: the record is rewritten rather than trusted. Loose,
// so a marker written by a later version with more fields still reads.
const writtenMarker = memo(() =>
  z.looseObject({
    recordPath: z.string(),
    // An execution status, or "merged" for an orphan key folded into its real execution.
    status: z.string(),
    closedBy: z.string(),
    events: z.array(z.string()),
    completionLogged: z.boolean(),
    /** The last completion line written for it, revision aside. */
    completion: z.optional(z.string()),
    revision: z.number(),
    /** The record's links, so a peer can tell without reading the record whether it must be rewritten. */
    parallelWith: z.optional(z.array(z.string())),
    childExecutions: z.optional(z.array(z.string())),
    /** The transcript the record was built from and how much of it was read: one that grew since was read too early. */
    transcript: z.optional(z.object({ path: z.string(), bytes: z.number() })),
  }),
);
export type WrittenMarker = z.infer<ReturnType<typeof writtenMarker>>;

export class SessionState {
  dir: string;

  constructor(readonly logsDir: string, readonly sessionId: string) {
    this.dir = join(stateRoot(logsDir), safeName(sessionId));
  }

  /** A session folder found on disk; its real id is in any of its events. */
  static fromDirName(logsDir: string, dirName: string): SessionState | null {
    const probe = new SessionState(logsDir, dirName);
    probe.dir = join(stateRoot(logsDir), dirName);
    let anyEvent = probe.sessionEvents()[0];
    for (const key of probe.execKeys()) {
      if (anyEvent) break;
      anyEvent = probe.readEvents(key)[0];
    }
    if (!anyEvent) return null;
    const state = new SessionState(logsDir, anyEvent.sessionId);
    return state.dir === probe.dir ? state : null;
  }

  static list(logsDir: string): string[] {
    return readdirOrEmpty(stateRoot(logsDir));
  }

  execDir(execKey: string): string {
    return below(this.dir, `x-${execKey}`);
  }

  writeEvent(execKey: string | null, event: StoredEvent): string {
    const dir = execKey === null ? this.dir : this.execDir(execKey);
    const name = `${String(event.at).padStart(13, '0')}-${event.kind}-${nanoid(8)}.json`;
    writeFileAtomic(below(dir, name), JSON.stringify(event), { within: this.logsDir });
    return name;
  }

  /**
   * Several events of one execution in one file, `<at>-batch-<rand>.json`
   * (a JSON array): what import stores for a run it read whole. A new file
   * costs ~0.6 ms on a busy disk, most of import's time at one file per
   * event; readers see each event of a batch as they see a file of its own
   * (eventNames, readEvents), named `<batch file>#<index>`.
   */
  writeEvents(execKey: string, events: readonly StoredEvent[]): void {
    if (events.length <= 1) {
      for (const event of events) this.writeEvent(execKey, event);
      return;
    }
    const at = Math.min(...events.map((e) => e.at));
    const name = `${String(at).padStart(13, '0')}-batch-${nanoid(8)}.json`;
    writeFileAtomic(below(this.execDir(execKey), name), JSON.stringify(events), { within: this.logsDir });
  }

  execKeys(): string[] {
    return readdirOrEmpty(this.dir)
      .filter((name) => name.startsWith('x-'))
      .map((name) => name.slice(2));
  }

  eventNames(execKey: string): EventName[] {
    return listEvents(this.execDir(execKey));
  }

  readEvents(execKey: string): StoredEvent[] {
    return readListed(this.execDir(execKey));
  }

  sessionEvents(): StoredEvent[] {
    return readListed(this.dir);
  }

  /**
   * The SessionEnd that closes a run begun at `start`: the first one at or
   * after it. A resumed session (claude --resume / --continue) keeps its id, so
   * an earlier SessionEnd stays here and must not close runs begun after it.
   */
  sessionEndFor(start: number | null): StoredEvent | null {
    if (start === null) return null;
    return this.sessionEvents().find((e) => e.kind === 'end' && e.at >= start) ?? null;
  }

  /** When each SessionEnd of the session happened, in order. */
  sessionEndTimes(): number[] {
    return this.sessionEvents()
      .filter((e) => e.kind === 'end')
      .map((e) => e.at);
  }

  mapAgent(agentId: string, execKey: string): void {
    const path = below(this.dir, 'agents', safeName(agentId));
    if (existsSync(path)) return;
    writeFileAtomic(path, execKey, { within: this.logsDir });
  }

  execKeyOfAgent(agentId: string): string | null {
    try {
      return readFileSync(below(this.dir, 'agents', safeName(agentId)), 'utf8') || null;
    } catch {
      return null;
    }
  }

  /** Execution keys some agent id is mapped to. */
  linkedExecKeys(): string[] {
    const dir = below(this.dir, 'agents');
    return readdirOrEmpty(dir).flatMap((name) => {
      try {
        return [readFileSync(below(dir, name), 'utf8')];
      } catch {
        return [];
      }
    });
  }

  /** The agent id mapped to an execution key, if any. */
  agentOfExec(execKey: string): string | null {
    const dir = below(this.dir, 'agents');
    for (const name of readdirOrEmpty(dir)) {
      try {
        if (readFileSync(below(dir, name), 'utf8') === execKey) return name;
      } catch {
        // Being written: not ours to read yet.
      }
    }
    return null;
  }

  linkChild(parentAgentId: string, childExecKey: string): void {
    writeFileAtomic(below(this.dir, 'children', safeName(parentAgentId), childExecKey), '', { within: this.logsDir });
  }

  childExecKeys(agentId: string): string[] {
    return readdirOrEmpty(below(this.dir, 'children', safeName(agentId)));
  }

  /** child exec key -> launching agent id, for the whole session. */
  launchers(): Map<string, string> {
    const map = new Map<string, string>();
    for (const parent of readdirOrEmpty(below(this.dir, 'children'))) {
      for (const child of readdirOrEmpty(below(this.dir, 'children', parent))) map.set(child, parent);
    }
    return map;
  }

  readWritten(execKey: string): WrittenMarker | null {
    // The file first, the schema only for one that is there: most hooks of a
    // run come before its record, and building the schema is most of the cost.
    let text: string;
    try {
      text = readFileSync(below(this.execDir(execKey), 'written.json'), 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = writtenMarker().safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  writeWritten(execKey: string, marker: WrittenMarker): void {
    writeFileAtomic(below(this.execDir(execKey), 'written.json'), JSON.stringify(marker), { within: this.logsDir });
  }

  /** Every path a record of this execution was written to (listed before the write). */
  recordPaths(execKey: string): string[] {
    try {
      return readFileSync(below(this.execDir(execKey), 'paths'), 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  /** One short O_APPEND write: a process killed mid-way leaves at worst a partial last line, never a lost one. */
  listRecordPath(execKey: string, path: string): void {
    appendLine(below(this.execDir(execKey), 'paths'), path, { within: this.logsDir });
  }

  lockPath(execKey: string): string {
    return below(this.execDir(execKey), 'lock');
  }
}

const BATCH_FILE = /^\d{13}-batch-[A-Za-z0-9_-]+\.json$/;

function listEvents(dir: string): EventName[] {
  const names: EventName[] = [];
  for (const name of readdirOrEmpty(dir)) {
    if (isTempFile(name)) continue;
    if (BATCH_FILE.test(name)) {
      readBatch(below(dir, name)).forEach((event, i) => names.push({ name: `${name}#${i}`, at: event.at, kind: event.kind }));
      continue;
    }
    const parsed = parseEventName(name);
    if (parsed) names.push(parsed);
  }
  return names.sort((a, b) => a.at - b.at || a.name.localeCompare(b.name));
}

/** The events of a folder in the order listEvents gives, each batch file read once. */
function readListed(dir: string): StoredEvent[] {
  const batches = new Map<string, StoredEvent[]>();
  return listEvents(dir).flatMap(({ name }) => {
    const hash = name.indexOf('#');
    if (hash < 0) return readEvent(below(dir, name));
    const file = name.slice(0, hash);
    let events = batches.get(file);
    if (!events) batches.set(file, (events = readBatch(below(dir, file))));
    const event = events[Number(name.slice(hash + 1))];
    return event ? [event] : [];
  });
}

function readEvent(path: string): StoredEvent[] {
  try {
    const parsed = storedEventEnvelope().safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? [parsed.data as StoredEvent] : [];
  } catch {
    return [];
  }
}

/** A batch file's events; one that does not read back whole counts as none (it is written whole or not at all). */
function readBatch(path: string): StoredEvent[] {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!Array.isArray(value)) return [];
    const events: StoredEvent[] = [];
    for (const item of value) {
      const parsed = storedEventEnvelope().safeParse(item);
      if (!parsed.success) return [];
      events.push(parsed.data as StoredEvent);
    }
    return events;
  } catch {
    return [];
  }
}
