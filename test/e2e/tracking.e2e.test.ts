// agent-track as users run it: `agent-track install` in a project (or the repo
// as a plugin with --plugin-dir), then the real Claude Code, each supported
// release in turn (2.1.197 and the current pin), runs sessions against the API stand-in. The records must equal the client's own
// numbers: the Agent tool_response totals (seen by a raw capture hook
// installed next to ours), the subagent transcripts, and the session result.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { costOf } from '../../src/analytics/cost';
import { addTokens, emptyTokens } from '../../src/analytics/day-summary';
import { AgentExecution } from '../../src/schema/record';
import { listDays, readDayRecords } from '../../src/store/records';
import { agentTrack } from './support/agent-track.js';
import { startFakeAnthropic, type FakeAnthropic } from './support/fake-anthropic.js';
import {
  CAPTURE_HOOK,
  CLAUDE_RELEASES,
  captureHooks,
  cleanup,
  createPlugin,
  createProject,
  readCapture,
  REPO_ROOT,
  runClaude,
  subagentsDir,
  transcriptUsage,
  waitForProcess,
  type CaptureRecord,
  type ClaudeRelease,
  type SessionDirs,
  type SessionOptions,
  type SessionResult,
} from './support/claude-session.js';
import { ALL_SCRIPTS, background, fanout, interrupted, LONG_PROCESS, nested, pluginAgent, single, unknownType, type Scenario } from './support/scenarios.js';

const CAPTURED = ['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'SubagentStart', 'SubagentStop', 'SessionEnd'];
const KEEP = process.env.E2E_KEEP === '1';

let api: FakeAnthropic;
const toClean: SessionDirs[] = [];
const tmpDirs: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'hook.cjs'))) throw new Error('dist/ missing: run `npm run build` (npm test does)');
  api = await startFakeAnthropic({ scripts: ALL_SCRIPTS });
});
afterAll(async () => {
  await api?.close();
  if (!KEEP) {
    toClean.forEach(cleanup);
    tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  }
});
afterEach(() => api.clearLog());

interface Tracked {
  r: SessionResult;
  dirs: SessionDirs;
  logsDir: string;
  records: AgentExecution[];
  captured: CaptureRecord[];
}

function loadRecords(logsDir: string): AgentExecution[] {
  const problems: string[] = [];
  const records = listDays(logsDir).flatMap((day) => readDayRecords(logsDir, day, (p) => problems.push(`${p.path}: ${p.problem}`)));
  expect(problems).toEqual([]);
  return records.sort((a, b) => a.metrics.startTime - b.metrics.startTime);
}

async function trackScenario(sc: Scenario, options: Partial<SessionOptions> & { viaPlugin?: boolean; config?: object } = {}): Promise<Tracked> {
  const pluginDirs: string[] = [];
  if (sc.plugin) {
    const d = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'at-e2e-plugin-'));
    tmpDirs.push(d);
    pluginDirs.push(createPlugin(d, sc.plugin));
  }
  // A raw capture hook beside ours records what Claude Code itself reported.
  const dirs = createProject({ agents: sc.agents, hooks: captureHooks(CAPTURED) });
  toClean.push(dirs);
  if (options.config) fs.writeFileSync(path.join(dirs.project, '.claude', 'agent-track.json'), JSON.stringify(options.config));
  if (options.viaPlugin) pluginDirs.push(REPO_ROOT);
  else {
    const install = agentTrack(['install'], dirs);
    expect(install.status, install.stderr).toBe(0);
  }
  const { viaPlugin: _v, config: _c, ...rest } = options;
  const r = await runClaude({ dirs, apiUrl: api.url, prompt: sc.prompt, pluginDirs, ...rest });
  const logsDir = path.join(dirs.project, '.claude', 'execution-logs');
  const errors = path.join(logsDir, 'hook-errors.log');
  expect(fs.existsSync(errors) ? fs.readFileSync(errors, 'utf8') : '').toBe('');
  return { r, dirs, logsDir, records: fs.existsSync(logsDir) ? loadRecords(logsDir) : [], captured: readCapture(dirs.captureFile) };
}

