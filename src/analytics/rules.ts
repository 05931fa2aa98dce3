import type { EarlySignal, ImprovementArea, ImprovementRule, TopPerformer } from '../schema/report.js';
import type { ErrorTally } from '../schema/summary.js';
import { formatPercent, formatRatio, formatTokens, plural } from './format.js';
import { formatElapsed } from '../time/duration.js';
import type { PeriodAgent } from './merge.js';
import { median, percent, round, sum, wilsonLowerBound } from './stats.js';

// Rules that fire on the data. Each finding names the agent, states what the
// figures show, and carries those figures; the recommendation is built from the
// same data (error types, tools, samples), so no finding is a canned sentence.
// Every threshold is here, in one place.

export const THRESHOLDS = {
  /** Fewest runs before a rate means anything. */
  minRuns: 5,
  failureRate: 0.2,
  noSuccessRuns: 3,
  slowerRatio: 1.5,
  /** A p95 must also rise by this much (ms): 40 ms -> 80 ms is not a finding. */
  slowerMinDelta: 1_000,
  baselineMinRuns: 10,
  tokenHeavyRatio: 2,
  tokenHeavyMinAgents: 3,
  tokenGrowthRatio: 1.5,
  recurringMinExecutions: 3,
  recurringShare: 0.1,
  failingToolMinCalls: 5,
  failingToolRate: 0.25,
  topPerformersMinRuns: 3,
  topPerformersKept: 5,
} as const;

const RULE_ORDER: ImprovementRule[] = [
  'no-success',
  'high-failure-rate',
  'failing-tool',
  'recurring-error',
  'slower-than-usual',
  'token-heavy',
  'token-growth',
];

interface Finding extends ImprovementArea {
  /** How many runs or calls it affects, to order findings of one rule. */
  weight: number;
}

export interface RuleInput {
  agents: ReadonlyMap<string, PeriodAgent>;
  /** The same agents over the window before the period (their own history). */
  baseline: ReadonlyMap<string, PeriodAgent>;
  baselineDays: number;
}

export function improvementAreas(input: RuleInput): ImprovementArea[] {
  const findings: Finding[] = [];
  const fleetMedian = fleetMedianBilled(input.agents);
  for (const [agent, day] of input.agents) {
    const base = input.baseline.get(agent) ?? null;
    const headline = failureFinding(agent, day, base);
    if (headline) findings.push(headline);
    // One cause, one finding: a tool failing with the headline's error type is the
    // headline (named in it), and an error type a failing tool explains is that tool's finding.
    const headlineType = headline?.figures.topErrorType ?? null;
    const tools = toolFindings(agent, day).filter((f) => f.figures.topErrorType === null || f.figures.topErrorType !== headlineType);
    findings.push(...tools);
    const explained = new Set([headlineType, ...tools.map((f) => f.figures.topErrorType)]);
    findings.push(...recurringErrors(agent, day, explained));
    const slower = slowerFinding(agent, day, base, input.baselineDays);
    if (slower) findings.push(slower);
    const heavy = tokenHeavyFinding(agent, day, fleetMedian, input.agents);
    if (heavy) findings.push(heavy);
    const growth = tokenGrowthFinding(agent, day, base, input.baselineDays);
    if (growth) findings.push(growth);
  }
  return findings
    .sort((a, b) => RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule) || b.weight - a.weight || (a.agent < b.agent ? -1 : 1))
    .map(({ weight: _weight, ...area }) => area);
}

/**
 * Agents with enough runs, ranked by a success rate that accounts for sample size, then by speed.
 * `flagged`: agents with a finding or an early signal, never top performers. A top performer
 * also succeeds at least as often as the fleet does.
 */
