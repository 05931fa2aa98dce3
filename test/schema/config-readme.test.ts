import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import * as z from 'zod/mini';
import { configFileSchema, resolveConfig } from '../../src/schema/config.js';

// The README's config examples are what users copy: each one must be a config
// agent-track accepts, and the README must name every top-level key it accepts.

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const examples = [...README.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);

test('the README has its config examples', () => {
  expect(examples.length).toBeGreaterThanOrEqual(2);
});

test.each(examples.map((text, i) => [i, text] as const))('README config example %i is a valid agent-track.json', (_, text) => {
  const parsed = z.safeParse(configFileSchema(), JSON.parse(text));
  expect(parsed.error?.issues ?? []).toEqual([]);
  expect(() => resolveConfig(parsed.data!)).not.toThrow();
});

test('every top-level config key is named in the README', () => {
  const keys = Object.keys(configFileSchema().def.shape);
  expect(keys).toContain('budgets');
  expect(keys.filter((key) => !README.includes(`"${key}"`) && !README.includes(`\`${key}\``))).toEqual([]);
});
