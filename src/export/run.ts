import type { ExportCursor, ExportCursorFolder, ExportSummary } from '../schema/export.js';
import type { AgentExecution } from '../schema/record.js';
import type { IssueSink } from '../store/records.js';
import { decodeSent, encodeSent, readCursor, writeCursor } from './cursor.js';
import type { EncodedBatch, EncoderConfig, EncoderOutput } from './encode.js';
import { laneCount, startLanes, type EncoderLane } from './lanes.js';
import { otlpJson, readableSpans, resourceOf, spanSender } from './otlp.js';
import { listFolders, readFolder, type FolderEntry } from './source.js';
import { executionSpans, type SpanOptions } from './spans.js';
import { shownUrl, type ExportTarget } from './target.js';

// One export of one logs folder: find what is due (new or changed since it
// was delivered to this collector), send it in batches, and mark in the
// cursor only what the collector accepted. The first batch it does not
// accept (after the exporter's retries) ends the run: the rest stays due.
//
// The work is a pipeline: encoding lanes (./lanes.ts, a worker thread per
// core) each read a record folder at a time and turn what is due into
// request bodies; this thread sends them one after another and keeps the
// cursor. A lane gets its next folder only while few bodies wait to be sent,
// so a slow collector bounds the memory, not the other way round.

export interface ExportJob {
  logsDir: string;
  target: ExportTarget;
  spans: SpanOptions;
  resource: Record<string, string>;
  /** Only records that started at or after this (Unix ms). */
  since: number | null;
  dryRun: boolean;
  now: number;
  onIssue: IssueSink;
  onProblem: (problem: string) => void;
  /** --dry-run: receives the OTLP/JSON request body. */
  printJson?: (json: unknown) => void;
  /** Spans per request, about: a batch closes at the first execution that reaches it. */
  batchSpans?: number;
  /** Encoding worker threads; 0 encodes on this thread. By default one per core, for a store big enough to gain. */
  workers?: number;
}

/**
 * ~1.3 MB of protobuf at the spans of a typical run (~320 bytes each before
 * gzip): well under the 4 MiB a gRPC-fronted collector accepts by default,
 * and big enough that the per-request cost (HTTP, the serializer's set-up)
 * is noise. (8,000 measured no faster: its spans outlive more scavenges.)
 */
const BATCH_SPANS = 4_000;
/** Cursor writes while a long export runs: a killed export re-sends at most this much. */
const CURSOR_SAVE_MS = 1_000;
/** Bodies encoded and waiting to be sent, per lane, before a lane gets its next folder. */
const QUEUED_PER_LANE = 2;
/**
 * Folders handed to a lane before it answered the one it works on: with one,
 * a worker waited for this thread between folders (a cursor write here takes
 * tens of ms), idle 5% of an export of 100,000 runs.
 */
const IN_FLIGHT_PER_LANE = 2;

interface FolderState {
  key: string;
  stamp: string | null;
  /** Not read this time (unchanged since all was delivered, or left after a failure): its cursor entry, carried over as it is. */
  carried: ExportCursorFolder | null;
  sent: Map<string, string>;
  waiting: number;
  partial: boolean;
}

/** An export's summary before anything is counted: a run fills it in, one that did not happen says why beside it. */
export function uncounted(endpoint: string, protocol: ExportSummary['protocol'], dryRun: boolean): ExportSummary {
  return { ran: true, endpoint, protocol, dryRun, records: 0, unchanged: 0, delivered: 0, spans: 0, batches: 0, notDelivered: 0, error: null, skippedFiles: 0 };
}

