import { formatUsd } from '../analytics/format.js';
import type { Moment } from '../live/moment.js';
import { printable } from './sanitize.js';

// The one line `agent-track statusline` prints under Claude Code's prompt:
// the subagents running now in this session (elapsed / expected), today's
// subagent cost (against the day budget when one is set), and a mark when a
// budget is spent or an agent is failing. Short on purpose: it shares a row.

const RUNNING_SHOWN = 3;
const NAME_MAX = 24;

export function statusLine(moment: Moment, sessionId: string | null, now: number): string {
  const parts: string[] = [];
  const mine = moment.running.filter((r) => sessionId === null || r.sessionId === sessionId).sort((a, b) => a.startTime - b.startTime);
  if (mine.length) {
    const shown = mine.slice(0, RUNNING_SHOWN).map((r) => {
      const elapsed = now - r.startTime;
      const expected = moment.typical.get(r.agentType);
      const late = expected !== undefined && elapsed > expected;
      return `${late ? '⏰' : '▶'} ${short(r.agentType)} ${clock(elapsed)}/${expected === undefined ? '?' : clock(expected)}`;
    });
    if (mine.length > RUNNING_SHOWN) shown.push(`+${mine.length - RUNNING_SHOWN}`);
    parts.push(shown.join(' '));
  }
  // The day budget for all agents is the one today's figure is read against.
  const day = moment.budgets.find((b) => b.period === 'day' && b.agentType === null && b.metric === 'usd');
  const usd = `${formatUsd(moment.today.usd)}${moment.today.unpricedExecutions ? '+' : ''}`;
  parts.push(day ? `subagents today ${usd}/${formatUsd(day.limit)}` : `subagents today ${usd}`);
  const { problems, warnings } = moment.alerts;
  if (problems.length) parts.push(`⚠ ${alertWord(problems[0]!.kind, problems[0]!.subject)}${problems.length > 1 ? ` +${problems.length - 1}` : ''}`);
  else if (warnings.length) parts.push(`△ ${alertWord(warnings[0]!.kind, warnings[0]!.subject)}`);
  return parts.join(' · ');
}

function alertWord(kind: string, subject: string): string {
  if (kind === 'agent-failed') return `${short(subject)} failing`;
  return `${short(subject)} ${kind === 'budget-spent' ? 'spent' : 'near cap'}`;
}

function short(name: string): string {
  const clean = printable(name);
  return clean.length > NAME_MAX ? `${clean.slice(0, NAME_MAX - 1)}…` : clean;
}

/** "42s", "3m05s", "1h02m": compact, fixed shape. */
function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
