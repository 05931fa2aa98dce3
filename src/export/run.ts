import type { ExportCursor, ExportCursorFolder, ExportSummary } from '../schema/export.js';
import type { AgentExecution } from '../schema/record.js';
import type { IssueSink } from '../store/records.js';
import { encodeSent, readCursor, writeCursor } from './cursor.js';
import { otlpJson, readableSpans, resourceOf, spanSender, type SpanResource } from './otlp.js';
import { scanFolders, type FolderScan } from './source.js';
import { executionSpans, type SpanOptions } from './spans.js';
import { shownUrl, type ExportTarget } from './target.js';

// One export of one logs folder: find what is due (new or changed since it
// was delivered to this collector), send it in batches, and mark in the
// cursor only what the collector accepted. The first batch it does not
// accept (after the exporter's retries) ends the run: the rest stays due.

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
}

/** Well under the 4 MiB a gRPC-fronted collector accepts by default, at ~300 bytes a span before gzip. */
const BATCH_SPANS = 4_000;
/** Cursor writes while a long export runs: a killed export re-sends at most this much. */
const CURSOR_SAVE_MS = 1_000;

interface Due {
  folder: FolderState;
  record: AgentExecution;
  fingerprint: string;
}

interface FolderState {
  scan: FolderScan;
  sent: Map<string, string>;
  waiting: number;
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
  const scan = scanFolders(job.logsDir, previous, { since: job.since, now: job.now, onIssue });

  // Loaded only when there is something to encode: a re-run with nothing new never loads the OpenTelemetry packages.
  let resource: SpanResource | null = null;
  const folders: FolderState[] = [];
  const due: Due[] = [];
  for (const folder of scan.folders) {
    const state: FolderState = { scan: folder, sent: folder.kept, waiting: folder.due.length };
    folders.push(state);
    for (const { record, fingerprint } of folder.due) due.push({ folder: state, record, fingerprint });
  }

  const summary: ExportSummary = {
    ran: true,
    endpoint: shownUrl(url),
    protocol: job.target.protocol,
    dryRun: job.dryRun,
    records: scan.records,
    unchanged: scan.unchanged,
    delivered: 0,
    spans: 0,
    batches: 0,
    notDelivered: 0,
    error: null,
    skippedFiles,
  };
  // Spans are built a batch at a time: a first export of a big store never holds them all.
  const spansOf = async (batch: Due[]) => {
    resource ??= await resourceOf(job.resource);
    return batch.flatMap((d) => readableSpans(executionSpans(d.record, job.spans), resource!));
  };
  const batches = batchesOf(due, job.batchSpans ?? BATCH_SPANS);

  if (job.dryRun) {
    const all = await spansOf(due);
    if (job.printJson) job.printJson(await otlpJson(all));
    summary.delivered = due.length;
    summary.spans = all.length;
    summary.batches = batches.length;
    return summary;
  }

  const save = () => writeCursor(job.logsDir, nextCursor(cursor, url, folders, scan.untouched));
  if (batches.length) {
    const sender = await spanSender(job.target);
    let savedAt = Date.now();
    try {
      for (const [index, batch] of batches.entries()) {
        const spans = await spansOf(batch);
        const failure = await sender.send(spans);
        if (failure !== null) {
          summary.error = failure;
          summary.notDelivered = batches.slice(index).reduce((n, b) => n + b.length, 0);
          break;
        }
        for (const item of batch) {
          item.folder.sent.set(item.record.id, item.fingerprint);
          item.folder.waiting--;
        }
        summary.delivered += batch.length;
        summary.spans += spans.length;
        summary.batches++;
        if (Date.now() - savedAt >= CURSOR_SAVE_MS) {
          save();
          savedAt = Date.now();
        }
      }
    } finally {
      await sender.close();
    }
  }
  // Also with nothing sent, when folders became settled or were removed; not when nothing changed at all.
  if (batches.length || cursorChanged(previous, folders, scan.untouched)) save();
  return summary;
}

function cursorChanged(previous: Readonly<Record<string, ExportCursorFolder>>, folders: FolderState[], untouched: Record<string, ExportCursorFolder>): boolean {
  if (Object.keys(previous).length !== folders.length + Object.keys(untouched).length) return true;
  return folders.some((folder) => {
    if (folder.scan.settled) return false;
    const before = previous[folder.scan.key];
    const complete = folder.waiting === 0 && !folder.scan.partial;
    if (!before || before.stamp !== (complete ? folder.scan.stamp : null)) return true;
    // Read again (not settled yet): unchanged only if it holds the same deliveries.
    return folder.sent.size !== before.count;
  });
}

/** Consecutive executions, about `size` spans a batch; an execution is never split across two. */
function batchesOf(due: Due[], size: number): Due[][] {
  const batches: Due[][] = [];
  let batch: Due[] = [];
  let spans = 0;
  for (const item of due) {
    batch.push(item);
    spans += 1 + (item.record.metrics.toolTimeline?.length ?? 0);
    if (spans >= size) {
      batches.push(batch);
      batch = [];
      spans = 0;
    }
  }
  if (batch.length) batches.push(batch);
  return batches;
}

/**
 * The cursor as it stands: for this collector, each folder seen with what was
 * delivered, stamped complete only when nothing in it is still due; folders
 * no longer on disk are forgotten. Other collectors' entries are kept as read.
 */
function nextCursor(cursor: ExportCursor, url: string, folders: FolderState[], untouched: Record<string, ExportCursorFolder>): ExportCursor {
  const next: Record<string, ExportCursorFolder> = { ...untouched };
  for (const folder of folders) {
    const complete = folder.waiting === 0 && !folder.scan.partial;
    next[folder.scan.key] = folder.scan.settled ?? { stamp: complete ? folder.scan.stamp : null, count: folder.sent.size, sent: encodeSent(folder.sent) };
  }
  return { version: 1, targets: { ...cursor.targets, [url]: { folders: next } } };
}
