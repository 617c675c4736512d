import { describe, expectTypeOf, it } from 'vitest';
import {
  type AccessToken,
  type AuthErrorCode,
  createTokenManager,
  hmac,
  type InputError,
  isAuthError,
  isProviderError,
  type ProviderError,
  type RsaPrivateKeyInput,
  rsaSign,
  type StoreError,
  type TokenStore,
  type TransportError,
} from './index.js';

describe('types', () => {
  it('crypto returns bytes and accepts every key input', () => {
    expectTypeOf(hmac('SHA-256', 'k', 'x')).toEqualTypeOf<Promise<Uint8Array>>();
    expectTypeOf<
      string | Uint8Array | CryptoKey | ((d: Uint8Array) => Promise<Uint8Array>)
    >().toMatchTypeOf<RsaPrivateKeyInput>();
    expectTypeOf(rsaSign).parameter(0).toEqualTypeOf<RsaPrivateKeyInput>();
  });

  it('guards narrow to the error classes; codes are a closed union', () => {
    const error: unknown = new Error();
    if (isProviderError(error)) expectTypeOf(error).toEqualTypeOf<ProviderError>();
    if (isAuthError(error)) expectTypeOf(error.code).toEqualTypeOf<AuthErrorCode>();
    if (isAuthError(error, 'ERR_RATE_LIMITED')) {
      expectTypeOf(error).toExtend<ProviderError>();
      expectTypeOf(error.code).toEqualTypeOf<'ERR_RATE_LIMITED'>();
      expectTypeOf(error.retryAfterMs).toEqualTypeOf<number | undefined>();
    }
    if (isAuthError(error, 'ERR_REDIRECT')) expectTypeOf(error).toExtend<TransportError>();
    if (isAuthError(error, 'ERR_INVALID_JSON')) expectTypeOf(error).toExtend<InputError>();
    if (isAuthError(error) && error.name === 'StoreError') expectTypeOf(error).toExtend<StoreError>();
    // @ts-expect-error not a code
    isAuthError(error, 'ERR_NOT_A_CODE');
  });

  it('the token manager hands out AccessToken', () => {
    const manager = createTokenManager({ key: 'k', fetchToken: async () => ({ token: 't', expiresAt: 1 }) });
    expectTypeOf(manager.getToken()).toEqualTypeOf<Promise<AccessToken>>();
    expectTypeOf<AccessToken['token']>().toEqualTypeOf<string>();
    expectTypeOf<TokenStore['lock']>().toEqualTypeOf<
      ((key: string, ttlMs: number) => Promise<import('./index.js').TokenStoreLock | undefined>) | undefined
    >();
  });
});

describe('typed token data', () => {
  it('a provider types the data it keeps with a token', () => {
    const manager = createTokenManager({
      key: 'k',
      fetchToken: async () => ({ token: 't', expiresAt: 1, data: { expiresIn: 900 } }),
    });
    expectTypeOf(manager.getToken()).resolves.toEqualTypeOf<AccessToken<{ expiresIn: number }>>();
    expectTypeOf<AccessToken<{ readonly expiresIn: number }>>().toExtend<AccessToken>();
  });
});
