/**
 * A scripted stand-in for the Anthropic Messages API, good enough for the real
 * Claude Code binary to run whole `claude -p` sessions offline.
 *
 * How an answer is chosen:
 * - Every conversation (the main thread, and each subagent) is a separate series of
 *   `POST /v1/messages` requests. Its first user message holds the prompt ("RUN-SINGLE go"
 *   on the main thread, the Agent `prompt` for a subagent), so a {@link ConversationScript}
 *   is picked by the first script whose `match` occurs in the text of that first message.
 * - The step is the number of assistant messages already in the request: step 0 answers
 *   the prompt, step 1 answers the first tool results, and so on. This is stateless, so
 *   parallel agents and retries need no bookkeeping.
 * - Requests that are not part of an agent loop (no `tools`: title generation, summaries,
 *   quota probes...) are "side" requests: they get a short text answer, are logged as such
 *   and never shift the step counting.
 *
 * Token usage is deterministic like the captured fixtures: each call reports
 * `input_tokens = 100 + step`, `cache_read_input_tokens = 50`, `output_tokens = 20`, unless
 * the step overrides it. Every request and the usage returned for it is kept in
 * {@link FakeAnthropic.log} so tests can compute what Claude Code should report.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | {
      type: 'tool_use';
      name: string;
      input: Record<string, unknown>;
      /** Defaults to a fresh unique `toolu_...` id. */
      id?: string;
    };

export interface MessageStep {
  content: ContentBlock[];
  /** Defaults to `tool_use` when a tool_use block is present, else `end_turn`. */
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';
  /** Overrides parts of the deterministic usage of this call. */
  usage?: Partial<Usage>;
  /** Wait this long before answering (the agent stays "running" meanwhile). */
  delayMs?: number;
}

export interface ErrorStep {
  /** Answer with an HTTP error and a JSON error body instead of a message. */
  error: { status: number; type?: string; message: string };
  delayMs?: number;
}

export type Step = MessageStep | ErrorStep;

export interface ConversationScript {
  /** Short name used in the log; defaults to the match text. */
  name?: string;
  /** Found in the text of the conversation's first user message. */
  match: string | RegExp;
  /** steps[i] answers a request that already holds i assistant messages. */
  steps: Step[];
  /**
   * What to answer once the steps run out. Default: a text "(script exhausted)"
   * with end_turn, logged with `exhausted: true`.
   */
  afterLast?: Step;
  /**
   * What to answer a `<task-notification>` turn that comes after the last step: Claude
   * Code 2.1.332 runs top-level agents in the background by default and starts a turn
   * for each one that ends. Default: the script's last text answer again, so the
   * session's result reads the same on every release.
   */
  afterNotification?: Step;
}

export type RequestKind = 'script' | 'unmatched' | 'side' | 'count_tokens' | 'other';

export interface LoggedRequest {
  seq: number;
  /** ms since the epoch, when the request body had been read. */
  at: number;
  method: string;
  url: string;
  kind: RequestKind;
  /** Script name for kind 'script'. */
  script?: string;
  /** Claude Code's session id (x-claude-code-session-id header): tells sessions sharing one fake apart. */
  sessionId?: string;
  /** Number of assistant messages in the request. */
  step?: number;
  exhausted?: boolean;
  /** Answered a `<task-notification>` turn after the script's last step. */
  notification?: boolean;
  model?: string;
  stream?: boolean;
  /** Text of the conversation's first user message (system reminders removed), capped. */
  firstUserText?: string;
  /** Names of the tool_use blocks returned. */
  toolUses?: { id: string; name: string }[];
  messageId?: string;
  /** HTTP status answered; 0 while the answer is still pending (delayed step). */
  status: number;
  /** ms since the epoch when the answer was sent. */
  answeredAt?: number;
  /** Usage returned for this call (absent for errors). */
  usage?: Usage;
  /** Set when the client went away before the answer was complete. */
  aborted?: boolean;
  /** The parsed request body, kept only when `keepBodies` is on. */
  body?: unknown;
  headers?: http.IncomingHttpHeaders;
}

export interface FakeAnthropicOptions {
  scripts: ConversationScript[];
  /** Keep whole request bodies in the log (big: ~80 kB each). Default false. */
  keepBodies?: boolean;
  /** Model name echoed back. Default: the requested model. */
  model?: string;
  /**
   * output_tokens announced in message_start (the real API sends a small placeholder
   * there; the final figure comes in message_delta). Default 1.
   */
  startOutputTokens?: number;
}

