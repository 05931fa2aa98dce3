// Command lines agent-track writes for others to run with /bin/sh: Claude Code's
// statusLine setting and the crontab entries of `prune --cron` and `export --cron`.

/** One word for /bin/sh: bare when it is plainly safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