export function topPerformers(agents: ReadonlyMap<string, PeriodAgent>, flagged: ReadonlySet<string>): TopPerformer[] {
  let runs = 0;
  let succeeded = 0;
  for (const day of agents.values()) {
    runs += day.executions;
    succeeded += day.success;
  }
  return [...agents]
    .filter(
      ([agent, day]) =>
        day.executions >= THRESHOLDS.topPerformersMinRuns && !flagged.has(agent) && day.success > 0 && day.success * runs >= succeeded * day.executions,
    )
    .map(([agent, day]) => ({ agent, day, score: wilsonLowerBound(day.success, day.executions), p50: day.durations.percentile(50) ?? Infinity }))
    .sort((a, b) => b.score - a.score || a.p50 - b.p50 || (a.agent < b.agent ? -1 : 1))
    .slice(0, THRESHOLDS.topPerformersKept)
    .map(({ agent, day }) => ({
      agent,
      executions: day.executions,
      avgDuration: day.durations.mean(),
      successRate: percent(day.success, day.executions),
      p95Duration: day.durations.percentile(95),
    }));
}

function failureFinding(agent: string, day: PeriodAgent, base: PeriodAgent | null): Finding | null {
  const n = day.executions;
  const top = topError(day);
  if (n >= THRESHOLDS.noSuccessRuns && day.success === 0) {
    const lastSuccess = day.lastSuccessAt ?? base?.lastSuccessAt ?? null;
    return {
      agent,
      rule: 'no-success',
      issue: `None of its ${n} runs succeeded (${day.failed} failed, ${day.partial} partial); last success: ${
        lastSuccess === null ? 'none on record' : new Date(lastSuccess).toISOString()
      }`,
      recommendation: top ? advice(agent, top[0], top[1]) : `Its runs left no error detail: read the transcripts of its latest runs`,
      figures: {
        executions: n,
        failed: day.failed,
        partial: day.partial,
        lastSuccess: lastSuccess === null ? null : new Date(lastSuccess).toISOString(),
        topErrorType: top?.[0] ?? null,
        topErrorExecutions: top?.[1].executions ?? null,
      },
      weight: n,
    };
  }
  // Partial runs (finished with failed tool calls) count against the agent too:
  // 1 failed and 2 partial of 7 is 3 runs in 7 that did not go well.
  const notSucceeded = day.failed + day.partial;
  if (n < THRESHOLDS.minRuns || notSucceeded / n < THRESHOLDS.failureRate) return null;
  const rate = percent(day.failed, n);
  const shareNotSucceeded = percent(notSucceeded, n);
  const outcome =
    day.partial === 0
      ? `${day.failed} of ${n} runs failed (${formatPercent(rate)})`
      : `${notSucceeded} of ${n} runs did not succeed (${formatPercent(shareNotSucceeded)}: ${day.failed} failed, ${day.partial} partial)`;
  const tool = top ? mainTool(day, top[0]) : null;
  return {
    agent,
    rule: 'high-failure-rate',
    issue: `${outcome}${top ? `; most common error: ${top[0]} in ${top[1].executions} ${runsWord(top[1].executions)}` : ''}${
      tool ? ` (${tool.tool} failed in ${tool.failures} of ${tool.calls} calls)` : ''
    }`,
    recommendation: top ? advice(agent, top[0], top[1]) : `The failed runs left no error detail: read their transcripts`,
    figures: {
      executions: n,
      failed: day.failed,
      partial: day.partial,
      failureRate: rate,
      notSucceededRate: shareNotSucceeded,
      topErrorType: top?.[0] ?? null,
      topErrorExecutions: top?.[1].executions ?? null,
    },
    weight: notSucceeded,
  };
}

/** The tool an error type came from most, with its calls, when it is a failing tool by the rule's measure. */
function mainTool(day: PeriodAgent, type: string): { tool: string; calls: number; failures: number } | null {
  const tally = day.errors[type];
  if (!tally) return null;
  const [tool] = Object.entries(tally.tools).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? [];
  const calls = tool === undefined ? undefined : day.toolCalls[tool];
  if (!tool || !calls || calls.calls < THRESHOLDS.failingToolMinCalls || calls.failures / calls.calls < THRESHOLDS.failingToolRate) return null;
  return { tool, calls: calls.calls, failures: calls.failures };
}

