/**
 * The sandbox plays a profile: configured service endpoints with configured replies, a preset's
 * token paths and rules, and ifortepay-style callbacks signed over the notify URL.
 */
import { isSignatureError, type SignatureError } from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, type Harness, harness, privateKeyPem, publicKeyPem } from '../__fixtures__/setup.js';
import { createSnapAuth } from '../client/create-snap-auth.js';
import { snapPresets } from '../client/presets.js';
import { verifySnapNotification } from '../client/verify-notification.js';
import { createSnapSandbox } from './sandbox.js';
import type { SnapSandboxCall } from './sandbox-api.js';

let open: Harness | undefined;
let merchant: RunningSandbox | undefined;
afterEach(async () => {
  await open?.close();
  await merchant?.close();
  open = undefined;
  merchant = undefined;
});

const CREATE_VA = '/v1.0/transfer-va/create-va';
const INQUIRY = '/v1.0/transfer-va/inquiry';

describe('configured services', () => {
  it('each path answers its own service code and reply, computed from the verified call', async () => {
    const calls: SnapSandboxCall[] = [];
    open = await harness({
      sandbox: {
        services: [
          {
            path: CREATE_VA,
            serviceCode: '27',
            reply: (call) => {
              calls.push(call);
              return { virtualAccountData: { virtualAccountNo: `8808${String(call.body?.trxId)}` } };
            },
          },
          { path: INQUIRY, serviceCode: '24', reply: { inquiryStatus: '00' } },
        ],
      },
    });
    const created = await open.auth.ky
      .post(CREATE_VA.slice(1), { json: { trxId: '42', totalAmount: { value: '10000.00', currency: 'IDR' } } })
      .json();
    expect(created).toEqual({
      responseCode: '2002700',
      responseMessage: 'Successful',
      virtualAccountData: { virtualAccountNo: '880842' },
    });
    const inquiry = await open.auth.ky.post(INQUIRY.slice(1), { json: {} }).json();
    expect(inquiry).toEqual({ responseCode: '2002400', responseMessage: 'Successful', inquiryStatus: '00' });
    expect(open.sandbox.servicePaths).toEqual([CREATE_VA, INQUIRY]);
    expect(open.sandbox.servicePath).toBe(CREATE_VA);
    const [call] = calls;
    expect(call?.clientId).toBe(CLIENT_ID);
    expect(call?.partnerId).toBe(CLIENT_ID);
    expect(call?.method).toBe('POST');
    expect(call?.path).toBe(CREATE_VA);
    expect(call?.externalId).toBe(open.sandbox.requests.to(CREATE_VA)[0]?.headers['x-external-id']);
    expect(call?.rawBody).toBe('{"trxId":"42","totalAmount":{"value":"10000.00","currency":"IDR"}}');
  });

  it('checks every configured path as a SNAP call: signature, method, routing and X-EXTERNAL-ID per day', async () => {
    open = await harness({ sandbox: { services: [{ path: CREATE_VA, serviceCode: '27', method: 'POST' }] } });
    const wrongSecret = createSnapAuth({
      baseUrl: open.running.url,
      clientId: CLIENT_ID,
      privateKey: privateKeyPem,
      clientSecret: 'not-the-secret',
      channelId: '95221',
      clock: open.clock,
    });
    const forged = await wrongSecret.fetch(CREATE_VA, { method: 'POST', body: '{}' });
    expect(((await forged.json()) as { responseCode: string }).responseCode).toBe('4017300');
    const wrongMethod = await open.auth.fetch(CREATE_VA, { method: 'PUT', body: '{}' });
    expect(wrongMethod.status).toBe(405);
    expect(((await wrongMethod.json()) as { responseCode: string }).responseCode).toBe('4052700');
    const unknown = await open.auth.fetch('/v1.0/balance-inquiry', { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    const headers = { 'X-EXTERNAL-ID': '777000111' };
    const first = await open.auth.fetch(CREATE_VA, { method: 'POST', body: '{}', headers });
    expect(first.status).toBe(200);
    const again = await open.auth.fetch(CREATE_VA, { method: 'POST', body: '{}', headers });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { responseCode: string }).responseCode).toBe('4092700');
  });

  it('a reply may be a whole Response; a reply that throws answers 500xx00 and frees its X-EXTERNAL-ID', async () => {
    let failures = 1;
    open = await harness({
      sandbox: {
        services: [
          {
            path: CREATE_VA,
            serviceCode: '27',
            reply: async () => {
              if (failures-- > 0) throw new Error('provider down');
              return { ok: true };
            },
          },
          {
            path: INQUIRY,
            serviceCode: '24',
            reply: () =>
              new Response(
                JSON.stringify({ responseCode: '4042412', responseMessage: 'Invalid Bill/Virtual Account' }),
                {
                  status: 404,
                  headers: { 'content-type': 'application/json' },
                },
              ),
          },
        ],
      },
    });
    const headers = { 'X-EXTERNAL-ID': '555' };
    const failed = await open.auth.fetch(CREATE_VA, { method: 'POST', body: '{}', headers });
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { responseCode: string }).responseCode).toBe('5002700');
    const retried = await open.auth.fetch(CREATE_VA, { method: 'POST', body: '{}', headers });
    expect(await retried.json()).toEqual({ responseCode: '2002700', responseMessage: 'Successful', ok: true });
    const missing = await open.auth.fetch(INQUIRY, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { responseCode: string }).responseCode).toBe('4042412');
  });

  it('refuses malformed service lists, naming the entry', () => {
    const clients = [{ clientId: CLIENT_ID, publicKey: publicKeyPem, clientSecret: CLIENT_SECRET }];
    expect(() => createSnapSandbox({ clients, services: [] })).toThrow(/non-empty array/);
    expect(() => createSnapSandbox({ clients, services: [{ path: 'v1.0/x', serviceCode: '27' }] })).toThrow(
      /starting with "\/"/,
    );
    expect(() => createSnapSandbox({ clients, services: [{ path: '/v1.0/x', serviceCode: '7' }] })).toThrow(
      /\/v1\.0\/x must be two digits/,
    );
    expect(() =>
      createSnapSandbox({
        clients,
        services: [
          { path: '/v1.0/x', serviceCode: '27' },
          { path: '/v1.0/x', serviceCode: '28' },
        ],
      }),
    ).toThrow(/served twice/);
  });
});

