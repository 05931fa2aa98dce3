import { gzipSync } from 'node:zlib';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { LoadIssue } from '../store/records.js';
import { decodeSent, encodeSent } from './cursor.js';
import { readableSpans } from './otlp.js';
import { readFolder } from './source.js';
import { executionSpans, type SpanOptions } from './spans.js';
import type { Protocol } from './target.js';

// Record folders in, request bodies out: read and validate each record once,
// keep what is due, build its spans, and have the official OpenTelemetry
// serializer encode them, a batch at a time, then gzip. Everything an export
// spends CPU on, in one place that runs in a worker thread (./worker.ts) or,
// for a small export, on the main thread. Plain data in and out, so it
// crosses threads: the records themselves never do.

export interface EncoderConfig {
  protocol: Protocol;
  gzip: boolean;
  /** Spans per request, about: a batch closes at the first execution that reaches it. */
  batchSpans: number;
  spans: SpanOptions;
  resource: Record<string, string>;
  since: number | null;
}

/** One record folder to read: its cursor key, path and what the cursor says was delivered from it. */
export interface FolderTask {
  key: string;
  dir: string;
  sent: string;
}

/** What a folder held, sent before any batch with its records. */
export interface FolderRead {
  kind: 'folder';
  key: string;
  /** Delivered before and unchanged, as the cursor encodes it. */
  kept: string;
  due: number;
  records: number;
  partial: boolean;
  issues: LoadIssue[];
}

/** One request body, ready to send: the executions in it, each as the cursor will mark it once accepted. */
export interface EncodedBatch {
  kind: 'batch';
  body: Uint8Array;
  spans: number;
  executions: { key: string; id: string; fingerprint: string }[];
}

export type EncoderOutput = FolderRead | EncodedBatch;

/**
 * gzip level 1, not zlib's default 6: on these bodies it compresses ~470 MB
 * of protobuf per CPU second against ~210, for 12% more bytes (12.3% of the
 * protobuf against 11.0%); an export's CPU is what bounds it. memLevel 9 (a
 * bigger hash table, 256 KB more memory per gzip): 8% faster again, and no bigger.
 */
const GZIP = { level: 1, memLevel: 9 };

export class BatchEncoder {
  private readonly resource: Resource;
  private pending: ReadableSpan[] = [];
  private executions: EncodedBatch['executions'] = [];

  constructor(private readonly config: EncoderConfig) {
    // One resource object for every span of the export: the serializer groups spans by its identity.
    this.resource = resourceFromAttributes(config.resource);
  }

  /** The folder's summary first, then every batch that filled up meanwhile. */
  addFolder(task: FolderTask): EncoderOutput[] {
    const issues: LoadIssue[] = [];
    const batches: EncoderOutput[] = [];
    const scan = readFolder(task.dir, decodeSent(task.sent), { since: this.config.since, onIssue: (issue) => issues.push(issue) }, (record, fingerprint) => {
      for (const span of readableSpans(executionSpans(record, this.config.spans), this.resource)) this.pending.push(span);
      this.executions.push({ key: task.key, id: record.id, fingerprint });
      if (this.pending.length >= this.config.batchSpans) batches.push(this.encode());
    });
    // The folder's summary before the batches that carry its records: the main thread learns of a folder before it marks any of it sent.
    return [{ kind: 'folder', key: task.key, kept: encodeSent(scan.kept), due: scan.due, records: scan.records, partial: scan.partial, issues }, ...batches];
  }

  /** The last, partly filled batch, if any. */
  flush(): EncodedBatch[] {
    return this.executions.length ? [this.encode()] : [];
  }

  private encode(): EncodedBatch {
    const serializer = this.config.protocol === 'http/json' ? JsonTraceSerializer : ProtobufTraceSerializer;
    const raw = serializer.serializeRequest(this.pending)!;
    const body = this.config.gzip ? gzipSync(raw, GZIP) : raw;
    const batch: EncodedBatch = { kind: 'batch', body, spans: this.pending.length, executions: this.executions };
    this.pending = [];
    this.executions = [];
    return batch;
  }
}
