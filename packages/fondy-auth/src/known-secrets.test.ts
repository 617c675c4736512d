import { Secret } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { knownSecrets, scrubSecrets } from './known-secrets.js';

describe('knownSecrets', () => {
  it('scrubs the key and the remembered tokens, keeping the last eight', () => {
    const secrets = knownSecrets(new Secret('the-key'));
    for (let i = 0; i < 10; i++) secrets.remember(`token-${i}`);
    secrets.remember('abc'); // too short to scrub safely
    expect(secrets.list()).toEqual(['the-key', ...Array.from({ length: 8 }, (_, i) => `token-${i + 2}`)]);
    expect(secrets.scrub('the-key token-9 token-1 abc')).toBe('[REDACTED] [REDACTED] token-1 abc');
    expect(secrets.scrub(undefined)).toBeUndefined();
    expect(scrubSecrets('a secret here', ['secret', 'x'])).toBe('a [REDACTED] here');
  });
});
