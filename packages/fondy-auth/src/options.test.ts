import { isConfigError, memoryTokenStore, Secret } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { type FondyAuthOptions, resolveOptions } from './client/options.js';
import { fondyHosts } from './protocol/hosts.js';

const configError = (options: unknown) => {
  try {
    resolveOptions(options as FondyAuthOptions);
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('resolveOptions', () => {
  it('answers a typo with the nearest option name, for provider fondy', () => {
    const error = configError({ applicationId: '1', secretKey: 'k', apiBaseURL: 'https://portal.fondy.eu' });
    expect([error.provider, error.issues[0]?.suggestion]).toEqual(['fondy', 'apiBaseUrl']);
  });

  it('applies the defaults: wallet host for the token, portal host for the API, applicationId as a string', () => {
    const resolved = resolveOptions({ applicationId: 1234, secretKey: 'k' });
    expect(resolved.applicationId).toBe('1234');
    expect(resolved.secretKey).toBeInstanceOf(Secret);
    expect(resolved.secretKey.reveal()).toBe('k');
    expect(resolved.baseUrl).toBe('https://wallet.fondy.eu');
    expect(resolved.apiBaseUrl).toBe('https://portal.fondy.eu');
  });

  it('resolves the host presets and plain URLs', () => {
    expect(resolveOptions({ applicationId: '1', secretKey: 'k', baseUrl: 'flitt' })).toMatchObject({
      baseUrl: fondyHosts.flitt,
      apiBaseUrl: 'https://portal.flitt.com',
    });
    expect(resolveOptions({ applicationId: '1', secretKey: 'k', baseUrl: 'portal' })).toMatchObject({
      baseUrl: 'https://portal.fondy.eu',
      apiBaseUrl: 'https://portal.fondy.eu',
    });
    expect(
      resolveOptions({
        applicationId: '1',
        secretKey: 'k',
        baseUrl: 'http://127.0.0.1:9/fondy/',
        apiBaseUrl: 'wallet',
      }),
    ).toMatchObject({ baseUrl: 'http://127.0.0.1:9/fondy', apiBaseUrl: 'https://wallet.fondy.eu' });
    expect(fondyHosts).toEqual({
      wallet: 'https://wallet.fondy.eu',
      portal: 'https://portal.fondy.eu',
      flitt: 'https://portal.flitt.com',
    });
    expect(Object.isFrozen(fondyHosts)).toBe(true);
  });

  it('keeps a Secret and the collaborators as given', () => {
    const secretKey = new Secret('k');
    const tokenStore = memoryTokenStore();
    const resolved = resolveOptions({ applicationId: '1', secretKey, tokenStore, retry: 0, timeoutMs: 500 });
    expect(resolved.secretKey).toBe(secretKey);
    expect(resolved.lifecycle.store).toBe(tokenStore);
    expect(resolved).toMatchObject({ retry: 0, transport: { timeoutMs: 500 } });
  });

  it('lists every bad option with what was expected, never the value', () => {
    const secret = 'super-secret-value';
    const error = configError({
      applicationId: 'x'.repeat(21),
      secretKey: '',
      baseUrl: `ftp://${secret}`,
      fetch: 'nope',
      refreshAheadMs: -1,
      retry: 99,
      tokenStore: {},
    });
    expect(error.message.startsWith('[@org/fondy-auth] invalid options:')).toBe(true);
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'applicationId',
      'secretKey',
      'baseUrl',
      'fetch',
      'tokenStore',
      'refreshAheadMs',
      'retry',
    ]);
    expect(error.message).toContain(
      'applicationId: expected a non-empty string or whole number of at most 20 characters, received a string of 21 characters',
    );
    expect(error.message).toContain(
      "baseUrl: expected an absolute http(s) URL without query or fragment, or one of 'wallet', 'portal', 'flitt'",
    );
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
  });

  it('names missing required options and unknown ones (typos)', () => {
    const missing = configError({});
    expect(missing.issues.map((issue) => [issue.path, issue.received])).toEqual([
      ['applicationId', 'undefined'],
      ['secretKey', 'undefined'],
    ]);
    const typo = configError({ applicationId: '1', secretKey: 'k', tokenStorage: {} });
    expect(typo.issues[0]?.path).toBe('tokenStorage');
    expect(typo.message).toContain('tokenStorage: expected a known option (applicationId, secretKey');
  });

  it('refuses a non-object', () => {
    expect(configError(undefined).message).toBe('[@org/fondy-auth] options: expected an object, received undefined');
  });
});
