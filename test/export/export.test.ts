import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { agentSpanIdOf, traceIdOf } from '../../src/export/ids';
import { runExport, type ExportJob } from '../../src/export/run';
import { resolveTarget } from '../../src/export/target';
import { DEFAULT_CONFIG } from '../../src/schema/config';
import { exportCursorPath } from '../../src/store/paths';
import { expectSpansOf, job, ns, store } from '../support/export-expect';
import { freePort, startReceiver, type Fault, type Receiver } from '../support/otlp-receiver';
import { filesUnder } from '../support/replay';

// The real captured sessions replayed into a logs folder, exported to a local
// OTLP receiver that decodes with the OTLP protobuf definitions: every span is
// compared with the record it came from.

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}

describe('export to an OTLP receiver', () => {
  test('every span matches its record: ids, parents, times, attributes, status (http/protobuf, gzip)', async () => {
    const { logsDir, records } = store();
    expect(records.some((r) => r.chain.parentExecutionId)).toBe(true);
    expect(records.some((r) => r.result.status === 'failed')).toBe(true);
    const r = await receiver();
    const summary = await runExport(job(logsDir, r.url));
    expect(summary).toMatchObject({ delivered: records.length, notDelivered: 0, error: null, records: records.length });
    expect(r.requests.every((q) => q.contentType === 'application/x-protobuf' && q.encoding === 'gzip')).toBe(true);
    expectSpansOf(records, r.spans);
    // A child and its parent share the trace of the user prompt.
    const child = records.find((c) => c.chain.parentExecutionId)!;
    const parent = records.find((p) => p.id === child.chain.parentExecutionId)!;
    expect(traceIdOf(child.request.context.sessionId, child.request.context.promptId)).toBe(
      traceIdOf(parent.request.context.sessionId, parent.request.context.promptId),
    );
  });

  test('http/json carries the same spans', async () => {
    const { logsDir, records } = store();
    const r = await receiver();
    await runExport(job(logsDir, r.url, { target: { ...resolveTarget({ endpoint: r.url, protocol: 'http/json' }, {}), timeoutMs: 3_000 } }));
    expect(r.requests[0]!.contentType).toBe('application/json');
    expectSpansOf(records, r.spans);
  });

  test('a re-run sends nothing; a corrected record is sent again under the same span id', async () => {
    const { logsDir, records } = store();
    const r = await receiver();
    await runExport(job(logsDir, r.url));
    const requests = r.requests.length;
    const again = await runExport(job(logsDir, r.url));
    expect(again).toMatchObject({ delivered: 0, unchanged: records.length });
    expect(r.requests.length).toBe(requests);

    const record = records.find((x) => x.result.status === 'success')!;
    const file = filesUnder(logsDir).find((f) => f.endsWith(`exec-${record.id}.json`))!;
    const corrected = { ...record, metrics: { ...record.metrics, duration: record.metrics.duration! + 5_000 }, result: { ...record.result, status: 'partial' } };
    writeFileSync(join(logsDir, file), JSON.stringify(corrected, null, 2));
    const third = await runExport(job(logsDir, r.url));
    expect(third.delivered).toBe(1);
    const resent = r.spans.filter((s) => s.spanId === agentSpanIdOf(record.id));
    expect(resent).toHaveLength(2);
    expect(resent[1]!.endNs - resent[0]!.endNs).toBe(ns(5_000));
    expect(resent[1]!.attributes['agent_track.status']).toBe('partial');
  });

  const faults: [string, Fault[]][] = [
    ['answers 503 three times, then accepts', ['503', '503', '503']],
    ['answers 429, then accepts', ['429']],
    ['drops the connection', ['drop']],
  ];
  for (const [name, plan] of faults) {
    test(`a collector that ${name}: everything arrives, nothing twice`, async () => {
      const { logsDir, records } = store();
      const r = await receiver({ faults: plan });
      const summary = await runExport(job(logsDir, r.url, { target: { ...resolveTarget({ endpoint: r.url }, {}), timeoutMs: 2_500 } }));
      expect(summary).toMatchObject({ delivered: records.length, notDelivered: 0 });
      expect(r.requests.length).toBe(plan.length + 1);
      expectSpansOf(records, r.spans);
      await runExport(job(logsDir, r.url));
      expectSpansOf(records, r.spans);
    });
  }

  test('a collector slow past the timeout: that run delivers nothing and marks nothing; the next delivers all, once', async () => {
    const { logsDir, records } = store();
    const r = await receiver({ faults: ['hang'] });
    // The timeout bounds the whole send, retries included (the exporter's own deadline).
    const slow = await runExport(job(logsDir, r.url, { target: { ...resolveTarget({ endpoint: r.url }, {}), timeoutMs: 1_000 } }));
    expect(slow).toMatchObject({ delivered: 0, notDelivered: records.length });
    expect(slow.error).toMatch(/timed out/i);
    expect(r.spans).toHaveLength(0);
    const next = await runExport(job(logsDir, r.url));
    expect(next).toMatchObject({ delivered: records.length, notDelivered: 0 });
    expectSpansOf(records, r.spans);
  });

  test('a collector that is down: nothing marked sent, exit names it; once up, everything arrives once', async () => {
    const { logsDir, records } = store();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const down = await runExport(job(logsDir, url, { target: { ...resolveTarget({ endpoint: url }, {}), timeoutMs: 1_500 } }));
    expect(down).toMatchObject({ delivered: 0, notDelivered: records.length });
    expect(down.error).toMatch(/ECONNREFUSED/);
    const r = await receiver({ port });
    const up = await runExport(job(logsDir, url));
    expect(up).toMatchObject({ delivered: records.length, notDelivered: 0 });
    expectSpansOf(records, r.spans);
  });

  test('a collector that refuses (400): not retried, nothing marked, sent next time', async () => {
    const { logsDir, records } = store();
    const r = await receiver({ faults: ['400'] });
    const refused = await runExport(job(logsDir, r.url, { batchSpans: 1 }));
    expect(refused).toMatchObject({ delivered: 0, notDelivered: records.length });
    expect(refused.error).toMatch(/400/);
    expect(r.requests).toHaveLength(1);
    await runExport(job(logsDir, r.url, { batchSpans: 1 }));
    expectSpansOf(records, r.spans);
  });

  test('a refusal midway keeps the batches already accepted; the next run sends only the rest', async () => {
    const { logsDir, records } = store();
    const r = await receiver({ faults: ['ok', '400'] });
    const first = await runExport(job(logsDir, r.url, { batchSpans: 1 }));
    expect(first).toMatchObject({ delivered: 1, notDelivered: records.length - 1 });
    const cursor = JSON.parse(readFileSync(exportCursorPath(logsDir), 'utf8'));
    const folders = Object.values(cursor.targets[`${r.url}/v1/traces`].folders as Record<string, { count: number; sent: string; stamp: string | null }>);
    expect(folders.reduce((n, f) => n + f.count, 0)).toBe(1);
    expect(folders.filter((f) => f.count).map((f) => f.sent)).toEqual([expect.stringMatching(/^[a-z0-9_-]+:[A-Za-z0-9_-]{16}$/)]);
    const second = await runExport(job(logsDir, r.url, { batchSpans: 1 }));
    expect(second).toMatchObject({ delivered: records.length - 1, notDelivered: 0 });
    expectSpansOf(records, r.spans);
  });

  test('--dry-run prints the OTLP/JSON request and marks nothing', async () => {
    const { logsDir, records } = store();
    let printed: any = null;
    const summary = await runExport(job(logsDir, 'http://127.0.0.1:9', { dryRun: true, printJson: (json) => (printed = json) }));
    expect(summary.delivered).toBe(records.length);
    const spans = printed.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans));
    expect(spans.map((s: any) => s.spanId)).toContain(agentSpanIdOf(records[0]!.id));
    expect(filesUnder(logsDir).some((f) => f.endsWith('.export-cursor.json'))).toBe(false);
  });

  test('prompts: off by default, text when the config asks, a hash with --redact prompts', async () => {
    const { logsDir, records } = store();
    const withPrompt = records.find((x) => x.request.prompt)!;
    const agentSpan = async (spans: ExportJob['spans']) => {
      const r = await receiver();
      await runExport(job(logsDir, r.url, { spans, target: { ...resolveTarget({ endpoint: r.url }, {}), timeoutMs: 3_000 } }));
      return r.spans.find((s) => s.spanId === agentSpanIdOf(withPrompt.id))!;
    };
    const prices = DEFAULT_CONFIG.prices;
    expect((await agentSpan({ prompts: true, redact: new Set(), prices })).attributes['input.value']).toBe(withPrompt.request.prompt);
    const hashed = await agentSpan({ prompts: true, redact: new Set(['prompts', 'paths', 'messages']), prices });
    expect(hashed.attributes['input.value']).toBe(`sha256:${withPrompt.request.promptHash!.slice(0, 16)}`);
    expect(JSON.stringify(hashed.attributes)).not.toContain(withPrompt.request.prompt!.slice(0, 20));
    for (const file of (hashed.attributes['agent_track.modified_files'] as string[] | undefined) ?? []) expect(file).toMatch(/^sha256:[0-9a-f]{16}$/);
  });
});

