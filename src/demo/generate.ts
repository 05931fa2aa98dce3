// Realistic synthetic Claude Code activity: hook payloads in the shapes a real
// Claude Code 2.1.197 sends (see the captured fixtures), plus the subagent
// transcripts and meta files it writes. Used by `agent-track demo`, the stress
// test and benchmarks. Deterministic for a given seed.

export interface SyntheticFile {
  /** Relative to the fake Claude home (the folder holding `projects/`). */
  path: string;
  content: string;
}

export interface SyntheticEvent {
  at: number;
  payload: Record<string, unknown>;
}

export interface SyntheticSession {
  sessionId: string;
  events: SyntheticEvent[];
  files: SyntheticFile[];
  /** Agent runs in this session, for tests that check every run was recorded. */
  runs: { toolUseId: string; agentId: string | null; agentType: string; outcome: Outcome }[];
}

export type Outcome = 'success' | 'tool-failure' | 'api-error' | 'unknown-type' | 'interrupted';

interface AgentProfile {
  type: string;
  model: string;
  medianMs: number;
  tools: string[];
  toolFailureRate: number;
  apiErrorRate: number;
  reportsIssues?: boolean;
}

const AGENTS: AgentProfile[] = [
  { type: 'code-review-specialist', model: 'claude-opus-5-5', medianMs: 48_000, tools: ['Read', 'Grep', 'Glob', 'Read'], toolFailureRate: 0.05, apiErrorRate: 0.01, reportsIssues: true },
  { type: 'test-automation-specialist', model: 'claude-sonnet-4-6', medianMs: 95_000, tools: ['Read', 'Write', 'Bash', 'Edit', 'Bash'], toolFailureRate: 0.2, apiErrorRate: 0.01 },
  { type: 'backend-gcp-specialist', model: 'claude-opus-5-5', medianMs: 130_000, tools: ['Read', 'Grep', 'Edit', 'Edit', 'Bash'], toolFailureRate: 0.08, apiErrorRate: 0.015 },
  { type: 'database-administrator', model: 'claude-sonnet-4-6', medianMs: 70_000, tools: ['Read', 'Bash', 'Write'], toolFailureRate: 0.1, apiErrorRate: 0.01 },
  { type: 'doc-writer-researcher', model: 'claude-haiku-4-5', medianMs: 35_000, tools: ['Read', 'WebFetch', 'Write'], toolFailureRate: 0.06, apiErrorRate: 0.005 },
  { type: 'central-supervisor', model: 'claude-opus-5-5', medianMs: 20_000, tools: ['Read', 'TodoWrite'], toolFailureRate: 0.02, apiErrorRate: 0.005 },
  { type: 'Explore', model: 'claude-haiku-4-5', medianMs: 25_000, tools: ['Glob', 'Grep', 'Read', 'Read'], toolFailureRate: 0.03, apiErrorRate: 0.005 },
  { type: 'general-purpose', model: 'claude-sonnet-4-6', medianMs: 60_000, tools: ['Read', 'Edit', 'Bash'], toolFailureRate: 0.1, apiErrorRate: 0.01 },
  { type: 'security:auditor', model: 'claude-opus-5-5', medianMs: 80_000, tools: ['Grep', 'Read', 'Read', 'Bash'], toolFailureRate: 0.04, apiErrorRate: 0.01, reportsIssues: true },
];

interface Step {
  /** Agents launched together (in one assistant message) run in parallel. */
  parallel: string[];
  background?: boolean;
}

const WORKFLOWS: { name: string; weight: number; steps: Step[] }[] = [
  { name: 'review', weight: 30, steps: [{ parallel: ['code-review-specialist'] }] },
  { name: 'explore-fix-test', weight: 20, steps: [{ parallel: ['Explore'] }, { parallel: ['general-purpose'] }, { parallel: ['test-automation-specialist'] }] },
  {
    name: 'feature',
    weight: 12,
    steps: [
      { parallel: ['central-supervisor'] },
      { parallel: ['backend-gcp-specialist', 'database-administrator'] },
      { parallel: ['test-automation-specialist'] },
      { parallel: ['code-review-specialist', 'security:auditor'] },
      { parallel: ['doc-writer-researcher'] },
    ],
  },
  { name: 'docs', weight: 10, steps: [{ parallel: ['doc-writer-researcher'] }] },
  { name: 'audit', weight: 8, steps: [{ parallel: ['security:auditor', 'code-review-specialist'] }] },
  { name: 'background-tests', weight: 10, steps: [{ parallel: ['test-automation-specialist'], background: true }, { parallel: ['general-purpose'] }] },
  { name: 'delegate', weight: 10, steps: [{ parallel: ['central-supervisor'] }] },
];

