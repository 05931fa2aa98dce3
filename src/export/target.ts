import { parseKeyPairsIntoRecord } from '@opentelemetry/core';

// Where and how to send, from the flags and the standard OTLP variables that
// Claude Code's own telemetry reads, so a team already shipping that needs no
// new configuration. Flags win over variables; the trace-specific variable
// over the general one (the OTLP exporter specification's order). Pure: the
// environment is passed in.

export const PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export interface ExportTarget {
  url: string;
  protocol: Protocol;
  headers: Record<string, string>;
  timeoutMs: number;
  compression: 'gzip' | 'none';
}

export interface TargetFlags {
  endpoint?: string;
  protocol?: string;
  header?: string[];
}

/** The specification's default collector address for OTLP over HTTP. */
export const DEFAULT_ENDPOINT = 'http://localhost:4318';
/** The same for OTLP/gRPC: the collector's other port. */
export const DEFAULT_GRPC_ENDPOINT = 'http://localhost:4317';
const TRACES_PATH = 'v1/traces';
const DEFAULT_TIMEOUT_MS = 10_000;

export class TargetError extends Error {}

export function resolveTarget(flags: TargetFlags, env: NodeJS.ProcessEnv): ExportTarget {
  const v = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const protocol = protocolOf(flags.protocol ?? v('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? v('OTEL_EXPORTER_OTLP_PROTOCOL'));
  const headers = {
    ...parseKeyPairsIntoRecord(v('OTEL_EXPORTER_OTLP_HEADERS')),
    ...parseKeyPairsIntoRecord(v('OTEL_EXPORTER_OTLP_TRACES_HEADERS')),
    ...headerFlags(flags.header ?? []),
  };
  const grpc = protocol === 'grpc';
  if (grpc) checkMetadata(headers);
  return {
    url: grpc ? grpcUrlOf(flags, v) : urlOf(flags, v),
    protocol,
    headers,
    timeoutMs: timeoutOf(...firstSet(v, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT')),
    // Over HTTP, gzip unless told otherwise: traces compress about tenfold.
    // Over gRPC, none unless told otherwise, as the official gRPC exporter
    // does (and gRPC servers need not accept gzip): on the loopback or a LAN
    // to a collector, compressing costs more CPU than the bytes it saves.
    compression: compressionOf(...firstSet(v, 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION'), grpc ? 'none' : 'gzip'),
  };
}

/** The trace-specific variable's value, else the general one's, with the name of the one it came from (for the message when it is wrong). */
function firstSet(v: (name: string) => string | undefined, traces: string, general: string): [string | undefined, string] {
  const value = v(traces);
  return value !== undefined ? [value, traces] : [v(general), general];
}

/**
 * For gRPC the endpoint is the collector's address, host and port: nothing
 * is appended, and OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is read the same way.
 * A path is dropped, as the official gRPC exporter ignores it (the service
 * path is gRPC's own), so one collector is one cursor entry however it is spelt.
 * http:// means a plaintext connection, https:// TLS.
 */
function grpcUrlOf(flags: TargetFlags, v: (name: string) => string | undefined): string {
  const { text, source } = endpointGiven(flags, v) ?? { text: DEFAULT_GRPC_ENDPOINT, source: 'the default endpoint' };
  const url = new URL(checkedUrl(text, source));
  return `${url.protocol}//${url.host}`;
}

/**
 * gRPC metadata names are lower-case letters, digits and - _ . ; a "-bin"
 * name carries bytes, which a header value cannot; values are printable
 * ASCII. Refused here in one line (naming the header, never its value: often
 * a key), not by grpc-js mid-export with the value in its message.
 */
function checkMetadata(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (!/^[0-9a-z_.-]+$/.test(key) || key.endsWith('-bin') || key.startsWith('grpc-')) throw new TargetError(`header "${name}" cannot be sent as gRPC metadata`);
    if (!/^[ -~]*$/.test(value)) throw new TargetError(`header "${name}": a gRPC metadata value must be printable ASCII`);
  }
}

/**
 * --endpoint and OTEL_EXPORTER_OTLP_ENDPOINT name the collector: /v1/traces is
 * appended. OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is the full URL, used as is.
 * (--endpoint given with /v1/traces already is not doubled.)
 */
function urlOf(flags: TargetFlags, v: (name: string) => string | undefined): string {
  const given = endpointGiven(flags, v);
  if (!given) return withTracesPath(DEFAULT_ENDPOINT);
  const { text, source } = given;
  if (source === 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') return checkedUrl(text, source);
  return checkedUrl(withTracesPath(text, source === 'OTEL_EXPORTER_OTLP_ENDPOINT'), source);
}

/** The endpoint the user gave, by the specification's order (the flag, the trace variable, the general one), and where from; null: none. */
function endpointGiven(flags: TargetFlags, v: (name: string) => string | undefined): { text: string; source: string } | null {
  if (flags.endpoint !== undefined) return { text: flags.endpoint, source: '--endpoint' };
  for (const source of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
    const text = v(source);
    if (text !== undefined) return { text, source };
  }
  return null;
}

function withTracesPath(base: string, always = false): string {
  if (!always && /\/v1\/traces\/?$/.test(base)) return base;
  return `${base.endsWith('/') ? base : `${base}/`}${TRACES_PATH}`;
}

function checkedUrl(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetError(`${source} is not a URL: "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetError(`${source} must be an http:// or https:// URL, not "${text}"`);
  return url.toString();
}

function protocolOf(text: string | undefined): Protocol {
  if (text === undefined) return 'http/protobuf';
  if ((PROTOCOLS as readonly string[]).includes(text)) return text as Protocol;
  throw new TargetError(`unknown OTLP protocol "${text}": expected http/protobuf, http/json or grpc`);
}

function headerFlags(pairs: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new TargetError(`--header expects name=value, not "${pair}"`);
    headers[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return headers;
}

function timeoutOf(text: string | undefined, name: string): number {
  if (text === undefined) return DEFAULT_TIMEOUT_MS;
  const ms = Number(text);
  if (!Number.isFinite(ms) || ms <= 0) throw new TargetError(`${name} expects milliseconds greater than 0, not "${text}"`);
  return ms;
}

function compressionOf(text: string | undefined, name: string, fallback: 'gzip' | 'none'): 'gzip' | 'none' {
  if (text === undefined) return fallback;
  if (text === 'gzip') return 'gzip';
  if (text === 'none') return 'none';
  throw new TargetError(`${name} expects gzip or none, not "${text}"`);
}

/** The URL as printed: no credentials in a log line. */
export function shownUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  // A gRPC address has no path: no "/" that URL adds to one (http://collector:4317).
  const shown = parsed.toString();
  return parsed.pathname === '/' && !url.endsWith('/') ? shown.slice(0, -1) : shown;
}