function toolFindings(agent: string, day: PeriodAgent): Finding[] {
  const findings: Finding[] = [];
  for (const [tool, { calls, failures }] of Object.entries(day.toolCalls)) {
    if (calls < THRESHOLDS.failingToolMinCalls || failures / calls < THRESHOLDS.failingToolRate) continue;
    const cause = Object.entries(day.errors)
      .map(([type, tally]) => ({ type, tally, n: tally.tools[tool] ?? 0 }))
      .filter((c) => c.n > 0)
      .sort((a, b) => b.n - a.n || (a.type < b.type ? -1 : 1))[0];
    const rate = percent(failures, calls);
    findings.push({
      agent,
      rule: 'failing-tool',
      issue: `${tool} failed in ${failures} of ${calls} calls (${formatPercent(rate)})${
        cause ? `, mostly ${cause.type} (${cause.n}), in ${cause.tally.executions} of ${day.executions} runs` : ''
      }`,
      recommendation: cause ? advice(agent, cause.type, cause.tally, tool) : `Check how ${agent} calls ${tool}: no error text was recorded`,
      figures: { tool, calls, failures, failureRate: rate, topErrorType: cause?.type ?? null },
      weight: failures,
    });
  }
  return findings;
}

function recurringErrors(agent: string, day: PeriodAgent, explained: ReadonlySet<unknown>): Finding[] {
  const findings: Finding[] = [];
  for (const [type, tally] of Object.entries(day.errors)) {
    if (explained.has(type)) continue;
    if (tally.executions < THRESHOLDS.recurringMinExecutions || tally.executions / day.executions < THRESHOLDS.recurringShare) continue;
    const share = percent(tally.executions, day.executions);
    findings.push({
      agent,
      rule: 'recurring-error',
      issue: `${type} errors in ${tally.executions} of ${day.executions} runs (${formatPercent(share)}), ${tally.count} in all`,
      recommendation: advice(agent, type, tally),
      figures: { errorType: type, count: tally.count, executions: tally.executions, share, sample: tally.sample },
      weight: tally.executions,
    });
  }
  return findings;
}

function slowerFinding(agent: string, day: PeriodAgent, base: PeriodAgent | null, baselineDays: number): Finding | null {
  if (!base || day.durations.count < THRESHOLDS.minRuns || base.durations.count < THRESHOLDS.baselineMinRuns) return null;
  const p95 = day.durations.percentile(95)!;
  const before = base.durations.percentile(95)!;
  if (p95 < before * THRESHOLDS.slowerRatio || p95 - before < THRESHOLDS.slowerMinDelta) return null;
  const p50 = day.durations.percentile(50)!;
  const p50Before = base.durations.percentile(50)!;
  const ratio = before > 0 ? round(p95 / before, 2) : null;
  const tailOnly = p50 < p50Before * 1.2;
  const slowest = day.slowest.slice(0, 3).map((s) => `${s.id} (${formatElapsed(s.duration)})`);
  return {
    agent,
    rule: 'slower-than-usual',
    issue: `p95 duration ${formatElapsed(p95)}, against ${formatElapsed(before)} over the previous ${baselineDays} days${ratio ? ` (${formatRatio(ratio)})` : ''}`,
    recommendation: tailOnly
      ? `Only the slow tail grew (p50 ${formatElapsed(p50Before)} → ${formatElapsed(p50)}): compare its slowest runs ${slowest.join(', ')} with typical ones`
      : `Typical runs are slower too (p50 ${formatElapsed(p50Before)} → ${formatElapsed(p50)}): look at what changed in its prompt, tools or model; slowest runs: ${slowest.join(', ')}`,
    figures: {
      p95Duration: p95,
      baselineP95Duration: before,
      ratio,
      p50Duration: p50,
      baselineP50Duration: p50Before,
      executions: day.durations.count,
      baselineExecutions: base.durations.count,
    },
    weight: day.executions,
  };
}

