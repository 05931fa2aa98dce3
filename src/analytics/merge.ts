import type { AgentDay, DayFigures, DayWorkflows, FragmentExecution, TokenSums, WorkflowTally } from '../schema/summary.js';
import { addTokens, emptyAgentDay, modelTokens, topSlowest } from './day-summary.js';
import { DurationSet } from './durations.js';
import { keyedObject } from './keyed.js';
import { addRun, describeWorkflow, mergeTally, workflowRun } from './workflows.js';

// Any set of day summaries -> one aggregate per agent. Durations stay the
// days' exact lists (a DurationSet), so percentiles over a month are the
// percentiles of the month's executions, never an average of daily figures.

export const SLOWEST_PER_PERIOD = 10;

/** An agent over several days: a day's figures added up, with all their durations. */
export type PeriodAgent = Omit<AgentDay, 'durations'> & { durations: DurationSet };

export interface PeriodAggregate {
  /** Days that had a summary, ascending. */
  days: string[];
  executions: number;
  agents: Map<string, PeriodAgent>;
  workflows: Map<string, WorkflowTally>;
  withoutPrompt: number;
  skipped: number;
}

/** A day's figures, with its workflows when the caller needs them (trends and baselines do not). */
export type DayInput = DayFigures & Partial<DayWorkflows>;

export function emptyPeriodAgent(): PeriodAgent {
  return { ...emptyAgentDay(), durations: new DurationSet() };
}

/** `agents`: keep only these agent types (and workflows that involve one of them); null keeps all. */
export function mergeDays(summaries: readonly DayInput[], agents: ReadonlySet<string> | null = null): PeriodAggregate {
  const keep = (agent: string) => agents === null || agents.has(agent);
  const involved = new Map<string, boolean>();
  const keepWorkflow = (key: string) => {
    if (agents === null) return true;
    let found = involved.get(key);
    if (found === undefined) involved.set(key, (found = describeWorkflow(key).agents.some(keep)));
    return found;
  };
  const merged = new Map<string, PeriodAgent>();
  const workflows = new Map<string, WorkflowTally>();
  const open = new Map<string, FragmentExecution[]>();
  let withoutPrompt = 0;
  let skipped = 0;

  const ordered = [...summaries].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  for (const summary of ordered) {
    withoutPrompt += summary.withoutPrompt;
    skipped += summary.skipped.count;
    for (const [agent, day] of Object.entries(summary.agents)) {
      if (!keep(agent)) continue;
      let entry = merged.get(agent);
      if (!entry) merged.set(agent, (entry = emptyPeriodAgent()));
      mergeAgentDay(entry, day);
    }
    for (const [key, tally] of Object.entries(summary.workflows ?? {})) {
      if (keepWorkflow(key)) mergeTally(workflows, key, tally);
    }
    for (const fragment of summary.openPrompts ?? []) {
      const list = open.get(fragment.promptId);
      if (list) list.push(...fragment.executions);
      else open.set(fragment.promptId, [...fragment.executions]);
    }
  }
  for (const executions of open.values()) {
    const run = workflowRun(uniqueById(executions));
    if (keepWorkflow(run.key)) addRun(workflows, run);
  }

  const agentsOut = new Map<string, PeriodAgent>();
  let executions = 0;
  for (const agent of [...merged.keys()].sort()) {
    const entry = merged.get(agent)!;
    entry.slowest = topSlowest(entry.slowest, SLOWEST_PER_PERIOD);
    executions += entry.executions;
    agentsOut.set(agent, entry);
  }
  return { days: ordered.map((s) => s.day), executions, agents: agentsOut, workflows, withoutPrompt, skipped };
}

/** Every agent of a period as one: the summary line, or a day's overall figures. */
export function combineAgents(agents: Iterable<PeriodAgent>): PeriodAgent {
  const all = emptyPeriodAgent();
  for (const agent of agents) {
    addFigures(all, agent);
    all.durations.addAll(agent.durations);
  }
  all.slowest = topSlowest(all.slowest, SLOWEST_PER_PERIOD);
  return all;
}

export function mergeAgentDay(into: PeriodAgent, from: AgentDay): void {
  addFigures(into, from);
  into.durations.add(from.durations);
}

/** Everything but the durations: counts, sums, tallies, latest times, slowest runs. */
function addFigures(into: Omit<AgentDay, 'durations'>, from: Omit<AgentDay, 'durations'>): void {
  into.executions += from.executions;
  into.success += from.success;
  into.partial += from.partial;
  into.failed += from.failed;
  into.background += from.background;
  into.tokensUsed.total += from.tokensUsed.total;
  into.tokensUsed.executions += from.tokensUsed.executions;
  addTokens(into.tokens, from.tokens);
  addModelTokens(into.models, from.models);
  addModelTokens(into.longContextModels, from.longContextModels);
  into.apiCalls += from.apiCalls;
  into.filesModified += from.filesModified;
  into.testsRun += from.testsRun;
  into.issuesFound += from.issuesFound;
  for (const [tool, tally] of Object.entries(from.toolCalls)) {
    const sum = (into.toolCalls[tool] ??= { calls: 0, failures: 0 });
    sum.calls += tally.calls;
    sum.failures += tally.failures;
  }
  for (const [type, tally] of Object.entries(from.errors)) {
    const sum = into.errors[type];
    if (!sum) {
      into.errors[type] = { ...tally, tools: keyedObject(Object.entries(tally.tools)) };
      continue;
    }
    sum.count += tally.count;
    sum.executions += tally.executions;
    if (tally.sampleAt > sum.sampleAt || (tally.sampleAt === sum.sampleAt && tally.sample < sum.sample)) {
      sum.sample = tally.sample;
      sum.sampleAt = tally.sampleAt;
    }
    for (const [tool, n] of Object.entries(tally.tools)) sum.tools[tool] = (sum.tools[tool] ?? 0) + n;
  }
  into.lastSuccessAt = maxOrNull(into.lastSuccessAt, from.lastSuccessAt);
  into.lastExecutionAt = maxOrNull(into.lastExecutionAt, from.lastExecutionAt);
  into.slowest.push(...from.slowest);
  // Keep the candidates bounded on long windows; the final cut happens once at the end.
  if (into.slowest.length > SLOWEST_PER_PERIOD * 8) into.slowest = topSlowest(into.slowest, SLOWEST_PER_PERIOD);
}

function addModelTokens(into: Record<string, TokenSums>, from: Record<string, TokenSums>): void {
  for (const [model, tokens] of Object.entries(from)) addTokens(modelTokens(into, model), tokens);
}

function maxOrNull(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

function uniqueById(executions: FragmentExecution[]): FragmentExecution[] {
  const byId = new Map<string, FragmentExecution>();
  for (const execution of executions) byId.set(execution.id, execution);
  return [...byId.values()];
}
