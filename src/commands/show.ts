import { Command } from 'commander';
import { homedir } from 'node:os';
import { runCost } from '../analytics/cost.js';
import { chainRun } from '../analytics/runs.js';
import { claudeConfigDir, subagentTranscriptFinder } from '../capture/claude-paths.js';
import { toolTimelineOf } from '../capture/assemble.js';
import { summarizeTranscript } from '../capture/transcript.js';
import { TRANSCRIPT_MAX_BYTES } from '../capture/transcript.js';
import { render } from '../render/output.js';
import { showDocument } from '../render/runs-view.js';
import type { AgentExecution } from '../schema/record.js';
import type { ShowOutput, ToolCallEntry } from '../schema/runs.js';
import { readRegularFile } from '../store/fs.js';
import { findRecordFiles, parseRecord, recordIdOf } from '../store/records.js';
import { createContext, UsageError, UserError, type GlobalOptions } from './context.js';
import { formatOf, formatOption, jsonOption } from './options.js';
import { Warnings } from '../render/warnings.js';

// `agent-track show <id>`: one run in detail. A unique prefix of the id is
// enough. The tool-call timeline comes from the subagent's transcript while
// Claude Code keeps it.

interface ShowOptions extends GlobalOptions {
  json?: boolean;
  format: 'table' | 'json';
}

const ID_PREFIX = /^[a-z0-9_-]{1,100}$/i;

export function showCommand(): Command {
  return new Command('show')
    .description('one run in detail: prompt, place in the chain, tool calls, errors, tokens and cost, files, transcript')
    .argument('<id>', 'execution id, or a unique prefix of it (as `agent-track runs` prints)')
    .addOption(formatOption(['table', 'json']))
    .addOption(jsonOption())
    .action((id: string, _options: unknown, command: Command) => {
      process.exitCode = runShow(id, command.optsWithGlobals<ShowOptions>());
    });
}

function runShow(id: string, options: ShowOptions): number {
  const format = formatOf(options);
  if (!ID_PREFIX.test(id)) throw new UsageError(`"${id}" is not an execution id: ids are letters, digits, - and _`);
  const ctx = createContext(options);
  const warnings = new Warnings();
  const record = findOne(ctx.logsDir, id, warnings);
  const byId = (other: string) => latest(findRecordFiles(ctx.logsDir, other).filter((p) => recordIdOf(p) === other), warnings);

  const parentId = record.chain.parentExecutionId;
  const transcript = transcriptOf(record, ctx.env);
  const out: ShowOutput = {
    schemaVersion: 1,
    kind: 'agent-track/show',
    generatedAt: new Date(ctx.now).toISOString(),
    execution: record,
    costUsd: runCost(record, ctx.config.prices),
    chain: {
      parent: parentId ? chainRun(parentId, byId(parentId)) : null,
      children: record.chain.childExecutions.map((c) => chainRun(c, byId(c))),
      parallel: record.chain.parallelWith.map((c) => chainRun(c, byId(c))),
    },
    timeline: transcript ? { source: 'transcript', calls: transcript.calls } : storedTimeline(record),
    transcriptPath: transcript?.path ?? null,
  };
  ctx.stdout.write(render(out, () => showDocument(out), format, { width: ctx.width, color: ctx.color }));
  warnings.flush(ctx.stderr);
  return 0;
}

function findOne(logsDir: string, prefix: string, warnings: Warnings): AgentExecution {
  const files = findRecordFiles(logsDir, prefix);
  const ids = [...new Set(files.map(recordIdOf))];
  if (ids.length === 0) throw new UserError(`no run with an id starting "${prefix}" in ${logsDir} (list them with \`agent-track runs\`)`);
  if (ids.length > 1) throw new UserError(`"${prefix}" matches ${ids.length} runs (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}): give more of the id`);
  const record = latest(files, warnings);
  if (!record) throw new UserError(`the record of run ${ids[0]} cannot be read: ${warnings.list().join('; ')}`);
  return record;
}

/** The latest readable version of a record (a run rewritten by a late event may have two files). */
function latest(files: string[], warnings: Warnings): AgentExecution | null {
  let best: AgentExecution | null = null;
  for (const path of files) {
    const record = parseRecord(path, warnings.issue);
    if (record && (!best || record.capture.writtenAt > best.capture.writtenAt)) best = record;
  }
  return best;
}

function transcriptOf(record: AgentExecution, env: NodeJS.ProcessEnv): { path: string; calls: ToolCallEntry[] } | null {
  const agentId = record.request.context.agentId;
  if (!agentId) return null;
  const path = subagentTranscriptFinder(claudeConfigDir(env, env.HOME || homedir()))(record.request.context.sessionId, agentId);
  if (!path) return null;
  const file = readRegularFile(path, TRANSCRIPT_MAX_BYTES);
  if (!file.ok) return null;
  // The same reading of the transcript as capture's, so show and the stored timeline agree.
  const summary = summarizeTranscript(file.bytes.toString('utf8'), record.request.context.cwd);
  return { path, calls: toolTimelineOf(summary, record.metrics.startTime) };
}

/** The compact timeline the record stores (metrics.toolTimeline), for runs whose transcript is gone. */
function storedTimeline(record: AgentExecution): ShowOutput['timeline'] {
  const stored = record.metrics.toolTimeline;
  return stored ? { source: 'record', calls: stored } : { source: null, calls: [] };
}
