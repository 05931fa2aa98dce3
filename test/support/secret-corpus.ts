// A generated corpus of secrets for the scrubber's fuzz test and its bench:
// every kind of secret the scrubber must catch, drawn at random (seeded, so a
// failure can be replayed) and embedded the ways they reach agent-track: in
// prose, in JSON, in an env file, split over two lines, base64-encoded, and
// as JSON inside a JSON string (a hook error log excerpt of a cut-off payload).

import { rng } from '../../src/demo/generate.js';

export interface SecretSample {
  kind: string;
  context: string;
  /** The text as it would reach the scrubber. */
  text: string;
  /** Strings none of which may survive scrubbing (the secret, or its halves when split). */
  mustNotSurvive: string[];
}

/** The demo's seeded PRNG (mulberry32): the same corpus on every run. */
export const seededRandom = rng;

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
const B64 = `${ALNUM}+/`;

type Random = () => number;
const pick = (rnd: Random, chars: string, n: number) => Array.from({ length: n }, () => chars[Math.floor(rnd() * chars.length)]!).join('');

/** A value that looks like a password: mixed classes, so no word. */
const password = (rnd: Random) => `${pick(rnd, UPPER, 2)}${pick(rnd, LOWER, 4)}${pick(rnd, DIGITS, 3)}${pick(rnd, '!#%^*~', 1)}${pick(rnd, ALNUM, 4)}`;

interface Kind {
  kind: string;
  /** The secret itself, and the text that carries it when it is an assignment. */
  make: (rnd: Random) => { secret: string; line: string };
}

const token = (kind: string, make: (rnd: Random) => string): Kind => ({
  kind,
  make: (rnd) => {
    const secret = make(rnd);
    return { secret, line: secret };
  },
});

const assignment = (kind: string, name: string, separator: string, value: (rnd: Random) => string = password): Kind => ({
  kind,
  make: (rnd) => {
    const secret = value(rnd);
    return { secret, line: `${name}${separator}${secret}` };
  },
});

const awsSecret = (rnd: Random) => {
  // The shape of an AWS secret access key: 40 base64 characters, mixed.
  const body = pick(rnd, B64, 36);
  return `${body.slice(0, 10)}/${pick(rnd, DIGITS, 1)}${body.slice(10, 30)}${pick(rnd, UPPER, 1)}${body.slice(30)}${pick(rnd, LOWER, 1)}`.slice(0, 40);
};