const payloads = (t: Tracked, event: string) => t.captured.filter((c) => c.payload?.hook_event_name === event).map((c) => c.payload);
const transcriptOf = (t: Tracked, agentId: string) => transcriptUsage(path.join(subagentsDir(t.dirs, t.r.sessionId!), `agent-${agentId}.jsonl`));
const completions = (t: Tracked) =>
  listDays(t.logsDir).flatMap((day) => {
    const file = path.join(t.logsDir, day, 'completions.jsonl');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
  });

/** Billed tokens of the records plus the main thread's (its transcript) equal Claude Code's session totals. */
function expectSessionTotals(t: Tracked) {
  const [usage] = Object.values(t.r.result!.modelUsage) as Record<string, number>[];
  const sum = (pick: (r: AgentExecution) => number) => t.records.reduce((s, r) => s + pick(r), 0);
  const main = transcriptUsage(path.join(t.dirs.transcriptsDir, `${t.r.sessionId}.jsonl`)).sum;
  expect(sum((r) => r.metrics.tokens?.input ?? 0) + main.input_tokens).toBe(usage!.inputTokens);
  expect(sum((r) => r.metrics.tokens?.output ?? 0) + main.output_tokens).toBe(usage!.outputTokens);
  expect(sum((r) => r.metrics.tokens?.cacheRead ?? 0) + main.cache_read_input_tokens).toBe(usage!.cacheReadInputTokens);
  expect(sum((r) => r.metrics.tokens?.cacheCreation ?? 0) + main.cache_creation_input_tokens).toBe(usage!.cacheCreationInputTokens);
  // And priced from the bundled list, they cost what Claude Code charged, to the millionth.
  const [model] = Object.keys(t.r.result!.modelUsage);
  const tokens = emptyTokens();
  for (const r of t.records) if (r.metrics.tokens) addTokens(tokens, r.metrics.tokens);
  addTokens(tokens, { input: main.input_tokens, output: main.output_tokens, cacheCreation: main.cache_creation_input_tokens, cacheRead: main.cache_read_input_tokens });
  const cost = costOf({ [model!]: tokens }, {}, {});
  expect(Math.abs(cost.usd! - (t.r.result!.total_cost_usd as number))).toBeLessThanOrEqual(0.000001 + 1e-12);
}

/** Claude Code's own figures for one Agent call: what a record must equal. */
interface ClaudeFigures {
  toolUseId: string;
  agentId: string | null;
  durationMs: number;
  tokens: number;
  toolUses: number;
  /** 'completed' or 'failed'. */
  status: string;
}

/**
 * Claude Code's figures per Agent call, as the release gives them: the PostToolUse
 * totals of a foreground run, or, for a background run (the default on 2.1.332), the
 * <task-notification> Claude Code writes into the main session transcript when the agent
 * ends. Read here with a regex of the test's own, independently of capture's parser.
 */
