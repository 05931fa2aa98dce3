import { describe, expect, test } from 'vitest';
import { agentSpanIdOf, toolSpanIdsOf } from '../../src/export/ids';
import { executionSpans, type SpanOptions } from '../../src/export/spans';
import { resolveTarget, shownUrl } from '../../src/export/target';
import { at, makeRecord } from '../analytics/make-record';

// Records -> spans, pure: the cases the real captures do not all have.

const options: SpanOptions = { prompts: false, redact: new Set(), prices: {} };

describe('spans of one execution', () => {
  test('a run with no duration and no end is a point in time; no tool timeline, no tool spans', () => {
    const record = makeRecord({ id: 'a', start: at(2026, 11, 20, 10), duration: null, end: null });
    const [agent, ...tools] = executionSpans({ ...record, metrics: { ...record.metrics, toolTimeline: undefined } }, options);
    expect([agent!.startMs, agent!.endMs]).toEqual([record.metrics.startTime, record.metrics.startTime]);
    expect(tools).toEqual([]);
  });

  test('a tool call with no result is a zero-length span saying so; a failed one is an ERROR span', () => {
    const base = makeRecord({ id: 'b', start: at(2026, 11, 20, 10), duration: 60_000 });
    const record = { ...base, metrics: { ...base.metrics, toolTimeline: [{ tool: 'Bash', start: 1_000, duration: 2_500, ok: false }, { tool: 'Read', start: 5_000, duration: null, ok: true }] } };
    const [agent, bash, read] = executionSpans(record, options);
    const ids = toolSpanIdsOf('b');
    expect(bash).toMatchObject({ spanId: ids(0), parentSpanId: agent!.spanId, name: 'execute_tool Bash', startMs: base.metrics.startTime + 1_000, endMs: base.metrics.startTime + 3_500, status: { code: 'error' } });
    expect(bash!.attributes['error.type']).toBe('tool_error');
    expect(read).toMatchObject({ spanId: ids(1), startMs: base.metrics.startTime + 5_000, endMs: base.metrics.startTime + 5_000, status: { code: 'unset' } });
    expect(read!.attributes['agent_track.tool.completed']).toBe(false);
  });

  test('a failed run: ERROR with its first error type, one exception event per error with the recovery action', () => {
    const record = makeRecord({
      id: 'c',
      start: at(2026, 11, 20, 10),
      status: 'failed',
      parent: 'p',
      errors: [
        { type: 'api_error', message: 'overloaded', at: at(2026, 11, 20, 10, 0, 5), recoveryAction: null },
        { type: 'tool_error', message: 'boom', tool: 'Bash', recoveryAction: 'gave up', at: null },
      ],
    });
    const [agent] = executionSpans(record, options);
    expect(agent!.parentSpanId).toBe(agentSpanIdOf('p'));
    expect(agent!.status).toEqual({ code: 'error', message: 'api_error' });
    expect(agent!.attributes['error.type']).toBe('api_error');
    expect(agent!.events).toEqual([
      { name: 'exception', timeMs: at(2026, 11, 20, 10, 0, 5), attributes: { 'exception.type': 'api_error', 'exception.message': 'overloaded' } },
      { name: 'exception', timeMs: agent!.endMs, attributes: { 'exception.type': 'tool_error', 'exception.message': 'boom', 'agent_track.error.tool': 'Bash', 'agent_track.error.recovery_action': 'gave up' } },
    ]);
    const redacted = executionSpans(record, { ...options, redact: new Set(['messages']) })[0]!;
    expect(redacted.events.map((e) => e.attributes['exception.message'])).toEqual([expect.stringMatching(/^sha256:[0-9a-f]{16}$/), expect.stringMatching(/^sha256:/)]);
  });

  test('cost from the built-in prices; none for a model without a price', () => {
    const priced = executionSpans(makeRecord({ id: 'd', start: 0, model: 'claude-sonnet-4-5', tokens: { input: 1_000_000, output: 0 } }), options)[0]!;
    expect(priced.attributes['gen_ai.usage.cost']).toBeGreaterThan(0);
    const unknown = executionSpans(makeRecord({ id: 'e', start: 0, model: 'no-such-model', tokens: { input: 10, output: 10 } }), options)[0]!;
    expect(unknown.attributes['gen_ai.usage.cost']).toBeUndefined();
  });
});

