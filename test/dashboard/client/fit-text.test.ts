import { expect, test } from 'vitest';
import { finishesWithin } from '../../support/deadline';

// Issue 10, case 5: with a 1 MB agent name the dashboard never finished
// loading: fitText measured the label once per character it dropped. Here the
// canvas is a stand-in whose measureText costs the length of the text, as a
// browser's does (the limit is a hang guard, not a speed target).

test('a chart label cut from a 1 MB name fits, in a handful of measurements', () => {
  const out = finishesWithin(
    20_000,
    `let calls = 0;
     globalThis.document = { createElement: () => ({ getContext: () => ({ font: '', measureText: (t) => { calls++; return { width: Array.from(t).length * 7 }; } }) }) };
     const { fitText } = require('./src/dashboard/client/charts.ts');
     const label = fitText('A'.repeat(1_000_000), 140);
     console.log(label.length * 7 <= 140 && label.endsWith('…') && label.length > 10, calls < 40);`,
  );
  expect(out).toBe('true true');
});