export interface GenerateOptions {
  /** First day (local midnight, ms) and number of days. */
  startDay: number;
  days: number;
  /** Mean user prompts (workflows) per working day. */
  promptsPerDay: number;
  seed: number;
  projectDir: string;
  /** Where transcripts live in payloads: the fake Claude home. */
  claudeHome: string;
  /** Days from the end where test-automation-specialist regresses (slower, failing more). */
  regressionDays?: number;
  /** Share of runs with an unknown agent type, and of runs the user interrupts (default 0.4% each). */
  rareOutcomeRate?: number;
  /**
   * The present (ms). A session that would not have ended by then is left out, so
   * nothing is recorded in the future (the demo run at 00:51 must not show today's
   * afternoon). Omitted: every session is kept.
   */
  now?: number;
}

export function generateSessions(options: GenerateOptions): SyntheticSession[] {
  const random = rng(options.seed);
  const sessions: SyntheticSession[] = [];
  const projectKey = options.projectDir.replace(/[^A-Za-z0-9]/g, '-');
  for (let day = 0; day < options.days; day++) {
    const dayStart = options.startDay + day * 86_400_000;
    const weekday = new Date(dayStart).getDay();
    const busy = weekday === 0 || weekday === 6 ? 0.25 : 1;
    const prompts = poisson(random, options.promptsPerDay * busy);
    const regressed = options.regressionDays !== undefined && day >= options.days - options.regressionDays;
    for (let p = 0; p < prompts; p++) {
      // Working hours, 08:00-19:00 local.
      const at = Math.round(dayStart + (8 + random() * 11) * 3_600_000);
      // Built even when it is dropped, so the random stream, and with it every other
      // session, is the same whatever the hour.
      const session = buildSession(random, at, options, projectKey, regressed);
      if (options.now === undefined || session.events.every((event) => event.at <= options.now!)) sessions.push(session);
    }
  }
  return sessions;
}

function buildSession(random: () => number, startAt: number, options: GenerateOptions, projectKey: string, regressed: boolean): SyntheticSession {
  const sessionId = uuid(random);
  const promptId = uuid(random);
  const transcriptPath = `${options.claudeHome}/projects/${projectKey}/${sessionId}.jsonl`;
  const common = { session_id: sessionId, transcript_path: transcriptPath, cwd: options.projectDir, prompt_id: promptId, permission_mode: 'default' };
  const session: SyntheticSession = { sessionId, events: [], files: [{ path: `projects/${projectKey}/${sessionId}.jsonl`, content: '' }], runs: [] };
  const workflow = pickWeighted(random, WORKFLOWS);
  let clock = startAt + 2_000;
  const backgroundEnds: number[] = [];

  for (const step of workflow.steps) {
    const ends: number[] = [];
    const launches = step.parallel.map((type) => ({ type, toolUseId: `toolu_${token(random, 20)}`, agentId: `a${token(random, 16).toLowerCase()}` }));
    for (const launch of launches) {
      // Parallel launches: their PreToolUse hooks fire together, a few ms apart.
      const launchAt = clock + Math.floor(random() * 40);
      const run = buildRun(random, {
        common,
        launch,
        at: launchAt,
        background: step.background === true,
        nestedChild: launch.type === 'central-supervisor' && workflow.name === 'delegate' && random() < 0.9,
        options,
        projectKey,
        sessionId,
        regressed,
      });
      session.events.push(...run.events);
      session.files.push(...run.files);
      session.runs.push(...run.runs);
      if (step.background) backgroundEnds.push(run.end);
      else ends.push(run.end);
    }
    clock = (ends.length ? Math.max(...ends) : clock + 300) + 1_000 + Math.floor(random() * 4_000);
  }
  const endAt = Math.max(clock, ...backgroundEnds) + 2_000;
  session.events.push({ at: endAt, payload: { ...common, hook_event_name: 'SessionEnd', reason: 'other' } });
  session.events.sort((a, b) => a.at - b.at);
  return session;
}

interface RunInput {
  common: Record<string, unknown>;
  launch: { type: string; toolUseId: string; agentId: string };
  at: number;
  background: boolean;
  nestedChild: boolean;
  options: GenerateOptions;
  projectKey: string;
  sessionId: string;
  regressed: boolean;
  parent?: { agentId: string; agentType: string };
  depth?: number;
}

interface RunOutput {
  events: SyntheticEvent[];
  files: SyntheticFile[];
  runs: SyntheticSession['runs'];
  end: number;
}

