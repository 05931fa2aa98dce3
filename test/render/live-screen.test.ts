import { describe, expect, test } from 'vitest';
import { clip, ENTER, frame, LEAVE, LiveScreen } from '../../src/render/live-screen.js';

// Redrawing in place: what goes to the terminal for each frame.

describe('frame', () => {
  test('moves home, clears each line to its end and the screen below the last one', () => {
    expect(frame('one\ntwo\n', 10)).toBe('\u001b[Hone\u001b[K\ntwo\u001b[K\u001b[J');
  });

  test('never draws more lines than the terminal has, and says what it left out', () => {
    const out = frame('1\n2\n3\n4\n5', 3);
    expect(out.split('\n')).toHaveLength(3);
    expect(out).toContain('… 3 more lines: make the terminal taller');
  });
});

describe('clip', () => {
  test('cuts lines to the width, counting only visible characters', () => {
    expect(clip('abcdef\nab', 4)).toBe('abcd\u001b[0m\nab');
    expect(clip('\u001b[31mabcdef\u001b[39m', 3)).toBe('\u001b[31mabc\u001b[0m');
    expect(clip('日本語です', 4)).toBe('日本\u001b[0m');
  });

  test('leaves text alone when there is no width', () => {
    expect(clip('x'.repeat(500), Infinity)).toBe('x'.repeat(500));
  });
});

describe('LiveScreen', () => {
  const sink = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, out: { isTTY, rows: 5, columns: 20, write: (c: string) => chunks.push(c) } };
  };

  test('on a terminal: enters the alternate screen once, and restores cursor and screen on close', () => {
    const { chunks, out } = sink(true);
    const screen = new LiveScreen(out);
    screen.draw('a');
    screen.draw('b');
    screen.close();
    expect(chunks).toEqual([ENTER, frame('a', 5), frame('b', 5), LEAVE]);
  });

  test('elsewhere: plain frames one after another, no escape codes', () => {
    const { chunks, out } = sink(false);
    const screen = new LiveScreen(out);
    screen.draw('a\n');
    screen.close();
    expect(chunks).toEqual(['a\n\n']);
  });
});