// Encoding runs in worker threads for a big store (src/export/lanes.ts); the
// fixtures are small, so the tests ask for the workers: the same spans, the
// same cursor, whichever lane encoded what.
describe('export through encoding worker threads', () => {
  test('every span matches its record, one folder per task across two workers (http/protobuf and http/json)', async () => {
    const { logsDir, records } = store();
    const r = await receiver();
    const summary = await runExport(job(logsDir, r.url, { workers: 2, batchSpans: 7 }));
    expect(summary).toMatchObject({ delivered: records.length, notDelivered: 0, error: null, records: records.length });
    expect(summary.batches).toBeGreaterThan(2);
    expectSpansOf(records, r.spans);
    expect(await runExport(job(logsDir, r.url, { workers: 2 }))).toMatchObject({ delivered: 0, unchanged: records.length });

    const json = await receiver();
    await runExport(job(logsDir, json.url, { workers: 2, target: { ...resolveTarget({ endpoint: json.url, protocol: 'http/json' }, {}), timeoutMs: 3_000 } }));
    expect(json.requests[0]!.contentType).toBe('application/json');
    expectSpansOf(records, json.spans);
  });

  test('a broken record file and a planted link are reported from the worker and skipped; everything else arrives', async () => {
    const { logsDir, records } = store();
    const folder = join(logsDir, filesUnder(logsDir).find((f) => /\/exec-.*\.json$/.test(f))!, '..');
    writeFileSync(join(folder, 'exec-broken.json'), '{"id": "broken", ');
    require('node:fs').symlinkSync(join(logsDir, filesUnder(logsDir).find((f) => /\/exec-.*\.json$/.test(f))!), join(folder, 'exec-linked.json'));
    const issues: string[] = [];
    const r = await receiver();
    const summary = await runExport(job(logsDir, r.url, { workers: 2, onIssue: (issue) => issues.push(`${issue.path.slice(issue.path.lastIndexOf('/') + 1)}: ${issue.problem}`) }));
    expect(issues).toEqual([expect.stringMatching(/^exec-broken\.json: not valid JSON/)]);
    expect(summary).toMatchObject({ records: records.length, delivered: records.length, notDelivered: 0, skippedFiles: 1 });
    expectSpansOf(records, r.spans);
  });

  test('a refusal midway: what was accepted is marked, the rest (queued, unread or still in a worker) is sent next time, once', async () => {
    const { logsDir, records } = store();
    const r = await receiver({ faults: ['ok', 'ok', '400'] });
    const first = await runExport(job(logsDir, r.url, { workers: 2, batchSpans: 1 }));
    expect(first).toMatchObject({ delivered: 2, notDelivered: records.length - 2, records: records.length });
    expect(first.error).toMatch(/400/);
    const second = await runExport(job(logsDir, r.url, { workers: 2, batchSpans: 1 }));
    expect(second).toMatchObject({ delivered: records.length - 2, notDelivered: 0, unchanged: 2 });
    expectSpansOf(records, r.spans);
  });
});