function buildRun(random: () => number, input: RunInput): RunOutput {
  const { common, launch, at } = input;
  const profile = AGENTS.find((a) => a.type === launch.type)!;
  const depth = input.depth ?? 1;
  const inside = input.parent ? { agent_id: input.parent.agentId, agent_type: input.parent.agentType } : {};
  const description = `${launch.type.replace(/[^a-z]+/gi, ' ').trim()} task`;
  const prompt = `Please handle the ${description} for ticket #${Math.floor(random() * 9000 + 1000)}.`;
  const toolInput = { description, prompt, subagent_type: launch.type, ...(input.background ? { run_in_background: true } : {}) };
  const events: SyntheticEvent[] = [{ at, payload: { ...common, ...inside, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_input: toolInput, tool_use_id: launch.toolUseId } }];

  const roll = random();
  const rare = input.options.rareOutcomeRate ?? 0.004;
  let outcome: Outcome = 'success';
  const apiErrorRate = profile.apiErrorRate * (input.regressed && launch.type === 'test-automation-specialist' ? 6 : 1);
  if (roll < rare) outcome = 'unknown-type';
  else if (roll < 2 * rare) outcome = 'interrupted';
  else if (roll < 2 * rare + apiErrorRate) outcome = 'api-error';

  if (outcome === 'unknown-type') {
    const typo = `${launch.type}-v2`;
    events[0]!.payload = { ...events[0]!.payload, tool_input: { ...toolInput, subagent_type: typo } };
    events.push({
      at: at + 15,
      payload: {
        ...common,
        ...inside,
        hook_event_name: 'PostToolUseFailure',
        tool_name: 'Agent',
        tool_input: { ...toolInput, subagent_type: typo },
        tool_use_id: launch.toolUseId,
        error: `Agent type '${typo}' not found. Available agents: ${AGENTS.map((a) => a.type).join(', ')}`,
        is_interrupt: false,
        duration_ms: 3,
      },
    });
    return { events, files: [], runs: [{ toolUseId: launch.toolUseId, agentId: null, agentType: typo, outcome }], end: at + 15 };
  }

  const startAt = at + 20 + Math.floor(random() * 30);
  const base = `projects/${input.projectKey}/${input.sessionId}/subagents/agent-${launch.agentId}`;
  const files: SyntheticFile[] = [{ path: `${base}.meta.json`, content: JSON.stringify({ agentType: launch.type, description, toolUseId: launch.toolUseId, spawnDepth: depth }) }];
  events.push({ at: startAt, payload: { ...common, agent_id: launch.agentId, agent_type: launch.type, hook_event_name: 'SubagentStart' } });

  const slow = input.regressed && launch.type === 'test-automation-specialist' ? 1.8 : 1;
  const duration = Math.round(profile.medianMs * slow * Math.exp(gaussian(random) * 0.45));
  const transcript = buildTranscript(random, { profile, prompt, promptId: String(common.prompt_id), sessionId: input.sessionId, agentId: launch.agentId, startAt, duration, outcome, failRate: profile.toolFailureRate * (slow > 1 ? 2 : 1), cwd: String(common.cwd) });
  const nested: RunOutput[] = [];
  if (input.nestedChild && outcome === 'success') {
    const childLaunch = { type: pickWeighted(random, [{ weight: 1, type: 'Explore' }, { weight: 1, type: 'general-purpose' }]).type, toolUseId: `toolu_${token(random, 20)}`, agentId: `a${token(random, 16).toLowerCase()}` };
    nested.push(buildRun(random, { ...input, launch: childLaunch, at: startAt + Math.floor(duration * 0.2), background: false, nestedChild: false, parent: { agentId: launch.agentId, agentType: launch.type }, depth: depth + 1 }));
  }
  const childEnd = nested.length ? nested[0]!.end : 0;
  const endAt = Math.max(startAt + duration, childEnd + 500);
  files.push({ path: `${base}.jsonl`, content: transcript.lines.join('\n') + '\n' });
  const runs: SyntheticSession['runs'] = [{ toolUseId: launch.toolUseId, agentId: launch.agentId, agentType: launch.type, outcome: transcript.toolFailed && outcome === 'success' ? 'tool-failure' : outcome }];
  for (const child of nested) {
    events.push(...child.events);
    files.push(...child.files);
    runs.push(...child.runs);
  }

  if (outcome === 'interrupted') {
    // The user pressed Esc: the Agent call fails as interrupted, no SubagentStop.
    events.push({
      at: startAt + Math.floor(duration / 2),
      payload: { ...common, ...inside, hook_event_name: 'PostToolUseFailure', tool_name: 'Agent', tool_input: toolInput, tool_use_id: launch.toolUseId, error: 'Interrupted by user', is_interrupt: true, duration_ms: Math.floor(duration / 2) },
    });
    return { events, files, runs, end: startAt + Math.floor(duration / 2) };
  }

  const stopPayload = {
    ...common,
    agent_id: launch.agentId,
    agent_type: launch.type,
    hook_event_name: 'SubagentStop',
    stop_hook_active: false,
    agent_transcript_path: `${input.options.claudeHome}/${base}.jsonl`,
    last_assistant_message: transcript.finalText,
    background_tasks: [],
    session_crons: [],
  };
  const response = {
    status: 'completed',
    prompt,
    agentId: launch.agentId,
    agentType: launch.type,
    content: [{ type: 'text', text: transcript.finalText }],
    resolvedModel: `${profile.model}[1m]`,
    totalDurationMs: endAt - startAt,
    totalTokens: transcript.lastCallTokens,
    totalToolUseCount: transcript.toolUses,
    usage: transcript.lastUsage,
  };
  if (input.background) {
    events.push({
      at: at + 8,
      payload: { ...common, ...inside, hook_event_name: 'PostToolUse', tool_name: 'Agent', tool_input: toolInput, tool_use_id: launch.toolUseId, duration_ms: 5, tool_response: { isAsync: true, status: 'async_launched', agentId: launch.agentId, description, resolvedModel: `${profile.model}[1m]`, prompt, outputFile: `/tmp/claude/${input.sessionId}/tasks/${launch.agentId}.output`, canReadOutputFile: true } },
    });
    if (outcome !== 'api-error') events.push({ at: endAt, payload: stopPayload });
    return { events, files, runs, end: endAt };
  }
  if (outcome !== 'api-error') events.push({ at: endAt, payload: stopPayload });
  events.push({ at: endAt + 25, payload: { ...common, ...inside, hook_event_name: 'PostToolUse', tool_name: 'Agent', tool_input: toolInput, tool_use_id: launch.toolUseId, duration_ms: endAt + 25 - at, tool_response: response } });
  return { events, files, runs, end: endAt + 25 };
}

