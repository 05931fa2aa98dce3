import { formatCount, formatPercent, formatTokens, formatUsd } from '../analytics/format.js';
import type { SessionShare } from '../schema/report.js';
import { cellText, type Block, type Cell } from './document.js';

// The subagents' share of their sessions, as report and status show it.

/** The subagents beside the main thread of their sessions (sessions/<session>.json). */
export function sessionShareBlock(share: SessionShare, scope = 'in their sessions'): Block {
  const usd = (value: number | null) => (value === null ? { text: 'not priced', tone: 'warn' as const } : formatUsd(value));
  const agents = share.byAgent
    .slice(0, 5)
    .map((a) => `${a.agent} ${formatPercent(a.shareOfSessionTokens)}`)
    .join(', ');
  return {
    kind: 'facts',
    title: `Subagents ${scope} (${formatCount(share.sessions)} ${share.sessions === 1 ? 'session' : 'sessions'} with main-thread figures)`,
    items: [
      ['Token share', formatPercent(share.tokenShare)],
      ['Cost share', formatPercent(share.costShare)],
      ['Subagents', `${formatTokens(share.subagents.tokens)} tokens, ${cellText(usd(share.subagents.usd))}`],
      ['Main thread', `${formatTokens(share.mainThread.tokens)} tokens, ${cellText(usd(share.mainThread.usd))}`],
      ...(agents ? [['By agent', agents] as [string, Cell]] : []),
    ],
  };
}

