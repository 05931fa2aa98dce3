import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleExecution, type Chain, type Closure } from '../src/capture/assemble.js';
import type { StoredEvent } from '../src/capture/events.js';
import type { TranscriptSummary } from '../src/capture/transcript.js';
import type { AgentExecution } from '../src/schema/record.js';
import { completionLine } from '../src/store/completions.js';
import { COMPLETIONS_FILE, safeAgentDir } from '../src/store/paths.js';
import { localDay } from '../src/time/period.js';

// A realistic execution store for benchmarks: a heavy team's year. Records
// come out of the capture code's own assembleExecution, fed with the events
// and transcript summaries a real session would give, so their shapes and
// sizes are what the hook writes. Seeded: the same options give the same store.

export const GENERATOR_VERSION = 5;

export interface StoreOptions {
  executions: number;
  days: number;
  /** The last day generated (local), as an instant in it. */
  end: number;
  seed: number;
  /** Generate only days i with i % shards === shard (parallel writers; the store is the same). */
  shard?: number;
  shards?: number;
}

interface AgentProfile {
  name: string;
  weight: number;
  medianMs: number;
  sigma: number;
  failRate: number;
  partialRate: number;
  model: string;
  inputPerCall: number;
  callsMean: number;
  tools: string[];
}

const AGENTS: AgentProfile[] = [
  agent('general-purpose', 30, 45_000, 0.9, 0.03, 0.08, 'claude-opus-4-8', 9_000, 8, ['Read', 'Grep', 'Bash', 'Edit', 'Glob']),
  agent('Explore', 22, 25_000, 0.7, 0.01, 0.03, 'claude-haiku-4-5', 6_000, 6, ['Read', 'Grep', 'Glob']),
  agent('Plan', 8, 60_000, 0.6, 0.02, 0.02, 'claude-opus-4-8', 14_000, 5, ['Read', 'Grep', 'Glob']),
  agent('code-review-specialist', 9, 70_000, 0.7, 0.04, 0.1, 'claude-sonnet-4-6', 18_000, 9, ['Read', 'Grep', 'Bash', 'Glob']),
  agent('test-automation-specialist', 7, 150_000, 0.8, 0.12, 0.25, 'claude-sonnet-4-6', 12_000, 14, ['Read', 'Write', 'Edit', 'Bash']),
  agent('backend-gcp-specialist', 4, 120_000, 0.8, 0.06, 0.12, 'claude-opus-4-8', 15_000, 12, ['Read', 'Edit', 'Bash', 'WebFetch']),
  agent('database-administrator', 3, 90_000, 0.7, 0.05, 0.1, 'claude-sonnet-4-6', 10_000, 8, ['Read', 'Bash', 'Edit']),
  agent('doc-writer-researcher', 3, 80_000, 0.6, 0.02, 0.04, 'claude-haiku-4-5', 20_000, 7, ['Read', 'WebSearch', 'WebFetch', 'Write']),
  agent('central-supervisor', 2, 200_000, 0.5, 0.03, 0.05, 'claude-opus-4-8', 25_000, 10, ['Agent', 'Read', 'TodoWrite']),
  agent('ai-systems-engineer', 2, 140_000, 0.7, 0.07, 0.15, 'claude-opus-4-7', 16_000, 11, ['Read', 'Edit', 'Bash', 'Grep']),
  agent('security-auditor', 2, 100_000, 0.6, 0.03, 0.2, 'claude-sonnet-4-5', 22_000, 9, ['Read', 'Grep', 'Bash']),
  agent('frontend-specialist', 2, 95_000, 0.8, 0.05, 0.14, 'claude-sonnet-4-6', 14_000, 10, ['Read', 'Edit', 'Write', 'Bash']),
  agent('migration-planner', 1, 110_000, 0.5, 0.04, 0.05, 'claude-opus-4-6', 12_000, 6, ['Read', 'Grep']),
  agent('perf-profiler', 1, 180_000, 0.9, 0.15, 0.2, 'claude-sonnet-4-6', 9_000, 15, ['Bash', 'Read']),
  agent('release-manager', 1, 60_000, 0.5, 0.02, 0.05, 'claude-haiku-4-5', 5_000, 5, ['Bash', 'Read']),
  agent('plugin:pr-review', 1, 50_000, 0.6, 0.03, 0.05, 'claude-sonnet-4-6', 11_000, 6, ['Read', 'Grep', 'Bash']),
  agent('i18n-translator', 0.5, 40_000, 0.5, 0.01, 0.02, 'claude-haiku-4-5', 8_000, 4, ['Read', 'Write']),
  agent('legacy-bot', 0.3, 30_000, 0.4, 0.3, 0.1, 'claude-3-5-haiku-20241022', 4_000, 3, ['Read', 'Bash']),
  agent('experimental-agent', 0.2, 50_000, 0.8, 0.1, 0.1, 'claude-mythos-lab', 6_000, 5, ['Read']),
  agent('data-pipeline-specialist', 1, 130_000, 0.7, 0.08, 0.12, 'claude-sonnet-4-6', 13_000, 10, ['Bash', 'Read', 'Edit']),
];

