// Secrets and personal data never reach the disk: every prompt, description,
// message and error passes through scrub() before it is written, including
// the in-flight state.

interface Rule {
  name: string;
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const SECRET_KEYS =
  'password|passwd|pwd|secret|api[_-]?key|apikey|access[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|token|client[_-]?secret|private[_-]?key|credentials?';

const redact = (name: string) => () => `[REDACTED:${name}]`;

const RULES: Rule[] = [
  {
    name: 'private-key',
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g,
    replace: redact('private-key'),
  },
  { name: 'anthropic-key', pattern: /\bsk-ant-[a-z0-9]+-[A-Za-z0-9_-]{16,}/g, replace: redact('anthropic-key') },
  { name: 'openai-key', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, replace: redact('openai-key') },
  { name: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, replace: redact('aws-access-key') },
  { name: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})\b/g, replace: redact('github-token') },
  // xapp-: Slack app-level tokens (Socket Mode).
  { name: 'slack-token', pattern: /\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,}/g, replace: redact('slack-token') },
  {
    name: 'slack-webhook',
    pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g,
    replace: redact('slack-webhook'),
  },
  { name: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: redact('google-api-key') },
  { name: 'stripe-key', pattern: /\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}\b/g, replace: redact('stripe-key') },
  { name: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, replace: redact('npm-token') },
  {
    name: 'jwt',
    // The header stops at the next "-eyJ": else "eyJ-eyJ-..." would rescan the
    // whole run from each of its word boundaries. (A real header is a short JSON.)
    pattern: /\beyJ(?:[A-Za-z0-9_]|-(?!eyJ)){4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g,
    replace: redact('jwt'),
  },
  {
    // HTTP auth schemes are case-insensitive ("authorization: bearer ..."). Only
    // bearer in any case: a lowercase "basic" or "token" before a long word is prose.
    name: 'bearer',
    pattern: /\b([Bb][Ee][Aa][Rr][Ee][Rr]|Basic|Token)(\s+)[A-Za-z0-9._~+/-]{12,}=*/g,
    replace: (_match, scheme, space) => `${scheme}${space}[REDACTED:token]`,
  },
  {
    // After an Authorization header name, whatever the scheme and its case.
    name: 'authorization-header',
    pattern: /\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?[A-Za-z][A-Za-z0-9_-]*\s+)(?!\[REDACTED)[A-Za-z0-9._~+/-]{6,}=*/gi,
    replace: (_match, head) => `${head}[REDACTED:token]`,
  },
  {
    name: 'url-credentials',
    // The lookbehinds (here and in email) start a match only where a run of
    // those characters starts: \b alone would rescan "a.a.a..." from every dot.
    pattern: /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)@/gi,
    replace: (_match, head) => `${head}[REDACTED:password]@`,
  },
  {
    // password=..., "api_key": "...", DB_PASSWORD: ..., client-secret: '...'
    name: 'assignment',
    pattern: new RegExp(
      String.raw`((?:\b|(?<=[_-]))(?:${SECRET_KEYS})["']?\s*[:=]\s*)(?:(["'])(?!\[REDACTED)[^"'\n]{1,500}\2|(?!\[REDACTED)[^\s"',;&]{3,})`,
      'gi',
    ),
    replace: (_match, key, quote) => (quote ? `${key}${quote}[REDACTED:secret]${quote}` : `${key}[REDACTED:secret]`),
  },
  {
    name: 'email',
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g,
    replace: redact('email'),
  },
];

export function scrub(text: string): string {
  let out = text;
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replace as (m: string, ...g: string[]) => string);
  return out;
}

export function scrubNullable(text: string | null | undefined): string | null {
  return text == null ? null : scrub(text);
}

/** Longer than any secret a rule must see whole to recognise (a quoted assignment is at most ~530). */
export const SCRUB_MARGIN = 1_024;

/** Scrub, then cut to `max` characters so one huge prompt cannot bloat every record. */
export function scrubAndTruncate(text: string, max: number): string {
  // Scrub before the final cut, so a cut cannot leave half a secret that no rule
  // matches; but only the part that can be kept plus a margin, so the cost is
  // bounded by `max` rather than by the input (a payload can be 16 MB).
  const clean = scrub(text.length > max + SCRUB_MARGIN ? text.slice(0, max + SCRUB_MARGIN) : text);
  return clean.length > max || text.length > max + SCRUB_MARGIN ? `${clean.slice(0, max)}… [truncated]` : clean;
}

/** A path with the user's home folder shown as ~: the user name in it is personal data. */
export function shortenHome(path: string, home = process.env.HOME): string {
  if (!home || home === '/' || !path.startsWith(home)) return path;
  const rest = path.slice(home.length);
  return rest === '' ? '~' : rest.startsWith('/') ? `~${rest}` : path;
}
