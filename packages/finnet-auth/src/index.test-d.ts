import type { AccessToken, GetTokenOptions, RequestSigningAuth } from '@org/signing-core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createFinnetAuth,
  type FinnetAnswer,
  type FinnetAuth,
  type FinnetAuthOptions,
  type FinnetRequestParams,
  type FinnetResponse,
  type FinnetResponseBody,
  type FinnetSignedRequest,
  type FinnetTokenData,
  finnetSignature,
  type HexKeyCase,
  isFinnetTokenRejected,
  parseFinnetExpiry,
} from './index.js';
import { createFinnetSandbox, type FinnetSandbox } from './testing/index.js';

describe('types', () => {
  it('createFinnetAuth returns the core provider shape, signRequest included', () => {
    expectTypeOf<ReturnType<typeof createFinnetAuth>>().toExtend<
      RequestSigningAuth<FinnetRequestParams, FinnetSignedRequest>
    >();
  });

  it('finnetSignature takes string fields and resolves to a string', () => {
    expectTypeOf(finnetSignature).parameter(0).toEqualTypeOf<Readonly<Record<string, string>>>();
    expectTypeOf(finnetSignature).returns.resolves.toBeString();
    expectTypeOf<HexKeyCase>().toEqualTypeOf<'lower' | 'upper'>();
    // @ts-expect-error numbers are not accepted as values
    void finnetSignature({ amount: 10_000 }, 'secret');
    // @ts-expect-error unknown key case
    void finnetSignature({}, 'secret', { hexKeyCase: 'mixed' });
  });

  it('parseFinnetExpiry returns a Date', () => {
    expectTypeOf(parseFinnetExpiry).toEqualTypeOf<(text: string) => Date>();
  });

  it('createFinnetAuth takes FinnetAuthOptions and returns FinnetAuth', () => {
    expectTypeOf(createFinnetAuth).parameter(0).toEqualTypeOf<FinnetAuthOptions>();
    expectTypeOf(createFinnetAuth).returns.toEqualTypeOf<FinnetAuth>();
    expectTypeOf<FinnetAuthOptions['secretKey']>().toEqualTypeOf<string>();
    // @ts-expect-error secretKey is required
    void createFinnetAuth({ username: 'u' });
  });

  it('FinnetAuth methods', () => {
    const auth = createFinnetAuth({ secretKey: 's' });
    expectTypeOf(auth.getToken).parameter(0).toEqualTypeOf<GetTokenOptions | undefined>();
    expectTypeOf(auth.getToken).returns.resolves.toEqualTypeOf<AccessToken<FinnetTokenData>>();
    expectTypeOf<AccessToken<FinnetTokenData>['data']['tokenExpiry']>().toEqualTypeOf<string>();
    expectTypeOf(auth.sign).returns.resolves.toEqualTypeOf<FinnetSignedRequest>();
    expectTypeOf(auth.request).parameter(1).toEqualTypeOf<FinnetRequestParams>();
    expectTypeOf(auth.request('/p', { requestType: 'widgetTopUp' })).resolves.toEqualTypeOf<
      FinnetResponse<FinnetResponseBody>
    >();
    interface TopUp extends FinnetResponseBody {
      readonly widgetURL: string;
    }
    expectTypeOf(auth.request<TopUp>('/p', { requestType: 'widgetTopUp' }))
      .resolves.toHaveProperty('data')
      .toEqualTypeOf<TopUp>();
    // @ts-expect-error requestType is required
    void auth.request('/p', { phoneNumber: '0811' });
    // @ts-expect-error values are strings
    void auth.request('/p', { requestType: 'widgetTopUp', amount: 5 });
  });

  it('the token-rejection predicate', () => {
    expectTypeOf(isFinnetTokenRejected).toEqualTypeOf<(answer: FinnetAnswer) => boolean>();
    expectTypeOf<FinnetAuthOptions['isTokenRejected']>().toEqualTypeOf<
      ((answer: FinnetAnswer) => boolean) | undefined
    >();
  });

  it('the sandbox', () => {
    const sandbox = createFinnetSandbox({ secretKey: 's' });
    expectTypeOf(sandbox).toEqualTypeOf<FinnetSandbox>();
    expectTypeOf(sandbox.handler).toEqualTypeOf<(request: Request) => Promise<Response>>();
    expectTypeOf(sandbox.expireTokens).toEqualTypeOf<() => void>();
  });
});