function agent(
  name: string,
  weight: number,
  medianMs: number,
  sigma: number,
  failRate: number,
  partialRate: number,
  model: string,
  inputPerCall: number,
  callsMean: number,
  tools: string[],
): AgentProfile {
  return { name, weight, medianMs, sigma, failRate, partialRate, model, inputPerCall, callsMean, tools };
}

const WORDS = (
  'review the change in the payments service and check the retry logic for idempotency then run the unit tests ' +
  'make sure the migration is backwards compatible add an index on created_at update the API docs search the repo ' +
  'for callers of the deprecated function explain the failure in the integration test and propose a fix keep the ' +
  'public interface stable refactor the handler into smaller functions measure the latency before and after'
).split(' ');

const ERROR_KINDS = [
  { type: 'command_failed', tool: 'Bash', message: 'Exit code 1\nnpm ERR! Test failed. See above for more details.' },
  { type: 'not_found', tool: 'Read', message: 'File does not exist. Current working directory: /home/dev/shop-api' },
  { type: 'invalid_tool_call', tool: 'Edit', message: '<tool_use_error>String to replace not found in file.</tool_use_error>' },
  { type: 'permission_denied', tool: 'Bash', message: "Claude requested permissions to use Bash, but you haven't granted it yet." },
  { type: 'timeout', tool: 'Bash', message: 'Command timed out after 2m 0.0s' },
  { type: 'tool_unavailable', tool: 'WebFetch', message: '<tool_use_error>Error: No such tool available: WebFetch</tool_use_error>' },
];

class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]!;
  }
}

