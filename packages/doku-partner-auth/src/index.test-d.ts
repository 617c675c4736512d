import type { AccessToken, ConfigError, RequestSigningAuth, Secret } from '@org/signing-core';
import type { KyInstance } from 'ky';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createDokuPartnerAuth,
  type DokuNotification,
  type DokuPartnerAuth,
  type DokuPartnerAuthOptions,
  type DokuSignatureParams,
  type DokuSignedRequest,
  type DokuSignRequestOptions,
  dokuDigest,
  dokuSignature,
  verifyDokuNotification,
  verifyDokuResponse,
  verifyDokuSignature,
} from './index.js';
import { createDokuSandbox, type DokuSandbox } from './testing/index.js';

describe('types', () => {
  it('createDokuPartnerAuth returns the core provider shape, signRequest included', () => {
    expectTypeOf<ReturnType<typeof createDokuPartnerAuth>>().toExtend<
      RequestSigningAuth<DokuSignRequestOptions, DokuSignedRequest>
    >();
  });

  it('signing functions are async, strings in and out', () => {
    expectTypeOf(dokuDigest).parameter(0).toEqualTypeOf<string | Uint8Array>();
    expectTypeOf(dokuDigest).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(dokuSignature).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(verifyDokuSignature).returns.toEqualTypeOf<Promise<boolean>>();
    expectTypeOf<DokuSignatureParams['secretKey']>().toExtend<string | Secret | object>();
    expectTypeOf<DokuSignatureParams>().toHaveProperty('body').toEqualTypeOf<string | Uint8Array | undefined>();
    // @ts-expect-error the body of a pure signature is exact text or bytes, not an object
    void dokuSignature({ clientId: 'c', requestId: 'r', timestamp: 't', target: '/x', secretKey: 's', body: { a: 1 } });
  });

  it('the factory takes DokuPartnerAuthOptions and returns DokuPartnerAuth', () => {
    expectTypeOf(createDokuPartnerAuth).parameter(0).toEqualTypeOf<DokuPartnerAuthOptions>();
    expectTypeOf(createDokuPartnerAuth).returns.toEqualTypeOf<DokuPartnerAuth>();
    expectTypeOf<DokuPartnerAuth['getToken']>().returns.toEqualTypeOf<Promise<AccessToken>>();
    expectTypeOf<DokuPartnerAuth['signRequest']>().returns.toEqualTypeOf<Promise<DokuSignedRequest>>();
    expectTypeOf<DokuPartnerAuth['ky']>().toEqualTypeOf<KyInstance>();
    expectTypeOf<DokuSignedRequest['headers']>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<DokuPartnerAuthOptions['baseUrl']>().toExtend<string>();
    const options: DokuPartnerAuthOptions = { clientId: 'c', secretKey: 's', baseUrl: 'test' };
    void options;
    // @ts-expect-error clientId is required
    const missing: DokuPartnerAuthOptions = { secretKey: 's', baseUrl: 'production' };
    void missing;
    const bad: DokuPartnerAuthOptions = {
      clientId: 'c',
      secretKey: 's',
      baseUrl: 'test',
      // @ts-expect-error responseSignature is a closed union
      responseSignature: 'sometimes',
    };
    void bad;
  });

  it('verifiers return typed results', () => {
    expectTypeOf(verifyDokuNotification).returns.toEqualTypeOf<Promise<DokuNotification>>();
    expectTypeOf<DokuNotification['bytes']>().toEqualTypeOf<Uint8Array>();
    expectTypeOf(verifyDokuResponse).returns.toEqualTypeOf<Promise<boolean>>();
    // a DokuSignedRequest is accepted as the request a response is bound to
    expectTypeOf<DokuSignedRequest>().toExtend<Parameters<typeof verifyDokuResponse>[1]['request']>();
  });

  it('the sandbox builds on the core kit', () => {
    expectTypeOf(createDokuSandbox).returns.toEqualTypeOf<DokuSandbox>();
    expectTypeOf<DokuSandbox['expireTokens']>().toEqualTypeOf<() => void>();
    expectTypeOf<DokuSandbox['createNotification']>().returns.toEqualTypeOf<Request>();
    expectTypeOf<ConfigError['code']>().toEqualTypeOf<'ERR_CONFIG'>();
  });
});
