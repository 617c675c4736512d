/**
 * An independent client against the sandbox: midtrans-client's SNAP-BI module (lib/snapBi) gets
 * a B2B token with its own `grant_type` body, `X-CLIENT-KEY` and `new Date().toISOString()`
 * timestamp, then creates a virtual account with its own symmetric signature. The sandbox plays
 * the Midtrans preset, over HTTP on 127.0.0.1; a wrong key or secret is refused.
 */
import { createRequire } from 'node:module';
import { isProviderError, type ProviderError } from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, otherKeyPair, privateKeyPem, publicKeyPem } from './__fixtures__/setup.js';
import { createSnapAuth } from './client/create-snap-auth.js';
import { snapPresets } from './client/presets.js';
import { createSnapSandbox, type SnapSandbox } from './testing/sandbox.js';

interface SnapBiRequest {
  withBody(body: Record<string, unknown>): SnapBiRequest;
  createPayment(externalId: string): Promise<Record<string, unknown>>;
}
interface MidtransSnapBi {
  SnapBiConfig: {
    SNAP_BI_SANDBOX_BASE_URL: string;
    isProduction: boolean;
    snapBiClientId: string | null;
    snapBiPrivateKey: string | null;
    snapBiClientSecret: string | null;
    snapBiPartnerId: string | null;
    snapBiChannelId: string | null;
  };
  SnapBi: { va(): SnapBiRequest };
}

const require = createRequire(import.meta.url);
const { SnapBiConfig, SnapBi } = require('midtrans-client') as MidtransSnapBi;

const CREATE_VA = '/v1.0/transfer-va/create-va';
const originalBaseUrl = SnapBiConfig.SNAP_BI_SANDBOX_BASE_URL;
let sandbox: SnapSandbox;
let running: RunningSandbox | undefined;

beforeEach(async () => {
  // midtrans-client signs with the real clock, so the sandbox keeps the real clock too.
  sandbox = createSnapSandbox({
    clients: [{ clientId: CLIENT_ID, publicKey: publicKeyPem, clientSecret: CLIENT_SECRET, partnerId: 'G-PARTNER' }],
    profile: snapPresets.midtrans.sandbox,
    services: [
      {
        path: CREATE_VA,
        serviceCode: '27',
        reply: (call) => ({ virtualAccountData: { trxId: call.body?.trxId, virtualAccountNo: '7007001' } }),
      },
    ],
  });
  running = await sandbox.listen();
  Object.assign(SnapBiConfig, {
    SNAP_BI_SANDBOX_BASE_URL: running.url,
    isProduction: false,
    snapBiClientId: CLIENT_ID,
    snapBiPrivateKey: privateKeyPem,
    snapBiClientSecret: CLIENT_SECRET,
    snapBiPartnerId: 'G-PARTNER',
    snapBiChannelId: '12345',
  });
});

afterEach(async () => {
  SnapBiConfig.SNAP_BI_SANDBOX_BASE_URL = originalBaseUrl;
  await running?.close();
  running = undefined;
});

const vaBody = {
  partnerServiceId: '   70012',
  customerNo: '1001',
  trxId: 'INV-1',
  totalAmount: { value: '10000.00', currency: 'IDR' },
};

describe('midtrans-client against the sandbox in the Midtrans profile', () => {
  it('its grant_type token request is accepted, and its signed create-VA call answered', async () => {
    const answer = await SnapBi.va().withBody(vaBody).createPayment('981273645');
    expect(answer).toEqual({
      responseCode: '2002700',
      responseMessage: 'Successful',
      virtualAccountData: { trxId: 'INV-1', virtualAccountNo: '7007001' },
    });
    const [token, call] = sandbox.requests.all;
    expect(token?.path).toBe(sandbox.tokenPath);
    expect(JSON.parse(token?.body ?? '')).toEqual({ grant_type: 'client_credentials' });
    expect(token?.headers['x-timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(call?.headers['x-external-id']).toBe('981273645');
    expect(sandbox.issuedTokenCount).toBe(1);
  });

  it('a token request signed with another key is refused with 4017300, and no token is issued', async () => {
    SnapBiConfig.snapBiPrivateKey = otherKeyPair.privateKeyPem;
    const answer = await SnapBi.va().withBody(vaBody).createPayment('981273646');
    expect(answer).toMatchObject({ responseCode: '4017300' });
    expect(sandbox.issuedTokenCount).toBe(0);
  });

  it('a service call signed with another client secret is refused with 4017300', async () => {
    SnapBiConfig.snapBiClientSecret = 'not-the-secret';
    const answer = await SnapBi.va().withBody(vaBody).createPayment('981273647');
    expect(answer).toMatchObject({ responseCode: '4017300' });
    expect(sandbox.requests.to(CREATE_VA)).toHaveLength(1);
  });

  it('the Midtrans profile reads grant_type only: a grantType body is a missing field', async () => {
    const auth = createSnapAuth({
      baseUrl: running?.url as string,
      tokenPath: sandbox.tokenPath,
      clientId: CLIENT_ID,
      privateKey: privateKeyPem,
      clientSecret: CLIENT_SECRET,
      grantTypeField: 'grantType',
    });
    const error = await auth.getToken().catch((e: unknown) => e);
    expect(isProviderError(error)).toBe(true);
    expect((error as ProviderError).providerCode).toBe('4007302');
  });
});
