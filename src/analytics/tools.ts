import type { ToolUsage } from '../schema/report.js';
import type { PeriodAgent } from './merge.js';
import { percent } from './stats.js';

/** Calls and failure rate per tool, over all agents and per agent; most used first. */
export function toolUsage(agents: ReadonlyMap<string, Pick<PeriodAgent, 'toolCalls'>>): ToolUsage {
  const totals = new Map<string, { calls: number; failures: number; agents: number }>();
  const byAgent: ToolUsage['byAgent'] = [];
  for (const [agent, day] of agents) {
    const tools = Object.entries(day.toolCalls).map(([tool, t]) => ({
      tool,
      calls: t.calls,
      failures: t.failures,
      failureRate: percent(t.failures, t.calls),
    }));
    if (tools.length === 0) continue;
    for (const t of tools) {
      const total = totals.get(t.tool) ?? { calls: 0, failures: 0, agents: 0 };
      total.calls += t.calls;
      total.failures += t.failures;
      total.agents++;
      totals.set(t.tool, total);
    }
    byAgent.push({ agent, tools: tools.sort(byCalls) });
  }
  const tools = [...totals].map(([tool, t]) => ({ tool, calls: t.calls, failures: t.failures, failureRate: percent(t.failures, t.calls), agents: t.agents }));
  return { tools: tools.sort(byCalls), byAgent: byAgent.sort((a, b) => (a.agent < b.agent ? -1 : 1)) };
}

function byCalls(a: { tool: string; calls: number }, b: { tool: string; calls: number }): number {
  return b.calls - a.calls || (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0);
}
