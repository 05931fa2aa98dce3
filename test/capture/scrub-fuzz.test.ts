import { describe, expect, test } from 'vitest';
import { scrub } from '../../src/capture/scrub';
import { secretCorpus, SECRET_KINDS } from '../support/secret-corpus';

// Issue 10, case 4: every kind of secret, in every way it reaches agent-track,
// is caught; the detection rate on the generated corpus must be 100%.

describe('the scrubber on a generated corpus of secrets', () => {
  const corpus = secretCorpus(20_261_206, 8);

  test('covers every kind in every context', () => {
    expect(new Set(corpus.map((s) => s.kind)).size).toBe(SECRET_KINDS.length);
    expect(new Set(corpus.map((s) => s.context))).toEqual(new Set(['prose', 'json', 'env file', 'json inside json', 'base64', 'split over two lines']));
  });

  test('detects 100%', () => {
    const missed = corpus.filter((sample) => {
      const out = scrub(sample.text);
      return sample.mustNotSurvive.some((secret) => out.includes(secret));
    });
    expect(missed.map((m) => `${m.kind} / ${m.context}: ${JSON.stringify(m.text)} -> ${JSON.stringify(scrub(m.text))}`)).toEqual([]);
  });
});
