import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { afterEach, describe, expect, test } from 'vitest';
import { ExportAllSummary, ExportSummary } from '../../src/schema/export';
import { BIN } from '../support/cli';
import { startGrpcReceiver, type GrpcReceiver } from '../support/grpc-receiver';
import { freePort, startReceiver, type Receiver } from '../support/otlp-receiver';
import { isAgentEvent, loadFixture, type FixtureName } from '../support/fixtures';
import { allRecords, filesUnder, replay, replayFixture } from '../support/replay';

// `agent-track export` as users and the SessionEnd hook run it: the built
// binary, asynchronously (the receiver lives in this process and must answer).

const receivers: (Receiver | GrpcReceiver)[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(options: Parameters<typeof startReceiver>[0] = {}) {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<Result> {
  const started = Date.now();
  const clean: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
  for (const key of Object.keys(clean)) if (key.startsWith('OTEL_') && !(key in env)) delete clean[key];
  delete clean.AGENT_TRACK_LOGS_DIR;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: clean });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr, ms: Date.now() - started }));
    child.stdin.end(input ?? '');
  });
}

describe('agent-track export', () => {
  test('reads the standard OTLP variables; a re-run sends nothing; --json follows its published schema', async () => {
    const { logsDir } = replayFixture('fanout');
    const records = allRecords(logsDir);
    const r = await receiver();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: r.url, OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20t0ken,x-team=core', OTEL_RESOURCE_ATTRIBUTES: 'team=core' };
    const first = await run(['--logs-dir', logsDir, 'export', '--json'], env);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const summary = z.parse(ExportSummary, JSON.parse(first.stdout));
    expect(summary).toMatchObject({ delivered: records.length, notDelivered: 0, endpoint: `${r.url}/v1/traces` });
    expect(r.requests[0]!.headers).toMatchObject({ authorization: 'Bearer t0ken', 'x-team': 'core', 'content-encoding': 'gzip' });
    expect(r.spans[0]!.resource).toMatchObject({ team: 'core', 'service.name': 'claude-code-subagents' });
    const again = await run(['--logs-dir', logsDir, 'export'], env);
    expect(again.stdout).toMatch(/export: nothing new for http:\/\/127\.0\.0\.1:\d+\/v1\/traces \(3 already delivered\)/);
    expect(r.requests).toHaveLength(1);
  });

  test('a collector that is down: exit 1, one line naming what was not delivered', async () => {
    const { logsDir } = replayFixture('single');
    const port = await freePort();
    const result = await run(['--logs-dir', logsDir, 'export', '--endpoint', `http://127.0.0.1:${port}`], { OTEL_EXPORTER_OTLP_TIMEOUT: '800' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^agent-track: 1 execution not delivered to http://127.0.0.1:${port}/v1/traces \\(.*ECONNREFUSED.*\\); the next export sends them\\n$`));
  });

  test('OTEL_EXPORTER_OTLP_PROTOCOL=grpc: the built CLI loads its gRPC bundle and delivers; a collector that is down is exit 1, named', async () => {
    const { logsDir } = replayFixture('fanout');
    const records = allRecords(logsDir);
    const r = await startGrpcReceiver();
    receivers.push(r);
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: r.url, OTEL_EXPORTER_OTLP_HEADERS: 'x-team=core' };
    const first = await run(['--logs-dir', logsDir, 'export', '--json'], env);
    expect([first.status, first.stderr]).toEqual([0, '']);
    const summary = z.parse(ExportSummary, JSON.parse(first.stdout));
    expect(summary).toMatchObject({ protocol: 'grpc', delivered: records.length, notDelivered: 0, endpoint: r.url });
    expect(r.spans).toHaveLength(summary.spans);
    expect(r.calls[0]!.metadata).toMatchObject({ 'x-team': 'core' });

    const single = replayFixture('single');
    const port = await freePort();
    const down = await run(['--logs-dir', single.logsDir, 'export', '--protocol', 'grpc', '--endpoint', `http://127.0.0.1:${port}`], { OTEL_EXPORTER_OTLP_TIMEOUT: '800' });
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(new RegExp(`^agent-track: 1 execution not delivered to http://127.0.0.1:${port} \\(gRPC (UNAVAILABLE|DEADLINE_EXCEEDED): .*\\); the next export sends them\\n$`));
  });

  // A certificate made for the test (no key kept in the repository): openssl, which CI images and this machine have.
  const openssl = spawnSync('openssl', ['version']).status === 0;
  test.skipIf(!openssl)('grpc over https:// is TLS, trusting OTEL_EXPORTER_OTLP_CERTIFICATE; without it the certificate is refused', async () => {
    const { logsDir, root } = replayFixture('single');
    const cert = join(root, 'collector.pem');
    const key = join(root, 'collector.key');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const r = await startGrpcReceiver({ tls: { cert: readFileSync(cert), key: readFileSync(key) } });
    receivers.push(r);
    const endpoint = `https://localhost:${r.port}`;
    const args = ['--logs-dir', logsDir, 'export', '--protocol', 'grpc', '--endpoint', endpoint];
    const untrusted = await run(args, { OTEL_EXPORTER_OTLP_TIMEOUT: '1500' });
    expect(untrusted.status).toBe(1);
    // The handshake fails on every attempt until the deadline (with a longer timeout: UNAVAILABLE naming the certificate).
    expect(untrusted.stderr).toMatch(/^agent-track: 1 execution not delivered to https:\/\/localhost:\d+ \(gRPC (DEADLINE_EXCEEDED|UNAVAILABLE): /);
    expect(r.calls).toHaveLength(0);
    const trusted = await run(args, { OTEL_EXPORTER_OTLP_CERTIFICATE: cert });
    expect([trusted.status, trusted.stderr]).toEqual([0, '']);
    expect(trusted.stdout).toContain(`1 execution (${r.spans.length} spans) delivered to ${endpoint}`);
    expect(r.calls).toHaveLength(1);
    // By IP address: TLS names no IP (RFC 6066), and Node's warning about it is kept out of the command's output.
    const byIp = await run(['--logs-dir', logsDir, 'export', '--protocol', 'grpc', '--endpoint', `https://127.0.0.1:${r.port}`], { OTEL_EXPORTER_OTLP_CERTIFICATE: cert });
    expect([byIp.status, byIp.stderr]).toEqual([0, '']);
    expect(r.calls).toHaveLength(2);
  });

  test('bad flags: one line, exit 2', async () => {
    const { logsDir } = replayFixture('single');
    for (const [args, message] of [
      [['--protocol', 'spdy'], /unknown OTLP protocol "spdy": expected http\/protobuf, http\/json or grpc/],
      [['--protocol', 'grpc', '--header', 'x-key-bin=abc'], /header "x-key-bin" cannot be sent as gRPC metadata/],
      [['--redact', 'emails'], /--redact expects prompts, paths, messages/],
      [['--header', 'novalue'], /--header expects name=value/],
      [['--endpoint', 'ftp://x'], /--endpoint must be an http/],
      [['--since', 'yesterday'], /--since expects a date/],
    ] as const) {
      const result = await run(['--logs-dir', logsDir, 'export', ...args]);
      expect([result.status, result.stderr.split('\n')[0]]).toEqual([2, expect.stringMatching(message)]);
    }
  });

  test('--cron prints an hourly entry that names the collector and keeps headers out', async () => {
    const { logsDir } = replayFixture('single');
    const result = await run(['--logs-dir', logsDir, 'export', '--cron', '--redact', 'prompts'], { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com:4318', OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cret' });
    expect(result.status).toBe(0);
    const [comment, entry] = result.stdout.trimEnd().split('\n');
    expect(comment).toBe(`# agent-track: hourly OpenTelemetry export for ${logsDir}`);
    expect(entry).toMatch(/^\d{1,2} \* \* \* \* \S+ \S+\/bin\/agent-track --logs-dir \S+ export --endpoint https:\/\/otel\.example\.com:4318\/v1\/traces --redact prompts >> \S+export\.log 2>&1$/);
    expect(result.stdout).not.toContain('s3cret');
    expect(result.stderr).toMatch(/headers are not written into the entry/);
  });

  test('without export.afterSession the SessionEnd hook starts no export; a logs folder that does not exist is not created', async () => {
    const { logsDir, payloads, root } = replayFixture('single');
    const r = await receiver();
    const sessionEnd = payloads.find((p) => p.hook_event_name === 'SessionEnd')!;
    const hook = await run(['--logs-dir', logsDir, 'hook'], { OTEL_EXPORTER_OTLP_ENDPOINT: r.url }, JSON.stringify(sessionEnd));
    expect([hook.status, hook.stdout, hook.stderr]).toEqual([0, '', '']);
    await new Promise((f) => setTimeout(f, 1_000));
    expect(r.requests).toHaveLength(0);
    expect(filesUnder(logsDir)).not.toContain('export.log');
    const nowhere = join(root, 'nowhere');
    const none = await run(['--logs-dir', nowhere, 'export', '--endpoint', r.url]);
    expect([none.status, none.stdout]).toEqual([0, `Nothing to export: ${nowhere} does not exist.\n`]);
    expect(existsSync(nowhere)).toBe(false);
  });

  test('export.afterSession: the SessionEnd hook returns at once and a detached export delivers the session', async () => {
    const { logsDir, payloads } = replayFixture('fanout');
    const records = allRecords(logsDir);
    const r = await receiver();
    const config = join(logsDir, '..', 'agent-track.json');
    writeFileSync(config, JSON.stringify({ export: { afterSession: true } }));
    const sessionEnd = payloads.find((p) => p.hook_event_name === 'SessionEnd')!;
    const hook = await run(['--logs-dir', logsDir, 'hook'], { OTEL_EXPORTER_OTLP_ENDPOINT: r.url }, JSON.stringify(sessionEnd));
    expect([hook.status, hook.stdout, hook.stderr]).toEqual([0, '', '']);
    expect(hook.ms).toBeLessThan(1_500);
    for (let waited = 0; r.spans.length === 0 && waited < 15_000; waited += 100) await new Promise((f) => setTimeout(f, 100));
    expect(new Set(r.spans.filter((s) => s.name.startsWith('invoke_agent')).map((s) => s.attributes['agent_track.execution.id']))).toEqual(new Set(records.map((x) => x.id)));
    for (let waited = 0; !filesUnder(logsDir).includes('export.log') && waited < 5_000; waited += 100) await new Promise((f) => setTimeout(f, 100));
    await new Promise((f) => setTimeout(f, 300));
    expect(readFileSync(join(logsDir, 'export.log'), 'utf8')).toMatch(/export: 3 executions \(\d+ spans\) delivered to/);
  });
});

/** Projects under one temporary home, in agent-track's registry; "gone" registered and then deleted. */
function projects(scenarios: Record<string, FixtureName>, config: Record<string, unknown> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-export-all-'));
  const registry: Record<string, { logsDir: string; lastSeen: number }> = {};
  for (const [name, scenario] of Object.entries({ ...scenarios, gone: 'single' as FixtureName })) {
    const logsDir = join(root, name, '.claude', 'execution-logs');
    mkdirSync(logsDir, { recursive: true });
    replay(logsDir, loadFixture(scenario).payloads.filter(isAgentEvent));
    if (config[name]) writeFileSync(join(root, name, '.claude', 'agent-track.json'), JSON.stringify(config[name]));
    registry[join(root, name)] = { logsDir, lastSeen: 1 };
  }
  rmSync(join(root, 'gone'), { recursive: true });
  mkdirSync(join(root, 'config', 'agent-track'), { recursive: true });
  writeFileSync(join(root, 'config', 'agent-track', 'projects.json'), JSON.stringify({ v: 1, projects: registry }));
  return { root, env: { HOME: root, XDG_CONFIG_HOME: join(root, 'config'), CLAUDE_CONFIG_DIR: join(root, 'claude') } };
}

describe('agent-track export --all-projects', () => {
  test('each project from its own logs folder, cursor and config; the deleted one is not tried; totals add up', async () => {
    const { root, env } = projects({ api: 'single', web: 'fanout' }, { web: { export: { serviceName: 'web-agents' } } });
    const r = await receiver();
    const first = await run(['export', '--all-projects', '--endpoint', r.url, '--json'], env);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const summary = z.parse(ExportAllSummary, JSON.parse(first.stdout));
    expect(summary.projects.map((p) => [p.project, p.summary?.delivered])).toEqual([
      [join(root, 'api'), 1],
      [join(root, 'web'), 3],
    ]);
    expect(summary.totals).toMatchObject({ projects: 2, delivered: 4, notDelivered: 0 });
    expect(summary.totals.spans).toBe(summary.projects.reduce((n, p) => n + p.summary!.spans, 0));
    expect(summary.notDelivered).toEqual([]);
    // The resource names each span's own project, and each project's config is its own.
    const byProject = new Map<unknown, Set<unknown>>();
    for (const span of r.spans) byProject.set(span.resource['agent_track.project'], (byProject.get(span.resource['agent_track.project']) ?? new Set()).add(span.resource['service.name']));
    expect(Object.fromEntries([...byProject].map(([k, v]) => [k, [...v]]))).toEqual({ api: ['claude-code-subagents'], web: ['web-agents'] });
    // One cursor per project: a run of one project on its own, or of all again, sends nothing.
    expect(existsSync(join(root, 'api', '.claude', 'execution-logs', '.state', '.export-cursor.json'))).toBe(true);
    const alone = await run(['--logs-dir', join(root, 'web', '.claude', 'execution-logs'), 'export', '--endpoint', r.url], env);
    expect(alone.stdout).toMatch(/nothing new .* \(3 already delivered\)/);
    const again = await run(['export', '--all-projects', '--endpoint', r.url], env);
    expect(again.status).toBe(0);
    expect(again.stdout.split('\n').filter(Boolean).map((l) => l.replace(/: .*export: /, ': '))).toEqual([
      `${join(root, 'api')}: nothing new for ${r.url}/v1/traces (1 already delivered)`,
      `${join(root, 'web')}: nothing new for ${r.url}/v1/traces (3 already delivered)`,
    ]);
    expect(r.requests).toHaveLength(2);
  });

  test('a collector that is down: exit 1, each project not delivered named; the next run delivers them', async () => {
    const { root, env } = projects({ api: 'single', web: 'fanout' });
    const port = await freePort();
    const down = await run(['export', '--all-projects', '--endpoint', `http://127.0.0.1:${port}`, '--json'], { ...env, OTEL_EXPORTER_OTLP_TIMEOUT: '800' });
    expect(down.status).toBe(1);
    const summary = z.parse(ExportAllSummary, JSON.parse(down.stdout));
    expect(summary.notDelivered).toEqual([join(root, 'api'), join(root, 'web')]);
    expect(summary.totals).toMatchObject({ delivered: 0, notDelivered: 4 });
    expect(down.stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(new RegExp(`^agent-track: ${join(root, 'api')}: 1 execution not delivered to http://127.0.0.1:${port}/v1/traces \\(.*ECONNREFUSED.*\\)`)),
      expect.stringMatching(new RegExp(`^agent-track: ${join(root, 'web')}: 3 executions not delivered`)),
    ]);
    const r = await receiver({ port });
    const up = await run(['export', '--all-projects', '--endpoint', r.url, '--json'], env);
    expect(up.status, up.stderr).toBe(0);
    expect(z.parse(ExportAllSummary, JSON.parse(up.stdout)).totals).toMatchObject({ delivered: 4, notDelivered: 0 });
  });

  test('--all-projects with a single-project flag: one line, exit 2', async () => {
    const { env } = projects({ api: 'single' });
    const result = await run(['--logs-dir', '/tmp', 'export', '--all-projects'], env);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^agent-track: --all-projects exports every project with its own config: leave out --logs-dir/);
  });
});
