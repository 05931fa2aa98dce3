import { appendFileSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fields, text } from '../capture/payload.js';
import { needle, searchLines, has, type OpenProblem } from '../capture/lines.js';
import { isAlive } from '../store/lock.js';

// Claude Code before 2.0.30 (run offline: 1.0.60, 1.0.128; 2.0.0 to 2.0.20 by their cli.js)
// wrote no file per subagent: each subagent's lines went into the session transcript itself,
// marked `isSidechain: true`, with no agent id, no meta file and no link to the Task call but
// its prompt: the sidechain starts with a user line (parentUuid null) holding the Task
// call's `prompt`, and each later line names the one before it (parentUuid).
// See docs/claude-code-observations.md, "Before `subagents/`".

export interface InlineSidechain {
  /** The uuid of its first line: those releases gave a subagent no id of its own. */
  id: string;
  /** The first line's text: the Task call's prompt. */
  prompt: string | null;
  /** Its lines, one transcript of its own (in `files`). */
  path: string;
}

const SIDECHAIN = needle('"isSidechain":true');

/**
 * The sidechains of one session transcript, in the order they start, each written to
 * `files` line by line as it is read: a long session is never held in memory.
 */
export function inlineSidechains(transcriptPath: string, files: SidechainFiles): InlineSidechain[] | OpenProblem {
  const chains: InlineSidechain[] = [];
  const chainOf = new Map<string, InlineSidechain>();
  let previous: InlineSidechain | null = null;
  const stream = searchLines(transcriptPath, { needles: [SIDECHAIN], lastOf: [] }, (raw, kind) => {
    if (kind === 'last-of' || !has(raw, SIDECHAIN)) return;
    let line: Record<string, unknown>;
    try {
      line = fields(JSON.parse(raw.toString('utf8')));
    } catch {
      return; // A cut or broken line: the session's own scan counts it.
    }
    if (line.isSidechain !== true) return;
    const uuid = text(line.uuid);
    const parent = text(line.parentUuid);
    let chain = parent ? (chainOf.get(parent) ?? previous) : null;
    if (!chain) {
      if (!uuid) return;
      chain = { id: uuid, prompt: promptOf(line), path: files.create(uuid) };
      chains.push(chain);
    }
    // A line whose parent was never written (seen on 2.0.77 too) belongs to the sidechain being written.
    if (uuid) chainOf.set(uuid, chain);
    files.append(chain.path, raw);
    previous = chain;
  });
  return 'problem' in stream ? stream : chains;
}

function promptOf(line: Record<string, unknown>): string | null {
  const content = fields(line.message).content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const texts = content.map(fields).flatMap((b) => (b.type === 'text' && typeof b.text === 'string' ? [b.text] : []));
  return texts.length ? texts.join('\n') : null;
}

/**
 * A folder of one transcript per sidechain, for the finalizer, which reads a
 * subagent's figures (model, tokens, tools) from a file of its own, as the hooks do.
 * Private to this process (mkdtemp: mode 0700, files 0600, created anew, never
 * followed through a link), removed by `dispose` once the session's records are
 * written: nothing of it stays on disk. The copies are the user's transcript
 * lines, unscrubbed, so an import stopped midway must not leave them either:
 * - a signal (Ctrl-C, SIGTERM, SIGHUP) removes every folder of this process,
 *   then ends it as the signal would have;
 * - a folder left by a process that was killed outright (SIGKILL, a crash) is
 *   removed by the next import that makes one: its name carries the pid.
 */
export class SidechainFiles {
  private dir: string | null = null;

  /** `parent`: the system temp folder; tests give their own. */
  constructor(private readonly parent = tmpdir()) {}

  create(id: string): string {
    if (!this.dir) {
      if (!swept.has(this.parent)) {
        swept.add(this.parent);
        removeAbandoned(this.parent);
      }
      this.dir = mkdtempSync(join(this.parent, `${PREFIX}${process.pid}-`));
      live.add(this.dir);
      watchSignals();
    }
    const path = join(this.dir, `agent-${id}.jsonl`);
    writeFileSync(path, '', { mode: 0o600, flag: 'wx' });
    return path;
  }

  append(path: string, line: Buffer): void {
    appendFileSync(path, Buffer.concat([line, NEWLINE]));
  }

  dispose(): void {
    if (!this.dir) return;
    rmSync(this.dir, { recursive: true, force: true });
    live.delete(this.dir);
    this.dir = null;
    if (!live.size) unwatchSignals();
  }
}

const NEWLINE = Buffer.from('\n');
const PREFIX = 'agent-track-sidechains-';
/**
 * A folder is a session's sidechains for the few seconds that session takes
 * to import: one an hour old whose process is gone was abandoned. (The age
 * too, not the pid alone: a process in another pid namespace sharing this
 * temp folder may look gone from here.)
 */
const ABANDONED_AFTER_MS = 3_600_000;

/** This process's folders not yet disposed of. */
const live = new Set<string>();
/** Temp folders already looked through for abandoned ones: once a process, not once a session (an import reads thousands, and /tmp may hold tens of thousands of entries). */
const swept = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
  unwatchSignals();
  // With our listener gone, the signal's default action: the process ends as it would have.
  process.kill(process.pid, signal);
}

function watchSignals(): void {
  for (const signal of SIGNALS) if (!process.listeners(signal).includes(onSignal)) process.on(signal, onSignal);
}

function unwatchSignals(): void {
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

/** Sidechain folders of this user's processes that are gone (named `agent-track-sidechains-<pid>-XXXXXX`). */
function removeAbandoned(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(PREFIX.length))?.[1]);
    if (!Number.isSafeInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    const path = join(parent, name);
    try {
      // A real folder of ours, old enough: never a link someone planted under that name.
      const stat = lstatSync(path);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || Date.now() - stat.mtimeMs < ABANDONED_AFTER_MS) continue;
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed meanwhile, or not ours to remove.
    }
  }
}
