import type { BudgetState } from '../schema/budgets.js';
import type { Alert } from '../schema/check.js';
import type { AgentHealth } from '../schema/status.js';
import { formatPercent, formatTokens, formatUsd } from './format.js';

// What deserves the user's attention now, shared by `check`, the statusline
// mark and the SessionStart alert: a budget spent or past its warning share,
// an agent whose health is failed. Pure.

export interface Alerts {
  /** A budget spent, an agent failed: `check` exits 1. */
  problems: Alert[];
  /** A budget past its warning share. */
  warnings: Alert[];
}

export function alertsOf(budgets: readonly BudgetState[], health: Readonly<Record<string, AgentHealth>>): Alerts {
  const problems: Alert[] = [];
  const warnings: Alert[] = [];
  for (const b of budgets) {
    if (b.state === 'ok') continue;
    const text = `budget "${b.name}": ${amount(b.metric, b.spent)} of ${amount(b.metric, b.limit)} (${formatPercent(b.share)}) ${periodWord(b.period)}${
      b.state === 'warning' && b.forecast !== null && b.forecast >= b.limit ? `, heading for ${amount(b.metric, b.forecast)}` : ''
    }`;
    (b.state === 'spent' ? problems : warnings).push({ kind: b.state === 'spent' ? 'budget-spent' : 'budget-warning', subject: b.name, text });
  }
  for (const [agent, h] of Object.entries(health)) {
    if (h.status === 'failed') problems.push({ kind: 'agent-failed', subject: agent, text: `agent ${agent} is failing: ${h.reason}` });
  }
  return { problems, warnings };
}

function amount(metric: BudgetState['metric'], value: number): string {
  return metric === 'usd' ? formatUsd(value) : `${formatTokens(value)} tokens`;
}

function periodWord(period: BudgetState['period']): string {
  return period === 'day' ? 'today' : `this ${period}`;
}
