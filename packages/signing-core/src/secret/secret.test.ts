import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactHeaders, redactJson, redactText, revealSecret, Secret } from './secret.js';

describe('Secret', () => {
  it('hides its value from every printing path and reveals it on request', () => {
    const secret = new Secret('s3cr3t-value');
    const outputs = [
      String(secret),
      `${secret}`,
      JSON.stringify({ secret }),
      inspect(secret),
      inspect({ nested: { secret } }, { depth: 5, showHidden: true }),
      secret + '',
    ];
    for (const output of outputs) expect(output).not.toContain('s3cr3t-value');
    expect(secret.reveal()).toBe('s3cr3t-value');
    expect(revealSecret(secret)).toBe('s3cr3t-value');
    expect(revealSecret('plain')).toBe('plain');
    expect(Secret.from(secret)).toBe(secret);
  });
});

describe('redaction', () => {
  it('redacts secret-named JSON fields but keeps token metadata', () => {
    expect(
      redactJson({
        accessToken: 'a',
        tokenType: 'Bearer',
        expiresIn: '900',
        nested: [{ client_secret: 'b', id: 1 }],
        tokenExpiry: 'x',
      }),
    ).toEqual({
      accessToken: REDACTED,
      tokenType: 'Bearer',
      expiresIn: '900',
      nested: [{ client_secret: REDACTED, id: 1 }],
      tokenExpiry: 'x',
    });
  });

  it('redacts truncated JSON and known secret values, and bounds the length', () => {
    const text = '{"responseCode":"2007300","accessToken":"eyJhbGciOi.secret.part","refreshToken":"abc';
    const out = redactText(text);
    expect(out).toContain('2007300');
    expect(out).not.toContain('eyJhbGciOi');
    expect(out).not.toContain('abc');
    expect(redactText('hello my-secret-key world', { secrets: ['my-secret-key'] })).toBe(`hello ${REDACTED} world`);
    expect(redactText('x'.repeat(1000), { limit: 10 })).toBe(`${'x'.repeat(10)}…`);
  });

  it('redacts Authorization and signature headers, keeping the scheme', () => {
    expect(
      redactHeaders({
        Authorization: 'Bearer abc',
        'X-SIGNATURE': 'sig',
        'X-TIMESTAMP': 't',
        'X-CLIENT-KEY': 'client',
      }),
    ).toEqual({
      Authorization: `Bearer ${REDACTED}`,
      'X-SIGNATURE': REDACTED,
      'X-TIMESTAMP': 't',
      'X-CLIENT-KEY': 'client',
    });
  });
});
