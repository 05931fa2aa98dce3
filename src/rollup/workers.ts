import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { LoadIssue } from '../store/records.js';
import { loadDay, type LoadedDay } from './day-rollup.js';

// Rebuilding rollups reads every record of every stale day: a million files
// on a big store's first report, where parsing, not the disk, is the cost. The
// days are independent, so they are shared out to worker threads, one per
// core. A worker runs this same CLI bundle with the argument `rollup-worker`,
// which the CLI hands to runRollupWorker(); from sources (tests run them
// through tsx) there is no bundle to start and the days are rebuilt in turn.

export const ROLLUP_WORKER_COMMAND = 'rollup-worker';
/** Below this many days per worker, starting workers costs more than it saves. */
const MIN_DAYS_PER_WORKER = 3;
const MAX_WORKERS = 4;

interface Job {
  logsDir: string;
  days: string[];
  now: number;
  withWorkflows: boolean;
}

type Message = { kind: 'issue'; issue: LoadIssue } | { kind: 'day'; day: string; loaded: LoadedDay };

/** Closed days rebuilt from their records (rollups written as usual), in parallel when it pays. */
export async function rebuildDays(
  logsDir: string,
  days: readonly string[],
  { now, onIssue, workflows: withWorkflows = false }: { now: number; onIssue: (issue: LoadIssue) => void; workflows?: boolean },
): Promise<Map<string, LoadedDay>> {
  const results = new Map<string, LoadedDay>();
  const bundle = runningBundle();
  const count = Math.min(workerLimit(), Math.floor(days.length / MIN_DAYS_PER_WORKER));
  if (bundle && count >= 2) {
    // Dealt out in turn, so each worker gets busy and quiet days alike.
    const shares = Array.from({ length: count }, (_, i) => days.filter((_, k) => k % count === i));
    await Promise.all(shares.map((share) => runWorker(bundle, { logsDir, days: share, now, withWorkflows }, results, onIssue)));
  }
  // Sequential path, and the days of any worker that failed.
  for (const day of days) {
    if (!results.has(day)) results.set(day, loadDay(logsDir, day, { now, onIssue, workflows: withWorkflows, from: 'records' }));
  }
  return results;
}

function runWorker(bundle: string, job: Job, results: Map<string, LoadedDay>, onIssue: (issue: LoadIssue) => void): Promise<void> {
  return new Promise((resolve) => {
    const worker = new Worker(bundle, { argv: [ROLLUP_WORKER_COMMAND], workerData: job, stdout: true });
    worker.on('message', (message: Message) => {
      if (message.kind === 'issue') onIssue(message.issue);
      else results.set(message.day, message.loaded);
    });
    // Whatever a worker did not deliver is rebuilt by the caller.
    worker.on('error', () => resolve());
    worker.on('exit', () => resolve());
  });
}

/** The worker's side: rebuild the days it was given and send each back. */
export function runRollupWorker(): void {
  if (isMainThread || !parentPort) throw new Error(`${ROLLUP_WORKER_COMMAND} is started by report and trends, not by hand`);
  const port = parentPort;
  const job = workerData as Job;
  const onIssue = (issue: LoadIssue) => port.postMessage({ kind: 'issue', issue } satisfies Message);
  for (const day of job.days) {
    port.postMessage({ kind: 'day', day, loaded: loadDay(job.logsDir, day, { now: job.now, onIssue, workflows: job.withWorkflows, from: 'records' }) } satisfies Message);
  }
}

/** One worker per core, at most MAX_WORKERS; AGENT_TRACK_WORKERS lowers it (0 or 1: no workers) on a shared machine. */
function workerLimit(): number {
  const raw = process.env.AGENT_TRACK_WORKERS;
  const cap = raw ? Number(raw) : NaN;
  return Math.min(availableParallelism(), MAX_WORKERS, Number.isInteger(cap) && cap >= 0 ? cap : MAX_WORKERS);
}

/** The built CLI file when this code runs from it; null from sources. */
function runningBundle(): string | null {
  return typeof __filename === 'string' && __filename.endsWith('.cjs') ? __filename : null;
}