describe('a preset as the profile', () => {
  it("ifortepay payment: the token on kronos's path, asymmetric calls without a token, numeric ids", async () => {
    const preset = snapPresets.ifortepay.payment.stage;
    const sandbox = createSnapSandbox({
      clients: [{ clientId: CLIENT_ID, publicKey: publicKeyPem, clientSecret: CLIENT_SECRET }],
      profile: preset,
      services: [{ path: '/v1.0/debit/payment-host-to-host', serviceCode: '54', reply: { referenceNo: '1' } }],
    });
    expect(sandbox.tokenPath).toBe('/auth/merchants/v1.0/access-token/b2b');
    expect(sandbox.customerTokenPath).toBe('/v1.0/access-token/b2b2c');
    const running = await sandbox.listen();
    try {
      const { name: _name, notes: _notes, ...profile } = preset;
      const auth = createSnapAuth({
        ...profile,
        baseUrl: running.url,
        tokenPath: `${running.url}${sandbox.tokenPath}`,
        customerTokenPath: `${running.url}${sandbox.customerTokenPath}`,
        clientId: CLIENT_ID,
        privateKey: privateKeyPem,
        channelId: '95221',
      });
      const answer = await auth.ky.post('v1.0/debit/payment-host-to-host', { json: { amount: '1.00' } }).json();
      expect(answer).toEqual({ responseCode: '2005400', responseMessage: 'Successful', referenceNo: '1' });
      expect(sandbox.issuedTokenCount).toBe(0);
      const id = sandbox.requests.all[0]?.headers['x-external-id'];
      expect(id).toMatch(/^\d{1,36}$/);
      // The sandbox enforces the profile's numeric rule itself, for a client that does not.
      const lax = createSnapAuth({
        ...profile,
        externalIdRule: { charset: 'ascii' },
        baseUrl: running.url,
        clientId: CLIENT_ID,
        privateKey: privateKeyPem,
        channelId: '95221',
      });
      const alpha = await lax.fetch('/v1.0/debit/payment-host-to-host', {
        method: 'POST',
        body: '{}',
        headers: { 'X-EXTERNAL-ID': 'ab12' },
      });
      expect(alpha.status).toBe(400);
      expect(((await alpha.json()) as { responseCode: string }).responseCode).toBe('4005401');
      // The B2B token is on the kronos path of the profile, and answers there.
      await expect(auth.getToken()).resolves.toMatchObject({ tokenType: 'Bearer' });
    } finally {
      await running.close();
    }
  });

  it('an option given directly wins over the profile', async () => {
    open = await harness({ sandbox: { profile: snapPresets.midtrans.sandbox, grantTypeField: 'grantType' } });
    await expect(open.auth.getToken()).resolves.toMatchObject({ tokenType: 'Bearer' });
  });
});

