import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EncoderConfig, EncoderOutput } from './encode.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

// Where an export's encoding runs: one worker thread per core (reading,
// validating, building spans, serializing and gzip are all CPU, and a store
// of 100,000 runs keeps every core busy), or the main thread for a small
// export, where starting workers would cost more than it saves. Either way a
// lane answers each request with what it produced, in the order asked; a
// worker lane takes the next request while it works on one (./run.ts keeps
// two in flight), so it never waits for the main thread between folders.

export interface EncoderLane {
  run(request: WorkerRequest): Promise<EncoderOutput[]>;
  close(): Promise<void>;
}

/**
 * A young generation of 96 MB (V8 splits it into two 32 MB semi-spaces and a
 * large-object space), not V8's default 48: a worker allocates about 1 KB of
 * short-lived objects per span (parsed records, span objects, the
 * serializer's id bytes), and with small semi-spaces a batch's spans outlive
 * several scavenges and are copied each time. Measured on the bench's
 * 100,000 runs: the whole export's CPU -6% (192 MB gained no more and peaked
 * at 470 MB of memory, against 340 MB here and 315 MB with the default).
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 96 };

/** More lanes than this gain nothing: the main thread, sending, becomes the bound. */
const MAX_WORKERS = 4;
/** Fewer record folders to read than this: encoded on the main thread (a worker takes 35 ms to start on a quiet machine, more under load). */
const MIN_FOLDERS_FOR_WORKERS = 4;

export function laneCount(folders: number, requested: number | undefined): number {
  if (requested !== undefined) return requested;
  return folders < MIN_FOLDERS_FOR_WORKERS ? 0 : Math.min(availableParallelism(), MAX_WORKERS, folders);
}

/** `workers` lanes of worker threads; 0 (or no worker file to start), one lane on this thread. */
export async function startLanes(workers: number, config: EncoderConfig): Promise<EncoderLane[]> {
  const entry = workers > 0 ? workerEntry() : null;
  if (!entry) return [await inlineLane(config)];
  return Array.from({ length: workers }, () => workerLane(entry, config));
}

async function inlineLane(config: EncoderConfig): Promise<EncoderLane> {
  const { BatchEncoder } = await import('./encode.js');
  const encoder = new BatchEncoder(config);
  return {
    run: async (request) => (request.kind === 'folder' ? encoder.addFolder(request.task) : encoder.flush()),
    close: async () => {},
  };
}

function workerLane(entry: { file: string; fromSource: boolean }, config: EncoderConfig): EncoderLane {
  const worker = entry.fromSource
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry.file)});`, { eval: true, workerData: config, resourceLimits: RESOURCE_LIMITS })
    : new Worker(entry.file, { workerData: config, resourceLimits: RESOURCE_LIMITS });
  // Replies come in the order of the requests: a worker handles one message at a time.
  const waiting: { resolve: (outputs: EncoderOutput[]) => void; reject: (error: Error) => void }[] = [];
  let failed: Error | null = null;
  const fail = (error: Error) => {
    failed ??= error;
    for (const request of waiting.splice(0)) request.reject(failed);
  };
  worker.on('message', (reply: WorkerReply) => {
    const current = waiting.shift();
    if (reply.ok) current?.resolve(reply.outputs);
    else current?.reject(new Error(reply.error));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`encoding worker exited (code ${code})`)));
  return {
    run: (request) =>
      new Promise((resolve, reject) => {
        if (failed) return reject(failed);
        waiting.push({ resolve, reject });
        worker.postMessage(request);
      }),
    close: async () => {
      failed ??= new Error('closed');
      await worker.terminate();
    },
  };
}

/**
 * The built worker sits beside the CLI bundle (dist/export-worker.cjs). Run
 * from the TypeScript sources (tests, bench), the worker is the .ts file,
 * loaded through tsx's require hook (a dev dependency); with neither, encoding stays on the
 * main thread.
 */
function workerEntry(): { file: string; fromSource: boolean } | null {
  const built = join(__dirname, 'export-worker.cjs');
  if (existsSync(built)) return { file: built, fromSource: false };
  const source = join(__dirname, 'worker.ts');
  if (existsSync(source)) return { file: source, fromSource: true };
  return null;
}