export async function runExport(job: ExportJob): Promise<ExportSummary> {
  const cursor = readCursor(job.logsDir, job.onProblem);
  const url = job.target.url;
  const previous = cursor.targets[url]?.folders ?? {};
  let skippedFiles = 0;
  const onIssue: IssueSink = (issue) => {
    skippedFiles++;
    job.onIssue(issue);
  };
  const listing = listFolders(job.logsDir, previous, { since: job.since, now: job.now });
  const folders = new Map<string, FolderState>();
  for (const { key, entry } of listing.settled) folders.set(key, { key, stamp: entry.stamp, carried: entry, sent: new Map(), waiting: 0, partial: false });

  const summary: ExportSummary = { ...uncounted(shownUrl(url), job.target.protocol, job.dryRun), unchanged: listing.unchanged };
  const batchSpans = job.batchSpans ?? BATCH_SPANS;
  let due = 0;
  const readHere = (entry: FolderEntry, onDue: (record: AgentExecution) => void = () => {}) => {
    const scan = readFolder(entry.dir, decodeSent(entry.before?.sent ?? ''), { since: job.since, onIssue }, onDue);
    summary.records += scan.records;
    summary.unchanged += scan.kept.size;
    due += scan.due;
  };

  if (job.dryRun) {
    // On this thread, all at once: a dry run prints what it would send, so it is sized for reading.
    const records: AgentExecution[] = [];
    for (const entry of listing.changed) readHere(entry, (record) => records.push(record));
    const resource = await resourceOf(job.resource);
    const spans = records.flatMap((record) => readableSpans(executionSpans(record, job.spans), resource));
    if (job.printJson) job.printJson(await otlpJson(spans));
    summary.delivered = records.length;
    summary.spans = spans.length;
    summary.batches = batchCount(records.map((r) => 1 + (r.metrics.toolTimeline?.length ?? 0)), batchSpans);
    summary.skippedFiles = skippedFiles;
    return summary;
  }

  const save = () => writeCursor(job.logsDir, nextCursor(cursor, url, folders, listing.untouched));
  if (listing.changed.length) {
    // gRPC compresses per message itself (./grpc.ts): its bodies leave the workers as plain protobuf.
    const gzip = job.target.compression === 'gzip' && job.target.protocol !== 'grpc';
    const config: EncoderConfig = { protocol: job.target.protocol, gzip, batchSpans, spans: job.spans, resource: job.resource, since: job.since };
    const lanes = await startLanes(laneCount(listing.changed.length, job.workers), config);
    const tasks = [...listing.changed];
    const entries = new Map(tasks.map((entry) => [entry.key, entry]));
    const queue: EncodedBatch[] = [];
    const progress = new Signal();
    let encoding = lanes.length * IN_FLIGHT_PER_LANE;
    let stopped = false;
    const stop = (error: string) => {
      if (!stopped) summary.error = error;
      stopped = true;
      progress.notify();
    };
    const take = (outputs: EncoderOutput[]) => {
      for (const output of outputs) {
        if (output.kind === 'batch') {
          queue.push(output);
          continue;
        }
        const sent = decodeSent(output.kept);
        folders.set(output.key, { key: output.key, stamp: entries.get(output.key)!.stamp, carried: null, sent, waiting: output.due, partial: output.partial });
        summary.records += output.records;
        summary.unchanged += sent.size;
        due += output.due;
        for (const issue of output.issues) onIssue(issue);
      }
      progress.notify();
    };
    const encodeOn = async (lane: EncoderLane) => {
      let entry: FolderEntry | undefined;
      try {
        for (;;) {
          while (!stopped && queue.length >= QUEUED_PER_LANE * lanes.length) await progress.wait();
          entry = stopped ? undefined : tasks.shift();
          if (!entry) break;
          take(await lane.run({ kind: 'folder', task: { key: entry.key, dir: entry.dir, sent: entry.before?.sent ?? '' } }));
          entry = undefined;
        }
        if (!stopped) take(await lane.run({ kind: 'flush' }));
      } catch (error) {
        // The folder it was reading counts as unread (below).
        if (entry) tasks.unshift(entry);
        stop(`encoding failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        encoding--;
        progress.notify();
      }
    };
    const sendAll = async () => {
      const sender = await spanSender(job.target);
      let savedAt = Date.now();
      try {
        for (;;) {
          while (!stopped && !queue.length && encoding > 0) await progress.wait();
          const batch = stopped ? undefined : queue.shift();
          if (!batch) break;
          progress.notify(); // Room in the queue: a lane may take its next folder.
          const failure = await sender.send(batch);
          if (failure !== null) {
            stop(failure);
            break;
          }
          for (const { key, id, fingerprint } of batch.executions) {
            const folder = folders.get(key)!;
            folder.sent.set(id, fingerprint);
            folder.waiting--;
          }
          summary.delivered += batch.executions.length;
          summary.spans += batch.spans;
          summary.batches++;
          if (Date.now() - savedAt >= CURSOR_SAVE_MS) {
            save();
            savedAt = Date.now();
          }
        }
      } finally {
        await sender.close();
      }
    };
    try {
      await Promise.all([sendAll(), ...lanes.flatMap((lane) => Array.from({ length: IN_FLIGHT_PER_LANE }, () => encodeOn(lane)))]);
    } finally {
      await Promise.all(lanes.map((lane) => lane.close()));
    }
    // Folders left unread after a failure: read here only to count what stays due; their cursor entries stay as they were.
    for (const entry of tasks) {
      readHere(entry);
      if (entry.before) folders.set(entry.key, { key: entry.key, stamp: entry.before.stamp, carried: entry.before, sent: new Map(), waiting: 0, partial: false });
    }
    summary.notDelivered = due - summary.delivered;
  }
  summary.skippedFiles = skippedFiles;
  // Also with nothing sent, when folders became settled or were removed; not when nothing changed at all.
  if (due > 0 || cursorChanged(previous, folders, listing.untouched)) save();
  return summary;
}

/** Wakes whoever waits for the pipeline to move: a body encoded or sent, a lane done, a failure. */
class Signal {
  private waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

function cursorChanged(previous: Readonly<Record<string, ExportCursorFolder>>, folders: Map<string, FolderState>, untouched: Record<string, ExportCursorFolder>): boolean {
  if (Object.keys(previous).length !== folders.size + Object.keys(untouched).length) return true;
  for (const folder of folders.values()) {
    if (folder.carried) continue;
    const before = previous[folder.key];
    const complete = folder.waiting === 0 && !folder.partial;
    if (!before || before.stamp !== (complete ? folder.stamp : null)) return true;
    // Read again (not settled yet): unchanged only if it holds the same deliveries.
    if (folder.sent.size !== before.count) return true;
  }
  return false;
}

/** How many requests these executions make, a batch closing at the first execution that reaches `size` spans. */
function batchCount(spansPerExecution: number[], size: number): number {
  let batches = 0;
  let spans = 0;
  for (const n of spansPerExecution) {
    spans += n;
    if (spans >= size) {
      batches++;
      spans = 0;
    }
  }
  return spans > 0 ? batches + 1 : batches;
}

/**
 * The cursor as it stands: for this collector, each folder seen with what was
 * delivered, stamped complete only when nothing in it is still due; folders
 * no longer on disk are forgotten. Other collectors' entries are kept as read.
 */
function nextCursor(cursor: ExportCursor, url: string, folders: Map<string, FolderState>, untouched: Record<string, ExportCursorFolder>): ExportCursor {
  const next: Record<string, ExportCursorFolder> = { ...untouched };
  for (const folder of folders.values()) {
    const complete = folder.waiting === 0 && !folder.partial;
    next[folder.key] = folder.carried ?? { stamp: complete ? folder.stamp : null, count: folder.sent.size, sent: encodeSent(folder.sent) };
  }
  return { version: 1, targets: { ...cursor.targets, [url]: { folders: next } } };
}
