import { keyedObject } from './keyed.js';
import type { ExecutionFacts } from '../schema/facts.js';
import { LONG_CONTEXT_TOKENS } from '../schema/long-context.js';
import type { LongContextTokens } from '../schema/record.js';
import type {
  AgentDay,
  DaySummary,
  ErrorTally,
  FragmentExecution,
  PromptFragment,
  SlowExecution,
  TokenSums,
  WorkflowTally,
} from '../schema/summary.js';
import { ascending } from './stats.js';
import { addRun, workflowRun } from './workflows.js';
import { capText } from '../schema/limits.js';
import { localDayStart } from '../time/period.js';

// Pure: one day's records in, that day's mergeable summary out. The rollup on
// disk is exactly this value, so "rollup equals a recomputation" holds by
// construction and is checked by a test.

/** Slowest executions kept per agent and day: candidates for anomaly detection. */
export const SLOWEST_KEPT = 5;
export const SAMPLE_MAX = 200;
/** Prompts with activity this close to midnight may continue in the neighbouring day. */
export const DAY_EDGE_MS = 30 * 60_000;
export const SKIPPED_SAMPLES = 10;
/** Model key for executions whose model was not recorded. */
export const NO_MODEL = '(unknown model)';

export interface SkippedFile {
  path: string;
  problem: string;
}

export function emptyAgentDay(): AgentDay {
  return {
    executions: 0,
    success: 0,
    partial: 0,
    failed: 0,
    background: 0,
    durations: [],
    tokensUsed: { total: 0, executions: 0 },
    tokens: emptyTokens(),
    models: keyedObject(),
    longContextModels: keyedObject(),
    apiCalls: 0,
    filesModified: 0,
    testsRun: 0,
    issuesFound: 0,
    toolCalls: keyedObject(),
    errors: keyedObject(),
    lastSuccessAt: null,
    lastExecutionAt: null,
    slowest: [],
  };
}

export function emptyTokens(): TokenSums {
  return { executions: 0, input: 0, output: 0, cacheCreation: 0, cacheRead: 0, cacheCreation1h: 0 };
}

export function emptyDaySummary(day: string): DaySummary {
  return { schemaVersion: 1, day, executions: 0, agents: keyedObject(), workflows: keyedObject(), openPrompts: [], withoutPrompt: 0, skipped: { count: 0, samples: [] } };
}

export function summarizeDay(day: string, records: readonly ExecutionFacts[], skipped: readonly SkippedFile[] = []): DaySummary {
  const unique = latestPerId(records);
  const agents = new Map<string, AgentDay>();
  const prompts = new Map<string, ExecutionFacts[]>();
  let withoutPrompt = 0;

  for (const record of unique) {
    let agent = agents.get(record.agentType);
    if (!agent) agents.set(record.agentType, (agent = emptyAgentDay()));
    addExecution(agent, record);
    const promptId = record.request.context.promptId;
    if (promptId === null) withoutPrompt++;
    else {
      const list = prompts.get(promptId);
      if (list) list.push(record);
      else prompts.set(promptId, [record]);
    }
  }
  for (const agent of agents.values()) finishAgent(agent);

  const workflows = new Map<string, WorkflowTally>();
  const openPrompts: PromptFragment[] = [];
  const bounds = dayBounds(day);
  for (const [promptId, list] of prompts) {
    const executions = list.map(fragmentOf);
    if (executions.some((e) => nearDayEdge(e, bounds))) openPrompts.push({ promptId, executions: sortExecutions(executions) });
    else addRun(workflows, workflowRun(executions));
  }
  openPrompts.sort((a, b) => (a.promptId < b.promptId ? -1 : a.promptId > b.promptId ? 1 : 0));

  return {
    schemaVersion: 1,
    day,
    executions: unique.length,
    agents: sortedRecord(agents),
    workflows: sortedRecord(workflows),
    openPrompts,
    withoutPrompt,
    skipped: { count: skipped.length, samples: skipped.slice(0, SKIPPED_SAMPLES).map((s) => ({ path: s.path, problem: s.problem })) },
  };
}

