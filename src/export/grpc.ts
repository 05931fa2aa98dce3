import { isIP } from 'node:net';
import { Client, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { CompressionAlgorithm, createOtlpNetworkExportDelegate } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyOtlpGrpcOptions, createOtlpGrpcExporterMetrics } from '@opentelemetry/otlp-grpc-exporter-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { delegateSender, preEncoded, SPAN_ITEMS } from './delegate-sender.js';
import type { SpanSender } from './otlp.js';
import type { ExportTarget } from './target.js';

// OTLP/gRPC: the same ExportTraceServiceRequest protobuf the encoding workers
// already made with the official serializer (never gzipped there: gRPC
// compresses per message, by its own flag), sent as the unary call
// TraceService/Export. Built in its own bundle (dist/export-grpc.cjs, see
// tsup.config.ts, grpc-js required from node_modules) and loaded only when
// the protocol is grpc: grpc-js is 65 modules and ~24 ms to load, and no
// other command needs it.
//
// Official pieces: the OTLP/gRPC configuration (metadata, TLS credentials
// from http:// or https:// and OTEL_EXPORTER_OTLP_CERTIFICATE & co.,
// timeout), the export delegate with its bounded queue and response handling,
// the serializer's response decoding, and grpc-js. One piece is ours, the
// transport: the official one (in otlp-grpc-exporter-base 0.301) never
// retries (it answers every error 'failure', and its delegate has no retrying
// layer), and it gives no way to set channel options. Ours is its few lines
// with one addition: gRPC's own retry policy (gRFC A6, run by grpc-js), on the
// codes the OTLP specification calls retryable, with the backoff the official
// HTTP exporter uses.

const SERVICE = 'opentelemetry.proto.collector.trace.v1.TraceService';
const EXPORT_PATH = `/${SERVICE}/Export`;
const VERSION = require('../../package.json').version as string;

/**
 * OTLP/gRPC's retryable codes (the OTLP specification, "Failures"), with the
 * official OTLP/HTTP exporter's backoff: 1 s, times 1.5, at most 5 s, 5
 * attempts (gRPC's cap). RESOURCE_EXHAUSTED is retryable only with the
 * server's RetryInfo, which grpc-js does not read: left out. The call's
 * deadline (the timeout) bounds all attempts together, as over HTTP.
 */
const SERVICE_CONFIG = JSON.stringify({
  methodConfig: [
    {
      name: [{ service: SERVICE }],
      retryPolicy: {
        maxAttempts: 5,
        initialBackoff: '1s',
        maxBackoff: '5s',
        backoffMultiplier: 1.5,
        retryableStatusCodes: ['CANCELLED', 'DEADLINE_EXCEEDED', 'ABORTED', 'OUT_OF_RANGE', 'UNAVAILABLE', 'DATA_LOSS'],
      },
    },
  ],
});
/**
 * grpc-js keeps a message for its retries only up to this size per call (its
 * default, 1 MiB, is less than one of our full batches, ~1.3 MB: past it a
 * call is never retried). 8 MiB holds any batch (a collector's gRPC default
 * limit is 4 MiB); grpc-js's channel-wide limit, 16 MiB, stays.
 */
const RETRY_BUFFER_BYTES = 8 * 1024 * 1024;
/** grpc-js's compression algorithm numbers. */
const GRPC_COMPRESSION = { none: 0, gzip: 2 } as const;

const identity = (message: Buffer) => message;

export async function grpcSender(target: ExportTarget): Promise<SpanSender> {
  const metadata = new Metadata();
  for (const [name, value] of Object.entries(target.headers)) metadata.set(name.toLowerCase(), value);
  // The official configuration: the credentials the URL's scheme asks for, and the standard variables for certificates.
  const config = convertLegacyOtlpGrpcOptions(
    {
      url: target.url,
      metadata,
      timeoutMillis: target.timeoutMs,
      compression: target.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
      // One batch at a time; 2 because the delegate frees its slot a few microtasks after its callback (as over HTTP, ./otlp.ts).
      concurrencyLimit: 2,
    },
    'TRACES',
  );
  const transport = new GrpcTransport(addressOf(target.url), config.credentials(), config.metadata(), target.compression);
  // grpc-js names a TLS server by its address even when that is an IP address, which Node answers with
  // a deprecation warning on stderr (RFC 6066 names hosts only): noise in a command's one-line outcome.
  if (target.url.startsWith('https:') && isIP(new URL(target.url).hostname.replace(/^\[|\]$/g, ''))) process.noDeprecation = true;
  // The body is the request already encoded by the official ProtobufTraceSerializer in the workers.
  const serializer = preEncoded(ProtobufTraceSerializer.deserializeResponse);
  const metrics = createOtlpGrpcExporterMetrics('otlp_grpc_span_exporter', SPAN_ITEMS, config.url, undefined);
  return delegateSender(createOtlpNetworkExportDelegate(config, serializer, metrics, transport), describeFailure);
}

/**
 * host:port for grpc-js, the port always written out: without one grpc-js
 * would dial 443 even for a plaintext http:// endpoint.
 */
function addressOf(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  return `${parsed.hostname}:${port}`;
}

type ExportResponse = { status: 'success'; data?: Uint8Array } | { status: 'failure'; error: Error };

class GrpcTransport {
  private readonly client: Client;

  constructor(
    address: string,
    credentials: ConstructorParameters<typeof Client>[1],
    private readonly metadata: Metadata,
    compression: 'gzip' | 'none',
  ) {
    this.client = new Client(address, credentials, {
      'grpc.default_compression_algorithm': GRPC_COMPRESSION[compression],
      'grpc.primary_user_agent': `agent-track/${VERSION}`,
      'grpc.service_config': SERVICE_CONFIG,
      'grpc.per_rpc_retry_buffer_size': RETRY_BUFFER_BYTES,
    });
  }

  send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return new Promise((resolve) => {
      this.client.makeUnaryRequest<Buffer, Buffer>(EXPORT_PATH, identity, identity, body, this.metadata, { deadline: Date.now() + timeoutMillis }, (error, response) => {
        resolve(error ? { status: 'failure', error } : { status: 'success', data: response });
      });
    });
  }

  shutdown(): void {
    this.client.close();
  }
}

/** "UNAVAILABLE: No connection established...": the status by name, then what the server or the channel said. */
function describeFailure(error: Error | undefined): string {
  if (!error) return 'export failed';
  const { code, details } = error as Partial<ServiceError>;
  if (typeof code !== 'number') return error.message || 'export failed';
  return `gRPC ${GrpcStatus[code] ?? code}: ${tidy(details || error.message)}`;
}

/** grpc-js's details without its diagnostics: a deadline's timing breakdown, an empty "Resolution note". */
function tidy(details: string): string {
  return details.replace(/\s*Resolution note:\s*$/, '').replace(/^(Deadline exceeded after [\d.]+s),.*$/s, '$1');
}
