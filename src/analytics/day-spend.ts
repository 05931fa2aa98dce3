import type { CompletionLine } from '../schema/completion.js';
import type { AgentDay } from '../schema/summary.js';
import { ascending } from './stats.js';
import { addTokens, emptyTokens, isLongContextRun, modelTokens, NO_MODEL } from './day-summary.js';
import { keyedObject } from './keyed.js';

// What budgets, the statusline's cost and the running agents' expected times
// read of a day: a part of the day summary. A day rollup (DayFigures) is one;
// daySpendOf builds the same figures from the day's completion lines, summed
// exactly as summarizeDay sums records, so either source gives the same
// budget burn (a test compares them). Pure.

export type AgentSpend = Pick<AgentDay, 'executions' | 'success' | 'partial' | 'failed' | 'durations' | 'tokens' | 'models' | 'longContextModels' | 'lastSuccessAt'>;

export interface DaySpend {
  day: string;
  executions: number;
  agents: Readonly<Record<string, AgentSpend>>;
}

/** A completion line that carries the run's model and billed tokens (written since they exist). */
export type PricedLine = CompletionLine & { model: string | null; tokens: NonNullable<CompletionLine['tokens']> | null };

export function isPricedLine(line: CompletionLine): line is PricedLine {
  return line.model !== undefined && line.tokens !== undefined;
}

/** One day's spend from the current line of each of its executions. */
export function daySpendOf(day: string, lines: Iterable<PricedLine>): DaySpend {
  const agents = new Map<string, AgentSpend>();
  let executions = 0;
  for (const line of lines) {
    executions++;
    let agent = agents.get(line.agentType);
    if (!agent) agents.set(line.agentType, (agent = emptyAgentSpend()));
    agent.executions++;
    agent[line.status]++;
    if (line.duration !== null) agent.durations.push(Math.round(line.duration));
    if (line.tokens !== null) {
      addTokens(agent.tokens, line.tokens);
      const bucket = isLongContextRun(line.tokens, line.tokensUsed) ? agent.longContextModels : agent.models;
      addTokens(modelTokens(bucket, line.model ?? NO_MODEL), line.tokens);
    }
    if (line.status === 'success') {
      // The line's timestamp is the run's end (its start when the end is unknown), as lastSuccessAt takes it.
      const at = Date.parse(line.timestamp);
      agent.lastSuccessAt = agent.lastSuccessAt === null ? at : Math.max(agent.lastSuccessAt, at);
    }
  }
  for (const agent of agents.values()) agent.durations.sort(ascending);
  return { day, executions, agents: keyedObject([...agents.keys()].sort().map((key) => [key, agents.get(key)!] as const)) };
}

function emptyAgentSpend(): AgentSpend {
  return {
    executions: 0,
    success: 0,
    partial: 0,
    failed: 0,
    durations: [],
    tokens: emptyTokens(),
    models: keyedObject(),
    longContextModels: keyedObject(),
    lastSuccessAt: null,
  };
}
