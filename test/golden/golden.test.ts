import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { GOLDEN_DIR, goldenFiles } from '../../scripts/update-golden.js';

// What a person sees of `report` and `trends` (table, Markdown, CSV), whole,
// from a fixed record set and clock. A change to any of it fails here until
// `npm run golden` rewrites test/golden/*, and then shows in the diff.

const files = goldenFiles();

test.each(Object.entries(files))('test/golden/%s is what the renderers print (npm run golden)', (name, text) => {
  const path = join(GOLDEN_DIR, name);
  expect(existsSync(path), `${path} is missing: run npm run golden`).toBe(true);
  expect(text).toBe(readFileSync(path, 'utf8'));
});

test('no golden file is left over from an output that is no longer produced', () => {
  const stored = readdirSync(GOLDEN_DIR).filter((name) => /\.(txt|md|csv)$/.test(name));
  expect(stored.sort()).toEqual(Object.keys(files).sort());
});

test('the table view keeps to the fixed width, so the golden file pins the layout', () => {
  for (const name of ['report.txt', 'trends.txt']) {
    const widest = Math.max(...files[name]!.split('\n').map((line) => [...line].length));
    expect(widest).toBeLessThanOrEqual(120);
  }
});
