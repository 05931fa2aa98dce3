import type { IOtlpExportDelegate } from '@opentelemetry/otlp-exporter-base';
import type { IExporterMetricsHelper, ISerializer } from '@opentelemetry/otlp-transformer';
import type { EncodedBatch } from './encode.js';
import type { SpanSender } from './otlp.js';

// What the two transports (OTLP/HTTP in ./otlp.ts, OTLP/gRPC in ./grpc.ts)
// share around the official export delegate: it is fed bodies the encoding
// workers already serialized, counts their spans, and tells this thread
// whether the collector accepted each one. Types only from the OpenTelemetry
// packages: each transport's own bundle loads them.

/** The exporter's serializer for a batch the workers already encoded: the body as is, and the official decoding of the collector's answer. */
export function preEncoded<Response>(deserializeResponse: (data: Uint8Array) => Response): ISerializer<EncodedBatch, Response> {
  return { serializeRequest: (batch) => batch.body, deserializeResponse };
}

/** What the exporter's metrics count in a batch: its spans. */
export const SPAN_ITEMS: IExporterMetricsHelper<EncodedBatch> = { name: 'span', countItems: (batch) => batch.spans };

/** The delegate as a SpanSender: null once the collector accepted a batch (after the delegate's retries), else why not, in one line. */
export function delegateSender(delegate: IOtlpExportDelegate<EncodedBatch>, describe: (error: Error | undefined) => string): SpanSender {
  return {
    send: (batch) => new Promise((resolve) => delegate.export(batch, (result) => resolve(result.code === 0 ? null : describe(result.error)))),
    close: () => delegate.shutdown(),
  };
}
