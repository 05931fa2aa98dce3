import * as z from 'zod/mini';
import { expect, test } from 'vitest';
import { ExecutionFacts, ExecutionFactsForReading } from '../../src/schema/facts.js';
import { makeRecord } from '../analytics/make-record.js';

const withoutDescriptionKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(withoutDescriptionKeys)
    : value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'description').map(([k, v]) => [k, withoutDescriptionKeys(v)]))
      : value;

test('the schema the loader reads with accepts exactly what ExecutionFacts accepts', () => {
  expect(z.toJSONSchema(ExecutionFactsForReading)).toEqual(withoutDescriptionKeys(z.toJSONSchema(ExecutionFacts)));
});

/** Whether any schema in the tree carries a describe() check, which z.compile leaves to the slow runtime parser. */
function hasDescribe(schema: z.ZodMiniType): boolean {
  const def = schema.def as unknown as Record<string, unknown> & { checks?: { _zod: { def: { check: string } } }[] };
  if (def.checks?.some((c) => c._zod.def.check === 'describe')) return true;
  const children = [def.innerType, def.element, def.keyType, def.valueType, ...Object.values((def.shape as object) ?? {})];
  return children.some((child) => child !== undefined && hasDescribe(child as z.ZodMiniType));
}

test('and has no describe() check left for the compiler to give up on', () => {
  expect(hasDescribe(ExecutionFacts)).toBe(true);
  expect(hasDescribe(ExecutionFactsForReading)).toBe(false);
});

test('it keeps rejecting what the record schema rejects', () => {
  const record = makeRecord({ id: 'a', start: 1 });
  const compiled = z.compile(ExecutionFactsForReading);
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
