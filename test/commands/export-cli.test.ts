import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { afterEach, describe, expect, test } from 'vitest';
import { ExportSummary } from '../../src/schema/export';
import { BIN } from '../support/cli';
import { freePort, startReceiver, type Receiver } from '../support/otlp-receiver';
import { allRecords, filesUnder, replayFixture } from '../support/replay';

// `agent-track export` as users and the SessionEnd hook run it: the built
// binary, asynchronously (the receiver lives in this process and must answer).

const receivers: Receiver[] = [];
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

  test('bad flags: one line, exit 2', async () => {
    const { logsDir } = replayFixture('single');
    for (const [args, message] of [
      [['--protocol', 'grpc'], /protocol grpc is not supported/],
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
