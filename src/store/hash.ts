import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * sha256 as hex, in pure JS (@noble/hashes): loading node:crypto costs a hook
 * process ~5 ms, a third of its whole time budget, for hashing a few bytes.
 */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}