describe('where to send', () => {
  test('flags over trace variables over general ones; the general endpoint gets /v1/traces, the trace one is used as is', () => {
    expect(resolveTarget({}, {}).url).toBe('http://localhost:4318/v1/traces');
    expect(resolveTarget({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c.example/otel/' }).url).toBe('https://c.example/otel/v1/traces');
    expect(resolveTarget({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c.example', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://t.example/ingest' }).url).toBe('https://t.example/ingest');
    expect(resolveTarget({ endpoint: 'http://f.example:4318/v1/traces' }, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://t.example/ingest' }).url).toBe('http://f.example:4318/v1/traces');
    const target = resolveTarget(
      { protocol: 'http/json', header: ['x-b=flag'] },
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_HEADERS: 'x-a=1,x-b=2', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-c=3', OTEL_EXPORTER_OTLP_TIMEOUT: '2500', OTEL_EXPORTER_OTLP_COMPRESSION: 'none' },
    );
    expect(target).toEqual({ url: 'http://localhost:4318/v1/traces', protocol: 'http/json', headers: { 'x-a': '1', 'x-b': 'flag', 'x-c': '3' }, timeoutMs: 2_500, compression: 'none' });
    expect(resolveTarget({}, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).protocol).toBe('http/json');
    expect(resolveTarget({}, {}).compression).toBe('gzip');
    // A wrong value is named by the variable it came from.
    expect(() => resolveTarget({}, { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: 'soon', OTEL_EXPORTER_OTLP_TIMEOUT: '500' })).toThrow('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT expects milliseconds greater than 0, not "soon"');
    expect(() => resolveTarget({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '0' })).toThrow('OTEL_EXPORTER_OTLP_TIMEOUT expects milliseconds greater than 0, not "0"');
    expect(() => resolveTarget({}, { OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'br' })).toThrow('OTEL_EXPORTER_OTLP_TRACES_COMPRESSION expects gzip or none, not "br"');
  });

  test('grpc: port 4317 by default, the endpoint is host:port used as is (no /v1/traces), uncompressed unless asked, headers must be metadata', () => {
    expect(resolveTarget({ protocol: 'grpc' }, {})).toEqual({ url: 'http://localhost:4317', protocol: 'grpc', headers: {}, timeoutMs: 10_000, compression: 'none' });
    expect(resolveTarget({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c.example:4317' }).url).toBe('https://c.example:4317');
    expect(resolveTarget({}, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c.example:4317', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t.example:14317/' }).url).toBe('http://t.example:14317');
    // A path means nothing to gRPC (the official exporter ignores it too): one collector, one cursor entry.
    expect(resolveTarget({ protocol: 'grpc', endpoint: 'http://c.example:4317/v1/traces' }, {}).url).toBe('http://c.example:4317');
    expect(resolveTarget({ protocol: 'grpc' }, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }).compression).toBe('gzip');
    // Shown as written: no "/" that no path would need; credentials and query never.
    expect(shownUrl(resolveTarget({ protocol: 'grpc', endpoint: 'https://u:p@c.example:4317' }, {}).url)).toBe('https://c.example:4317');
    expect(shownUrl('https://u:p@c.example/otel/v1/traces?k=1')).toBe('https://c.example/otel/v1/traces');
    expect(resolveTarget({ protocol: 'grpc', header: ['X-Team=core'] }, { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20t' }).headers).toEqual({ authorization: 'Bearer t', 'X-Team': 'core' });
    expect(() => resolveTarget({ protocol: 'grpc', header: ['x key=1'] }, {})).toThrow('header "x key" cannot be sent as gRPC metadata');
    expect(() => resolveTarget({ protocol: 'grpc' }, { OTEL_EXPORTER_OTLP_HEADERS: 'x-key=s%C3%A9cret' })).toThrow(/^header "x-key": a gRPC metadata value must be printable ASCII$/);
    expect(() => resolveTarget({ protocol: 'grpc', endpoint: 'c.example:4317' }, {})).toThrow(/--endpoint must be an http:\/\/ or https:\/\/ URL/);
  });
});