/** Writes the store into `logsDir` and returns how many records it wrote. */
export function generateStore(logsDir: string, options: StoreOptions, progress?: (done: number) => void): number {
  const random = new Random(options.seed);
  const totalWeight = AGENTS.reduce((n, a) => n + a.weight, 0);
  const pickAgent = (random: Random) => {
    let r = random.next() * totalWeight;
    for (const a of AGENTS) if ((r -= a.weight) <= 0) return a;
    return AGENTS[0]!;
  };

  // Executions per day: weekdays busier, slow growth over the year, a few burst days.
  const endDay = new Date(options.end);
  const dayStarts = Array.from({ length: options.days }, (_, i) =>
    new Date(endDay.getFullYear(), endDay.getMonth(), endDay.getDate() - (options.days - 1 - i)).getTime(),
  );
  const weights = dayStarts.map((start, i) => {
    const weekday = new Date(start).getDay();
    const weekend = weekday === 0 || weekday === 6 ? 0.35 : 1;
    const growth = 0.7 + (0.6 * i) / options.days;
    const burst = random.next() < 0.03 ? 3 + random.next() * 3 : 1;
    return weekend * growth * burst;
  });
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((options.executions * w) / weightSum));
  for (let i = 0, left = options.executions - counts.reduce((a, b) => a + b, 0); left > 0; i = (i + 1) % counts.length, left--) counts[i]!++;

  const madeDirs = new Set<string>();
  const agentDirs = new Map(AGENTS.map((a) => [a.name, safeAgentDir(a.name)]));
  let written = 0;
  const pending = new Map<string, string[]>();
  const write = (record: AgentExecution) => {
    const day = localDay(record.metrics.startTime);
    const dir = join(logsDir, day, agentDirs.get(record.agentType)!);
    if (!madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      madeDirs.add(dir);
    }
    writeFileSync(join(dir, `exec-${record.id}.json`), `${JSON.stringify(record)}\n`);
    const lines = pending.get(day) ?? [];
    lines.push(completionLine(record, 1));
    pending.set(day, lines);
    written++;
    if (progress && written % 50_000 === 0) progress(written);
  };

  const shards = options.shards ?? 1;
  dayStarts.forEach((dayStart, i) => {
    if (i % shards !== (options.shard ?? 0)) return;
    // Each day has its own stream, so sharding does not change what is generated.
    const random = new Random(options.seed * 1_000_003 + i);
    let left = counts[i]!;
    let session = random.hex(8);
    while (left > 0) {
      if (random.next() < 0.1) session = random.hex(8);
      // Working hours are busier; a few prompts run late into the night.
      const hour = random.next() < 0.85 ? 8 + random.next() * 11 : random.next() * 24;
      const start = dayStart + Math.floor(hour * 3_600_000);
      const plan = workflow(random, () => pickAgent(random), Math.min(left, 8));
      const records = runWorkflow(random, plan, start, session);
      for (const record of records) write(record);
      left -= records.length;
    }
    for (const [day, lines] of pending) writeFileSync(join(logsDir, day, COMPLETIONS_FILE), `${lines.join('\n')}\n`, { flag: 'a' });
    pending.clear();
  });
  return written;
}

interface Step {
  profile: AgentProfile;
  background: boolean;
  children: Step[][];
}

/** Stages of one prompt: a single agent, a sequence, a fan-out, nesting or a background launch. */
function workflow(random: Random, pickAgent: () => AgentProfile, max: number): Step[][] {
  const step = (profile = pickAgent(), background = false): Step => ({ profile, background, children: [] });
  const r = random.next();
  if (max < 2 || r < 0.5) return [[step()]];
  if (r < 0.75) return Array.from({ length: random.int(2, Math.min(4, max)) }, () => [step()]);
  if (r < 0.9 && max >= 4) {
    const fan = random.int(2, Math.min(6, max - 2));
    const worker = pickAgent();
    return [[step(AGENTS[2]!)], Array.from({ length: fan }, () => step(random.next() < 0.7 ? worker : pickAgent())), [step(AGENTS[3]!)]];
  }
  if (r < 0.97 || max < 3) {
    const parent = step(AGENTS[0]!);
    parent.children = Array.from({ length: random.int(1, Math.min(3, max - 1)) }, () => [step()]);
    return [[parent]];
  }
  return [[step(pickAgent(), true), step()], [step()]];
}

function runWorkflow(random: Random, stages: Step[][], start: number, session: string): AgentExecution[] {
  const promptId = `${random.hex(8)}-${random.hex(4)}-${random.hex(4)}-${random.hex(4)}-${random.hex(12)}`;
  const out: AgentExecution[] = [];
  let at = start;
  for (const stage of stages) {
    const ids = stage.map(() => random.hex(20));
    let stageEnd = at;
    stage.forEach((step, k) => {
      const launched = at + k * random.int(2, 40);
      const records = runStep(random, step, launched, session, promptId, ids[k]!, null, ids.filter((_, j) => j !== k && !stage[j]!.background));
      out.push(...records);
      const own = records[0]!;
      if (!step.background) stageEnd = Math.max(stageEnd, own.metrics.endTime ?? launched);
    });
    at = stageEnd + random.int(500, 20_000);
  }
  return out;
}