describe('ifortepay-style callbacks', () => {
  const NOTIFY = '/callback/ifortepay?merchant=7';
  const payment = { paymentRequestId: 'PR-1', paidAmount: { value: '10000.00', currency: 'IDR' }, note: 'a/b é' };

  async function ifortepayMerchant(): Promise<{ results: unknown[] }> {
    const results: unknown[] = [];
    merchant = await serveOnLoopback(async (request) => {
      try {
        const verified = await verifySnapNotification(request, {
          format: 'ifortepay-notify',
          clientSecret: CLIENT_SECRET,
          clock: open?.clock,
        });
        results.push(verified);
        return Response.json({ responseCode: '2002500', responseMessage: 'Successful' });
      } catch (error) {
        results.push(error);
        return Response.json({ responseCode: '4012500', responseMessage: 'Unauthorized' }, { status: 401 });
      }
    }, 0);
    return { results };
  }

  it('are signed over the complete notify URL and X-VERSION, and verify', async () => {
    open = await harness({ sandbox: { profile: snapPresets.ifortepay.payment.stage } });
    const { results } = await ifortepayMerchant();
    const url = `${merchant?.url}${NOTIFY}`;
    const delivery = await open.sandbox.sendNotification({ url, body: JSON.stringify(payment, null, 2) });
    expect(delivery.status).toBe(200);
    expect(delivery.headers['X-VERSION']).toBe('v1');
    expect(delivery.headers.Authorization).toBeUndefined();
    expect(results[0]).toMatchObject({ mode: 'ifortepay-notify', version: 'v1', json: payment });
    const v2 = await open.sandbox.sendNotification({ url, body: payment, mode: 'ifortepay-notify', version: 'v2' });
    expect(v2.status).toBe(200);
    expect(results[1]).toMatchObject({ version: 'v2' });
  });

  it('are refused when the body, X-VERSION, URL or secret differs from what was signed', async () => {
    open = await harness({ sandbox: { profile: snapPresets.ifortepay.payment.stage } });
    const { results } = await ifortepayMerchant();
    const url = `${merchant?.url}${NOTIFY}`;
    const cases = [
      { tamperBody: (text: string) => text.replace('10000.00', '99999.00') },
      { headers: { 'X-VERSION': 'v2' } },
      { notifyUrl: `${merchant?.url}/callback/ifortepay` },
      { clientSecret: 'not-the-secret' },
    ];
    for (const tamper of cases) {
      const delivery = await open.sandbox.sendNotification({ url, body: payment, ...tamper });
      expect(delivery.status).toBe(401);
    }
    expect(results).toHaveLength(cases.length);
    for (const error of results) {
      expect(isSignatureError(error)).toBe(true);
      expect((error as SignatureError).code).toBe('ERR_SIGNATURE_MISMATCH');
    }
  });
});