/** A record rewritten into another folder (its agent type changed) can briefly exist twice: the newest write wins. */
function latestPerId(records: readonly ExecutionFacts[]): ExecutionFacts[] {
  const byId = new Map<string, ExecutionFacts>();
  let duplicates = false;
  for (const record of records) {
    const seen = byId.get(record.id);
    if (!seen) byId.set(record.id, record);
    else {
      duplicates = true;
      const newer =
        record.capture.writtenAt > seen.capture.writtenAt ||
        (record.capture.writtenAt === seen.capture.writtenAt && record.agentType < seen.agentType);
      if (newer) byId.set(record.id, record);
    }
  }
  return duplicates ? [...byId.values()] : [...records];
}

function addExecution(agent: AgentDay, record: ExecutionFacts): void {
  const { metrics, result } = record;
  agent.executions++;
  agent[result.status]++;
  if (record.request.context.background) agent.background++;
  if (metrics.duration !== null) agent.durations.push(Math.round(metrics.duration));
  if (metrics.tokensUsed !== null) {
    agent.tokensUsed.total += metrics.tokensUsed;
    agent.tokensUsed.executions++;
  }
  if (metrics.tokens !== null) {
    addTokens(agent.tokens, metrics.tokens);
    const bucket = isLongContext(record) ? agent.longContextModels : agent.models;
    const model = record.request.context.model ?? NO_MODEL;
    addTokens(modelTokens(bucket, model), metrics.tokens);
  }
  agent.apiCalls += metrics.apiCalls ?? 0;
  agent.filesModified += result.filesModified ?? 0;
  agent.testsRun += result.testsRun ?? 0;
  agent.issuesFound += result.issuesFound ?? 0;
  for (const [tool, tally] of Object.entries(metrics.toolCalls)) {
    const sum = (agent.toolCalls[tool] ??= { calls: 0, failures: 0 });
    sum.calls += tally.calls;
    sum.failures += tally.failures;
  }
  const types = new Set<string>();
  for (const error of record.errors) {
    const at = error.at ?? metrics.startTime;
    const tally = agent.errors[error.type];
    if (!tally) {
      agent.errors[error.type] = { count: 1, executions: 0, sample: sampleOf(error.message), sampleAt: at, tools: keyedObject() };
    } else {
      tally.count++;
      if (at > tally.sampleAt || (at === tally.sampleAt && sampleOf(error.message) < tally.sample)) {
        tally.sample = sampleOf(error.message);
        tally.sampleAt = at;
      }
    }
    const current = agent.errors[error.type]!;
    if (error.tool !== null) current.tools[error.tool] = (current.tools[error.tool] ?? 0) + 1;
    types.add(error.type);
  }
  for (const type of types) agent.errors[type]!.executions++;
  if (result.status === 'success') {
    const at = metrics.endTime ?? metrics.startTime;
    agent.lastSuccessAt = agent.lastSuccessAt === null ? at : Math.max(agent.lastSuccessAt, at);
  }
  agent.lastExecutionAt = agent.lastExecutionAt === null ? metrics.startTime : Math.max(agent.lastExecutionAt, metrics.startTime);
  if (metrics.duration !== null) {
    agent.slowest.push({
      id: record.id,
      duration: Math.round(metrics.duration),
      startTime: metrics.startTime,
      status: result.status,
      promptId: record.request.context.promptId,
    });
    if (agent.slowest.length > SLOWEST_KEPT * 4) agent.slowest = topSlowest(agent.slowest, SLOWEST_KEPT);
  }
}

function finishAgent(agent: AgentDay): void {
  agent.durations.sort(ascending);
  agent.slowest = topSlowest(agent.slowest, SLOWEST_KEPT);
  agent.models = sortedObject(agent.models);
  agent.longContextModels = sortedObject(agent.longContextModels);
  agent.toolCalls = sortedObject(agent.toolCalls);
  for (const tally of Object.values(agent.errors)) tally.tools = sortedObject(tally.tools);
  agent.errors = sortedObject(agent.errors) as Record<string, ErrorTally>;
}

export function topSlowest(list: readonly SlowExecution[], keep: number): SlowExecution[] {
  return [...list].sort((a, b) => b.duration - a.duration || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, keep);
}

