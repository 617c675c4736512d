import type { AccessToken, KeyFormatError, RequestSigningAuth, Secret, TokenStore } from '@org/signing-core';
import type { KyInstance } from 'ky';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createSnapAuth,
  parseSnapResponseCode,
  type SignedSnapRequest,
  type SnapAuth,
  type SnapAuthOptions,
  type SnapCustomerToken,
  type SnapRequest,
  type SnapTokenData,
  snapAccessTokenSignature,
  snapPresets,
  snapServiceSignature,
  type VerifiedSnapNotification,
  verifySnapSignature,
} from './index.js';
import { createSnapSandbox, type SnapSandbox } from './testing/index.js';

describe('types', () => {
  it('createSnapAuth returns the core provider shape, signRequest included', () => {
    expectTypeOf<ReturnType<typeof createSnapAuth>>().toExtend<RequestSigningAuth<SnapRequest, SignedSnapRequest>>();
  });

  it('createSnapAuth takes SnapAuthOptions (a preset spreads in) and returns SnapAuth', () => {
    expectTypeOf(createSnapAuth).parameter(0).toEqualTypeOf<SnapAuthOptions>();
    expectTypeOf(createSnapAuth).returns.toEqualTypeOf<SnapAuth>();
    const auth = createSnapAuth({ ...snapPresets.ifortepay.payment.stage, clientId: 'c', privateKey: 'pem' });
    expectTypeOf(auth.getAccessToken()).resolves.toEqualTypeOf<AccessToken<SnapTokenData>>();
    expectTypeOf(auth.getToken()).resolves.toEqualTypeOf<AccessToken<SnapTokenData>>();
    expectTypeOf<AccessToken<SnapTokenData>['data']['expiresIn']>().toEqualTypeOf<number>();
    expectTypeOf(auth.signRequest({ method: 'POST', path: '/x' })).resolves.toEqualTypeOf<SignedSnapRequest>();
    expectTypeOf(auth.getCustomerToken({ authCode: 'a' })).resolves.toEqualTypeOf<SnapCustomerToken>();
    expectTypeOf(auth.ky).toEqualTypeOf<KyInstance>();
    expectTypeOf(auth.fetch).returns.resolves.toEqualTypeOf<Response>();
    expectTypeOf(auth.verifyNotification).returns.resolves.toEqualTypeOf<VerifiedSnapNotification>();
    expectTypeOf<SnapAuthOptions['tokenStore']>().toEqualTypeOf<TokenStore | undefined>();
    // @ts-expect-error clientId is required
    createSnapAuth({ baseUrl: 'https://x', privateKey: 'pem' });
    // @ts-expect-error grantTypeCase is 'upper' | 'lower'
    createSnapAuth({ baseUrl: 'https://x', clientId: 'c', privateKey: 'pem', grantTypeCase: 'title' });
  });

  it('customer tokens keep their texts behind AccessToken and Secret', () => {
    expectTypeOf<SnapCustomerToken['accessToken']>().toEqualTypeOf<AccessToken>();
    expectTypeOf<SnapCustomerToken['refreshToken']>().toEqualTypeOf<Secret | undefined>();
    expectTypeOf<SnapCustomerToken['refreshTokenExpiresAt']>().toEqualTypeOf<Date | undefined>();
  });

  it('the grant is { authCode } or { refreshToken }', () => {
    const auth = {} as SnapAuth;
    // @ts-expect-error a grant is required
    auth.getCustomerToken({});
    auth.getCustomerToken({ refreshToken: 'r' });
  });

  it('pure functions: strings in, strings out', () => {
    expectTypeOf(snapAccessTokenSignature).returns.resolves.toBeString();
    expectTypeOf(snapServiceSignature).returns.resolves.toBeString();
    expectTypeOf(verifySnapSignature).returns.resolves.toBeBoolean();
    expectTypeOf(parseSnapResponseCode('4017300').httpStatus).toEqualTypeOf<number | undefined>();
    // @ts-expect-error a symmetric verification needs the access token
    verifySnapSignature({ method: 'POST', path: '/x', timestamp: 't', signature: 's', clientSecret: 'c' });
    // @ts-expect-error not both modes
    verifySnapSignature({
      method: 'POST',
      path: '/x',
      timestamp: 't',
      signature: 's',
      clientSecret: 'c',
      accessToken: 'a',
      publicKey: 'k',
    });
    expectTypeOf<KeyFormatError['code']>().toEqualTypeOf<'ERR_KEY_FORMAT'>();
  });

  it('the sandbox', () => {
    expectTypeOf(createSnapSandbox).returns.toEqualTypeOf<SnapSandbox>();
    expectTypeOf<SnapSandbox['issueAuthCode']>().returns.toBeString();
  });
});
