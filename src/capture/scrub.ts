import { TRUNCATED } from '../schema/limits.js';
import { rulesFor, shannonEntropy } from './secret-rules.js';

// Secrets and personal data never reach the disk: every prompt, description,
// message and error passes through scrub() before it is written, including
// the in-flight state and the hook's error log.
//
// Two rule sets find secrets: gitleaks' provider formats (secret-rules.ts,
// carried as data) and the rules below, which catch what a key format cannot:
// assignments to any name that says password/secret/key, connection strings,
// auth headers, URLs with a password, e-mail addresses. Every rule runs on the
// original text and reports the span of the secret; spans are merged and each
// replaced once. A secret split over two lines is found in the two joined
// halves, and base64 that decodes to a secret counts as that secret. Every
// pattern is written so V8 cannot backtrack on it (see backtrackingRisk, which
// a test runs on each), and no text longer than SCRUB_INPUT_MAX reaches them.

interface Rule {
  name: string;
  /** Global, with indices. */
  pattern: RegExp;
  /** The capture group that is the secret; the whole match when absent. */
  group?: number;
  /**
   * Lower-case text every match contains one of: the rule runs only on a text
   * that has one (gitleaks' pre-filter, as the carried rules have). A regex is
   * compiled on its first run and again, to machine code, on its second, so a
   * short hook process that ran all of them on every text spent ~1 ms on that.
   */
  keywords: string[];
}

interface Span {
  start: number;
  end: number;
  name: string;
}

// A name whose value is a secret: password, PGPASSWORD, DB_PASS, REDIS_PASS,
// SECRET_KEY_BASE, api-key, AccountKey, passphrase, client_secret, x-auth-token...
// The match starts at the telling word, not at the name's start: scanning
// each name from its first character tried 40 positions per word of prose.
const SECRET_NAME = String.raw`(?:pass(?:wo?r?d|phrase)?|pwd|secret|key|apikey|(?<![a-z])(?:access|auth|refresh|bearer|session|api)[_-]?token|token|credentials?|signature)[\w.-]{0,40}`;

const RULES: Rule[] = [
  {
    name: 'private-key',
    // Up to its END line or, cut off, to the end of the text (lazy: one scan).
    pattern: /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|$)/dg,
    keywords: ['-----begin '],
  },
  { name: 'anthropic-key', pattern: /(?<![\w-])sk-ant-[a-z0-9]{1,20}-[A-Za-z0-9_-]{16,}/dg, keywords: ['sk-ant-'] },
  { name: 'openai-key', pattern: /(?<![\w-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/dg, keywords: ['sk-'] },
  { name: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/dg, keywords: ['akia', 'asia', 'agpa', 'aida', 'aroa', 'anpa', 'anva', 'aipa'] },
  {
    // A bare AWS secret access key in prose: 40 characters of base64 with at
    // least one digit, one upper and one lower case letter and one / or +
    // (so a long word or a hex digest is not one).
    name: 'aws-secret-key',
    pattern: /(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]{0,39}[0-9])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/dg,
    keywords: ['/', '+'],
  },
  { name: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/dg, keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'] },
  // xapp-: Slack app-level tokens (Socket Mode).
  { name: 'slack-token', pattern: /\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,}/dg, keywords: ['xox', 'xapp-'] },
  { name: 'slack-webhook', pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/dg, keywords: ['https://hooks.slack.com/services/'] },
  { name: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/dg, keywords: ['aiza'] },
  { name: 'stripe-key', pattern: /\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}/dg, keywords: ['_live_', '_test_'] },
  { name: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/dg, keywords: ['npm_'] },
  {
    name: 'jwt',
    // The header stops at the next "-eyJ": else "eyJ-eyJ-..." would rescan the
    // whole run from each of its word boundaries. (A real header is a short JSON.)
    pattern: /\beyJ(?:[A-Za-z0-9_]|-(?!eyJ)){4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/dg,
    keywords: ['eyj'],
  },
  {
    // HTTP auth schemes are case-insensitive ("authorization: bearer ..."). Only
    // bearer in any case: a lowercase "basic" or "token" before a long word is prose.
    name: 'token',
    pattern: /\b(?:[Bb][Ee][Aa][Rr][Ee][Rr]|Basic|Token)[ \t]{1,10}([A-Za-z0-9._~+/-]{12,}=*)/dg,
    group: 1,
    keywords: ['bearer', 'basic', 'token'],
  },
  {
    // After an Authorization header name, whatever the scheme and its case.
    name: 'token',
    pattern: /\b(?:proxy-)?authorization\\?["']?[ \t]{0,10}[:=][ \t]{0,10}\\?["']?[A-Za-z][A-Za-z0-9_-]{0,30}[ \t]{1,10}([A-Za-z0-9._~+/-]{6,}=*)/dgi,
    group: 1,
    keywords: ['authorization'],
  },
  {
    name: 'password',
    // The lookbehinds (here and in email) start a match only where a run of
    // those characters starts: \b alone would rescan "a.a.a..." from every dot.
    pattern: /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/@]{0,200}:([^\s@/]{1,200})@/dgi,
    group: 1,
    keywords: ['://'],
  },
  {
    // password=..., "api_key": "...", DB_PASS: ..., \"api_key\": \"...\" (JSON
    // inside JSON, as in an error log excerpt), AccountKey=...;, passphrase: ...
    name: 'secret',
    pattern: new RegExp(
      String.raw`${SECRET_NAME}\\?["']?[ \t]{0,10}(?:[:=]|=>)[ \t]{0,10}(?:\\?(["'])([^"'\n\\]{1,500})\\?["']|([^\s"'\\,;&<>]{3,500}))`,
      'dgi',
    ),
    group: -1,
    // Every word SECRET_NAME can start with (apikey and the *token names contain key and token).
    keywords: ['pass', 'pwd', 'secret', 'key', 'token', 'credential', 'signature'],
  },
  {
    name: 'email',
    // Not the user:password@host of a URL: that is the password rule's.
    pattern: /(?<![A-Za-z0-9._%+-]|:\/\/[^\s:/@]{0,200}:)[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-][A-Za-z0-9.-]{0,252}\.[A-Za-z]{2,}\b/dg,
    keywords: ['@'],
  },
];

