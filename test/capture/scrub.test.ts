import { describe, expect, test } from 'vitest';
import { scrub, scrubAndTruncate, shortenHome } from '../../src/capture/scrub';

describe('scrub', () => {
  test.each([
    ['Anthropic key', 'use sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789 now', 'use [REDACTED:anthropic-key] now'],
    ['OpenAI key', 'OPENAI sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345 here', 'OPENAI [REDACTED:openai-key] here'],
    ['AWS access key id', 'key AKIAIOSFODNN7EXAMPLE ok', 'key [REDACTED:aws-access-key] ok'],
    ['AWS secret in assignment', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = [REDACTED:secret]'],
    ['GitHub token', 'token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB', 'token [REDACTED:github-token]'],
    ['GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', '[REDACTED:github-token]'],
    ['Slack token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp', '[REDACTED:slack-token]'],
    ['Slack webhook', 'post to https://hooks.slack.com/services/T000/B000/XXXXXXXX', 'post to [REDACTED:slack-webhook]'],
    ['JWT', 'auth eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'auth [REDACTED:jwt]'],
    ['Bearer token', 'Authorization: Bearer abcdef0123456789abcdef', 'Authorization: Bearer [REDACTED:token]'],
    ['lowercase bearer (schemes are case-insensitive)', 'authorization: bearer abcdef0123456789abcdef', 'authorization: bearer [REDACTED:token]'],
    ['upper-case BEARER', 'curl -H "Authorization: BEARER abcdef0123456789abcdef"', 'curl -H "Authorization: BEARER [REDACTED:token]"'],
    ['any scheme after an Authorization header', 'authorization: basic dXNlcjpwYXNz', 'authorization: basic [REDACTED:token]'],
    ['Slack app-level token', 'SLACK_APP xapp-1-A0123456789-1234567890123-abcdef0123456789', 'SLACK_APP [REDACTED:slack-token]'],
    ['email after a run of dots', 'see ...bob.smith@example.com.', 'see [REDACTED:email].'],
    ['JWT after dashes', '--eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N', '--[REDACTED:jwt]'],
    ['private key block', 'x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----\ny', 'x\n[REDACTED:private-key]\ny'],
    ['password=', 'login with password=hunter2 please', 'login with password=[REDACTED:secret] please'],
    ['api_key: quoted', 'config "api_key": "abc123secret" end', 'config "api_key": "[REDACTED:secret]" end'],
    ['DB_PASSWORD env', 'DB_PASSWORD=s3cr3t npm start', 'DB_PASSWORD=[REDACTED:secret] npm start'],
    ['quoted value with spaces', "secret: 'my long pass phrase'", "secret: '[REDACTED:secret]'"],
    ['credentials in a URL', 'postgres://app:topsecret@db.internal:5432/app', 'postgres://app:[REDACTED:password]@db.internal:5432/app'],
    ['email', 'mail bob.smith+test@example.co.uk about it', 'mail [REDACTED:email] about it'],
  ])('%s', (_name, input, expected) => {
    expect(scrub(input)).toBe(expected);
  });

  test('leaves ordinary text alone', () => {
    const text =
      'Review src/auth.ts: 3 tokens used, tests pass, see docs at https://example.com/guide. Passwords are hashed with bcrypt. ' +
      'A basic understanding of the token refreshing flow helps.';
    expect(scrub(text)).toBe(text);
  });

  test('scrubs before truncating, so no half secret survives the cut', () => {
    const text = `${'a'.repeat(20)} sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789`;
    const out = scrubAndTruncate(text, 30);
    expect(out).not.toContain('sk-ant');
    expect(out).toMatch(/… \[truncated\]$/);
  });

  test.each(['a_', 'a.', '1.', 'a%20', 'eyJ-'])('is fast on long adversarial input: %j repeated', (unit) => {
    const text = unit.repeat(125_000) + 'password';
    const started = Date.now();
    scrub(text);
    // Not a timing assertion on the happy path: a rule that rescans from every
    // word boundary takes about a minute here, a linear one milliseconds.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test('reads only the kept part plus a margin: a huge secret does not pull later text into the cut', () => {
    const key = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(50_000)}\n-----END PRIVATE KEY-----`;
    const text = `${key} later text beyond the limit`;
    const out = scrubAndTruncate(text, 100);
    expect(out).toBe('[REDACTED:private-key]… [truncated]');
    expect(out).not.toContain('later text');
  });

  test('scrubs a secret that straddles the limit', () => {
    const out = scrubAndTruncate(`${'x '.repeat(45)}password=hunter2hunter2 and more`, 95);
    expect(out).not.toContain('hunter2');
    expect(out).toMatch(/… \[truncated\]$/);
  });

  test('shows the home folder as ~', () => {
    expect(shortenHome('/home/bob/work/app', '/home/bob')).toBe('~/work/app');
    expect(shortenHome('/home/bobby/x', '/home/bob')).toBe('/home/bobby/x');
    expect(shortenHome('/srv/app', '/home/bob')).toBe('/srv/app');
  });
});