function claudeFigures(t: Tracked, release: ClaudeRelease): ClaudeFigures[] {
  const figures: ClaudeFigures[] = [];
  for (const post of payloads(t, 'PostToolUse').filter((p) => p.tool_name === 'Agent')) {
    const r = post.tool_response;
    if (typeof r?.totalTokens !== 'number') continue; // async_launched: no totals
    figures.push({ toolUseId: post.tool_use_id, agentId: r.agentId ?? null, durationMs: r.totalDurationMs, tokens: r.totalTokens, toolUses: r.totalToolUseCount, status: r.status });
  }
  // 2.1.197 writes notifications too (for a background run asked for), but its
  // <subagent_tokens> is not its own PostToolUse measure (153 where the last call's total,
  // its totalTokens elsewhere, is 171): the release's figures are PostToolUse's there.
  if (release.role !== 'current') return figures;
  const main = path.join(t.dirs.transcriptsDir, `${t.r.sessionId}.jsonl`);
  const lines = fs.existsSync(main) ? fs.readFileSync(main, 'utf8').split('\n').filter(Boolean) : [];
  // A notification is a user message, or, when it arrives while the main thread is busy,
  // a queued_command attachment that carries the same text.
  const texts = lines
    .map((line) => JSON.parse(line))
    .map((entry) => (entry.type === 'user' ? entry.message?.content : entry.type === 'attachment' && entry.attachment?.type === 'queued_command' ? entry.attachment.prompt : null))
    .filter((text): text is string => typeof text === 'string' && text.startsWith('<task-notification>'));
  // Every background launch ends in a notification (a failed one has no <usage>: its record is checked by its test).
  for (const post of payloads(t, 'PostToolUse').filter((p) => p.tool_name === 'Agent' && p.tool_response?.status === 'async_launched')) {
    expect(texts.filter((text) => text.includes(`<tool-use-id>${post.tool_use_id}</tool-use-id>`)), `notification of ${post.tool_use_id}`).not.toEqual([]);
  }
  for (const text of texts) {
    const m = /^<task-notification>\s*<task-id>([^<]+)<\/task-id>\s*<tool-use-id>([^<]+)<\/tool-use-id>[\s\S]*?<status>(\w+)<\/status>[\s\S]*<usage><subagent_tokens>(\d+)<\/subagent_tokens><tool_uses>(\d+)<\/tool_uses><duration_ms>(\d+)<\/duration_ms><\/usage>\s*<\/task-notification>$/.exec(text);
    if (!m) continue;
    figures.push({ toolUseId: m[2]!, agentId: m[1]!, status: m[3]!, tokens: Number(m[4]), toolUses: Number(m[5]), durationMs: Number(m[6]) });
  }
  return figures;
}

/**
 * Each record equals Claude Code's figures for its Agent call (issue 9): duration within
 * 5% or 50 ms, tokensUsed and the tool count exact, the status, and where the duration
 * came from. Every Agent call Claude Code reported has exactly one record.
 */
function expectClaudeFigures(t: Tracked, release: ClaudeRelease) {
  const figures = claudeFigures(t, release);
  expect(figures.length).toBeGreaterThan(0);
  for (const f of figures) {
    const matching = t.records.filter((r) => r.request.context.toolUseId === f.toolUseId);
    expect(matching, `one record for ${f.toolUseId}`).toHaveLength(1);
    const record = matching[0]!;
    if (f.agentId && f.tokens > 0) expect(record.request.context.agentId).toBe(f.agentId);
    expect(Math.abs(record.metrics.duration! - f.durationMs), `duration ${record.metrics.duration} vs Claude Code's ${f.durationMs}`).toBeLessThanOrEqual(Math.max(50, 0.05 * f.durationMs));
    expect(record.metrics.tokensUsed).toBe(f.tokens);
    expect(record.metrics.durationSource).toBe(release.role === 'current' && record.request.context.background ? 'task-notification' : 'claude-code');
    // 2.1.197 reports an agent whose API call failed as "completed" with no tokens.
    if (f.status === 'failed' || f.tokens === 0) expect(record.result.status).toBe('failed');
    else expect(record.result.status).not.toBe('failed');
    if (f.tokens > 0) expect(record.metrics.totalToolUseCount).toBe(f.toolUses);
  }
}

