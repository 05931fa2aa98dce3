import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { needle, searchLines, type LineKind } from '../../src/capture/lines';

// The transcript reader hands on only the lines around a byte-string hit,
// across chunk boundaries, and never holds more than a chunk or one line.

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'agent-track-lines-')), 't.jsonl');
  writeFileSync(path, text);
  return path;
}

function collect(path: string, needles: string[], lastOf: string[] = []) {
  const seen: [LineKind, string][] = [];
  const result = searchLines(path, { needles: needles.map(needle), lastOf: lastOf.map(needle) }, (line, kind) => seen.push([kind, line.toString()]));
  return { seen, result };
}

test('first line, each matching line once, the last line of each lastOf needle, an unterminated tail', () => {
  const { seen } = collect(file('head\nx AGENT y AGENT\nnothing\nAGENT RESULT\nstamp 1\nstamp 2\nno newline'), ['AGENT', 'RESULT'], ['stamp']);
  expect(seen).toEqual([
    ['first', 'head'],
    ['match', 'x AGENT y AGENT'],
    ['match', 'AGENT RESULT'],
    ['last-of', 'stamp 2'],
    ['tail', 'no newline'],
  ]);
});

test('finds lines that cross the 1 MB chunk boundary, and skips lines over the cap', () => {
  const filler = 'f'.repeat(1024 * 1024 - 10);
  const text = `head\n${filler}\nAGENT crossing the boundary ${'z'.repeat(100)}\n${'a'.repeat(3 * 1024 * 1024)} AGENT\nAGENT last\n`;
  const { seen, result } = collect(file(text), ['AGENT']);
  expect(seen.map(([kind, line]) => [kind, line.slice(0, 20)])).toEqual([
    ['first', 'head'],
    ['match', 'AGENT crossing the b'],
    ['match', 'a'.repeat(20)],
    ['match', 'AGENT last'],
  ]);
  expect(result).toMatchObject({ bytes: Buffer.byteLength(text), oversized: 0 });
});

test('a FIFO or a folder is not read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-track-lines-'));
  expect(searchLines(dir, { needles: [], lastOf: [] }, () => {})).toMatchObject({ problem: 'not a regular file' });
});
