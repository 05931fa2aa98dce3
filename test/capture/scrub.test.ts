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

  test('is fast on long adversarial input', () => {
    const text = 'a_'.repeat(200_000) + 'password';
    const started = Date.now();
    scrub(text);
    // Not a timing assertion on the happy path: a catastrophic regex would take minutes here.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test('shows the home folder as ~', () => {
    expect(shortenHome('/home/bob/work/app', '/home/bob')).toBe('~/work/app');
    expect(shortenHome('/home/bobby/x', '/home/bob')).toBe('/home/bobby/x');
    expect(shortenHome('/srv/app', '/home/bob')).toBe('/srv/app');
  });
});
