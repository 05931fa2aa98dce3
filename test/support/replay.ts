import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ingestPayload } from '../../src/capture/ingest';
import { DEFAULT_CONFIG, type Config } from '../../src/schema/config';
import { AgentExecution } from '../../src/schema/record';
import { listDays, readDayRecords } from '../../src/store/records';
import { isAgentEvent, loadFixture, type Fixture, type FixtureName } from './fixtures';

export const BASE_TIME = Date.parse('2026-11-25T10:00:00.000Z');

/**
 * Feed payloads through the real ingest path in this process. Each payload
 * gets the time it would have had in the captured order (1 s apart), whatever
 * order it is processed in, so different orders must give the same records.
 */
export function replay(
  logsDir: string,
  payloads: Record<string, unknown>[],
  options: { order?: number[]; config?: Config; firstIndex?: number } = {},
): void {
  const order = options.order ?? payloads.map((_, i) => i);
  for (const i of order) {
    const now = BASE_TIME + (i + (options.firstIndex ?? 0)) * 1_000;
    ingestPayload(payloads[i], { logsDir, config: options.config ?? DEFAULT_CONFIG, now, deadline: Date.now() + 5_000 });
  }
}

export function replayFixture(name: FixtureName, options: { order?: number[]; config?: Config } = {}): Fixture & { agentPayloads: Record<string, unknown>[] } {
  const fixture = loadFixture(name);
  const agentPayloads = fixture.payloads.filter(isAgentEvent);
  replay(fixture.logsDir, agentPayloads, options);
  return { ...fixture, agentPayloads };
}

export function allRecords(logsDir: string): AgentExecution[] {
  const issues: string[] = [];
  const records = listDays(logsDir).flatMap((day) => readDayRecords(logsDir, day, (issue) => issues.push(`${issue.path}: ${issue.problem}`)));
  if (issues.length) throw new Error(`unreadable records:\n${issues.join('\n')}`);
  return records.sort((a, b) => a.metrics.startTime - b.metrics.startTime);
}

export function completionLines(logsDir: string): Record<string, unknown>[] {
  return listDays(logsDir).flatMap((day) => {
    const path = join(logsDir, day, 'completions.jsonl');
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  });
}

/** Every file under a folder, relative paths. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk('');
  return out.sort();
}

export function byAgentType(records: AgentExecution[], agentType: string): AgentExecution[] {
  return records.filter((r) => r.agentType === agentType);
}

export function validate(record: unknown): AgentExecution {
  return AgentExecution.parse(record);
}