/** The most of a text the rules read: callers keep less (see scrubAndTruncate), a hook payload can be 16 MB. */
export const SCRUB_INPUT_MAX = 1_000_000;

/** Longer than any secret a rule must see whole to recognise (a quoted assignment is at most ~600). */
export const SCRUB_MARGIN = 1_024;

export function scrub(text: string): string {
  const input = text.length > SCRUB_INPUT_MAX ? text.slice(0, SCRUB_INPUT_MAX) : text;
  const spans = [...secretSpans(input), ...splitSecretSpans(input), ...base64SecretSpans(input)];
  return spans.length ? redact(input, spans) : input;
}

export function scrubNullable(text: string | null | undefined): string | null {
  return text == null ? null : scrub(text);
}

/** Scrub, then cut to `max` characters so one huge prompt cannot bloat every record. */
export function scrubAndTruncate(text: string, max: number): string {
  // Scrub before the final cut, so a cut cannot leave half a secret that no rule
  // matches; but only the part that can be kept plus a margin, so the cost is
  // bounded by `max` rather than by the input (a payload can be 16 MB).
  const clean = scrub(text.length > max + SCRUB_MARGIN ? text.slice(0, max + SCRUB_MARGIN) : text);
  return clean.length > max || text.length > max + SCRUB_MARGIN ? `${clean.slice(0, max)}${TRUNCATED}` : clean;
}

/** The built-in patterns' sources, for the test that checks none can backtrack. */
export const builtInPatterns = (): string[] => RULES.map((r) => r.pattern.source);

/** The built-in rules with their keywords, for the test that checks every match holds one. */
export const builtInRules = (): readonly Pick<Rule, 'name' | 'pattern' | 'keywords'>[] => RULES;

/** Whether any rule finds a secret in `text` (the fuzz test and bench measure this). */
export function containsSecret(text: string): boolean {
  return scrub(text) !== text;
}

function secretSpans(text: string): Span[] {
  const lower = text.toLowerCase();
  const carried = rulesFor(lower);
  const spans: Span[] = [];
  for (const rule of RULES) {
    // Every keyword is ASCII, and no rule matches a non-ASCII character for an ASCII one: lower-casing keeps every match findable.
    if (!rule.keywords.some((k) => lower.includes(k))) continue;
    for (const match of text.matchAll(rule.pattern)) {
      const span = groupSpan(match, rule.group);
      if (span) spans.push({ ...span, name: rule.name });
    }
  }
  for (const rule of carried) {
    for (const match of text.matchAll(rule.regex)) {
      const span = groupSpan(match, rule.group ?? 0);
      if (!span || span.end <= span.start) continue;
      if (rule.entropy !== undefined && shannonEntropy(text.slice(span.start, span.end)) < rule.entropy) continue;
      spans.push({ ...span, name: rule.id });
    }
  }
  return spans;
}

/**
 * The span of the secret in a match: a numbered group; -1 for the last group
 * that matched; 0 (gitleaks' default) for the first group that matched, else
 * the whole match; undefined for the whole match.
 */