/**
 * What the rules can say of agents below the sample sizes: counts, never a rate
 * ("1 of 3 runs failed: api_error"). Only for agents with fewer runs than a rate
 * needs and no finding on their outcomes, so a signal never repeats a finding.
 */
export function earlySignals(agents: ReadonlyMap<string, PeriodAgent>, areas: readonly ImprovementArea[]): EarlySignal[] {
  const judged = new Set(areas.filter((a) => a.rule === 'no-success' || a.rule === 'high-failure-rate').map((a) => a.agent));
  const signals: EarlySignal[] = [];
  for (const [agent, day] of agents) {
    const n = day.executions;
    if (n >= THRESHOLDS.minRuns || judged.has(agent) || day.failed + day.partial === 0) continue;
    const errors = Object.entries(day.errors)
      .map(([type, tally]) => ({ type, executions: tally.executions, sample: tally.sample }))
      .sort((a, b) => b.executions - a.executions || (a.type < b.type ? -1 : 1));
    const of = `of ${n} ${runsWord(n)}`;
    const outcome = day.failed
      ? `${day.failed} ${of} failed${day.partial ? `, ${day.partial} partial` : ''}`
      : `${day.partial} ${of} partial (failed tool calls)`;
    const causes = errors.length === 1 ? errors[0]!.type : errors.map((e) => `${e.type} (${e.executions})`).join(', ');
    signals.push({
      agent,
      executions: n,
      failed: day.failed,
      partial: day.partial,
      errors: errors.map(({ type, executions }) => ({ type, executions })),
      text: causes ? `${outcome}: ${causes}` : `${outcome}; no error detail recorded`,
      sample: errors[0]?.sample ?? null,
    });
  }
  return signals.sort((a, b) => b.failed + b.partial - (a.failed + a.partial) || (a.agent < b.agent ? -1 : 1));
}

function runsWord(n: number): string {
  return n === 1 ? 'run' : 'runs';
}

function billedTotal(day: PeriodAgent): number {
  return day.tokens.input + day.tokens.output + day.tokens.cacheCreation + day.tokens.cacheRead;
}

function avgBilled(day: PeriodAgent): number | null {
  return day.tokens.executions >= THRESHOLDS.minRuns ? billedTotal(day) / day.tokens.executions : null;
}

function fleetMedianBilled(agents: ReadonlyMap<string, PeriodAgent>): number | null {
  const averages = [...agents.values()].map(avgBilled).filter((v): v is number => v !== null);
  if (averages.length < THRESHOLDS.tokenHeavyMinAgents) return null;
  return median(averages.sort((a, b) => a - b));
}

function tokenHeavyFinding(agent: string, day: PeriodAgent, fleetMedian: number | null, agents: ReadonlyMap<string, PeriodAgent>): Finding | null {
  const avg = avgBilled(day);
  if (avg === null || fleetMedian === null || fleetMedian === 0 || avg < fleetMedian * THRESHOLDS.tokenHeavyRatio) return null;
  const allBilled = sum([...agents.values()].map(billedTotal));
  const share = percent(billedTotal(day), allBilled);
  const callsPerRun = day.apiCalls / day.tokens.executions;
  const cacheShare = billedTotal(day) > 0 ? day.tokens.cacheRead / billedTotal(day) : 0;
  return {
    agent,
    rule: 'token-heavy',
    issue: `${formatTokens(Math.round(avg))} billed tokens per run, ${formatRatio(round(avg / fleetMedian, 2))} the median agent (${formatTokens(
      Math.round(fleetMedian),
    )}); ${formatPercent(share)} of all billed tokens`,
    recommendation:
      cacheShare >= 0.5
        ? `${formatPercent(percent(day.tokens.cacheRead, billedTotal(day)))} of its tokens are cache reads over ${round(callsPerRun, 1)} API calls per run: long conversations re-read their context; split its work into smaller tasks`
        : `Most of its tokens are fresh input or output (${round(callsPerRun, 1)} API calls per run): narrow what it reads (whole files, broad searches) or give it a smaller model`,
    figures: {
      avgBilledTokens: Math.round(avg),
      fleetMedianBilledTokens: Math.round(fleetMedian),
      ratio: round(avg / fleetMedian, 2),
      shareOfBilledTokens: share,
      apiCallsPerRun: round(callsPerRun, 1),
    },
    weight: billedTotal(day),
  };
}