interface TranscriptInput {
  profile: AgentProfile;
  prompt: string;
  promptId: string;
  sessionId: string;
  agentId: string;
  startAt: number;
  duration: number;
  outcome: Outcome;
  failRate: number;
  cwd: string;
}

function buildTranscript(random: () => number, t: TranscriptInput) {
  const lines: string[] = [];
  const meta = { isSidechain: true, agentId: t.agentId, userType: 'external', entrypoint: 'cli', cwd: t.cwd, sessionId: t.sessionId, version: '2.1.197', gitBranch: 'main' };
  const stamp = (ms: number) => new Date(ms).toISOString();
  lines.push(JSON.stringify({ parentUuid: null, promptId: t.promptId, type: 'user', message: { role: 'user', content: t.prompt }, uuid: uuid(random), timestamp: stamp(t.startAt), ...meta }));
  let toolFailed = false;
  let toolUses = 0;
  let lastUsage = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };
  let context = 4_000 + Math.floor(random() * 3_000);

  if (t.outcome === 'api-error') {
    const text = random() < 0.5 ? 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' : 'API Error: 500 Internal server error';
    lines.push(JSON.stringify({ type: 'assistant', message: { id: uuid(random), model: '<synthetic>', role: 'assistant', usage: lastUsage, content: [{ type: 'text', text }] }, error: 'unknown', isApiErrorMessage: true, apiErrorStatus: Number(text.slice(11, 14)), uuid: uuid(random), timestamp: stamp(t.startAt + 900), ...meta }));
    return { lines, finalText: text, lastCallTokens: 0, lastUsage, toolUses, toolFailed };
  }

  const steps = t.profile.tools.length + Math.floor(random() * 3);
  const stepMs = t.duration / (steps + 1);
  // failRate is per run: at most one step fails, and the agent usually retries it.
  const failingStep = random() < t.failRate ? Math.floor(random() * steps) : -1;
  for (let i = 0; i < steps; i++) {
    const tool = t.profile.tools[i % t.profile.tools.length]!;
    const id = `toolu_${token(random, 20)}`;
    const at = t.startAt + Math.round(stepMs * (i + 0.5));
    lastUsage = usage(random, context);
    context += 800 + Math.floor(random() * 2_500);
    const input = toolInput(tool, random);
    const messageId = `msg_${token(random, 24)}`;
    // Claude Code writes a thinking/text block and the tool call as two lines of one API message.
    lines.push(JSON.stringify({ type: 'assistant', message: { id: messageId, model: t.profile.model, role: 'assistant', usage: lastUsage, content: [{ type: 'text', text: `Next I will use ${tool}.` }] }, uuid: uuid(random), timestamp: stamp(at), ...meta }));
    lines.push(JSON.stringify({ type: 'assistant', message: { id: messageId, model: t.profile.model, role: 'assistant', usage: lastUsage, content: [{ type: 'tool_use', id, name: tool, input }] }, uuid: uuid(random), timestamp: stamp(at + 5), ...meta }));
    toolUses++;
    const fails = i === failingStep;
    toolFailed ||= fails;
    const content = fails ? failureText(tool, random) : `ok: ${tool} finished`;
    lines.push(JSON.stringify({ type: 'user', promptId: t.promptId, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content, ...(fails ? { is_error: true } : {}) }] }, uuid: uuid(random), timestamp: stamp(at + Math.round(stepMs * 0.4)), ...meta }));
  }
  lastUsage = usage(random, context);
  const issues = Math.floor(random() * 6);
  const finalText = t.profile.reportsIssues ? (issues ? `Review complete. Found ${issues} issues that need attention.` : 'Review complete. No issues found.') : `Done: ${t.profile.type} finished the task and summarised the changes.`;
  lines.push(JSON.stringify({ type: 'assistant', message: { id: `msg_${token(random, 24)}`, model: t.profile.model, role: 'assistant', usage: lastUsage, content: [{ type: 'text', text: finalText }] }, uuid: uuid(random), timestamp: stamp(t.startAt + t.duration), ...meta }));
  const lastCallTokens = lastUsage.input_tokens + lastUsage.cache_creation_input_tokens + lastUsage.cache_read_input_tokens + lastUsage.output_tokens;
  return { lines, finalText, lastCallTokens, lastUsage, toolUses, toolFailed };
}

