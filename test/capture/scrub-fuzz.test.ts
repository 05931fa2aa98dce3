import { describe, expect, test } from 'vitest';
import { builtInRules, scrub } from '../../src/capture/scrub';
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

  test('skips a built-in rule only on a text it cannot match: every match holds one of its keywords', () => {
    const texts = [...corpus.map((s) => s.text), ...corpus.map((s) => Buffer.from(s.text, 'base64').toString('latin1'))];
    const unkeyed: string[] = [];
    const unmatched = new Set(builtInRules().map((r) => r.name));
    for (const rule of builtInRules()) {
      for (const text of texts) {
        for (const match of text.matchAll(rule.pattern)) {
          unmatched.delete(rule.name);
          if (!rule.keywords.some((k) => match[0].toLowerCase().includes(k))) unkeyed.push(`${rule.name}: ${match[0]}`);
        }
      }
    }
    expect([...unmatched]).toEqual([]);
    expect(unkeyed).toEqual([]);
  });
});