function runStep(
  random: Random,
  step: Step,
  start: number,
  session: string,
  promptId: string,
  id: string,
  parent: { id: string; agentId: string; agentType: string } | null,
  parallel: string[],
): AgentExecution[] {
  const p = step.profile;
  const agentId = `a${random.hex(16)}`;
  const toolUseId = `toolu_${random.hex(24)}`;
  const duration = Math.max(300, Math.round(random.logNormal(p.medianMs, p.sigma)));
  const children: AgentExecution[] = [];
  let childAt = start + 2_000;
  for (const stage of step.children) {
    for (const child of stage) {
      const childId = random.hex(20);
      const records = runStep(random, child, childAt, session, promptId, childId, { id, agentId, agentType: p.name }, []);
      children.push(...records);
      childAt = (records[0]!.metrics.endTime ?? childAt) + 1_000;
    }
  }
  const end = Math.max(start + duration, childAt);
  const roll = random.next();
  const outcome = roll < p.failRate ? 'failed' : roll < p.failRate + p.partialRate ? 'partial' : 'success';

  const calls = Math.max(1, Math.round(random.logNormal(p.callsMean, 0.5)));
  const input = Math.round(p.inputPerCall * (0.5 + random.next()));
  const cacheRead = Math.round(input * calls * (2 + random.next() * 6));
  const tokens = { input: input + random.int(0, 400) * calls, output: random.int(80, 900) * calls, cacheCreation: random.int(0, 6_000), cacheRead, cacheCreation1h: 0, longContext: null };
  // A subagent's final context: usually tens of thousands of tokens, rarely past 200k.
  const lastCall = Math.min(990_000, Math.round(random.logNormal(35_000, 0.6)));
  const toolCalls: Record<string, { calls: number; failures: number }> = {};
  const errors: TranscriptSummary['errors'] = [];
  for (const tool of p.tools) if (random.next() < 0.8) toolCalls[tool] = { calls: random.int(1, 8), failures: 0 };
  if (outcome === 'partial') {
    const kind = random.pick(ERROR_KINDS);
    const tally = (toolCalls[kind.tool] ??= { calls: random.int(1, 4), failures: 0 });
    tally.failures = Math.min(tally.calls, tally.failures + 1);
    errors.push({ type: kind.type, message: kind.message, tool: kind.tool, recoveryAction: random.pick(['retried', 'continued', 'gave up']), at: start + duration / 2 });
  }
  const promptLength = Math.min(10_000, Math.round(random.logNormal(700, 0.9)));
  let prompt = '';
  while (prompt.length < promptLength) prompt += `${random.pick(WORDS)} `;
  prompt = prompt.slice(0, promptLength);
  const modified = Object.keys(toolCalls).some((t) => t === 'Edit' || t === 'Write')
    ? Array.from({ length: random.int(1, 6) }, () => `src/${random.pick(WORDS)}/${random.pick(WORDS)}.ts`)
    : [];
  const transcript: TranscriptSummary = {
    firstAt: start + 50,
    lastAt: end - 30,
    model: p.model,
    claudeCodeVersion: '2.1.197',
    apiCalls: calls,
    tokens,
    lastCallTokens: lastCall,
    toolsUsed: Object.keys(toolCalls),
    toolCalls,
    toolUseCount: Object.values(toolCalls).reduce((n, t) => n + t.calls, 0),
    errors,
    modifiedFiles: [...new Set(modified)],
    testCommands: Object.keys(toolCalls).includes('Bash') && random.next() < 0.3 ? ['npm test'] : [],
    finalText: 'Done: reviewed the change and found 2 issues.',
    toolTimeline: timelineOf(toolCalls, start + 50, end - 30, random),
  };

  const base = {
    v: 1 as const,
    sessionId: `sess-${session}`,
    promptId,
    toolUseId,
    agentId: null,
    agentType: p.name,
    cwd: '/home/dev/shop-api',
    transcriptPath: `/home/dev/.claude/projects/-home-dev-shop-api/sess-${session}.jsonl`,
    permissionMode: 'default',
  };
  const events: StoredEvent[] = [
    {
      ...base,
      kind: 'pre',
      at: start,
      ...(parent ? { launcher: { agentId: parent.agentId, agentType: parent.agentType } } : {}),
      request: {
        prompt,
        promptHash: random.hex(64),
        promptLength,
        description: prompt.slice(0, 40),
        model: null,
        background: step.background,
        name: null,
        priority: random.next() < 0.1 ? 'high' : random.next() < 0.2 ? 'low' : 'medium',
      },
    },
    { ...base, kind: 'start', at: start + 40, agentId, meta: { spawnDepth: parent ? 2 : 1, description: prompt.slice(0, 40) } },
  ];
  let closure: Closure | null = null;
  const failure = outcome === 'failed' ? random.next() : 1;
  if (failure < 0.15) {
    closure = { by: random.next() < 0.5 ? 'SessionEnd' : 'timeout', at: end, detail: 'The session ended (prompt_input_exit) before the agent finished' };
  } else {
    events.push({ ...base, kind: 'stop', at: end - 20, agentId, stop: { agentTranscriptPath: null, lastMessageLength: 48, issuesFound: 2 } });
    if (step.background) {
      events.push({ ...base, kind: 'launched', at: start + 30, agentId, response: response(null, p.model, null) });
    } else if (failure < 0.3) {
      events.push({ ...base, kind: 'fail', at: end, failure: { error: 'Agent type not found or failed to start', isInterrupt: false, durationMs: duration } });
    } else {
      const apiError = outcome === 'failed' ? `API Error: ${random.pick(['529 overloaded_error', '500 internal error', '400 prompt is too long'])}` : null;
      events.push({ ...base, kind: 'done', at: end, agentId, response: response(apiError, `${p.model}${random.next() < 0.3 ? '[1m]' : ''}`, { duration, lastCall, calls }) });
    }
  }
  events.sort((a, b) => a.at - b.at);
  const chain: Chain = { parentExecutionId: parent?.id ?? null, childExecutions: children.filter((c) => c.chain.parentExecutionId === id).map((c) => c.id), parallelWith: parallel };
  const record = assembleExecution({ id, sessionId: base.sessionId, events, transcript, chain, spawnDepth: parent ? 2 : 1, closure, defaultPriority: 'medium', now: end + 5 })!;
  return [record, ...children];
}

