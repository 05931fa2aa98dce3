import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { grpcSender } from '../../src/export/grpc';
import { readableSpans, resourceOf } from '../../src/export/otlp';
import { runExport } from '../../src/export/run';
import { executionSpans } from '../../src/export/spans';
import { resolveTarget, type ExportTarget } from '../../src/export/target';
import { exportCursorPath } from '../../src/store/paths';
import { expectSpansOf, job, store } from '../support/export-expect';
import { startGrpcReceiver, type GrpcFault, type GrpcReceiver } from '../support/grpc-receiver';
import { freePort } from '../support/otlp-receiver';

// OTLP/gRPC: the real captured sessions exported to a local grpc-js receiver
// that decodes each Export call with the OTLP protobuf definitions; every
// span compared with its record, as over HTTP (../support/export-expect.ts).

const receivers: GrpcReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(options: Parameters<typeof startGrpcReceiver>[0] = {}): Promise<GrpcReceiver> {
  const r = await startGrpcReceiver(options);
  receivers.push(r);
  return r;
}

function grpcTarget(url: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 3_000, header: string[] = []): ExportTarget {
  return { ...resolveTarget({ endpoint: url, protocol: 'grpc', header }, env), timeoutMs };
}

describe('export over OTLP/gRPC', () => {
  test('every span matches its record; headers arrive as metadata; no gzip unless asked; a re-run sends nothing', async () => {
    const { logsDir, records } = store();
    const r = await receiver();
    const target = grpcTarget(r.url, { OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc,x-team=platform' }, 3_000, ['x-flag=on']);
    const summary = await runExport(job(logsDir, r.url, { target }));
    expect(summary).toMatchObject({ protocol: 'grpc', delivered: records.length, notDelivered: 0, error: null, records: records.length });
    expect(r.calls.length).toBe(summary.batches);
    expectSpansOf(records, r.spans);
    for (const call of r.calls) {
      expect(call.metadata).toMatchObject({ authorization: 'Bearer abc', 'x-team': 'platform', 'x-flag': 'on' });
      expect(call.metadata['user-agent']).toMatch(/^agent-track\//);
    }
    // The official gRPC exporter's default: uncompressed, so more bytes on the wire than the protobuf (which the workers did not gzip either: it decoded).
    expect(r.wireBytes).toBeGreaterThan(r.calls.reduce((n, call) => n + call.bytes, 0));
    // The cursor is keyed by the gRPC endpoint as given: host and port, no /v1/traces.
    const cursor = JSON.parse(readFileSync(exportCursorPath(logsDir), 'utf8'));
    expect(Object.keys(cursor.targets)).toEqual([r.url]);
    const again = await runExport(job(logsDir, r.url, { target }));
    expect(again).toMatchObject({ delivered: 0, unchanged: records.length });
    expect(r.calls.length).toBe(summary.batches);
  });

  test('OTEL_EXPORTER_OTLP_COMPRESSION=gzip: gRPC compresses each message, through the encoding workers too', async () => {
    const { logsDir, records } = store();
    const r = await receiver();
    const summary = await runExport(job(logsDir, r.url, { workers: 2, target: grpcTarget(r.url, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }) }));
    expect(summary).toMatchObject({ delivered: records.length, notDelivered: 0 });
    // gzip per message: the wire carries a fraction of the protobuf (gzip level 6 on these spans, about a tenth).
    const protobuf = r.calls.reduce((n, call) => n + call.bytes, 0);
    expect(r.wireBytes, `${r.wireBytes} bytes on the wire for ${protobuf} of protobuf`).toBeLessThan(protobuf / 2);
    expectSpansOf(records, r.spans);
  });

  // One case: gRPC's backoff (random up to 1 s, then 1.5 s) is real time.
  test("a collector that answers UNAVAILABLE twice, then accepts: gRPC's retry policy delivers everything, nothing twice", async () => {
    const { logsDir, records } = store();
    const plan: GrpcFault[] = ['unavailable', 'unavailable'];
    const r = await receiver({ faults: plan });
    const summary = await runExport(job(logsDir, r.url, { target: grpcTarget(r.url, {}, 8_000) }));
    expect(summary).toMatchObject({ delivered: records.length, notDelivered: 0, error: null });
    expect(r.calls.length).toBe(plan.length + summary.batches);
    expectSpansOf(records, r.spans);
    await runExport(job(logsDir, r.url, { target: grpcTarget(r.url) }));
    expectSpansOf(records, r.spans);
  });

  test('a batch of full size (over grpc-js\'s 1 MiB default retry buffer) is retried too', async () => {
    const { logsDir, records } = store();
    const resource = await resourceOf({ 'service.name': 'claude-code-subagents' });
    const options = job(logsDir, 'http://127.0.0.1:9').spans;
    const spans = readableSpans(records.flatMap((r) => executionSpans(r, options)), resource);
    // The store's spans, 100 times over: a request the size of a full batch (~1.3 MB), as the encoders make it.
    const body = ProtobufTraceSerializer.serializeRequest(Array.from({ length: 100 }, () => spans).flat())!;
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const small = ProtobufTraceSerializer.serializeRequest(spans)!;
    const r = await receiver({ faults: ['ok', 'unavailable'] });
    const sender = await grpcSender(grpcTarget(r.url, {}, 5_000));
    try {
      // A first call connects the channel, as every batch after an export's first finds it.
      expect(await sender.send({ kind: 'batch', body: small, spans: spans.length, executions: [] })).toBeNull();
      expect(await sender.send({ kind: 'batch', body, spans: spans.length * 100, executions: [] })).toBeNull();
    } finally {
      await sender.close();
    }
    expect(r.calls.map((call) => call.bytes)).toEqual([small.length, body.length, body.length]);
    expect(r.spans).toHaveLength(spans.length * 101);
  });

  test('a collector that is down: exit names it, nothing marked; once up, the next run sends all, once', async () => {
    const { logsDir, records } = store();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const down = await runExport(job(logsDir, url, { target: grpcTarget(url, {}, 1_000) }));
    expect(down).toMatchObject({ delivered: 0, notDelivered: records.length, batches: 0 });
    // One readable reason: ECONNREFUSED, or the deadline, without grpc-js's timing diagnostics.
    expect(down.error).toMatch(/^gRPC (UNAVAILABLE: No connection established\. Last error: Error: connect ECONNREFUSED .*|DEADLINE_EXCEEDED: Deadline exceeded after [\d.]+s)$/);
    const cursor = JSON.parse(readFileSync(exportCursorPath(logsDir), 'utf8'));
    for (const folder of Object.values(cursor.targets[url].folders) as { count: number }[]) expect(folder.count).toBe(0);
    const r = await receiver({ port });
    const up = await runExport(job(logsDir, url, { target: grpcTarget(url) }));
    expect(up).toMatchObject({ delivered: records.length, notDelivered: 0 });
    expectSpansOf(records, r.spans);
  });

  test('a collector slow past the timeout: nothing delivered or marked, the reason named; the next run delivers all, once', async () => {
    const { logsDir, records } = store();
    const r = await receiver({ faults: ['hang'] });
    const slow = await runExport(job(logsDir, r.url, { target: grpcTarget(r.url, {}, 800) }));
    expect(slow).toMatchObject({ delivered: 0, notDelivered: records.length });
    expect(slow.error).toMatch(/^gRPC DEADLINE_EXCEEDED: Deadline exceeded after 0\.8\d*s$/);
    expect(r.spans).toHaveLength(0);
    const next = await runExport(job(logsDir, r.url, { target: grpcTarget(r.url) }));
    expect(next).toMatchObject({ delivered: records.length, notDelivered: 0 });
    expectSpansOf(records, r.spans);
  });

  test('a collector that refuses (INVALID_ARGUMENT): not retried; what was accepted before stays marked, the rest is sent next time', async () => {
    const { logsDir, records } = store();
    const r = await receiver({ faults: ['ok', 'invalid'] });
    const first = await runExport(job(logsDir, r.url, { batchSpans: 1, target: grpcTarget(r.url) }));
    expect(first).toMatchObject({ delivered: 1, notDelivered: records.length - 1 });
    expect(first.error).toBe('gRPC INVALID_ARGUMENT: bad request');
    expect(r.calls).toHaveLength(2);
    const second = await runExport(job(logsDir, r.url, { batchSpans: 1, target: grpcTarget(r.url) }));
    expect(second).toMatchObject({ delivered: records.length - 1, notDelivered: 0, unchanged: 1 });
    expectSpansOf(records, r.spans);
  });

  test('--dry-run prints the same OTLP/JSON as over HTTP and contacts nothing', async () => {
    const { logsDir } = store();
    const printed: unknown[] = [];
    const url = 'http://127.0.0.1:9';
    await runExport(job(logsDir, url, { dryRun: true, target: grpcTarget(url), printJson: (json) => printed.push(json) }));
    await runExport(job(logsDir, url, { dryRun: true, printJson: (json) => printed.push(json) }));
    expect(printed).toHaveLength(2);
    expect(printed[0]).toEqual(printed[1]);
  });
});