export const SECRET_KINDS: Kind[] = [
  token('anthropic-key', (r) => `sk-ant-api03-${pick(r, `${ALNUM}_-`, 93)}AA`),
  token('openai-key', (r) => `sk-proj-${pick(r, ALNUM, 48)}`),
  token('aws-access-key', (r) => `AKIA${pick(r, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`),
  token('aws-secret-key (bare, in prose)', awsSecret),
  token('github-token', (r) => `ghp_${pick(r, ALNUM, 36)}`),
  token('github-fine-grained', (r) => `github_pat_${pick(r, ALNUM, 22)}_${pick(r, ALNUM, 59)}`),
  token('slack-token', (r) => `xoxb-${pick(r, DIGITS, 12)}-${pick(r, DIGITS, 13)}-${pick(r, ALNUM, 24)}`),
  token('slack-webhook', (r) => `https://hooks.slack.com/services/T${pick(r, UPPER + DIGITS, 8)}/B${pick(r, UPPER + DIGITS, 8)}/${pick(r, ALNUM, 24)}`),
  token('google-api-key', (r) => `AIza${pick(r, `${ALNUM}_-`, 35)}`),
  token('stripe-key', (r) => `sk_live_${pick(r, ALNUM, 24)}`),
  token('npm-token', (r) => `npm_${pick(r, ALNUM, 36)}`),
  token('jwt', (r) => `eyJhbGciOiJIUzI1NiJ9.eyJ${pick(r, ALNUM, 30)}.${pick(r, `${ALNUM}_-`, 43)}`),
  token('private-key', (r) => `-----BEGIN RSA PRIVATE KEY-----\n${pick(r, B64, 64)}\n${pick(r, B64, 64)}\n-----END RSA PRIVATE KEY-----`),
  // Provider formats that only the carried gitleaks rules know.
  token('gitlab-pat (gitleaks)', (r) => `glpat-${pick(r, `${ALNUM}_-`, 20)}`),
  token('shopify-access-token (gitleaks)', (r) => `shpat_${pick(r, HEX, 32)}`),
  token('digitalocean-pat (gitleaks)', (r) => `dop_v1_${pick(r, HEX, 64)}`),
  token('huggingface-access-token (gitleaks)', (r) => `hf_${pick(r, LOWER + UPPER, 34)}`),
  token('linear-api-key (gitleaks)', (r) => `lin_api_${pick(r, LOWER + DIGITS, 40)}`),
  token('databricks-api-token (gitleaks)', (r) => `dapi${pick(r, HEX, 32)}`),
  token('sendgrid-api-token (gitleaks)', (r) => `SG.${pick(r, `${ALNUM}_-`, 22)}.${pick(r, `${ALNUM}_-`, 43)}`),
  token('grafana-service-account-token (gitleaks)', (r) => `glsa_${pick(r, ALNUM, 32)}_${pick(r, HEX, 8)}`),
  assignment('DB_PASS=', 'DB_PASS', '='),
  assignment('PGPASSWORD=', 'PGPASSWORD', '='),
  assignment('REDIS_PASS=', 'REDIS_PASS', '='),
  assignment('SECRET_KEY_BASE=', 'SECRET_KEY_BASE', '=', (r) => pick(r, HEX, 64)),
  assignment('passphrase:', 'passphrase', ': '),
  assignment('MY_APP_PASSWD=', 'MY_APP_PASSWD', '='),
  assignment('client_secret=', 'client_secret', '='),
  assignment('STRIPE_SIGNING_KEY=', 'STRIPE_SIGNING_KEY', '='),
  assignment('x-api-token:', 'x-api-token', ': '),
  assignment('Azure AccountKey=', 'DefaultEndpointsProtocol=https;AccountName=shopdata;AccountKey', '=', (r) => `${pick(r, B64, 86)}==`),
  assignment('ADO Password=', 'Server=db;Database=shop;User Id=app;Password', '='),
  {
    kind: 'connection string',
    make: (r) => {
      const secret = password(r).replace(/[!#%^*~]/g, 'x');
      return { secret, line: `postgres://app:${secret}@db.internal:5432/shop` };
    },
  },
  {
    kind: 'Authorization: Bearer',
    make: (r) => {
      const secret = pick(r, `${ALNUM}._-`, 40);
      return { secret, line: `Authorization: Bearer ${secret}` };
    },
  },
];

const PROSE = ['Please deploy with', 'The reviewer found', 'Use this in staging:', 'Failed while reading', 'Context for the task:'];

function halves(secret: string, rnd: Random): [string, string] {
  const at = Math.floor(secret.length / 3 + rnd() * (secret.length / 3));
  return [secret.slice(0, at), secret.slice(at)];
}

/** `perKind` samples of every kind in every context. */
export function secretCorpus(seed: number, perKind: number): SecretSample[] {
  const rnd = seededRandom(seed);
  const out: SecretSample[] = [];
  for (const kind of SECRET_KINDS) {
    for (let n = 0; n < perKind; n++) {
      const { secret, line } = kind.make(rnd);
      const prose = PROSE[Math.floor(rnd() * PROSE.length)]!;
      const add = (context: string, text: string, mustNotSurvive = [secret]) => out.push({ kind: kind.kind, context, text, mustNotSurvive });
      add('prose', `${prose} ${line} and then run the tests.`);
      add('json', JSON.stringify({ task: prose, detail: line }));
      add('env file', `NODE_ENV=production\n${line.includes('=') ? line : `VALUE=${line}`}\nPORT=8080\n`);
      add('json inside json', JSON.stringify({ prompt: JSON.stringify({ note: prose, config: line }) }).slice(0, 60 + line.length * 2));
      add('base64', `${prose} ${Buffer.from(line).toString('base64')} (encoded)`, [secret, Buffer.from(line).toString('base64')]);
      if (!secret.includes('\n') && line.includes(secret)) {
        const [a, b] = halves(secret, rnd);
        const split = line.replace(secret, `${a}\n${b}`);
        add('split over two lines', `${prose}\n${split}\nthanks`, [secret, ...[a, b].filter((h) => h.length >= 6)]);
      }
    }
  }
  return out;
}