function groupSpan(match: RegExpExecArray | RegExpMatchArray, group: number | undefined): { start: number; end: number } | null {
  const indices = (match as RegExpExecArray).indices!;
  let pair: [number, number] | undefined;
  if (group === undefined) pair = indices[0];
  else if (group > 0) pair = indices[group];
  else if (group === -1) for (let i = indices.length - 1; i > 0 && !pair; i--) pair = indices[i];
  else for (let i = 1; i < indices.length && !pair; i++) pair = indices[i];
  pair ??= group === 0 ? indices[0] : undefined;
  return pair ? { start: pair[0], end: pair[1] } : null;
}

// The line breaks a key can be split over: real ones, and \n escaped in JSON.
const LINE_BREAK = /\r?\n|\\r?\\n/g;
const EDGE = 200;

/**
 * Secrets cut in two by a line break ("AKIAIOSFODNN7\nEXAMPLE"): for each
 * break, the word before (with its line, after a name and : or =) and the word
 * after are joined; a secret that spans the join redacts both halves and the
 * break between them. All the joined windows are scanned as one text, kept
 * apart by a separator no rule crosses, so a text of many short lines costs
 * one scan, not one per line. Each window is at most 2 x EDGE characters.
 */
function splitSecretSpans(text: string): Span[] {
  const windows: { start: number; at: number; after: number; end: number; offset: number }[] = [];
  let joined = '';
  for (const br of text.matchAll(LINE_BREAK)) {
    const at = br.index;
    const after = at + br[0].length;
    // The word before the break; after "name: " or "name=", back to the start of
    // the line, so the name joins too ("passphrase: ab\ncd").
    let start = at;
    while (start > 0 && at - start < EDGE && !/\s/.test(text[start - 1]!)) start--;
    if (/(?:[:=][ \t]{0,10}|\b(?:bearer|basic|token)[ \t]{1,10})$/i.test(text.slice(Math.max(0, start - 20), start))) {
      while (start > 0 && at - start < EDGE && text[start - 1] !== '\n' && !text.startsWith('\\n', start - 2)) start--;
    }
    let end = after;
    while (end < text.length && end - after < EDGE && !/\s/.test(text[end]!) && !text.startsWith('\\n', end)) end++;
    if (start === at || end === after) continue;
    windows.push({ start, at, after, end, offset: joined.length });
    joined += `${text.slice(start, at)}${text.slice(after, end)}${WINDOW_SEPARATOR}`;
  }
  if (windows.length === 0) return [];
  const spans: Span[] = [];
  let w = 0;
  for (const span of secretSpans(joined).sort((a, b) => a.start - b.start)) {
    while (w + 1 < windows.length && windows[w + 1]!.offset <= span.start) w++;
    const window = windows[w]!;
    const cut = window.offset + (window.at - window.start);
    if (span.start < cut && span.end > cut) {
      const end = Math.min(window.end, window.after + (span.end - cut));
      spans.push({ start: window.start + (span.start - window.offset), end, name: span.name });
    }
  }
  return spans;
}

/** Between joined windows: spaces end every key and value a rule matches, and NUL is in none. */
const WINDOW_SEPARATOR = ' \u0000 ';

const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,4096}={0,2}/g;

/** A run of base64 whose decoded text holds a secret is redacted whole. */
function base64SecretSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const run of text.matchAll(BASE64_RUN)) {
    const decoded = Buffer.from(run[0], run[0].includes('-') || run[0].includes('_') ? 'base64url' : 'base64').toString('latin1');
    // Mostly printable text, or it is binary (a hash, an image), not an encoded secret.
    let printableChars = 0;
    for (let i = 0; i < decoded.length; i++) {
      const code = decoded.charCodeAt(i);
      if ((code >= 0x20 && code < 0x7f) || code === 0x0a || code === 0x0d || code === 0x09) printableChars++;
    }
    if (decoded.length === 0 || printableChars < decoded.length * 0.9) continue;
    if (secretSpans(decoded).length) spans.push({ start: run.index, end: run.index + run[0].length, name: 'base64-secret' });
  }
  return spans;
}

/** The text with each span (overlaps merged) replaced by [REDACTED:name]. */
function redact(text: string, spans: Span[]): string {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  let current: Span | null = null;
  for (const span of spans) {
    if (current && span.start <= current.end) {
      current.end = Math.max(current.end, span.end);
      continue;
    }
    if (current) {
      out += `${text.slice(at, current.start)}[REDACTED:${current.name}]`;
      at = current.end;
    }
    current = { ...span };
  }
  if (current) out += `${text.slice(at, current.start)}[REDACTED:${current.name}]`;
  return out + text.slice(current ? current.end : at);
}

/** A path with the user's home folder shown as ~: the user name in it is personal data. */
export function shortenHome(path: string, home = process.env.HOME): string {
  if (!home || home === '/' || !path.startsWith(home)) return path;
  const rest = path.slice(home.length);
  return rest === '' ? '~' : rest.startsWith('/') ? `~${rest}` : path;
}