function usage(random: () => number, context: number) {
  const cached = Math.floor(context * (0.6 + random() * 0.3));
  const created = Math.floor((context - cached) * random() * 0.5);
  return {
    input_tokens: Math.max(1, context - cached - created),
    cache_creation_input_tokens: created,
    cache_read_input_tokens: cached,
    output_tokens: 80 + Math.floor(random() * 900),
  };
}

function toolInput(tool: string, random: () => number): Record<string, unknown> {
  const file = `src/${pick(random, ['api', 'db', 'auth', 'billing', 'web'])}/${pick(random, ['index', 'handler', 'model', 'service'])}.ts`;
  switch (tool) {
    case 'Bash':
      return { command: pick(random, ['npm test', 'npx vitest run', 'pytest -q', 'git status', 'npm run lint', 'go test ./...']), description: 'run a command' };
    case 'Write':
    case 'Edit':
      return { file_path: file, ...(tool === 'Edit' ? { old_string: 'a', new_string: 'b' } : { content: '// generated\n' }) };
    case 'Grep':
      return { pattern: 'TODO', path: 'src' };
    case 'Glob':
      return { pattern: '**/*.ts' };
    case 'WebFetch':
      return { url: 'https://example.com/docs', prompt: 'summarise' };
    case 'TodoWrite':
      return { todos: [] };
    default:
      return { file_path: file };
  }
}

function failureText(tool: string, random: () => number): string {
  if (tool === 'Bash') return `Exit code ${pick(random, ['1', '2', '127'])}\n${pick(random, ['2 tests failed', 'command not found', 'lint errors'])}`;
  if (tool === 'Edit') return '<tool_use_error>String to replace not found in file.</tool_use_error>';
  if (tool === 'WebFetch') return 'Request timed out after 30000ms';
  if (tool === 'Read') return 'File does not exist.';
  return `<tool_use_error>${tool} failed</tool_use_error>`;
}

// Seeded PRNG (mulberry32) and small helpers.
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function poisson(random: () => number, mean: number): number {
  // Normal approximation is fine for the means used here; never negative.
  return Math.max(0, Math.round(mean + gaussian(random) * Math.sqrt(mean)));
}

function pick<T>(random: () => number, items: T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function pickWeighted<T extends { weight: number }>(random: () => number, items: T[]): T {
  let roll = random() * items.reduce((sum, item) => sum + item.weight, 0);
  for (const item of items) {
    roll -= item.weight;
    if (roll <= 0) return item;
  }
  return items[items.length - 1]!;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function token(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return out;
}

function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
