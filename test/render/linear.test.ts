import { describe, expect, test } from 'vitest';
import { finishesWithin } from '../support/deadline';

// Issue 10, case 5: with a long agent name, `report`, `status` and `trends`
// grew quadratically (64k characters 3 s, 128k 18 s, 1 MB past 120 s). Each
// script below ran for minutes on the old renderer; a linear one takes
// milliseconds (the limit is a hang guard, not a speed target: see bench/).

const render = (width: string, name: number, unit = 'A') => `
  const { renderTerminal, wrap } = require('./src/render/terminal.ts');
  const name = ${JSON.stringify(unit)}.repeat(${name} / ${unit.length});
  const doc = {
    title: 'Report', blocks: [
      { kind: 'table', columns: [{ header: 'Agent', flex: true }, { header: 'Runs', align: 'right' }], rows: [[name, '3'], ['reviewer', '4']] },
      { kind: 'facts', items: [['Agent', name]] },
      { kind: 'lines', items: [{ text: name, detail: name }] },
    ],
    notes: [], csv: { columns: [], rows: [] },
  };
  const out = renderTerminal(doc, { width: ${width}, color: false });
  console.log(out.includes('reviewer') && wrap(name, 80).length === Math.ceil(${unit === 'A' ? name : 'require(\'./src/render/width.ts\').displayWidth(name)'} / 80));
`;

describe('the terminal renderer is linear in its input', () => {
  test('a table whose other rows are padded to a 256k-character name (not a terminal: no width)', () => {
    expect(finishesWithin(20_000, render('Infinity', 262_144))).toBe('true');
  });
  test('a 1 MB name in a table, facts and wrapped lines at 100 columns', () => {
    expect(finishesWithin(20_000, render('100', 1_000_000))).toBe('true');
  });
  // Node 20's Intl.Segmenter (under string-width) is quadratic over one long string: 40k characters took 0.6 s,
  // so 1 MB would take many minutes. Measured in chunks it takes seconds (clusters cost more than ASCII: a longer guard).
  test('a 1 MB name of emoji and CJK (grapheme clusters, two columns each) at 100 columns', { timeout: 90_000 }, () => {
    expect(finishesWithin(60_000, render('100', 1_000_000, '日本✅⚠️ab'))).toBe('true');
  });
});