function tokenGrowthFinding(agent: string, day: PeriodAgent, base: PeriodAgent | null, baselineDays: number): Finding | null {
  const now = avgBilled(day);
  if (!base || now === null || base.tokens.executions < THRESHOLDS.baselineMinRuns) return null;
  const before = billedTotal(base) / base.tokens.executions;
  if (before === 0 || now < before * THRESHOLDS.tokenGrowthRatio) return null;
  const callsNow = day.apiCalls / day.tokens.executions;
  const callsBefore = base.apiCalls / base.tokens.executions;
  const moreCalls = callsBefore > 0 && callsNow >= callsBefore * 1.2;
  return {
    agent,
    rule: 'token-growth',
    issue: `Billed tokens per run rose from ${formatTokens(Math.round(before))} to ${formatTokens(Math.round(now))} (${formatRatio(
      round(now / before, 2),
    )}) against the previous ${baselineDays} days`,
    recommendation: moreCalls
      ? `It makes more API calls per run (${round(callsBefore, 1)} → ${round(callsNow, 1)}): its tasks got longer or it loops; check its recent prompts`
      : `API calls per run are about the same (${round(callsBefore, 1)} → ${round(callsNow, 1)}), so each call carries more context: check what it reads`,
    figures: {
      avgBilledTokens: Math.round(now),
      baselineAvgBilledTokens: Math.round(before),
      ratio: round(now / before, 2),
      apiCallsPerRun: round(callsNow, 1),
      baselineApiCallsPerRun: round(callsBefore, 1),
    },
    weight: day.tokens.executions,
  };
}

function topError(day: PeriodAgent): [string, ErrorTally] | null {
  const entries = Object.entries(day.errors).sort((a, b) => b[1].executions - a[1].executions || b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  return entries[0] ?? null;
}

/** Advice for an error type, filled with the agent's own figures: tools involved and the latest message. */
function advice(agent: string, type: string, tally: ErrorTally, tool?: string): string {
  const tools = tool ? [tool] : Object.entries(tally.tools).sort((a, b) => b[1] - a[1]).map(([t]) => t);
  const toolList = tools.length ? ` (${tools.slice(0, 3).join(', ')})` : '';
  const latest = `latest: "${tally.sample}"`;
  const runs = plural(tally.executions, 'run');
  switch (type) {
    case 'api_error':
      return `${runs} hit API errors (${latest}): check rate limits, model access and request size for ${agent}`;
    case 'interrupted':
    case 'timeout':
      return `${runs} ended without finishing (${latest}): sessions were stopped or the agent hung; give it smaller tasks`;
    case 'tool_unavailable':
      return `${runs} called tools the session does not offer${toolList}: align the tools in .claude/agents/${agent}.md with what it uses`;
    case 'permission_denied':
      return `${runs} were denied a tool${toolList}: allow it in the project's permissions or change the agent's instructions`;
    case 'command_failed':
      return `${runs} ran commands that failed${toolList}; ${latest}: check the commands its instructions make it run`;
    case 'invalid_tool_call':
      return `${runs} made invalid tool calls${toolList}; ${latest}: make its instructions for these tools more precise`;
    case 'not_found':
      return `${runs} used paths that do not exist${toolList}; ${latest}: give it the project layout`;
    case 'unknown_agent_type':
      return `Claude Code did not know this agent type in ${runs}: check the agent file's name`;
    default:
      return `${runs} had ${type} errors${toolList}; ${latest}`;
  }
}
