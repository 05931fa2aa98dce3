import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/schema/config';
import { allRecords, filesUnder, replayFixture } from '../support/replay';

// The fanout fixture's review prompt holds an Anthropic key and an email
// address (a real capture). Neither may reach the disk, in-flight state included.

const SECRET = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789';
const EMAIL = 'bob@example.com';

function everything(logsDir: string): string {
  return filesUnder(logsDir)
    .map((f) => readFileSync(join(logsDir, f), 'utf8'))
    .join('\n');
}

describe('privacy', () => {
  test('secrets and emails are scrubbed everywhere agent-track writes', () => {
    const run = replayFixture('fanout');
    const written = everything(run.logsDir);
    expect(written).not.toContain(SECRET);
    expect(written).not.toContain(EMAIL);
    expect(written).toContain('[REDACTED:anthropic-key]');
  });

  test('with storePrompts off, no prompt text is stored at all: only its hash and length', () => {
    const run = replayFixture('fanout', { config: { ...DEFAULT_CONFIG, storePrompts: false } });
    const written = everything(run.logsDir);
    expect(written).not.toContain('SUB-REVIEW');
    expect(written).not.toContain('SUB-TESTS');
    const review = allRecords(run.logsDir).find((r) => r.request.description === 'Review code')!;
    expect(review.request.prompt).toBeNull();
    expect(review.request.promptLength).toBe(`SUB-REVIEW review src. my key is ${SECRET} and mail ${EMAIL}`.length);
    expect(review.request.promptHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
