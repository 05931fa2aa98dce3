import type { FragmentExecution, WorkflowTally } from '../schema/summary.js';

// A workflow is everything one user prompt (prompt_id) launched. Its shape is
// a sequence of stages; agents launched together (parallel Agent calls in one
// turn, overlapping runs) share a stage, so "[a | b] → c" reads as "a and b in
// parallel, then c", whatever order their hooks happened to fire in. An agent
// launched by another agent is shown inside its parent: "a(b → c)".

/**
 * A background agent returns to the main thread at once, so it marks a launch,
 * not a span: only what starts within this window of it counts as launched
 * with it. Otherwise everything that ran while it worked would join its stage.
 */
export const LAUNCH_WINDOW_MS = 1_000;

export interface WorkflowRun {
  signature: string;
  stages: string[][];
  agents: string[];
  executions: number;
  wallTime: number;
  succeeded: boolean;
}

export function workflowRun(executions: readonly FragmentExecution[]): WorkflowRun {
  const ids = new Set(executions.map((e) => e.id));
  const children = new Map<string, FragmentExecution[]>();
  const topLevel: FragmentExecution[] = [];
  for (const execution of executions) {
    const parent = execution.parentExecutionId;
    if (parent !== null && parent !== execution.id && ids.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(execution);
      children.set(parent, list);
    } else {
      topLevel.push(execution);
    }
  }
  const stages = stagesOf(topLevel, children, new Set());
  let first = Infinity;
  let last = -Infinity;
  for (const execution of executions) {
    first = Math.min(first, execution.startTime);
    last = Math.max(last, endOf(execution));
  }
  return {
    signature: signatureOf(stages),
    stages,
    agents: [...new Set(executions.map((e) => e.agentType))].sort(),
    executions: executions.length,
    wallTime: executions.length ? Math.max(0, Math.round(last - first)) : 0,
    succeeded: executions.every((e) => e.status === 'success'),
  };
}

export function signatureOf(stages: readonly (readonly string[])[]): string {
  return stages.map((stage) => (stage.length === 1 ? stage[0]! : `[${stage.join(' | ')}]`)).join(' → ');
}

/** One run added to the tally of its signature. */
export function addRun(tallies: Map<string, WorkflowTally>, run: WorkflowRun): void {
  const tally = tallies.get(run.signature);
  if (tally) {
    tally.runs++;
    tally.succeeded += run.succeeded ? 1 : 0;
    tally.executions += run.executions;
    tally.wallTime += run.wallTime;
  } else {
    tallies.set(run.signature, {
      stages: run.stages.map((stage) => [...stage]),
      agents: [...run.agents],
      runs: 1,
      succeeded: run.succeeded ? 1 : 0,
      executions: run.executions,
      wallTime: run.wallTime,
    });
  }
}

export function mergeTally(tallies: Map<string, WorkflowTally>, signature: string, other: WorkflowTally): void {
  const tally = tallies.get(signature);
  if (tally) {
    tally.runs += other.runs;
    tally.succeeded += other.succeeded;
    tally.executions += other.executions;
    tally.wallTime += other.wallTime;
  } else {
    tallies.set(signature, { ...other, stages: other.stages.map((s) => [...s]), agents: [...other.agents] });
  }
}

function endOf(execution: FragmentExecution): number {
  return execution.endTime ?? execution.startTime + (execution.duration ?? 0);
}

function stagesOf(
  executions: readonly FragmentExecution[],
  children: Map<string, FragmentExecution[]>,
  visiting: Set<string>,
): string[][] {
  const ordered = [...executions].sort((a, b) => a.startTime - b.startTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const stages: string[][] = [];
  let stage: string[] | null = null;
  let stageEnd = -Infinity;
  let foreground = new Set<string>();
  for (const execution of ordered) {
    const launchedWith =
      stage !== null &&
      (execution.startTime < stageEnd || (!execution.background && execution.parallelWith.some((id) => foreground.has(id))));
    if (!launchedWith || stage === null) {
      stage = [];
      stages.push(stage);
      stageEnd = -Infinity;
      foreground = new Set();
    }
    stage.push(labelOf(execution, children, visiting));
    stageEnd = Math.max(stageEnd, execution.background ? execution.startTime + LAUNCH_WINDOW_MS : endOf(execution));
    if (!execution.background) foreground.add(execution.id);
  }
  for (const s of stages) s.sort();
  return stages;
}

function labelOf(execution: FragmentExecution, children: Map<string, FragmentExecution[]>, visiting: Set<string>): string {
  const own = children.get(execution.id);
  // A corrupt chain could loop; a parent already being labelled is not expanded again.
  if (!own || visiting.has(execution.id)) return execution.agentType;
  visiting.add(execution.id);
  const inner = signatureOf(stagesOf(own, children, visiting));
  visiting.delete(execution.id);
  return `${execution.agentType}(${inner})`;
}
