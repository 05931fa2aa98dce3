import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { schemaFiles } from '../../scripts/build-schemas.js';

test.each(Object.entries(schemaFiles()))('schema/%s is up to date (npm run schema)', (name, text) => {
  expect(readFileSync(join(__dirname, '..', '..', 'schema', name), 'utf8')).toBe(text);
});
