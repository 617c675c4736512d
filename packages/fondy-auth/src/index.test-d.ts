import type { AccessToken, ProviderError, TokenAuth } from '@org/signing-core';
import { isProviderError } from '@org/signing-core';
import type { KyInstance } from 'ky';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createFondyAuth,
  type FondyAuth,
  type FondyAuthOptions,
  type FondyHostName,
  type FondyParams,
  fondyHosts,
  fondySignature,
  fondySigningString,
  fondyTokenSignature,
  verifyFondySignature,
} from './index.js';
import { createFondySandbox, type FondySandbox } from './testing/index.js';

describe('types', () => {
  it('createFondyAuth returns the core provider shape', () => {
    expectTypeOf<ReturnType<typeof createFondyAuth>>().toExtend<TokenAuth>();
  });

  it('signing functions: strings out, params of strings and numbers', () => {
    expectTypeOf(fondyTokenSignature({ secretKey: 'k', applicationId: 1234, date: 'd' })).toEqualTypeOf<
      Promise<string>
    >();
    expectTypeOf(fondySignature({ amount: 125, currency: 'USD', note: null }, 'k')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(fondySigningString(new URLSearchParams())).toEqualTypeOf<string>();
    expectTypeOf(verifyFondySignature({ anything: { parsed: 'json' } }, 'k')).toEqualTypeOf<Promise<boolean>>();
    // @ts-expect-error booleans are not signed (the SDKs disagree on how)
    fondySignature({ preauth: true }, 'k');
    // @ts-expect-error nested objects are not signed
    fondySignature({ nested: { a: 1 } }, 'k');
    expectTypeOf<{ a: string; b: number }>().toMatchTypeOf<FondyParams>();
  });

  it('createFondyAuth: options and the returned interface', () => {
    expectTypeOf(createFondyAuth).parameter(0).toEqualTypeOf<FondyAuthOptions>();
    const auth = createFondyAuth({ applicationId: '1234', secretKey: 'k', baseUrl: 'flitt' });
    expectTypeOf(auth).toEqualTypeOf<FondyAuth>();
    expectTypeOf(auth.getToken()).toEqualTypeOf<Promise<AccessToken>>();
    expectTypeOf(auth.authorizationHeader()).toEqualTypeOf<Promise<string>>();
    expectTypeOf(auth.ky).toEqualTypeOf<KyInstance>();
    expectTypeOf(auth.fetch).returns.toEqualTypeOf<Promise<Response>>();
    expectTypeOf<'wallet' | 'portal' | 'flitt'>().toEqualTypeOf<FondyHostName>();
    expectTypeOf(fondyHosts.flitt).toEqualTypeOf<'https://portal.flitt.com'>();
    // Any URL is accepted too.
    createFondyAuth({ applicationId: 1, secretKey: 'k', baseUrl: 'http://127.0.0.1:8080' });
    // @ts-expect-error secretKey is required
    createFondyAuth({ applicationId: '1' });
  });

  it('errors narrow with the core guards', () => {
    const error: unknown = new Error();
    if (isProviderError(error)) expectTypeOf(error).toEqualTypeOf<ProviderError>();
  });

  it('the sandbox', () => {
    const sandbox = createFondySandbox({ applications: [{ applicationId: '1', secretKey: 'k' }] });
    expectTypeOf(sandbox).toEqualTypeOf<FondySandbox>();
    expectTypeOf(sandbox.expireTokens).toEqualTypeOf<() => void>();
  });
});
