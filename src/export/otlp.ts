import type { HrTime, SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ExportSpan } from './spans.js';
import type { ExportTarget } from './target.js';

// The wire, all of it done by the official OpenTelemetry packages: our spans
// become the SDK's ReadableSpan objects (so ids and times are exactly the
// records'), the OTLP exporters encode them (protobuf or JSON), compress,
// time out and retry (429/502/503/504, honouring Retry-After). Loaded on
// first use: the other commands, and the hook, never pay for them.

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
  return spans.map((span) => readableSpan(span, resource));
}

function readableSpan(span: ExportSpan, resource: Resource): ReadableSpan {
  const context: SpanContext = { traceId: span.traceId, spanId: span.spanId, traceFlags: TRACE_FLAGS_SAMPLED };
  const startTime = hrTime(span.startMs);
  const endTime = hrTime(span.endMs);
  return {
    name: span.name,
    kind: SPAN_KIND_INTERNAL,
    spanContext: () => context,
    parentSpanContext: span.parentSpanId ? { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TRACE_FLAGS_SAMPLED } : undefined,
    startTime,
    endTime,
    duration: hrTime(span.endMs - span.startMs),
    status: span.status.message === null ? { code: STATUS[span.status.code] } : { code: STATUS[span.status.code], message: span.status.message },
    attributes: span.attributes,
    links: [],
    events: span.events.map((event) => ({ name: event.name, time: hrTime(event.timeMs), attributes: event.attributes })),
    ended: true,
    resource,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

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
  send(spans: ReadableSpan[]): Promise<string | null>;
  close(): Promise<void>;
}

export async function spanSender(target: ExportTarget): Promise<SpanSender> {
  const config = {
    url: target.url,
    headers: target.headers,
    timeoutMillis: target.timeoutMs,
    compression: target.compression,
    // We send one batch at a time (the cursor marks a batch only once it is
    // accepted), but the exporter frees its slot a few microtasks after its
    // callback: a limit of 1 would refuse the next batch.
    concurrencyLimit: 2,
  };
  const { OTLPTraceExporter } =
    target.protocol === 'http/json' ? await import('@opentelemetry/exporter-trace-otlp-http') : await import('@opentelemetry/exporter-trace-otlp-proto');
  const exporter = new OTLPTraceExporter(config as ConstructorParameters<typeof OTLPTraceExporter>[0]);
  return {
    send: (spans) =>
      new Promise((resolve) => {
        exporter.export(spans, (result) => resolve(result.code === 0 ? null : describeFailure(result.error)));
      }),
    close: () => exporter.shutdown(),
  };
}

function describeFailure(error: Error | undefined): string {
  if (!error) return 'export failed';
  const status = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  const code = typeof status === 'number' ? `HTTP ${status}` : typeof cause === 'string' ? cause : (error as NodeJS.ErrnoException).code;
  const message = error.message || 'export failed';
  return code && !message.includes(String(code)) ? `${code}: ${message}` : message;
}
