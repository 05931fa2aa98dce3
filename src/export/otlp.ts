import type { HrTime, SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ExportSpan } from './spans.js';
import type { EncodedBatch } from './encode.js';
import { delegateSender, preEncoded, SPAN_ITEMS } from './delegate-sender.js';
import type { ExportTarget } from './target.js';

// The wire, all of it done by the official OpenTelemetry packages: our spans
// become the SDK's ReadableSpan objects (so ids and times are exactly the
// records'), the official serializer encodes them (protobuf or JSON, in
// ./encode.ts), the official OTLP/HTTP transport sends them, times out and
// retries (429/502/503/504, honouring Retry-After); OTLP/gRPC is ./grpc.ts.
// Loaded on first use: the other commands, and the hook, never pay for them.

export type SpanResource = Resource;

const SCOPE = { name: 'agent-track', version: require('../../package.json').version as string };
// api's SpanKind.INTERNAL and SpanStatusCode.{UNSET,ERROR}, as numbers: the api package stays out of this module's load.
const SPAN_KIND_INTERNAL = 0;
const STATUS = { unset: 0, error: 2 } as const;
const TRACE_FLAGS_SAMPLED = 1;

export async function resourceOf(attributes: Record<string, string>): Promise<Resource> {
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  return resourceFromAttributes(attributes);
}

export function readableSpans(spans: readonly ExportSpan[], resource: Resource): ReadableSpan[] {
  // A run's tool spans follow one another and share their parent: one parent context for all of them, not one each.
  let parent: SpanContext | undefined;
  return spans.map((span) => {
    if (span.parentSpanId === null) return new RecordSpan(span, resource, undefined);
    if (parent?.spanId !== span.parentSpanId || parent.traceId !== span.traceId) parent = { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TRACE_FLAGS_SAMPLED };
    return new RecordSpan(span, resource, parent);
  });
}

/**
 * An ExportSpan as the SDK's ReadableSpan, which is what the official
 * serializers take. A class, not an object literal with a spanContext
 * closure: 1.5 million spans of one export share its shape and its method,
 * and allocate a third less.
 */
class RecordSpan implements ReadableSpan {
  readonly name: string;
  readonly kind = SPAN_KIND_INTERNAL;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: ReadableSpan['status'];
  readonly attributes: ReadableSpan['attributes'];
  readonly links: ReadableSpan['links'] = [];
  readonly events: ReadableSpan['events'];
  readonly ended = true;
  readonly instrumentationScope = SCOPE;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  private readonly context: SpanContext;

  constructor(
    span: ExportSpan,
    readonly resource: Resource,
    parent: SpanContext | undefined,
  ) {
    this.context = { traceId: span.traceId, spanId: span.spanId, traceFlags: TRACE_FLAGS_SAMPLED };
    this.name = span.name;
    this.parentSpanContext = parent;
    this.startTime = hrTime(span.startMs);
    this.endTime = hrTime(span.endMs);
    this.status = span.status.message === null ? STATUS_CODE_ONLY[span.status.code] : { code: STATUS[span.status.code], message: span.status.message };
    this.attributes = span.attributes;
    this.events = span.events.length ? span.events.map((event) => ({ name: event.name, time: hrTime(event.timeMs), attributes: event.attributes })) : NO_EVENTS;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  /** Computed when asked: the serializers never ask, and 1.5 million spans would each carry one more array. */
  get duration(): HrTime {
    return hrTime(hrMs(this.endTime) - hrMs(this.startTime));
  }
}

function hrMs([seconds, nanos]: HrTime): number {
  return seconds * 1000 + nanos / 1e6;
}

// Shared by the spans that have them (the serializer only reads them): fewer objects for V8's garbage collector in a big export.
const NO_EVENTS: ReadableSpan['events'] = [];
const STATUS_CODE_ONLY = { unset: { code: STATUS.unset }, error: { code: STATUS.error } } as const;

function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/** The OTLP/JSON request body for these spans, as `--dry-run` prints it. */
export async function otlpJson(spans: ReadableSpan[]): Promise<unknown> {
  const { JsonTraceSerializer } = await import('@opentelemetry/otlp-transformer');
  return JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)));
}

export interface SpanSender {
  /** Resolves with null once the collector accepted the batch, else with why not (after the exporter's own retries). */
  send(batch: EncodedBatch): Promise<string | null>;
  close(): Promise<void>;
}

/**
 * The official OTLP/HTTP transport (timeout, retries on 429/502/503/504 with
 * Retry-After, the standard variables) fed with bodies the official
 * serializer already encoded, and gzipped, in the encoding workers
 * (./encode.ts): the main thread only sends. So the exporter's serializer is
 * the identity, and its Content-Encoding is declared here, as its own gzip
 * would.
 */
export async function spanSender(target: ExportTarget): Promise<SpanSender> {
  // gRPC has its own module and bundle (dist/export-grpc.cjs): grpc-js loads only for it.
  if (target.protocol === 'grpc') return (await import('./grpc.js')).grpcSender(target);
  const { convertLegacyHttpOptions, createOtlpHttpExportDelegate } = await import('@opentelemetry/otlp-exporter-base/node-http');
  const { CompressionAlgorithm } = await import('@opentelemetry/otlp-exporter-base');
  const { ProtobufTraceSerializer, JsonTraceSerializer } = await import('@opentelemetry/otlp-transformer');
  const json = target.protocol === 'http/json';
  const headers = target.compression === 'gzip' ? { ...target.headers, 'Content-Encoding': 'gzip' } : target.headers;
  const options = convertLegacyHttpOptions(
    // One batch at a time (the cursor marks a batch only once it is accepted),
    // but the exporter frees its slot a few microtasks after its callback: a
    // limit of 1 would refuse the next batch.
    { url: target.url, headers, timeoutMillis: target.timeoutMs, compression: CompressionAlgorithm.NONE, concurrencyLimit: 2 },
    'TRACES',
    'v1/traces',
    { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' },
  );
  const serializer = preEncoded(json ? JsonTraceSerializer.deserializeResponse : ProtobufTraceSerializer.deserializeResponse);
  return delegateSender(createOtlpHttpExportDelegate(options, serializer, 'otlp_http_span_exporter', SPAN_ITEMS, undefined), describeFailure);
}

function describeFailure(error: Error | undefined): string {
  if (!error) return 'export failed';
  const status = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  const code = typeof status === 'number' ? `HTTP ${status}` : typeof cause === 'string' ? cause : (error as NodeJS.ErrnoException).code;
  const message = error.message || 'export failed';
  return code && !message.includes(String(code)) ? `${code}: ${message}` : message;
}
