import { inspect } from 'node:util';
import { isInputError, isProviderError, Secret } from '@org/signing-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, harness, START } from './__fixtures__/setup.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CUSTOMER = '/v1.0/access-token/b2b2c';

describe('getCustomerToken (B2B2C)', () => {
  it('exchanges an auth code for access and refresh tokens with both expiry times', async () => {
    h = await harness();
    const authCode = h.sandbox.issueAuthCode({ customerId: 'cust-1' });
    const customer = await h.auth.getCustomerToken({ authCode });
    expect(customer.tokenType).toBe('Bearer');
    expect(customer.accessToken.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(customer.accessTokenExpiresAt.getTime()).toBe(START + 900_000);
    expect(customer.accessToken.expiresAt.getTime()).toBe(START + 900_000);
    expect(customer.refreshToken).toBeInstanceOf(Secret);
    expect(customer.refreshTokenExpiresAt?.getTime()).toBe(START + 86_400_000);
    expect(customer.additionalInfo).toEqual({ customerId: 'cust-1' });
    const [request] = h.sandbox.requests.to(CUSTOMER);
    expect(JSON.parse(request?.body ?? '')).toEqual({ grantType: 'AUTHORIZATION_CODE', authCode });
    expect(request?.headers['x-signature']).toBeTruthy();
    // The customer token works on a service call, next to the B2B token.
    const response = await h.auth.fetch('v1.0/balance-inquiry', {
      method: 'POST',
      body: '{}',
      headers: { 'Authorization-Customer': `Bearer ${customer.accessToken.token}` },
    });
    expect(await response.json()).toMatchObject({ responseCode: '2001100', customerId: 'cust-1' });
  });

  it('refreshes with the refresh token (rotated: the old one stops working)', async () => {
    h = await harness();
    const first = await h.auth.getCustomerToken({ authCode: h.sandbox.issueAuthCode() });
    const refreshToken = first.refreshToken as Secret;
    const second = await h.auth.getCustomerToken({ refreshToken });
    expect(second.accessToken.token).not.toBe(first.accessToken.token);
    expect(JSON.parse(h.sandbox.requests.to(CUSTOMER)[1]?.body ?? '')).toEqual({
      grantType: 'REFRESH_TOKEN',
      refreshToken: refreshToken.reveal(),
    });
    const error = await h.auth.getCustomerToken({ refreshToken: refreshToken.reveal() }).catch((e: unknown) => e);
    expect(isProviderError(error) && error.providerCode).toBe('4017400');
    expect(isProviderError(error) && error.providerMessage).toBe('Unauthorized. [Invalid refreshToken]');
  });

  it('auth codes are single use, and the error names the B2B2C operation', async () => {
    h = await harness();
    const authCode = h.sandbox.issueAuthCode();
    await h.auth.getCustomerToken({ authCode });
    const error = await h.auth.getCustomerToken({ authCode }).catch((e: unknown) => e);
    expect(isProviderError(error)).toBe(true);
    if (!isProviderError(error)) return;
    expect(error).toMatchObject({ status: 401, providerCode: '4017400', code: 'ERR_PROVIDER' });
    expect(error.details).toMatchObject({ serviceCode: '74', service: 'B2B2C Access Token' });
    expect(error.message).toContain('SNAP B2B2C access token failed');
  });

  it('writes grantType in lower case when configured (DOKU)', async () => {
    h = await harness({ sandbox: { grantTypeCase: 'lower' }, auth: { grantTypeCase: 'lower' } });
    await h.auth.getCustomerToken({ authCode: h.sandbox.issueAuthCode() });
    expect(JSON.parse(h.sandbox.requests.to(CUSTOMER)[0]?.body ?? '').grantType).toBe('authorization_code');
  });

  it('a provider expecting another case answers 4007401', async () => {
    h = await harness({ sandbox: { grantTypeCase: 'lower' } });
    const error = await h.auth.getCustomerToken({ authCode: h.sandbox.issueAuthCode() }).catch((e: unknown) => e);
    expect(isProviderError(error) && error.providerCode).toBe('4007401');
  });

  it('reads expiry times sent in seconds, sends additionalInfo, and derives the path from tokenPath', async () => {
    h = await harness({
      sandbox: {
        customerExpiryFormat: 'seconds',
        tokenPath: '/snap/v1.0/access-token/b2b',
        customerTokenPath: '/snap/v1.0/access-token/b2b2c',
        customerTokenTtlSeconds: 300,
      },
      auth: { tokenPath: '/snap/v1.0/access-token/b2b' },
    });
    const customer = await h.auth.getCustomerToken(
      { authCode: h.sandbox.issueAuthCode() },
      { additionalInfo: { deviceId: 'd-1' } },
    );
    expect(customer.accessTokenExpiresAt.getTime()).toBe(START + 300_000);
    expect(customer.refreshTokenExpiresAt?.getTime()).toBe(START + 86_400_000);
    expect(JSON.parse(h.sandbox.requests.to('/snap/v1.0/access-token/b2b2c')[0]?.body ?? '').additionalInfo).toEqual({
      deviceId: 'd-1',
    });
  });

  it('is not cached: every call is a request (tokens belong to one customer)', async () => {
    h = await harness();
    await h.auth.getCustomerToken({ authCode: h.sandbox.issueAuthCode() });
    await h.auth.getCustomerToken({ authCode: h.sandbox.issueAuthCode() });
    await h.auth.getAccessToken();
    expect(h.sandbox.requests.count(CUSTOMER)).toBe(2);
    // The recorder matches whole path segments: the B2B path does not count the B2B2C requests.
    expect(h.sandbox.requests.count('/v1.0/access-token/b2b')).toBe(1);
  });

  it('prints and serialises without the access or refresh token', async () => {
    h = await harness();
    const customer = await h.auth.getCustomerToken({ authCode: h.sandbox.issueAuthCode() });
    const texts = [customer.accessToken.token, (customer.refreshToken as Secret).reveal()];
    for (const printed of [
      JSON.stringify(customer),
      inspect(customer, { depth: 10, showHidden: true }),
      String(customer.accessToken),
    ]) {
      for (const text of texts) expect(printed).not.toContain(text);
    }
  });

  it('requires exactly one of authCode and refreshToken', async () => {
    h = await harness();
    const field = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (isInputError(e) ? e.field : (e as Error).name),
      );
    expect(await field(h.auth.getCustomerToken({} as never))).toBe('authCode');
    expect(await field(h.auth.getCustomerToken({ authCode: 'a', refreshToken: 'b' } as never))).toBe('refreshToken');
    expect(await field(h.auth.getCustomerToken({ authCode: '' }))).toBe('authCode');
    expect(await field(h.auth.getCustomerToken({ authCode: 5 as never }))).toBe('TypeError');
    expect(await field(h.auth.getCustomerToken(null as never))).toBe('TypeError');
    expect(h.sandbox.requests.count(CUSTOMER)).toBe(0);
  });
});
