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

  it('gives the same result for a string as before (its characters by index, none redacted)', () => {
    // Not headers, but accepted from JavaScript callers: each UTF-16 code unit under its index,
    // exactly what Object.entries lists.
    for (const text of ['', 'ab', 'Bearer abc', 'a😀b', '\u{d83d}x']) {
      expect(redactHeaders(text as never)).toEqual(Object.fromEntries(Object.entries(text)));
    }
    expect(redactHeaders('a😀' as never)).toEqual({ 0: 'a', 1: '\u{d83d}', 2: '\u{de00}' });
  });

  it('handles a 10 MB string in linear time', () => {
    const text = `${'x'.repeat(10 * 1024 * 1024 - 2)}yz`;
    const started = performance.now();
    const out = redactHeaders(text as never);
    // Loose bound for shared CI machines; it used to take ~20 s.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(out[0]).toBe('x');
    expect(out[text.length - 2]).toBe('y');
    expect(out[text.length - 1]).toBe('z');
    expect(Object.hasOwn(out, text.length)).toBe(false);
  });

  it('handles 10 MB of header values and names without slowing down', () => {
    const big = 'x '.repeat(5 * 1024 * 1024);
    const started = performance.now();
    const out = redactHeaders({ authorization: big, [`token${big}`]: big, 'x-big': big });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(out).toEqual({ authorization: `x ${REDACTED}`, [`token${big}`]: REDACTED, 'x-big': big });
  });
});
