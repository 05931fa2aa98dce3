import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { agentSpanIdOf, toolSpanIdsOf, traceIdOf } from '../../src/export/ids';
import type { ExportJob } from '../../src/export/run';
import { resolveTarget } from '../../src/export/target';
import { DEFAULT_CONFIG } from '../../src/schema/config';
import type { AgentExecution } from '../../src/schema/record';
import type { ReceivedSpan } from './otlp-receiver';
import { allRecords, filesUnder, replayFixture } from './replay';

// What the export tests share, whatever the protocol: the store of real
// captured sessions they export, an export job for it, and the comparison of
// every span a receiver decoded with the record it came from.

/** The three real sessions in one logs folder: parallel agents, a nested one, a background one, failures. */
export function store() {
  const logsDir = replayFixture('fanout').logsDir;
  for (const name of ['nested-background', 'single'] as const) {
    const other = replayFixture(name);
    for (const file of filesUnder(other.logsDir).filter((f) => /^\d{4}-\d{2}-\d{2}\/[^/]+\/exec-.*\.json$/.test(f))) {
      const target = join(logsDir, file);
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, readFileSync(join(other.logsDir, file)));
    }
  }
  return { logsDir, records: allRecords(logsDir) };
}

// Long after the fixtures were written: their folders count as settled.
export const NOW = Date.parse('2026-12-01T12:00:00Z');

export function job(logsDir: string, url: string, overrides: Partial<ExportJob> = {}): ExportJob {
  return {
    logsDir,
    target: { ...resolveTarget({ endpoint: url }, {}), timeoutMs: 3_000 },
    spans: { prompts: false, redact: new Set(), prices: DEFAULT_CONFIG.prices },
    resource: { 'service.name': 'claude-code-subagents', 'agent_track.project': 'shop-api' },
    since: null,
    dryRun: false,
    now: NOW,
    onIssue: (issue) => {
      throw new Error(`unexpected issue: ${issue.problem}`);
    },
    onProblem: () => {},
    ...overrides,
  };
}

export const ns = (ms: number) => BigInt(ms) * 1_000_000n;

export function expectSpansOf(records: AgentExecution[], spans: ReceivedSpan[]) {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  // Each span exactly once.
  expect(byId.size).toBe(spans.length);
  const toolSpans = records.reduce((n, r) => n + (r.metrics.toolTimeline?.length ?? 0), 0);
  expect(spans).toHaveLength(records.length + toolSpans);
  for (const record of records) {
    const span = byId.get(agentSpanIdOf(record.id))!;
    expect(span, record.id).toBeDefined();
    const { context } = record.request;
    expect(span.traceId).toBe(traceIdOf(context.sessionId, context.promptId));
    expect(span.parentSpanId).toBe(record.chain.parentExecutionId ? agentSpanIdOf(record.chain.parentExecutionId) : null);
    expect(span.name).toBe(`invoke_agent ${record.agentType}`);
    expect(span.kind).toBe(1); // INTERNAL
    expect(span.startNs).toBe(ns(record.metrics.startTime));
    expect(span.endNs).toBe(ns(record.metrics.startTime + record.metrics.duration!));
    expect(span.status.code).toBe(record.result.status === 'failed' ? 2 : 0);
    const tokens = record.metrics.tokens!;
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': record.agentType,
      'gen_ai.agent.id': context.agentId,
      'gen_ai.conversation.id': context.sessionId,
      'gen_ai.request.model': context.model,
      'gen_ai.usage.input_tokens': tokens.input + tokens.cacheRead + tokens.cacheCreation,
      'gen_ai.usage.output_tokens': tokens.output,
      'gen_ai.usage.cache_read.input_tokens': tokens.cacheRead,
      'gen_ai.usage.cache_creation.input_tokens': tokens.cacheCreation,
      'openinference.span.kind': 'AGENT',
      'session.id': context.sessionId,
      'llm.token_count.completion': tokens.output,
      'agent_track.status': record.result.status,
      'agent_track.priority': record.request.priority,
      'agent_track.files_modified': record.result.filesModified,
      'agent_track.tests_run': record.result.testsRun,
    });
    // Prompts are off by default.
    expect(span.attributes['input.value']).toBeUndefined();
    expect(span.resource).toMatchObject({ 'service.name': 'claude-code-subagents', 'agent_track.project': 'shop-api' });
    expect(span.events.map((e) => [e.name, e.attributes['exception.type'], e.attributes['agent_track.error.recovery_action'] ?? null])).toEqual(
      record.errors.map((e) => ['exception', e.type, e.recoveryAction]),
    );
    const toolId = toolSpanIdsOf(record.id);
    (record.metrics.toolTimeline ?? []).forEach((call, i) => {
      const tool = byId.get(toolId(i))!;
      expect(tool.parentSpanId).toBe(span.spanId);
      expect(tool.traceId).toBe(span.traceId);
      expect(tool.name).toBe(`execute_tool ${call.tool}`);
      expect(tool.startNs).toBe(ns(record.metrics.startTime + call.start));
      expect(tool.endNs).toBe(ns(record.metrics.startTime + call.start + (call.duration ?? 0)));
      expect(tool.status.code).toBe(call.ok ? 0 : 2);
      expect(tool.attributes).toMatchObject({ 'gen_ai.tool.name': call.tool, 'openinference.span.kind': 'TOOL' });
    });
  }
}
