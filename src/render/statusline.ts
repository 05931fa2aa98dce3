import { formatUsd } from '../analytics/format.js';
import type { Moment } from '../live/moment.js';
import { runningShown, short, withRunning, type RunningRuns } from './statusline-running.js';

// The one line `agent-track statusline` prints under Claude Code's prompt:
// the subagents running now in this session (elapsed / expected), today's
// subagent cost (against the day budget when one is set), and a mark when a
// budget is spent or an agent is failing. Short on purpose: it shares a row.
// The running part is drawn by statusline-running.ts, which the warm path
// uses too; the rest does not move with the clock within a day.

export function statusLine(moment: Moment, sessionId: string | null, now: number): string {
  const { running, rest } = statusLineParts(moment, sessionId);
  return withRunning(running, rest, now);
}

export interface StatusLineParts {
  /** The session's runs in flight, as the running part shows them; null with none. */
  running: RunningRuns | null;
  /** Today's cost and the marks. */
  rest: string;
}

/** The line in its two parts: the runs to show at any clock, and the rest, drawn. */
export function statusLineParts(moment: Moment, sessionId: string | null): StatusLineParts {
  const mine = moment.running.filter((r) => sessionId === null || r.sessionId === sessionId);
  const running = mine.length
    ? runningShown(mine.map((r) => ({ agentType: r.agentType, startTime: r.startTime, expectedMs: moment.typical.get(r.agentType) ?? null })))
    : null;
  const parts: string[] = [];
  // The day budget for all agents is the one today's figure is read against.
  const day = moment.budgets.find((b) => b.period === 'day' && b.agentType === null && b.metric === 'usd');
  const usd = `${formatUsd(moment.today.usd)}${moment.today.unpricedExecutions ? '+' : ''}`;
  parts.push(day ? `subagents today ${usd}/${formatUsd(day.limit)}` : `subagents today ${usd}`);
  const { problems, warnings } = moment.alerts;
  if (problems.length) parts.push(`⚠ ${alertWord(problems[0]!.kind, problems[0]!.subject)}${problems.length > 1 ? ` +${problems.length - 1}` : ''}`);
  else if (warnings.length) parts.push(`△ ${alertWord(warnings[0]!.kind, warnings[0]!.subject)}`);
  return { running, rest: parts.join(' · ') };
}

function alertWord(kind: string, subject: string): string {
  if (kind === 'agent-failed') return `${short(subject)} failing`;
  return `${short(subject)} ${kind === 'budget-spent' ? 'spent' : 'near cap'}`;
}
