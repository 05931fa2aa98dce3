import { describe, expect, test } from 'vitest';
import { terminalWidth } from '../../src/render/width.js';

describe('terminalWidth', () => {
  test.each([
    // [stream, COLUMNS, width]
    [{ isTTY: true, columns: 120 }, undefined, 120],
    [{ isTTY: true, columns: 120 }, '60', 120],
    // Some ptys report 0 columns until their first resize: 0 would drop every table column.
    [{ isTTY: true, columns: 0 }, undefined, 80],
    [{ isTTY: true, columns: 0 }, '100', 100],
    [{ isTTY: true }, undefined, 80],
    [{ isTTY: false }, undefined, Infinity],
    [{}, '90', 90],
    [{}, '0', Infinity],
    [{}, 'wide', Infinity],
  ] as const)('%o with COLUMNS=%s fits %d columns', (stream, columns, width) => {
    expect(terminalWidth(stream, columns === undefined ? {} : { COLUMNS: columns })).toBe(width);
  });
});
