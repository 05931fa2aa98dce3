import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Server, ServerCredentials, status, type Metadata, type sendUnaryData, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { fromProtobuf, type ReceivedSpan } from './otlp-receiver';

// A local OTLP/gRPC trace receiver on 127.0.0.1 for tests and the bench: a
// grpc-js server implementing opentelemetry.proto.collector.trace.v1.TraceService/Export
// with raw-buffer (de)serializers, each request decoded with the OTLP
// protobuf definitions (./otlp-receiver.ts's decoder, independent of the
// exporter's encoder). grpc-js undoes a gzip-compressed message itself and
// hides the grpc-encoding header from handlers, so the receiver sits behind a
// TCP relay that counts the bytes that came over the wire: compressed or not
// shows there. Faults are scripted per call, in order.

/** What the receiver answers one call: 'ok' accepts it; 'unavailable' is retryable, 'invalid' (INVALID_ARGUMENT) is not; 'hang' never answers. */
export type GrpcFault = 'ok' | 'unavailable' | 'invalid' | 'hang';

export interface GrpcReceiver {
  /** The endpoint as export takes it: http://127.0.0.1:<port> (https:// with tls). */
  url: string;
  port: number;
  /** Spans of the calls answered OK, in arrival order. */
  spans: ReceivedSpan[];
  /** Every call that reached the handler, answered or not: its message's size decompressed, and its metadata. */
  calls: { bytes: number; metadata: Record<string, unknown>; fault: GrpcFault | null }[];
  /** Bytes the exporter sent over TCP (HTTP/2 frames, messages as sent: compressed or not). */
  readonly wireBytes: number;
  faults: GrpcFault[];
  close(): Promise<void>;
}

const identity = (buffer: Buffer) => buffer;
const TRACE_SERVICE = {
  export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/**
 * relay: false (the bench) serves gRPC on the port directly: no wire count, no extra copy of every byte.
 * tls: serve over TLS with this certificate and key (PEM); the url is then https://.
 */
export async function startGrpcReceiver(
  options: { faults?: GrpcFault[]; port?: number; decode?: boolean; relay?: boolean; tls?: { cert: Buffer; key: Buffer } } = {},
): Promise<GrpcReceiver> {
  const state = { spans: [] as ReceivedSpan[], calls: [] as GrpcReceiver['calls'], faults: [...(options.faults ?? [])], wireBytes: 0 };
  const hung: sendUnaryData<Buffer>[] = [];
  const server = new Server();
  server.addService(TRACE_SERVICE, {
    export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      const planned = state.faults.shift() ?? 'ok';
      const fault = planned === 'ok' ? null : planned;
      state.calls.push({ bytes: call.request.length, metadata: call.metadata.getMap(), fault });
      if (fault === 'hang') return void hung.push(callback);
      if (fault === 'unavailable') return callback(serviceError(status.UNAVAILABLE, 'collector busy'));
      if (fault === 'invalid') return callback(serviceError(status.INVALID_ARGUMENT, 'bad request'));
      if (options.decode !== false) state.spans.push(...fromProtobuf(call.request));
      // An empty ExportTraceServiceResponse: full success.
      callback(null, Buffer.alloc(0));
    },
  });
  const relayed = options.relay !== false;
  const credentials = options.tls ? ServerCredentials.createSsl(null, [{ cert_chain: options.tls.cert, private_key: options.tls.key }]) : ServerCredentials.createInsecure();
  const grpcPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${relayed ? 0 : (options.port ?? 0)}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connect(grpcPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.on('data', (chunk: Buffer) => (state.wireBytes += chunk.length));
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  if (relayed) {
    await new Promise<void>((resolve, reject) => {
      relay.once('error', reject);
      relay.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  }
  const port = relayed ? (relay.address() as AddressInfo).port : grpcPort;
  return {
    get spans() {
      return state.spans;
    },
    get calls() {
      return state.calls;
    },
    get wireBytes() {
      return state.wireBytes;
    },
    faults: state.faults,
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    close: async () => {
      for (const callback of hung) callback(serviceError(status.CANCELLED, 'receiver closed'));
      for (const socket of sockets) socket.destroy();
      if (relayed) await new Promise<void>((resolve) => relay.close(() => resolve()));
      server.forceShutdown();
    },
  };
}

function serviceError(code: status, details: string): Partial<ServiceError> & Error {
  return Object.assign(new Error(details), { code, details, metadata: undefined as unknown as Metadata });
}
