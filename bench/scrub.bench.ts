import { scrub } from '../src/capture/scrub';
import { secretCorpus } from '../test/support/secret-corpus';

// The scrubber's speed in MB/s on three kinds of text: ordinary prose (what
// most prompts and errors are), the generated secret corpus of the fuzz test
// (its detection rate is printed too), and adversarial runs that a
// backtracking rule would rescan. Baseline, measured in the same run: one
// simple regex pass over the same text (counting the word "key"), the least
// any rule costs; the scrubber runs ~240 rules.

const PROSE =
  'Review src/auth/session.ts and the tests in test/auth: the token refresh path retries twice, then gives up. ' +
  'Keep the public API; the key rotation job reads its schedule from config/rotation.json. Report 3 findings at most.\n';

function mbPerSecond(texts: string[], work: (t: string) => unknown, minMs = 400): number {
  const bytes = texts.reduce((n, t) => n + t.length, 0);
  let rounds = 0;
  const started = performance.now();
  while (performance.now() - started < minMs) {
    for (const t of texts) work(t);
    rounds++;
  }
  return (bytes * rounds) / 1e6 / ((performance.now() - started) / 1000);
}

export async function run(): Promise<void> {
  const corpus = secretCorpus(20_261_206, 20);
  const detected = corpus.filter((s) => {
    const out = scrub(s.text);
    return !s.mustNotSurvive.some((secret) => out.includes(secret));
  }).length;
  const sets: [string, string[]][] = [
    ['prose (10 kB prompts)', Array.from({ length: 20 }, () => PROSE.repeat(45))],
    ['secret corpus', corpus.map((s) => s.text)],
    ['adversarial runs (11 kB each)', ['a_', 'a.', 'key=', 'sk-', 'eyJ-', 'A/', 'x\n'].map((u) => u.repeat(Math.ceil(11_000 / u.length)))],
  ];
  console.log(`secret corpus: ${corpus.length} samples, detected ${detected} (${((100 * detected) / corpus.length).toFixed(1)}%)`);
  console.log('text                           scrub MB/s   baseline MB/s   ratio');
  for (const [name, texts] of sets) {
    const baseline = mbPerSecond(texts, (t) => t.match(/\bkey\b/gi)?.length);
    const speed = mbPerSecond(texts, scrub);
    console.log(`${name.padEnd(30)} ${speed.toFixed(2).padStart(10)}   ${baseline.toFixed(0).padStart(13)}   ${(baseline / speed).toFixed(0).padStart(5)}x`);
  }
}
