import type { ModelPrice } from '../schema/config.js';
import type { SessionShare } from '../schema/report.js';
import type { ModelTokens, SessionFigures } from '../schema/session.js';
import type { TokenSums } from '../schema/summary.js';
import { costOf } from './cost.js';
import { percent } from './stats.js';

// Pure: the sessions of a period (their main thread and their subagents, as
// sessions/<session>.json holds them) in, the subagents' share of the
// sessions' tokens and cost out, overall and per agent type.

const total = (t: ModelTokens) => t.input + t.output + t.cacheCreation + t.cacheRead;

function priced(byModel: readonly Record<string, ModelTokens>[], prices: Readonly<Record<string, ModelPrice>>): number | null {
  const models: Record<string, TokenSums> = {};
  for (const tokens of byModel) {
    for (const [model, t] of Object.entries(tokens)) {
      const sums = (models[model] ??= { executions: 0, input: 0, output: 0, cacheCreation: 0, cacheRead: 0 });
      sums.executions++;
      sums.input += t.input;
      sums.output += t.output;
      sums.cacheCreation += t.cacheCreation;
      sums.cacheRead += t.cacheRead;
    }
  }
  return costOf(models, {}, prices).usd;
}

export function sessionShare(sessions: readonly SessionFigures[], agents: readonly string[] | null, prices: Readonly<Record<string, ModelPrice>>): SessionShare | null {
  if (!sessions.length) return null;
  let mainTokens = 0;
  let subagentTokens = 0;
  let runs = 0;
  const byAgent = new Map<string, { runs: number; tokens: number }>();
  for (const session of sessions) {
    for (const t of Object.values(session.mainThread)) mainTokens += total(t);
    for (const t of Object.values(session.subagents.byModel)) subagentTokens += total(t);
    runs += session.subagents.runs;
    for (const [agent, figures] of Object.entries(session.subagents.byAgent)) {
      const sums = byAgent.get(agent) ?? { runs: 0, tokens: 0 };
      sums.runs += figures.runs;
      sums.tokens += figures.tokens;
      byAgent.set(agent, sums);
    }
  }
  const mainUsd = priced(sessions.map((s) => s.mainThread), prices);
  const subagentUsd = priced(sessions.map((s) => s.subagents.byModel), prices);
  const all = mainTokens + subagentTokens;
  return {
    sessions: sessions.length,
    mainThread: { tokens: mainTokens, usd: mainUsd },
    subagents: { runs, tokens: subagentTokens, usd: subagentUsd },
    tokenShare: percent(subagentTokens, all),
    costShare: mainUsd === null || subagentUsd === null ? null : percent(subagentUsd, mainUsd + subagentUsd),
    byAgent: [...byAgent]
      .filter(([agent]) => agents === null || agents.includes(agent))
      .map(([agent, figures]) => ({ agent, runs: figures.runs, tokens: figures.tokens, shareOfSessionTokens: percent(figures.tokens, all) }))
      .sort((a, b) => b.tokens - a.tokens || (a.agent < b.agent ? -1 : 1)),
  };
}
