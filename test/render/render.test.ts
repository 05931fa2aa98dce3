import { describe, expect, test } from 'vitest';
import { renderCsv } from '../../src/render/csv.js';
import type { Document, Table } from '../../src/render/document.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { sparkline } from '../../src/render/sparkline.js';
import { displayWidth, renderTerminal } from '../../src/render/terminal.js';
import { TRENDS_COLUMNS } from '../../src/render/trends-view.js';

const table: Table = {
  kind: 'table',
  title: 'Agents',
  columns: [
    { header: 'Agent', flex: true },
    { header: 'Runs', align: 'right' },
    { header: 'p95', align: 'right', priority: 1 },
    { header: 'Last success', priority: 3 },
    { header: 'Top error', flex: true, priority: 2 },
  ],
  rows: [
    ['code-review-specialist', '1,204', '3 min 2 s', '2026-11-25 10:00', 'api_error (12)'],
    ['Explore', '98', '12 s', '2026-11-24 09:00', { text: 'tool_unavailable (3)', tone: 'bad' }],
  ],
};
const doc = (blocks: Document['blocks']): Document => ({ title: 'Title', blocks, notes: [], csv: { columns: [], rows: [] } });

describe('terminal tables', () => {
  test('show every column when there is room', () => {
    const text = renderTerminal(doc([table]), { width: 200, color: false });
    expect(text).toContain('code-review-specialist  1,204  3 min 2 s  2026-11-25 10:00  api_error (12)');
    expect(text).not.toContain('hidden');
  });

  test('drop the least important columns first on a narrow terminal and say so', () => {
    const text = renderTerminal(doc([table]), { width: 50, color: false });
    const lines = text.split('\n');
    expect(lines.find((l) => /^Agent\s/.test(l))).toMatch(/^Agent\s+Runs\s+p95$/);
    const note = lines.slice(lines.findIndex((l) => l.startsWith('('))).join(' ').trim();
    expect(note).toBe('(columns hidden to fit 50 characters: Last success, Top error; widen the terminal or use --format json)');
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(50);
  });

  test('cut a less important text column before the agent name', () => {
    const text = renderTerminal(doc([table]), { width: 60, color: false });
    expect(text).toContain('code-review-specialist  1,204  3 min 2 s  api_error (12)');
    expect(text).toContain('Explore                    98       12 s  tool_unavailable…');
    expect(text).toContain('hidden to fit 60 characters: Last success;');
  });

  test('cut the agent name only when nothing else can go', () => {
    const text = renderTerminal(doc([table]), { width: 26, color: false });
    expect(text).toContain('code-review-specia…  1,204');
    expect(text.split('\n').every((l) => displayWidth(l) <= 26)).toBe(true);
  });

  test('colour only when asked', () => {
    expect(renderTerminal(doc([table]), { width: 200, color: false })).not.toMatch(/\u001b\[/);
    expect(renderTerminal(doc([table]), { width: 200, color: true })).toContain('\u001b[31mtool_unavailable (3)\u001b[39m');
  });

  test('count wide characters as two columns', () => {
    expect(displayWidth('レビュー')).toBe(8);
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('é')).toBe(1);
  });

  test('count an emoji as two columns, as terminals draw it, whatever code points make it', () => {
    expect(displayWidth('✅')).toBe(2);
    expect(displayWidth('⚠️')).toBe(2);
    expect(displayWidth('👨‍👩‍👧')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
  });

  test('align columns after agent names with emoji and CJK in them', () => {
    const names: Table = {
      kind: 'table',
      columns: [{ header: 'Agent', flex: true }, { header: 'Runs', align: 'right' }],
      rows: [['✅ reviewer', '1'], ['⚠️ flaky', '22'], ['👨‍👩‍👧 family', '333'], ['レビュー', '4'], ['plain', '5']],
    };
    const lines = renderTerminal(doc([names]), { width: 80, color: false }).split('\n');
    const rows = lines.slice(lines.findIndex((l) => l.startsWith('Agent')));
    // Every row is as wide as the header: the Runs column ends in the same terminal column.
    expect(rows.slice(0, 7).map(displayWidth)).toEqual([17, 17, 17, 17, 17, 17, 17]);
    expect(rows).toContain('⚠️ flaky       22');
    expect(rows).toContain('👨‍👩‍👧 family     333');
    expect(rows).toContain(`レビュー${' '.repeat(8)}4`);
  });

  test('cut an emoji name between whole characters, never inside a family', () => {
    const names: Table = { kind: 'table', columns: [{ header: 'Agent', flex: true }], rows: [['👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧']] };
    const text = renderTerminal(doc([names]), { width: 7, color: false });
    expect(text).toContain('👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧…\n');
  });
});

describe('record text from a hostile or broken capture', () => {
  const hostile = 'boom\u001b[2J\u001b]0;pwned\u0007\u001b[31m\u009b1m\u202eevil\nnext\tline';
  const poisoned = doc([
    { kind: 'facts', title: `Facts ${hostile}`, items: [[`label ${hostile}`, { text: hostile, tone: 'bad' }]] },
    { kind: 'lines', items: [{ text: hostile, detail: hostile }], note: hostile },
    { ...table, rows: [[hostile, '1', '2', '3', hostile]], note: hostile },
  ]);

  test('reaches the terminal without control characters, line breaks turned into spaces', () => {
    for (const color of [false, true]) {
      const text = renderTerminal({ ...poisoned, title: hostile, subtitle: hostile }, { width: 200, color });
      // Colour codes are the renderer's own; strip them to see what came from the record.
      const fromRecords = text.replace(/\u001b\[\d+m/g, '');
      expect(fromRecords).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(fromRecords).toContain('boomevil next line');
    }
  });

  test('reaches Markdown without control characters', () => {
    const md = renderMarkdown({ ...poisoned, title: hostile, notes: [hostile] });
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(md).toContain('boomevil next line');
  });
});

describe('terminal tables with daily sparklines (the trends view)', () => {
  const agents = ['Explore', 'central-supervisor', 'central-supervisor-v2', 'code-review-specialist', 'test-automation-specialist'];
  // Day i of agent a: a shape with a step in the last ten days, so a resampled line differs from the last days.
  const series = (a: number) => Array.from({ length: 30 }, (_, i) => (i >= 20 ? 40 + a : (i * 7 + a) % 11));
  const trendsTable: Table = {
    kind: 'table',
    columns: TRENDS_COLUMNS,
    rows: agents.map((agent, a) => [
      agent,
      '139',
      '+12%',
      { spark: series(a), zeroBased: true },
      '95.7%',
      '−1.2 pts',
      { spark: series(a) },
      '2 min 17 s',
      '+3%',
      { spark: series(a) },
      '+0.25/day',
    ]),
  };
  const render = (width: number) => renderTerminal(doc([trendsTable]), { width, color: false }).split('\n');

  test('every line fits the width, headers of narrowed sparklines included', () => {
    for (let width = 30; width <= 220; width += 7) {
      for (const line of render(width)) expect(displayWidth(line), `at ${width} columns: ${line}`).toBeLessThanOrEqual(width);
    }
  });

  test('agent names keep their full length while sparklines can narrow or go', () => {
    for (const width of [80, 100, 120]) {
      const lines = render(width);
      for (const agent of agents) expect(lines.some((l) => l.startsWith(`${agent} `)), `${agent} at ${width} columns`).toBe(true);
    }
  });

  test('a narrowed sparkline shows the last whole days and says how many in its header', () => {
    const lines = render(80);
    const header = lines.find((l) => l.startsWith('Agent'))!;
    const shown = Number(/Runs\/day \(last (\d+) d\)/.exec(header)?.[1]);
    expect(shown).toBeGreaterThanOrEqual(20);
    expect(shown).toBeLessThan(30);
    const row = lines.find((l) => l.startsWith('Explore '))!;
    expect(row).toContain(` ${sparkline(series(0).slice(30 - shown), true)} `);
  });

  test('the note on hidden columns wraps to the width and names each column unambiguously', () => {
    const lines = render(80);
    const start = lines.findIndex((l) => l.startsWith('(columns hidden'));
    expect(start).toBeGreaterThan(0);
    const note = lines.slice(start).join(' ').trim();
    expect(note).toMatch(/^\(columns hidden to fit 80 characters: .*Success\/day.*; widen the terminal or use --format json\)$/);
    expect(note).toContain('p50 vs prev');
    expect(note).not.toMatch(/: vs prev|, vs prev/);
    for (const line of lines.slice(start)) expect(displayWidth(line)).toBeLessThanOrEqual(80);
  });

  test('with room for everything, sparklines show every day under their plain header', () => {
    const lines = render(Infinity);
    expect(lines.find((l) => l.startsWith('Agent'))).not.toContain('(last');
    expect(lines.find((l) => l.startsWith('Explore '))).toContain(sparkline(series(0), true));
  });
});

test('headline facts, titles and long words fit a narrow terminal; a facts sparkline shows its last days, labelled', () => {
  const month = Array.from({ length: 30 }, (_, i) => i);
  const text = renderTerminal(
    { ...doc([{ kind: 'facts', title: 'A title long enough to need two lines', items: [['Runs/day', { spark: month, zeroBased: true }]] }]), title: 'x'.repeat(50) },
    { width: 30, color: false },
  );
  const lines = text.split('\n');
  for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(30);
  const facts = lines.find((l) => l.startsWith('Runs/day'))!;
  const shown = Number(/\(last (\d+) d\)/.exec(facts)?.[1]);
  expect(facts).toBe(`Runs/day (last ${shown} d) ${sparkline(month.slice(30 - shown), true)}`);
});

test('markdown escapes pipes and keeps every column', () => {
  const md = renderMarkdown(doc([{ ...table, rows: [['a|b', '1', '2', '3', '4']] }]));
  expect(md).toContain('| Agent | Runs | p95 | Last success | Top error |');
  expect(md).toContain('| --- | ---: | ---: | --- | --- |');
  expect(md).toContain('| a\\|b | 1 | 2 | 3 | 4 |');
});

test('csv quotes what needs quoting and keeps formulas as text', () => {
  const csv = renderCsv({ columns: ['agent', 'n', 'note'], rows: [['a,b', 3, 'say "hi"'], ['=HYPERLINK("x")', -2, null]] });
  expect(csv).toBe('agent,n,note\r\n"a,b",3,"say ""hi"""\r\n"\'=HYPERLINK(""x"")",-2,\r\n');
});

describe('sparklines', () => {
  test('map the range onto eight levels, counts from zero', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], true)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([5, 5, 5], true)).toBe('███');
    expect(sparkline([5, 5, 5])).toBe('▄▄▄');
    expect(sparkline([0, 0], true)).toBe('▁▁');
    expect(sparkline([10, null, 20])).toBe('▁ █');
  });

  test('draw one character per day, never averaging days into fewer characters', () => {
    const month = Array.from({ length: 30 }, (_, i) => (i % 2 ? 10 : 0));
    expect(sparkline(month, true)).toBe('▁█'.repeat(15));
  });
});