export interface FakeAnthropic {
  /** e.g. http://127.0.0.1:43121 — use as ANTHROPIC_BASE_URL. */
  readonly url: string;
  readonly port: number;
  /** Every request seen so far, in arrival order. */
  readonly log: LoggedRequest[];
  /** Replace or add scripts while running (e.g. one fake shared by many tests). */
  setScripts(scripts: ConversationScript[]): void;
  /** Forget the log (between sessions sharing one fake). */
  clearLog(): void;
  /** Resolves with the first logged request (past or future) matching pred. */
  waitForRequest(pred: (r: LoggedRequest) => boolean, timeoutMs?: number): Promise<LoggedRequest>;
  /** Requests of one script, in order (optionally of one Claude Code session). */
  requestsOf(script: string, sessionId?: string): LoggedRequest[];
  /**
   * Sum of the usage returned for one script's requests, or for all agent-loop requests
   * when script is undefined; optionally only those of one Claude Code session.
   */
  usageOf(script?: string, sessionId?: string): Usage & { calls: number };
  /** Stops listening and drops open connections (pending delayed answers are cancelled). */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Step builders, so scenario files read like a script.

export const text = (t: string): ContentBlock => ({ type: 'text', text: t });
export const toolUse = (name: string, input: Record<string, unknown>, id?: string): ContentBlock =>
  id ? { type: 'tool_use', name, input, id } : { type: 'tool_use', name, input };
export const bash = (command: string, description = 'run'): ContentBlock => toolUse('Bash', { command, description });
export const agent = (input: {
  description: string;
  prompt: string;
  subagent_type?: string;
  run_in_background?: boolean;
  model?: string;
}): ContentBlock => toolUse('Agent', input);
/** One assistant message; stop_reason follows from the blocks. */
export const say = (...content: ContentBlock[]): MessageStep => ({ content });
export const reply = (t: string): MessageStep => ({ content: [text(t)] });
export const fail = (status: number, message: string, type = 'invalid_request_error'): ErrorStep => ({
  error: { status, message, type },
});
export const isErrorStep = (s: Step): s is ErrorStep => 'error' in s;

export function defaultUsage(step: number): Usage {
  return { input_tokens: 100 + step, cache_read_input_tokens: 50, cache_creation_input_tokens: 0, output_tokens: 20 };
}

// ---------------------------------------------------------------------------

interface ApiMessage {
  role: string;
  content: string | { type: string; text?: string }[];
}

function messageText(m: ApiMessage | undefined): string {
  if (!m) return '';
  if (typeof m.content === 'string') return m.content;
  return m.content
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n');
}

/** True when the latest user message holds a background agent's `<task-notification>` (several may come together). */
export function isNotificationTurn(messages: ApiMessage[] | undefined): boolean {
  const last = [...(messages ?? [])].reverse().find((m) => m.role === 'user');
  return messageText(last).includes('<task-notification>');
}

/** The last step that answers with text only (no tool call), e.g. the final `reply`. */
function lastTextStep(steps: Step[]): MessageStep | undefined {
  return [...steps].reverse().find((s): s is MessageStep => !isErrorStep(s) && s.content.every((b) => b.type === 'text'));
}

/** The user's words of the first user message, without `<system-reminder>` blocks. */
export function firstUserText(messages: ApiMessage[] | undefined): string {
  const first = messages?.find((m) => m.role === 'user');
  return messageText(first)
    .replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '')
    .trim();
}

const rid = (prefix: string) => `${prefix}${randomBytes(8).toString('hex')}`;