export function addTokens(
  into: TokenSums,
  tokens: { input: number; output: number; cacheCreation: number; cacheRead: number; executions?: number; cacheCreation1h?: number; longContext?: LongContextTokens | null },
): void {
  into.executions += tokens.executions ?? 1;
  into.input += tokens.input;
  into.output += tokens.output;
  into.cacheCreation += tokens.cacheCreation;
  into.cacheRead += tokens.cacheRead;
  into.cacheCreation1h = (into.cacheCreation1h ?? 0) + (tokens.cacheCreation1h ?? 0);
  if (tokens.longContext) {
    const long = (into.longContext ??= { input: 0, output: 0, cacheCreation: 0, cacheCreation1h: 0, cacheRead: 0 });
    long.input += tokens.longContext.input;
    long.output += tokens.longContext.output;
    long.cacheCreation += tokens.longContext.cacheCreation;
    long.cacheCreation1h += tokens.longContext.cacheCreation1h;
    long.cacheRead += tokens.longContext.cacheRead;
  }
}

/**
 * The token sums of a model in a per-model record, made on first use. Model ids
 * come from transcripts: "toString" must get its own entry, not add to
 * Object.prototype.toString, and "__proto__" must not replace the prototype.
 */
export function modelTokens(models: Record<string, TokenSums>, model: string): TokenSums {
  if (Object.hasOwn(models, model)) return models[model]!;
  const tokens = emptyTokens();
  Object.defineProperty(models, model, { value: tokens, enumerable: true, writable: true, configurable: true });
  return tokens;
}

/**
 * For records written before tokens.longContext (which splits the tokens per
 * API call): whether some API call of the execution may have passed the
 * long-context threshold. The last call's context (tokensUsed) is the largest, as context
 * only grows within an agent; and if all input billed over the whole run is
 * under the threshold, no single call can have passed it.
 */
export function isLongContext(record: ExecutionFacts): boolean {
  return isLongContextRun(record.metrics.tokens, record.metrics.tokensUsed);
}

/** isLongContext from the two figures it reads (a completion line carries both). */
export function isLongContextRun(tokens: ExecutionFacts['metrics']['tokens'], lastCall: number | null): boolean {
  if (!tokens || tokens.longContext !== undefined) return false;
  const billedInput = tokens.input + tokens.cacheCreation + tokens.cacheRead;
  return billedInput > LONG_CONTEXT_TOKENS && (lastCall === null || lastCall > LONG_CONTEXT_TOKENS);
}

function sampleOf(message: string): string {
  // Records are scrubbed once, at capture: the sample is only cut to size.
  return capText(message.replace(/\s+/g, ' ').trim(), SAMPLE_MAX);
}

export function fragmentOf(record: ExecutionFacts): FragmentExecution {
  return {
    id: record.id,
    agentType: record.agentType,
    startTime: record.metrics.startTime,
    endTime: record.metrics.endTime,
    duration: record.metrics.duration,
    status: record.result.status,
    background: record.request.context.background,
    parentExecutionId: record.chain.parentExecutionId,
    parallelWith: [...record.chain.parallelWith],
  };
}

function sortExecutions(list: FragmentExecution[]): FragmentExecution[] {
  return list.sort((a, b) => a.startTime - b.startTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Local midnight at the start and end of a day (23 or 25 hours apart on a daylight-saving change). */
function dayBounds(day: string): { start: number; end: number } {
  return { start: localDayStart(day), end: localDayStart(day, 1) };
}

function nearDayEdge(execution: FragmentExecution, { start, end }: { start: number; end: number }): boolean {
  const finish = execution.endTime ?? execution.startTime + (execution.duration ?? 0);
  const near = (t: number) => t - DAY_EDGE_MS < start || t + DAY_EDGE_MS >= end;
  return near(execution.startTime) || near(finish);
}

export function sortedRecord<T>(map: Map<string, T>): Record<string, T> {
  return keyedObject([...map.keys()].sort().map((key) => [key, map.get(key)!] as const));
}

export function sortedObject<T>(object: Record<string, T>): Record<string, T> {
  return keyedObject(Object.keys(object).sort().map((key) => [key, object[key]!] as const));
}
