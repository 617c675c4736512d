import { isConfigError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { privateKeyPem } from './__fixtures__/setup.js';
import { createSnapAuth } from './create-snap-auth.js';
import type { SnapAuthOptions } from './options.js';

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
      providerPublicKey: privateKeyPem,
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

  it('never shows option values, only their types', () => {
    const error = configError({ ...valid, baseUrl: 'not a url super-secret-value', clientSecret: 7 });
    expect(error.message).not.toContain('super-secret-value');
    expect(JSON.stringify(error)).not.toContain('super-secret-value');
    expect(error.message).toContain('received a string of');
  });

  it('rejects a non-object', () => {
    expect(configError(undefined).message).toContain('expected an object');
  });
});
