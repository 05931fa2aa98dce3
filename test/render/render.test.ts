import { describe, expect, test } from 'vitest';
import { formatDuration, formatTokens, formatUsd } from '../../src/analytics/format.js';
import { renderCsv } from '../../src/render/csv.js';
import type { Document, Table } from '../../src/render/document.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { sparkline } from '../../src/render/sparkline.js';
import { displayWidth, renderTerminal } from '../../src/render/terminal.js';

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
    expect(text).toContain('(columns hidden to fit 50 characters: Last success, Top error; widen the terminal or use --format json)');
    for (const line of lines.filter((l) => !l.startsWith('('))) expect(displayWidth(line)).toBeLessThanOrEqual(50);
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
    expect(text.split('\n').filter((l) => !l.startsWith('(')).every((l) => displayWidth(l) <= 26)).toBe(true);
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
      expect(fromRecords).toContain('boom[2J]0;pwned[31m1mevil next line');
    }
  });

  test('reaches Markdown without control characters', () => {
    const md = renderMarkdown({ ...poisoned, title: hostile, notes: [hostile] });
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(md).toContain('boom[2J]0;pwned[31m1mevil next line');
  });
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
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8, true)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([5, 5, 5], 3, true)).toBe('███');
    expect(sparkline([5, 5, 5], 3)).toBe('▄▄▄');
    expect(sparkline([0, 0], 2, true)).toBe('▁▁');
    expect(sparkline([10, null, 20], 3)).toBe('▁ █');
  });

  test('average longer series into the width they get', () => {
    const year = Array.from({ length: 365 }, (_, i) => i);
    const line = sparkline(year, 52, true);
    expect(line).toHaveLength(52);
    expect(line[0]).toBe('▁');
    expect(line[51]).toBe('█');
  });
});

test('numbers read the same everywhere', () => {
  expect(formatDuration(950)).toBe('950 ms');
  expect(formatDuration(3250)).toBe('3.25 s');
  expect(formatDuration(61_000)).toBe('1 min 1 s');
  expect(formatDuration(3_720_000)).toBe('1 h 2 min');
  expect(formatTokens(125_000)).toBe('125k');
  expect(formatTokens(2_450_000_000)).toBe('2.45B');
  expect(formatUsd(0.005145)).toBe('$0.0051');
  expect(formatUsd(1421.4)).toBe('$1,421');
});

test('durations round into the next unit instead of showing 60 of the smaller one', () => {
  expect(formatDuration(999.6)).toBe('1 s');
  expect(formatDuration(59_960)).toBe('1 min');
  expect(formatDuration(60_000)).toBe('1 min');
  expect(formatDuration(119_600)).toBe('2 min');
  expect(formatDuration(3_599_700)).toBe('1 h');
  expect(formatDuration(7_199_000)).toBe('2 h');
  expect(formatDuration(5_400_000)).toBe('1 h 30 min');
});

test('money shows cents below $100 and whole dollars from $100, rounded before the rule is chosen', () => {
  expect(formatUsd(12.345)).toBe('$12.35');
  expect(formatUsd(99.5)).toBe('$99.50');
  expect(formatUsd(99.996)).toBe('$100');
  expect(formatUsd(112.4)).toBe('$112');
  expect(formatUsd(0.0099996)).toBe('$0.01');
  expect(formatUsd(0.00994)).toBe('$0.0099');
});
