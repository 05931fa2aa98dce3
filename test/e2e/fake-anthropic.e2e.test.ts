// The API stand-in on its own (no Claude Code): the SSE shape, step counting, errors,
// side requests and the usage log that the end-to-end tests rely on.
import { afterEach, describe, expect, it } from 'vitest';
import {
  agent,
  bash,
  fail,
  reply,
  say,
  startFakeAnthropic,
  text,
  type FakeAnthropic,
} from './support/fake-anthropic.js';

let api: FakeAnthropic | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const userMsg = (t: string) => ({ role: 'user', content: [{ type: 'text', text: `<system-reminder>\nctx\n</system-reminder>\n\n` }, { type: 'text', text: t }] });
const assistantMsg = { role: 'assistant', content: [{ type: 'text', text: 'x' }] };
const tools = [{ name: 'Bash', input_schema: {} }];

async function post(body: unknown, path = '/v1/messages?beta=true') {
  const res = await fetch(`${api!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

function sseEvents(body: string): { event: string; data: any }[] {
  return body
    .split('\n\n')
    .filter((b) => b.trim())
    .map((b) => {
      const ev = /^event: (.*)$/m.exec(b)![1]!;
      const data = JSON.parse(/^data: (.*)$/m.exec(b)![1]!);
      return { event: ev, data };
    });
}

describe('fake-anthropic', () => {
  it('answers a <task-notification> turn after the last step with the last text, and anything else as exhausted', async () => {
    api = await startFakeAnthropic({ scripts: [{ name: 'main', match: 'RUN-N', steps: [say(agent({ description: 'd', prompt: 'SUB-N go' })), reply('All done.')] }] });
    const done = [userMsg('RUN-N go'), assistantMsg, userMsg('launched'), assistantMsg];
    const notified = await post({ model: 'm', stream: true, tools, messages: [...done, userMsg('<task-notification>\n<status>completed</status>\n</task-notification>')] });
    expect(sseEvents(notified.text).find((e) => e.event === 'content_block_delta')!.data.delta.text).toBe('All done.');
    const other = await post({ model: 'm', stream: true, tools, messages: [...done, userMsg('something else')] });
    expect(sseEvents(other.text).find((e) => e.event === 'content_block_delta')!.data.delta.text).toBe('(script exhausted)');
    expect(api.log.map((r) => [r.step, r.notification ?? false, r.exhausted ?? false])).toEqual([
      [2, true, false],
      [2, false, true],
    ]);
  });

  it('streams the scripted step chosen by first user message and assistant count', async () => {
    api = await startFakeAnthropic({
      scripts: [
        { name: 'main', match: 'RUN-X', steps: [say(text('hi'), agent({ description: 'd', prompt: 'SUB-Y go' }), bash('ls')), reply('done')] },
        { name: 'sub', match: 'SUB-Y', steps: [reply('sub done')] },
      ],
    });
    const r0 = await post({ model: 'm', stream: true, tools, messages: [userMsg('RUN-X go')] });
    expect(r0.status).toBe(200);
    expect(r0.type).toContain('text/event-stream');
    const ev = sseEvents(r0.text);
    expect(ev.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(ev[0]!.data.message.usage).toMatchObject({ input_tokens: 100, cache_read_input_tokens: 50 });
    expect(ev[4]!.data.content_block).toMatchObject({ type: 'tool_use', name: 'Agent' });
    expect(JSON.parse(ev[5]!.data.delta.partial_json)).toEqual({ description: 'd', prompt: 'SUB-Y go' });
    expect(ev[10]!.data).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 20 } });

    const r1 = await post({ model: 'm', stream: true, tools, messages: [userMsg('RUN-X go'), assistantMsg, userMsg('result')] });
    const ev1 = sseEvents(r1.text);
    expect(ev1[0]!.data.message.usage.input_tokens).toBe(101);
    expect(ev1.find((e) => e.event === 'message_delta')!.data.delta.stop_reason).toBe('end_turn');

    await post({ model: 'm', stream: true, tools, messages: [userMsg('SUB-Y go')] });
    expect(api.log.map((r) => [r.kind, r.script, r.step])).toEqual([
      ['script', 'main', 0],
      ['script', 'main', 1],
      ['script', 'sub', 0],
    ]);
    expect(api.usageOf('main')).toEqual({ calls: 2, input_tokens: 201, cache_read_input_tokens: 100, cache_creation_input_tokens: 0, output_tokens: 40 });
    expect(api.usageOf()).toMatchObject({ calls: 3, input_tokens: 301 });
  });

  it('answers side requests (no tools), count_tokens, HEAD and errors without shifting steps', async () => {
    api = await startFakeAnthropic({ scripts: [{ name: 'e', match: 'RUN-E', steps: [fail(400, 'scripted failure')] }] });
    const side = await post({ model: 'haiku', stream: false, messages: [userMsg('RUN-E title please')] });
    expect(side.status).toBe(200);
    expect(JSON.parse(side.text)).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'OK' }] });
    const count = await post({ model: 'm', messages: [userMsg('RUN-E')] }, '/v1/messages/count_tokens?beta=true');
    expect(JSON.parse(count.text)).toHaveProperty('input_tokens');
    expect((await fetch(api.url, { method: 'HEAD' })).status).toBe(200);
    const err = await post({ model: 'm', stream: true, tools, messages: [userMsg('RUN-E go')] });
    expect(err.status).toBe(400);
    expect(JSON.parse(err.text)).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'scripted failure' } });
    expect(api.log.map((r) => r.kind)).toEqual(['side', 'count_tokens', 'other', 'script']);
    expect(api.usageOf('e').calls).toBe(0);
  });

  it('holds a delayed answer, visible as pending in the log', async () => {
    api = await startFakeAnthropic({ scripts: [{ name: 'slow', match: 'RUN-SLOW', steps: [{ ...reply('late'), delayMs: 300 }] }] });
    const t0 = Date.now();
    const p = post({ model: 'm', stream: true, tools, messages: [userMsg('RUN-SLOW')] });
    const pending = await api.waitForRequest((r) => r.script === 'slow');
    expect(pending.status).toBe(0);
    await p;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(api.log[0]!.status).toBe(200);
  });
});