describe.each(CLAUDE_RELEASES)('records written by agent-track under the real Claude Code $version', (release: ClaudeRelease) => {
  const track = (sc: Scenario, options: Parameters<typeof trackScenario>[1] = {}) => trackScenario(sc, { claude: release, ...options });
  // The sub-sleep agent's Bash tool is running LONG_COMMAND, whatever the load of the machine.
  const whenSleeping = (s: { dirs: SessionDirs }) => waitForProcess(s.dirs, LONG_PROCESS);
  it('single agent: one record with Claude Code totals, transcript detail and a completion line', async () => {
    const t = await track(single);
    expect(t.r.exitCode).toBe(0);
    expect(t.records).toHaveLength(1);
    const [record] = t.records;
    // 2.1.197 runs it in the foreground (totals in PostToolUse); 2.1.332 in the background
    // (totals in the task-notification), and then the run ends at its SubagentStop.
    const background = release.role === 'current';
    const agentId = payloads(t, 'SubagentStop')[0].agent_id;
    const transcript = transcriptOf(t, agentId);
    expect(record).toMatchObject({
      agentType: 'general-purpose',
      request: { prompt: 'SUB-WRITE please write notes.txt', description: 'Write a file', triggeredBy: 'user', context: { sessionId: t.r.sessionId, agentId, background, claudeCodeVersion: release.version } },
      metrics: { toolsUsed: ['Bash', 'Write'], apiCalls: transcript.messages },
      result: { status: 'success', filesModified: 1, modifiedFiles: ['notes.txt'], outputSize: 'Wrote notes.txt'.length },
      capture: background ? { closedBy: 'SubagentStop' } : { closedBy: 'PostToolUse', events: ['pre', 'start', 'stop', 'done'] },
    });
    expect(record!.errors).toEqual([]);
    expectClaudeFigures(t, release);
    expect(record!.metrics.tokens).toEqual({
      input: transcript.sum.input_tokens,
      output: transcript.sum.output_tokens,
      cacheCreation: transcript.sum.cache_creation_input_tokens,
      cacheRead: transcript.sum.cache_read_input_tokens,
      cacheCreation1h: 0,
      longContext: null,
    });
    expectSessionTotals(t);
    // One completion line per revision of the record: on 2.1.332 the first, at SubagentStop,
    // has the transcript's estimate, and the next the notification's figures. The last holds.
    const lines = completions(t);
    expect(lines.map((l) => l.executionId)).toEqual(lines.map(() => record!.id));
    expect(lines.at(-1)).toMatchObject({ status: 'success', duration: record!.metrics.duration, tokensUsed: record!.metrics.tokensUsed });
    if (!background) expect(lines).toHaveLength(1);
    const file = path.join(t.logsDir, listDays(t.logsDir)[0]!, 'general-purpose', `exec-${record!.id}.json`);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).id).toBe(record!.id);
  });

  it('parallel fan-out with a failing tool and an API failure: three records, parallel links, right statuses', async () => {
    const t = await track(fanout);
    expect(t.records).toHaveLength(3);
    const by = (description: string) => t.records.find((r) => r.request.description === description)!;
    const tests = by('Write tests');
    const review = by('Review code');
    const failing = by('Failing review');
    expect(tests.result.status).toBe('partial');
    expect(tests.errors).toEqual([expect.objectContaining({ type: 'command_failed', tool: 'Bash', message: 'Exit code 3' })]);
    expect(review.result).toMatchObject({ status: 'success', issuesFound: 2 });
    expect(review.metrics.toolsUsed.sort()).toEqual(['Bash', 'Read']);
    expect(failing.result.status).toBe('failed');
    expect(failing.errors[0]).toMatchObject({ type: 'api_error' });
    expect(failing.errors[0]!.message).toMatch(/^API Error: 400/);
    expect(tests.chain.parallelWith).toContain(review.id);
    expect(review.chain.parallelWith).toContain(tests.id);
    if (release.role === 'oldest') {
      expect(tests.chain.parallelWith).toEqual([review.id]);
      expect(review.chain.parallelWith).toEqual([tests.id]);
      expect(failing.chain.parallelWith).toEqual([]);
    } else {
      // 2.1.332 launches all three in the background: the third may start before the first
      // two end, and then overlaps them. Whatever the timing, the links are symmetric.
      for (const r of t.records) for (const peer of r.chain.parallelWith) expect(t.records.find((x) => x.id === peer)!.chain.parallelWith).toContain(r.id);
    }
    // One error each, the one that happened: nothing invented on top.
    expect(review.errors).toEqual([]);
    expect(failing.errors).toHaveLength(1);
    expectClaudeFigures(t, release);
    expectSessionTotals(t);
  });

  it('nested: the child points at its parent, the parent lists the child', async () => {
    const t = await track(nested);
    expect(t.records).toHaveLength(2);
    const parent = t.records.find((r) => r.agentType === 'general-purpose')!;
    const child = t.records.find((r) => r.agentType === 'code-review-specialist')!;
    expect(child.chain.parentExecutionId).toBe(parent.id);
    expect(parent.chain.childExecutions).toEqual([child.id]);
    expect(child.request).toMatchObject({ triggeredBy: 'general-purpose', context: { parentAgentId: parent.request.context.agentId, spawnDepth: 2 } });
    expect(parent.metrics.toolsUsed).toEqual(['Agent']);
    expectClaudeFigures(t, release);
    expectSessionTotals(t);
  });

  it("background: completed at its SubagentStop, with Claude Code's duration from its task-notification", async () => {
    const t = await track(background);
    expect(t.records).toHaveLength(1);
    const [record] = t.records;
    const stop = payloads(t, 'SubagentStop')[0];
    const transcript = transcriptOf(t, stop.agent_id);
    expect(record).toMatchObject({
      request: { context: { background: true, agentId: stop.agent_id } },
      metrics: { tokensUsed: transcript.lastTotal, durationSource: 'task-notification', toolsUsed: ['Bash'] },
      result: { status: 'success', outputSize: 'BG done.'.length },
      capture: { closedBy: 'SubagentStop' },
    });
    expect(record!.metrics.tokens!.input).toBe(transcript.sum.input_tokens);
    // Claude Code's <duration_ms>, read from the main transcript once SessionEnd (or any later hook) looks.
    const main = fs.readFileSync(path.join(t.dirs.transcriptsDir, `${t.r.sessionId}.jsonl`), 'utf8');
    expect(record!.metrics.duration).toBe(Number(main.match(/<duration_ms>(\d+)<\/duration_ms>/)![1]));
    if (release.role === 'current') expectClaudeFigures(t, release);
    expectSessionTotals(t);
  });

  it('unknown agent type: one failed record, no agent ever started', async () => {
    const t = await track(unknownType);
    expect(t.records).toHaveLength(1);
    expect(t.records[0]).toMatchObject({
      agentType: 'no-such-agent',
      result: { status: 'failed' },
      capture: { closedBy: 'PostToolUseFailure', events: ['pre', 'fail'] },
      errors: [expect.objectContaining({ type: 'unknown_agent_type' })],
    });
    expectSessionTotals(t);
  });

  it('interrupted session (SIGTERM mid-run): one failed record, closed as interrupted, with its start', async () => {
    const t = await track(interrupted, {
      interrupt: { signal: 'SIGTERM', when: whenSleeping, delayMs: 500 },
      settleMs: 500,
    });
    expect(t.r.exitCode).toBe(143);
    // The user sees records through a command, and every command first completes a record
    // whose transcript grew after its hook read it: while Claude Code shuts down, the
    // killed Bash call's result can reach the subagent transcript after the
    // PostToolUseFailure and SessionEnd hooks (which run in parallel) have read it, more so
    // on a loaded machine. Asserting on the hooks' first write alone made this test flaky.
    const status = agentTrack(['status'], t.dirs);
    expect(status.status, status.stderr).toBe(0);
    t.records = loadRecords(t.logsDir);
    expect(t.records).toHaveLength(1);
    // The transcript holds the killed call's result: what the record's first error stands for.
    const transcript = fs.readFileSync(path.join(subagentsDir(t.dirs, t.r.sessionId!), `agent-${t.records[0]!.request.context.agentId}.jsonl`), 'utf8');
    expect(transcript).toMatch(release.role === 'oldest' ? /The user doesn't want to proceed with this tool use\./ : /"content":"Exit code 137"/);
    // 2.1.332 sends no PostToolUseFailure for the Agent call, only SessionEnd.
    const closedBy = release.role === 'oldest' ? 'PostToolUseFailure' : 'SessionEnd';
    expect(t.records[0]).toMatchObject({ agentType: 'general-purpose', result: { status: 'failed' }, capture: { closedBy } });
    // The Bash call the interrupt ended (2.1.197: a user rejection; 2.1.332: "Exit code 137",
    // its processes killed: no command failure either way), then the run's own interrupt:
    // the Agent call's failure (2.1.197) or the session's end (2.1.332).
    expect(t.records[0]!.errors).toEqual([
      expect.objectContaining({ type: 'interrupted', tool: 'Bash', recoveryAction: null }),
      expect.objectContaining({ type: 'interrupted', tool: null, message: release.role === 'oldest' ? '[Request interrupted by user for tool use]' : 'The session ended (other) before the agent finished' }),
    ]);
    expect(t.records[0]!.capture.events).toEqual(expect.arrayContaining(['pre', 'start']));
    expect(t.records[0]!.request.context.agentId).toMatch(/^a/);
  });

  it('killed with SIGINT (2.1.197: no hook fires at all): the next command closes the run once the timeout passes', async () => {
    const t = await track(interrupted, {
      interrupt: { signal: 'SIGINT', when: whenSleeping, delayMs: 500 },
      settleMs: 300,
      config: { inFlightTimeout: '1s' },
    });
    // 2.1.332 fires SessionEnd on SIGINT, which closes the run at once. So does 2.1.197 when
    // its graceful shutdown (exit 0) wins the race with the aborted turn's exit (see the
    // harness test); usually it exits 1 first and no hook fires at all.
    if (release.role === 'current') expect(payloads(t, 'SessionEnd')).toHaveLength(1);
    if (payloads(t, 'SessionEnd').length > 0) {
      expect(t.records).toHaveLength(1);
      expect(t.records[0]).toMatchObject({ result: { status: 'failed' }, capture: { closedBy: 'SessionEnd' } });
      return;
    }
    expect(t.records, `closed by a hook: ${JSON.stringify(t.records.map((r) => r.capture))}; hooks seen: ${t.captured.map((c) => c.payload?.hook_event_name).join(' ')}`).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(agentTrack(['doctor'], t.dirs).stdout).toContain('closed 1 run(s)');
    const records = loadRecords(t.logsDir);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ result: { status: 'failed' }, capture: { closedBy: 'timeout' } });
  });

  it('plugin agent type with a colon: exact type in the record, a safe folder on disk', async () => {
    const t = await track(pluginAgent);
    expect(t.records).toHaveLength(1);
    expect(t.records[0]!.agentType).toBe('e2e-plugin:x');
    expectClaudeFigures(t, release);
    expectSessionTotals(t);
    const day = listDays(t.logsDir)[0]!;
    expect(fs.readdirSync(path.join(t.logsDir, day)).filter((f) => f !== 'completions.jsonl')).toEqual([expect.stringMatching(/^e2e-plugin_x-[0-9a-f]{8}$/)]);
  });

  it('the repo as a plugin (claude --plugin-dir): tracks without install', async () => {
    const t = await track(single, { viaPlugin: true });
    // The project's settings hold the raw capture hook and nothing else (whatever the
    // checkout folder is called: a clone is named agent-track).
    const settings = JSON.parse(fs.readFileSync(path.join(t.dirs.project, '.claude', 'settings.json'), 'utf8'));
    const hooks = Object.values(settings.hooks as Record<string, { hooks: { command: string }[] }[]>).flatMap((matchers) => matchers.flatMap((m) => m.hooks));
    expect(hooks.length).toBe(CAPTURED.length);
    for (const hook of hooks) expect(hook.command).toContain(CAPTURE_HOOK);
    expect(t.records).toHaveLength(1);
    expect(t.records[0]).toMatchObject({ agentType: 'general-purpose', result: { status: 'success' } });
    expectClaudeFigures(t, release);
    expectSessionTotals(t);
  });
});
