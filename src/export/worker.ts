import { parentPort, workerData } from 'node:worker_threads';
import { BatchEncoder, type EncoderConfig, type EncoderOutput, type FolderTask } from './encode.js';

// An export's encoding worker (dist/export-worker.cjs): the main thread hands
// it one record folder at a time and gets back the folder's summary and the
// request bodies that filled up; `flush` returns the last one. One reply per
// message, so the main thread knows when to hand out the next folder.

export type WorkerRequest = { kind: 'folder'; task: FolderTask } | { kind: 'flush' };
export type WorkerReply = { ok: true; outputs: EncoderOutput[] } | { ok: false; error: string };

const encoder = new BatchEncoder(workerData as EncoderConfig);

parentPort!.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { ok: true, outputs: request.kind === 'folder' ? encoder.addFolder(request.task) : encoder.flush() };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply, reply.ok ? transferable(reply.outputs) : []);
});

/** The bodies' memory moves to the main thread instead of being copied; a body sharing its memory (a pooled Buffer) is copied. */
function transferable(outputs: EncoderOutput[]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const output of outputs) {
    if (output.kind === 'batch' && output.body.byteOffset === 0 && output.body.byteLength === output.body.buffer.byteLength) buffers.push(output.body.buffer as ArrayBuffer);
  }
  return buffers;
}
