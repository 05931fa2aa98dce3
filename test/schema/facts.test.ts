import * as z from 'zod/mini';
import { expect, test } from 'vitest';
import { ExecutionFacts } from '../../src/schema/facts.js';
import { AgentExecution } from '../../src/schema/record.js';
import { makeRecord } from '../analytics/make-record.js';

/** Whether any schema in the tree carries a describe() check, which z.compile leaves to the slow runtime parser. */
function hasDescribe(schema: z.ZodMiniType): boolean {
  const def = schema.def as unknown as Record<string, unknown> & { checks?: { _zod: { def: { check: string } } }[] };
  if (def.checks?.some((c) => c._zod.def.check === 'describe')) return true;
  const children = [def.innerType, def.element, def.keyType, def.valueType, ...Object.values((def.shape as object) ?? {})];
  return children.some((child) => child !== undefined && hasDescribe(child as z.ZodMiniType));
}

test('the record schema keeps descriptions in the registry, never in a describe() check the compiler gives up on', () => {
  expect(hasDescribe(AgentExecution)).toBe(false);
  expect(hasDescribe(ExecutionFacts)).toBe(false);
  // ...and the published JSON Schema still carries them.
  expect(JSON.stringify(z.toJSONSchema(AgentExecution))).toContain('Distinct tool names in order of first use');
});

test('it keeps rejecting what the record schema rejects', () => {
  const record = makeRecord({ id: 'a', start: 1 });
  const compiled = z.compile(ExecutionFacts);
  expect(compiled.safeParse(record).success).toBe(true);
  for (const broken of [
    { ...record, schemaVersion: 2 },
    { ...record, metrics: { ...record.metrics, startTime: -1 } },
    { ...record, metrics: { ...record.metrics, tokensUsed: 1.5 } },
    { ...record, metrics: { ...record.metrics, tokens: { input: 1 } } },
    { ...record, result: { ...record.result, status: 'done' } },
    { ...record, errors: [{ type: 'x', message: 'y', tool: null }] },
  ]) {
    expect(compiled.safeParse(broken).success).toBe(false);
    expect(ExecutionFacts.safeParse(broken).success).toBe(false);
  }
});
