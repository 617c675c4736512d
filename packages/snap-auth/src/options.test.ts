import { isConfigError, isKeyFormatError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { privateKeyPem, publicKeyPem } from './__fixtures__/setup.js';
import { createSnapAuth } from './client/create-snap-auth.js';
import type { SnapAuthOptions } from './client/options.js';

const valid: SnapAuthOptions = { baseUrl: 'https://api.example.id', clientId: 'client', privateKey: privateKeyPem };

function configError(options: unknown) {
  try {
    createSnapAuth(options as SnapAuthOptions);
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('createSnapAuth options', () => {
  it('refuses a misspelt option with a "did you mean", and keeps a preset\'s name and notes', () => {
    expect(() => createSnapAuth({ ...valid, timestampFromat: { offset: 'Z' } } as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_CONFIG',
        provider: 'snap',
        message: expect.stringContaining('did you mean `timestampFormat`?'),
      }),
    );
    expect(createSnapAuth({ ...valid, name: 'A preset', notes: 'from its page' } as never).clientId).toBe('client');
  });

  it('accepts the minimal options and every optional one', () => {
    expect(createSnapAuth(valid).clientId).toBe('client');
    const auth = createSnapAuth({
      ...valid,
      baseUrl: 'https://api.example.id/',
      tokenPath: '/snap/v1.0/access-token/b2b',
      customerTokenPath: '/snap/v1.0/access-token/b2b2c',
      clientSecret: 'secret',
      partnerId: 'p'.repeat(36),
      channelId: '95221',
      origin: 'www.merchant.id',
      timestampFormat: { offset: 'Z', milliseconds: true },
      tokenTimestampFormat: { milliseconds: true },
      grantTypeCase: 'lower',
      tokenRequestBody: { grant_type: 'client_credentials' },
      relativeUrl: (url) => url.pathname,
      externalId: () => '1',
      refreshAheadMs: 60_000,
      expiryMarginMs: 5_000,
      providerPublicKey: publicKeyPem,
      notificationToleranceMs: 60_000,
      replayStore: { remember: async () => true },
      tokenStore: { get: async () => undefined, set: async () => {}, delete: async () => {} },
      fetch: globalThis.fetch,
      clock: Date.now,
      timeoutMs: 5_000,
      retry: { limit: 3, methods: ['get'], backoffLimitMs: 100 },
      logger: console,
    });
    expect(auth.baseUrl).toBe('https://api.example.id');
  });

  it('lists every bad field with what was expected, prefixed with the package name', () => {
    const error = configError({
      baseUrl: 'ftp://x',
      clientId: '',
      privateKey: 42,
      clientSecret: '',
      partnerId: 'p'.repeat(37),
      tokenPath: 'v1.0/access-token/b2b',
      timestampFormat: { offset: '+7' },
      grantTypeCase: 'title',
      retry: 11,
      fetch: 'fetch',
    });
    expect(error.message.startsWith('[@org/snap-auth] invalid options:')).toBe(true);
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(
      [
        'baseUrl',
        'clientId',
        'clientSecret',
        'fetch',
        'grantTypeCase',
        'partnerId',
        'privateKey',
        'retry',
        'timestampFormat.offset',
        'tokenPath',
      ].sort(),
    );
    expect(error.message).toContain("timestampFormat.offset: expected 'Z' or an offset ±HH:MM such as '+07:00'");
    expect(error.message).toContain('privateKey: expected an RSA private key');
    expect(error.provider).toBe('snap');
  });

  it('checks each field of a retry object, not only that it is an object', () => {
    for (const retry of [{ limit: 99 }, { methods: 'post' }, { statusCodes: ['500'] }, { backoffLimitMs: -1 }]) {
      const paths = configError({ ...valid, retry }).issues.map((issue) => issue.path);
      expect(paths).toEqual([expect.stringMatching(/^retry(\.|$)/)]);
    }
    expect(createSnapAuth({ ...valid, retry: { limit: 0, methods: ['post'], statusCodes: [503] } }).clientId).toBe(
      'client',
    );
  });

  it('never shows option values, only their types', () => {
    const error = configError({ ...valid, baseUrl: 'not a url super-secret-value', clientSecret: 7 });
    expect(error.message).not.toContain('super-secret-value');
    expect(JSON.stringify(error)).not.toContain('super-secret-value');
    expect(error.message).toContain('received a string of');
  });

  it('checks the content of privateKey and providerPublicKey at creation: KeyFormatError naming the option', async () => {
    const keyError = (options: SnapAuthOptions) => {
      try {
        createSnapAuth(options);
      } catch (error) {
        if (isKeyFormatError(error)) return error;
        throw error;
      }
      throw new Error('expected a KeyFormatError');
    };
    const swappedPublic = keyError({ ...valid, providerPublicKey: privateKeyPem });
    expect(swappedPublic.message.startsWith('[@org/snap-auth] providerPublicKey: ')).toBe(true);
    expect(swappedPublic).toMatchObject({ provider: 'snap', found: 'an RSA private key (PKCS#8)' });
    const swappedPrivate = keyError({ ...valid, privateKey: publicKeyPem });
    expect(swappedPrivate.message.startsWith('[@org/snap-auth] privateKey: ')).toBe(true);
    expect(swappedPrivate.provider).toBe('snap');
    for (const error of [swappedPublic, swappedPrivate]) {
      expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(privateKeyPem.slice(40, 80));
      expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(publicKeyPem.slice(40, 80));
    }
    // A CryptoKey is checked for its type and usage: a private one is not a provider public key.
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const der = Uint8Array.from(atob(privateKeyPem.replace(/-----[^-]+-----|\s/g, '')), (c) => c.charCodeAt(0));
    const cryptoKey = await crypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
    expect(createSnapAuth({ ...valid, privateKey: cryptoKey }).clientId).toBe('client');
    expect(keyError({ ...valid, providerPublicKey: cryptoKey }).message).toMatch(
      /^\[@org\/snap-auth\] providerPublicKey: expected an RSA public key, found a private CryptoKey/,
    );
    // A key of the wrong JS type is still a ConfigError, listed with the other bad options.
    expect(configError({ ...valid, providerPublicKey: 42 }).issues.map((issue) => issue.path)).toEqual([
      'providerPublicKey',
    ]);
  });

  it('rejects a non-object', () => {
    expect(configError(undefined).message).toContain('expected an object');
  });
});
