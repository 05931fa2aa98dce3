import { readFileSync } from 'node:fs';
import { fields } from './payload.js';
import { safeName } from './state.js';
import type { AgentExecution } from '../schema/record.js';
import { sessionFiguresSchema, type SessionFigures } from '../schema/session.js';
import { writeFileAtomic } from '../store/atomic.js';
import { sessionFiguresPath } from '../store/paths.js';
import type { UsageTally } from './transcript-scan.js';

// The main thread's figures of one session, written beside its subagents'
// records (<logs>/sessions/<session>.json) and rewritten only when they change.

/** What the figures take from a subagent record. */
export type RecordFigures = {
  id: string;
  agentType: string;
  request: { context: { model: string | null } };
  metrics: { tokens: Pick<NonNullable<AgentExecution['metrics']['tokens']>, 'input' | 'output' | 'cacheCreation' | 'cacheRead'> | null; apiCalls: number | null };
};

export function sessionFigures(
  sessionId: string,
  usage: UsageTally,
  records: readonly RecordFigures[],
  source: SessionFigures['source'],
  now: number,
): SessionFigures | null {
  if (!usage.byModel.size && !usage.costState) return null;
  return {
    schemaVersion: 1,
    sessionId,
    source,
    firstAt: usage.firstAt,
    lastAt: usage.lastAt,
    mainThread: Object.fromEntries([...usage.byModel].sort(([a], [b]) => a.localeCompare(b))),
    subagents: subagentsOf(records),
    claudeCode: claudeCodeCost(usage.costState),
    writtenAt: now,
  };
}

function subagentsOf(records: readonly RecordFigures[]): SessionFigures['subagents'] {
  const byModel = new Map<string, SessionFigures['mainThread'][string]>();
  const byAgent = new Map<string, { runs: number; tokens: number }>();
  for (const record of [...records].sort((a, b) => a.id.localeCompare(b.id))) {
    const tokens = record.metrics.tokens;
    const agent = byAgent.get(record.agentType) ?? { runs: 0, tokens: 0 };
    agent.runs++;
    if (tokens) {
      agent.tokens += tokens.input + tokens.output + tokens.cacheCreation + tokens.cacheRead;
      const model = record.request.context.model ?? 'unknown';
      const sums = byModel.get(model) ?? { input: 0, output: 0, cacheCreation: 0, cacheRead: 0, apiCalls: 0 };
      sums.input += tokens.input;
      sums.output += tokens.output;
      sums.cacheCreation += tokens.cacheCreation;
      sums.cacheRead += tokens.cacheRead;
      sums.apiCalls += record.metrics.apiCalls ?? 0;
      byModel.set(model, sums);
    }
    byAgent.set(record.agentType, agent);
  }
  const sorted = <T>(map: Map<string, T>) => Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)));
  return { runs: records.length, byModel: sorted(byModel), byAgent: sorted(byAgent) };
}

/** Claude Code's cost-state line, read leniently: a field of another type counts as absent. */
function claudeCodeCost(line: Record<string, unknown> | null): SessionFigures['claudeCode'] {
  if (!line || typeof line.totalCostUSD !== 'number' || !Number.isFinite(line.totalCostUSD)) return null;
  const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);
  const byModel: NonNullable<SessionFigures['claudeCode']>['byModel'] = {};
  for (const [model, raw] of Object.entries(fields(line.modelUsage))) {
    const usage = fields(raw);
    byModel[model] = {
      input: count(usage.inputTokens),
      output: count(usage.outputTokens),
      cacheCreation: count(usage.cacheCreationInputTokens),
      cacheRead: count(usage.cacheReadInputTokens),
      costUsd: typeof usage.costUSD === 'number' && Number.isFinite(usage.costUSD) ? usage.costUSD : 0,
    };
  }
  return { totalCostUsd: line.totalCostUSD, byModel };
}

/** Written when new or changed (writtenAt and source aside); true when written. */
export function writeSessionFigures(logsDir: string, figures: SessionFigures): boolean {
  const path = sessionFiguresPath(logsDir, safeName(figures.sessionId));
  const checked = sessionFiguresSchema().parse(figures);
  try {
    const previous = JSON.parse(readFileSync(path, 'utf8')) as SessionFigures;
    // Whichever path wrote them (import, hooks), the same figures are not written again.
    if (JSON.stringify({ ...previous, writtenAt: 0, source: null }) === JSON.stringify({ ...checked, writtenAt: 0, source: null })) return false;
  } catch {
    // None yet, or unreadable: write it.
  }
  writeFileAtomic(path, `${JSON.stringify(checked)}\n`);
  return true;
}
