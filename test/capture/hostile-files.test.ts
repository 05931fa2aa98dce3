import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ingestPayload } from '../../src/capture/ingest.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/schema/config.js';
import { runCli, runHook, startHook } from '../support/cli.js';
import { isAgentEvent, loadFixture } from '../support/fixtures.js';
import { sweepInFlight } from '../../src/capture/sweep.js';
import { allRecords, BASE_TIME, filesUnder, replayFixture } from '../support/replay.js';

// What a payload or a repository can hand the hook and the commands: ids that
// climb out of Claude Code's folder, config and settings files that are FIFOs
// or links to /dev/zero, a payload cut off on a stdin left open, events out of order.

const warnings = (logsDir: string, payloads: Record<string, unknown>[]) => {
  const warned: string[] = [];
  payloads.forEach((payload, i) =>
    ingestPayload(payload, { logsDir, config: DEFAULT_CONFIG, now: BASE_TIME + i * 1_000, deadline: Date.now() + 5_000, warn: (m) => warned.push(m) }),
  );
  return warned;
};

describe('ids from payloads', () => {
  test('an agent_id with "../" never makes the hook read a meta file or transcript outside Claude Code\'s folder', () => {
    const fixture = loadFixture('single');
    const payloads = fixture.payloads.filter(isAgentEvent);
    const realId = payloads.find((p) => typeof p.agent_id === 'string')!.agent_id as string;
    const subagents = join(dirname(payloads[0]!.transcript_path as string), fixture.sessionId, 'subagents');
    // A meta file and transcript planted two folders up, where "../../x" leads.
    const planted = join(dirname(payloads[0]!.transcript_path as string), 'x');
    const hostile = `../../x`;
    mkdirSync(dirname(planted), { recursive: true });
    cpSync(join(subagents, `agent-${realId}.meta.json`), join(dirname(subagents), '..', '..', `agent-${hostile.split('/').pop()}.meta.json`));
    writeFileSync(join(subagents, '..', '..', 'agent-x.jsonl'), readFileSync(join(subagents, `agent-${realId}.jsonl`)));
    const renamed = payloads.map((p) => {
      const copy = JSON.parse(JSON.stringify(p).split(realId).join(hostile)) as Record<string, unknown>;
      // The stop's own path to the transcript is Claude Code's; the hostile id is what must not be followed.
      delete copy.agent_transcript_path;
      return copy;
    });
    const warned = warnings(fixture.logsDir, renamed);
    expect(warned.some((w) => /not in Claude Code's format/.test(w))).toBe(true);
    const [record] = allRecords(fixture.logsDir);
    // Nothing read from the planted transcript: none of its tool calls or API calls.
    expect(record!.metrics.toolCalls).toEqual({});
    expect(record!.metrics.apiCalls ?? 0).toBe(0);
  });
});

describe('config and settings files that are not regular files', () => {
  test('a config that is a FIFO or a link to /dev/zero is refused at once, with a clear reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-track-config-'));
    const fifo = join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    const zero = join(dir, 'zero.json');
    symlinkSync('/dev/zero', zero);
    expect(() => loadConfig(fifo)).toThrow(ConfigError);
    expect(() => loadConfig(fifo)).toThrow(/not a regular file/);
    expect(() => loadConfig(zero)).toThrow(/not a regular file/);
  });

  test('the hook with a config linked to /dev/zero records the run with the defaults and logs why', () => {
    const fixture = loadFixture('single');
    const config = join(fixture.root, 'agent-track.json');
    symlinkSync('/dev/zero', config);
    for (const payload of fixture.payloads.filter(isAgentEvent)) {
      const run = runHook(JSON.stringify(payload), { CLAUDE_PROJECT_DIR: fixture.projectDir, AGENT_TRACK_CONFIG: config });
      expect([run.status, run.stdout, run.stderr]).toEqual([0, '', '']);
    }
    expect(allRecords(fixture.logsDir)).toHaveLength(1);
    expect(readFileSync(join(fixture.logsDir, 'hook-errors.log'), 'utf8')).toMatch(/agent-track\.json is not a regular file/);
  });

  test('install refuses a settings file that is a FIFO, in one line, without hanging', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-track-install-'));
    mkdirSync(join(dir, '.claude'));
    execFileSync('mkfifo', [join(dir, '.claude', 'settings.json')]);
    const run = runCli(['install'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/settings\.json is not a regular file.*Nothing was changed/)]);
  });

  test('install keeps a top-level "__proto__" key of settings.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-track-install-'));
    mkdirSync(join(dir, '.claude'));
    writeFileSync(join(dir, '.claude', 'settings.json'), '{"__proto__": {"polluted": true}, "model": "opus"}\n');
    expect(runCli(['install'], { cwd: dir }).status).toBe(0);
    const text = readFileSync(join(dir, '.claude', 'settings.json'), 'utf8');
    const keys = Object.keys(JSON.parse(text));
    expect(keys).toEqual(['__proto__', 'model', 'hooks']);
    expect(runCli(['uninstall'], { cwd: dir }).status).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, '.claude', 'settings.json'), 'utf8')))).toEqual(['__proto__', 'model']);
  });
});