function response(apiError: string | null, model: string, totals: { duration: number; lastCall: number; calls: number } | null) {
  return {
    status: totals ? 'completed' : 'async_launched',
    resolvedModel: model,
    totalDurationMs: totals?.duration ?? null,
    totalTokens: totals ? (apiError ? 0 : totals.lastCall) : null,
    totalToolUseCount: totals ? totals.calls : null,
    textLength: totals ? 48 : null,
    issuesFound: totals && !apiError ? 2 : null,
    apiError,
    durationMs: totals?.duration ?? null,
  };
}

/** The calls of the tally spread over the run in order, each taking part of its slot, failures where the tally has them. */
function timelineOf(
  toolCalls: Record<string, { calls: number; failures: number }>,
  from: number,
  to: number,
  random: { next(): number },
): TranscriptSummary['toolTimeline'] {
  const calls = Object.entries(toolCalls).flatMap(([tool, n]) => Array.from({ length: n.calls }, (_, i) => ({ tool, ok: i >= n.failures })));
  const slot = Math.max(1, (to - from) / Math.max(1, calls.length));
  return calls.map((call, i) => {
    const at = Math.round(from + i * slot);
    return { tool: call.tool, at, resultAt: Math.round(at + slot * (0.2 + 0.7 * random.next())), ok: call.ok };
  });
}
