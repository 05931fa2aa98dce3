import { describe, expect, test } from 'vitest';
import { PayloadEnd } from '../../src/capture/payload-end';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** The prefix length at which the scanner first says the payload ended, fed in pieces of `size` bytes. */
function endsAfter(text: string, size: number): number | null {
  const scanner = new PayloadEnd();
  const all = bytes(text);
  for (let at = 0; at < all.length; at += size) {
    const piece = all.subarray(at, at + size);
    if (scanner.feed(piece)) return Math.min(at + size, all.length);
  }
  return null;
}

describe('PayloadEnd', () => {
  test.each([1, 2, 3, 7, 64 * 1024])('finds the end of an object fed %i bytes at a time', (size) => {
    const payload = JSON.stringify({ a: '}}{{"\\', b: [1, { c: '\\"}' }], d: 'ünï €' });
    expect(endsAfter(payload, size)).toBe(Math.min(Math.ceil(bytes(payload).length / size) * size, bytes(payload).length));
    expect(endsAfter(payload.slice(0, -1), size)).toBeNull();
  });

  test('braces inside strings, escaped quotes and backslashes do not count', () => {
    expect(endsAfter('{"x":"}"', 1)).toBeNull();
    expect(endsAfter('{"x":"\\"}"', 1)).toBeNull();
    expect(endsAfter('{"x":"\\\\"}', 1)).toBe(10);
  });

  test('bytes before the first "{" are ignored: such a payload is read to EOF', () => {
    expect(endsAfter('}}}}', 1)).toBeNull();
    expect(endsAfter('[1,2]', 1)).toBeNull();
    expect(endsAfter('  \n{}', 2)).toBe(5);
  });

  test('honours the length of a reused buffer', () => {
    const scanner = new PayloadEnd();
    const buffer = Buffer.alloc(16, 0x7d); // stale "}" past the bytes read
    buffer.write('{"a":1', 0);
    expect(scanner.feed(buffer, 6)).toBe(false);
    buffer.write('}', 0);
    expect(scanner.feed(buffer, 1)).toBe(true);
  });

  test('stays ended once the object closed', () => {
    const scanner = new PayloadEnd();
    expect(scanner.feed(bytes('{}'))).toBe(true);
    expect(scanner.feed(bytes('{'))).toBe(true);
  });
});