export async function startFakeAnthropic(opts: FakeAnthropicOptions): Promise<FakeAnthropic> {
  let scripts = opts.scripts;
  const log: LoggedRequest[] = [];
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let seq = 0;
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const pick = (t: string) =>
    scripts.find((s) => (typeof s.match === 'string' ? t.includes(s.match) : s.match.test(t)));

  // Entries are logged on arrival and updated when answered; waiters re-check on both.
  const record = (r: LoggedRequest) => {
    log.push(r);
    events.emit('request', r);
  };
  const answered = (r: LoggedRequest) => {
    r.answeredAt = Date.now();
    events.emit('request', r);
  };

  const sendJson = (res: http.ServerResponse, status: number, body: unknown) => {
    const s = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
    res.end(s);
  };

  const later = (ms: number | undefined, res: http.ServerResponse, fn: () => void) => {
    if (!ms) return fn();
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    res.on('close', () => {
      clearTimeout(t);
      timers.delete(t);
    });
  };

  function answerMessage(
    res: http.ServerResponse,
    entry: LoggedRequest,
    step: MessageStep,
    stream: boolean,
    model: string,
  ) {
    const usage: Usage = { ...defaultUsage(entry.step ?? 0), ...step.usage };
    const messageId = `msg_${entry.seq}_${randomBytes(4).toString('hex')}`;
    const blocks = step.content.map((b) =>
      b.type === 'tool_use' ? { ...b, id: b.id ?? rid('toolu_') } : b,
    );
    const stopReason = step.stopReason ?? (blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
    entry.messageId = messageId;
    entry.usage = usage;
    entry.status = 200;
    const tu = blocks.filter((b) => b.type === 'tool_use') as { id: string; name: string }[];
    if (tu.length) entry.toolUses = tu.map((b) => ({ id: b.id, name: b.name }));
    answered(entry);

    if (!stream) {
      sendJson(res, 200, {
        id: messageId,
        type: 'message',
        role: 'assistant',
        model,
        content: blocks,
        stop_reason: stopReason,
        stop_sequence: null,
        usage,
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const ev = (type: string, data: Record<string, unknown>) =>
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    ev('message_start', {
      message: {
        id: messageId,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: opts.startOutputTokens ?? 1 },
      },
    });
    blocks.forEach((b, index) => {
      if (b.type === 'text') {
        ev('content_block_start', { index, content_block: { type: 'text', text: '' } });
        ev('content_block_delta', { index, delta: { type: 'text_delta', text: b.text } });
      } else {
        ev('content_block_start', { index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } });
        ev('content_block_delta', {
          index,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) },
        });
      }
      ev('content_block_stop', { index });
    });
    ev('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    });
    ev('message_stop', {});
    res.end();
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '/';
      const entry: LoggedRequest = {
        seq: ++seq,
        at: Date.now(),
        method: req.method ?? '?',
        url,
        kind: 'other',
        status: 0,
      };
      const sid = req.headers['x-claude-code-session-id'];
      if (typeof sid === 'string') entry.sessionId = sid;
      res.on('close', () => {
        if (!res.writableFinished) entry.aborted = true;
      });
      if (req.method !== 'POST' || !url.startsWith('/v1/messages')) {
        // HEAD / (connectivity probe) and anything else: an empty success.
        entry.status = 200;
        record(entry);
        answered(entry);
        if (req.method === 'HEAD') {
          res.writeHead(200);
          res.end();
        } else sendJson(res, 200, {});
        return;
      }
      let body: {
        model?: string;
        stream?: boolean;
        messages?: ApiMessage[];
        tools?: unknown[];
      } = {};
      try {
        body = JSON.parse(raw);
      } catch {
        entry.status = 400;
        record(entry);
        answered(entry);
        sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'bad json' } });
        return;
      }
      if (opts.keepBodies) {
        entry.body = body;
        entry.headers = req.headers;
      }
      entry.model = body.model;
      entry.stream = !!body.stream;
      const model = opts.model ?? body.model ?? 'claude-fake';
      const messages = body.messages ?? [];
      const first = firstUserText(messages);
      entry.firstUserText = first.slice(0, 300);
      entry.step = messages.filter((m) => m.role === 'assistant').length;

      if (url.startsWith('/v1/messages/count_tokens')) {
        entry.kind = 'count_tokens';
        entry.status = 200;
        record(entry);
        answered(entry);
        sendJson(res, 200, { input_tokens: 100 + entry.step });
        return;
      }
      const isLoop = Array.isArray(body.tools) && body.tools.length > 0;
      const script = isLoop ? pick(first) : undefined;
      if (!isLoop) {
        entry.kind = 'side';
        record(entry);
        answerMessage(res, entry, { content: [text('OK')], usage: { input_tokens: 10, cache_read_input_tokens: 0, output_tokens: 2 } }, !!body.stream, model);
        return;
      }
      if (!script) {
        entry.kind = 'unmatched';
        record(entry);
        answerMessage(res, entry, { content: [text('(no script for this prompt)')] }, !!body.stream, model);
        return;
      }
      entry.kind = 'script';
      entry.script = script.name ?? String(script.match);
      let step = script.steps[entry.step];
      const afterNotification = step ? undefined : (script.afterNotification ?? lastTextStep(script.steps));
      if (!step && afterNotification && isNotificationTurn(messages)) {
        entry.notification = true;
        step = { ...afterNotification, delayMs: undefined };
      } else if (!step) {
        entry.exhausted = true;
        step = script.afterLast ?? { content: [text('(script exhausted)')] };
      }
      const s = step;
      record(entry);
      later(s.delayMs, res, () => {
        if (isErrorStep(s)) {
          entry.status = s.error.status;
          answered(entry);
          sendJson(res, s.error.status, {
            type: 'error',
            error: { type: s.error.type ?? 'invalid_request_error', message: s.error.message },
          });
          return;
        }
        answerMessage(res, entry, s, !!body.stream, model);
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const api: FakeAnthropic = {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    setScripts(s) {
      scripts = s;
    },
    clearLog() {
      log.length = 0;
    },
    waitForRequest(pred, timeoutMs = 30_000) {
      const hit = log.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          events.off('request', on);
          reject(new Error(`fake-anthropic: no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        const on = (r: LoggedRequest) => {
          if (!pred(r)) return;
          clearTimeout(t);
          events.off('request', on);
          resolve(r);
        };
        events.on('request', on);
      });
    },
    requestsOf(name, sessionId) {
      return log.filter((r) => r.kind === 'script' && r.script === name && (sessionId === undefined || r.sessionId === sessionId));
    },
    usageOf(name, sessionId) {
      const sum = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, calls: 0 };
      for (const r of log) {
        if (r.kind !== 'script' && r.kind !== 'unmatched') continue;
        if (name !== undefined && r.script !== name) continue;
        if (sessionId !== undefined && r.sessionId !== sessionId) continue;
        if (!r.usage) continue;
        sum.calls++;
        sum.input_tokens += r.usage.input_tokens;
        sum.output_tokens += r.usage.output_tokens;
        sum.cache_read_input_tokens += r.usage.cache_read_input_tokens;
        sum.cache_creation_input_tokens += r.usage.cache_creation_input_tokens;
      }
      return sum;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}
