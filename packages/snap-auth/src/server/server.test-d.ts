import type { IdempotencyStore } from '@org/signing-core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createSnapServer,
  type SnapHandlerContext,
  type SnapIssuedTokenStore,
  type SnapRejection,
  type SnapServer,
  type SnapServerOptions,
  type SnapVerifyResult,
  type VerifiedSnapCall,
} from './index.js';

describe('server types', () => {
  it('createSnapServer takes SnapServerOptions and returns SnapServer of Web functions', () => {
    expectTypeOf(createSnapServer).parameter(0).toEqualTypeOf<SnapServerOptions>();
    expectTypeOf(createSnapServer).returns.toEqualTypeOf<SnapServer>();
    expectTypeOf<SnapServer['handleAccessToken']>().toEqualTypeOf<(request: Request) => Promise<Response>>();
    expectTypeOf<SnapServer['verifyRequest']>().returns.resolves.toEqualTypeOf<SnapVerifyResult>();
  });

  it('the handler gets the verified call and a signal, and returns reply fields', () => {
    const server = createSnapServer({ partners: [{ clientId: 'c', publicKey: 'pem', clientSecret: 's' }] });
    server.handle(new Request('http://x/'), { serviceCode: '25' }, (call, context) => {
      expectTypeOf(call).toEqualTypeOf<VerifiedSnapCall>();
      expectTypeOf(context).toEqualTypeOf<SnapHandlerContext>();
      expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
      return { virtualAccountData: {} };
    });
    // @ts-expect-error: the reply is an object of fields
    server.handle(new Request('http://x/'), { serviceCode: '25' }, () => 'ok');
    // @ts-expect-error: the service code is required
    server.handle(new Request('http://x/'), {}, () => ({}));
  });

  it('the verified call carries no token or signature; a rejection narrows by ok', async () => {
    expectTypeOf<VerifiedSnapCall>().not.toHaveProperty('accessToken');
    expectTypeOf<VerifiedSnapCall>().not.toHaveProperty('signature');
    const result = {} as SnapVerifyResult;
    if (!result.ok) expectTypeOf(result.rejection).toEqualTypeOf<SnapRejection>();
    else expectTypeOf(result.call).toEqualTypeOf<VerifiedSnapCall>();
  });

  it('stores are interfaces a shared implementation can satisfy', () => {
    expectTypeOf<SnapServerOptions['idempotencyStore']>().toEqualTypeOf<IdempotencyStore | undefined>();
    expectTypeOf<SnapServerOptions['tokenStore']>().toEqualTypeOf<SnapIssuedTokenStore | undefined>();
    // @ts-expect-error: partners and findPartner are the only ways to name partners
    createSnapServer({ clients: [] });
  });
});