describe('stdin', () => {
  test('a payload cut off on a stdin left open is given up on long before the rest would come (1.5 s later)', async () => {
    const fixture = loadFixture('single');
    const payload = JSON.stringify(fixture.payloads.filter(isAgentEvent)[0]);
    const hook = startHook(payload.slice(0, 200), { CLAUDE_PROJECT_DIR: fixture.projectDir }, { keepStdinOpen: true });
    const late = new Promise<void>((resolve) =>
      setTimeout(() => {
        if (hook.child.exitCode === null) hook.child.stdin.write(payload.slice(200));
        resolve();
      }, 1_500),
    );
    const run = await hook.done;
    await late;
    hook.child.stdin.destroy();
    expect([run.status, run.stdout, run.stderr]).toEqual([0, '', '']);
    // Gave up on the cut-off payload: logged as not JSON, nothing stored from the late rest.
    expect(JSON.parse(readFileSync(join(fixture.logsDir, 'hook-errors.log'), 'utf8').split('\n')[0]!).message).toMatch(/not JSON/);
    expect(existsSync(join(fixture.logsDir, '.state'))).toBe(false);
  });
});

describe('events out of order', () => {
  test('a PostToolUse whose process started before the PreToolUse\'s never ends the run before it began', () => {
    const fixture = loadFixture('single');
    const payloads = fixture.payloads.filter(isAgentEvent);
    const post = payloads.findIndex((p) => p.hook_event_name === 'PostToolUse');
    const pre = payloads.findIndex((p) => p.hook_event_name === 'PreToolUse');
    // The PostToolUse's process started first (at index 0's time), the PreToolUse's last.
    const order = [post, ...payloads.map((_, i) => i).filter((i) => i !== post && i !== pre), pre];
    order.forEach((index, n) =>
      ingestPayload(payloads[index], { logsDir: fixture.logsDir, config: DEFAULT_CONFIG, now: BASE_TIME + (index === pre ? 60_000 : n * 1_000), deadline: Date.now() + 5_000 }),
    );
    const [record] = allRecords(fixture.logsDir);
    expect(record!.metrics.endTime).toBeGreaterThanOrEqual(record!.metrics.startTime);
  });
});

describe('state files read back', () => {
  test('a written.json of the wrong shape reads as no marker: the sweep rewrites the record instead of throwing on it', () => {
    const fixture = replayFixture('single');
    const markers = filesUnder(join(fixture.logsDir, '.state')).filter((path) => path.endsWith('/written.json'));
    expect(markers.length).toBeGreaterThan(0);
    const before = allRecords(fixture.logsDir);
    // "events" a string, "revision" missing: a cast would have trusted it and compared its characters to event names.
    for (const marker of markers) writeFileSync(join(fixture.logsDir, '.state', marker), JSON.stringify({ recordPath: 7, events: 'exec' }));
    const result = sweepInFlight(fixture.logsDir, DEFAULT_CONFIG, BASE_TIME + 60_000);
    expect(result.errors).toEqual([]);
    expect(result.repaired + result.closed).toBeGreaterThan(0);
    expect(allRecords(fixture.logsDir).map((r) => [r.id, r.result.status])).toEqual(before.map((r) => [r.id, r.result.status]));
    for (const marker of markers) {
      const rewritten = JSON.parse(readFileSync(join(fixture.logsDir, '.state', marker), 'utf8'));
      expect(Array.isArray(rewritten.events) && typeof rewritten.recordPath === 'string').toBe(true);
    }
  });
});
