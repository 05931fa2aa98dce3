// Where a hook payload ends on a stdin that some Claude Code versions never
// close. Parsing the whole buffer after each chunk is quadratic (a 15 MB
// payload of "}" took 3.3 s, long enough to hit the stdin deadline and drop a
// valid payload); this follows the nesting once, byte by byte, and says when
// the first top-level object closes. Bytes of multi-byte UTF-8 characters are
// all >= 0x80, so they can never be mistaken for the ASCII bytes looked at.

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class PayloadEnd {
  private started = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private ended = false;

  /** Feed the next bytes; true once the object that began at the first "{" has closed (worth a JSON.parse). */
  feed(bytes: Uint8Array, length = bytes.length): boolean {
    if (this.ended) return true;
    let i = 0;
    if (!this.started) {
      // Whatever comes before the first "{" is not an object payload: read to EOF and let the parser say so.
      i = bytes.indexOf(OPEN_BRACE);
      if (i < 0 || i >= length) return false;
      this.started = true;
    }
    for (; i < length; i++) {
      const byte = bytes[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
      } else if (byte === QUOTE) {
        this.inString = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        this.depth++;
      } else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --this.depth === 0) {
        this.ended = true;
        return true;
      }
    }
    return false;
  }
}
