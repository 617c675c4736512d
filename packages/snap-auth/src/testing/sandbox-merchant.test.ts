/**
 * The sandbox as the provider calling a merchant: against a real `createSnapServer` served on
 * 127.0.0.1, it gets the merchant's token, pays once, redelivers verbatim or re-signed after a
 * failure or a timeout (the handler runs once), and a forged call is refused.
 */
import type { RunningSandbox } from '@org/signing-core/testing';
import { hostile, serveOnLoopback, settlesWithin, startHostileServer } from '@org/signing-core/testing/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_SECRET, otherKeyPair, publicKeyPem, type TestClock, testClock } from '../__fixtures__/setup.js';
import { createSnapServer, type SnapServer } from '../server/create-snap-server.js';
import { createSnapSandbox, type SnapSandbox } from './sandbox.js';

const PARTNER = 'SANDBOX-BANK';
const PAY = '/v1.0/transfer-va/payment';
const payment = { paymentRequestId: 'PAY-1', paidAmount: { value: '10000.00', currency: 'IDR' } };

let clock: TestClock;
let sandbox: SnapSandbox;
let server: SnapServer;
let running: RunningSandbox;
/** What the merchant's payment handler does on each run: answer, fail, or take its time. */
let behaviour: Array<'ok' | 'fail' | 'slow'>;
let runs: number;

beforeEach(async () => {
  clock = testClock();
  sandbox = createSnapSandbox({
    clients: [{ clientId: 'unused', publicKey: publicKeyPem, clientSecret: CLIENT_SECRET }],
    clock,
  });
  server = createSnapServer({
    partners: [{ clientId: PARTNER, publicKey: sandbox.providerPublicKey, clientSecret: CLIENT_SECRET }],
    clock,
  });
  behaviour = [];
  runs = 0;
  running = await serveOnLoopback(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/v1.0/access-token/b2b') return server.handleAccessToken(request);
    return server.handle(request, { serviceCode: '25' }, async (call) => {
      runs += 1;
      const next = behaviour.shift() ?? 'ok';
      if (next === 'fail') throw new Error('database down');
      if (next === 'slow') await new Promise((resolve) => setTimeout(resolve, 300));
      return { virtualAccountData: { paymentRequestId: (call.json as typeof payment).paymentRequestId } };
    });
  }, 0);
});
afterEach(async () => {
  await running.close();
});

const session = (options: Partial<Parameters<SnapSandbox['merchant']>[0]> = {}) =>
  sandbox.merchant({ baseUrl: running.url, clientId: PARTNER, clientSecret: CLIENT_SECRET, ...options });

describe('the sandbox calls the merchant', () => {
  it("gets the merchant's token, then pays once with it; the answer is a valid SNAP response", async () => {
    const bank = session();
    const token = await bank.getToken();
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(await bank.getToken()).toBe(token);
    const delivery = await bank.call(PAY, { body: payment });
    expect(delivery.status).toBe(200);
    expect(delivery.responseCode).toBe('2002500');
    expect(delivery.validSnapResponse).toBe(true);
    expect(delivery.json).toMatchObject({ virtualAccountData: { paymentRequestId: 'PAY-1' } });
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]?.responseCode).toBe('2002500');
    expect(delivery.attempts[0]?.headers.Authorization).toBe(`Bearer ${token}`);
    expect(runs).toBe(1);
  });

  it('redelivers re-signed after the handler failed: same X-EXTERNAL-ID, new timestamp; it runs to success once', async () => {
    behaviour = ['fail'];
    const bank = session();
    const delivery = await bank.call(PAY, { body: payment, redelivery: { attempts: 3 } });
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 200]);
    const [first, second] = delivery.attempts;
    expect(second?.headers['X-EXTERNAL-ID']).toBe(first?.headers['X-EXTERNAL-ID']);
    expect(runs).toBe(2);
    // The provider sends it again later anyway: the stored answer, the handler does not run.
    clock.advance(1000);
    const again = await bank.call(PAY, { body: payment, externalId: delivery.externalId });
    expect(again.responseBody).toBe(delivery.responseBody);
    expect(runs).toBe(2);
  });

  it('a timed-out attempt is redelivered verbatim, and answered from the first run', async () => {
    behaviour = ['slow'];
    const bank = session({ timeoutMs: 100, redelivery: { attempts: 4, mode: 'verbatim', delayMs: 350 } });
    const delivery = await bank.call(PAY, { body: payment });
    expect(delivery.attempts[0]?.timedOut).toBe(true);
    expect(delivery.status).toBe(200);
    expect(delivery.validSnapResponse).toBe(true);
    for (const attempt of delivery.attempts) expect(attempt.headers).toEqual(delivery.attempts[0]?.headers);
    expect(runs).toBe(1);
  });

  it('a replay with another X-EXTERNAL-ID or X-PARTNER-ID is not processed twice', async () => {
    const bank = session();
    const delivery = await bank.call(PAY, { body: payment });
    expect(delivery.status).toBe(200);
    const replay = delivery.attempts[0]?.headers as Record<string, string>;
    for (const changed of [{ 'X-EXTERNAL-ID': '999' }, { 'X-PARTNER-ID': 'OTHER' }]) {
      const response = await fetch(`${running.url}${PAY}`, {
        method: 'POST',
        headers: { ...replay, ...changed },
        body: delivery.body,
      });
      // Recognised by its signature: the stored answer again.
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(delivery.responseBody);
    }
    expect(runs).toBe(1);
  });

  it('a forged call (wrong secret, or a token the merchant never issued) is refused and never handled', async () => {
    const bank = session({ redelivery: { attempts: 1 } });
    const wrongSecret = await bank.call(PAY, { body: payment, clientSecret: 'guess' });
    expect(wrongSecret.responseCode).toBe('4012500');
    const madeUp = await bank.call(PAY, { body: payment, accessToken: 'not-issued-by-the-merchant' });
    expect(madeUp.responseCode).toBe('4012501');
    expect(runs).toBe(0);
  });

  it("the merchant refuses a token request signed with a key it doesn't know", async () => {
    const bank = session({ privateKey: otherKeyPair.privateKeyPem });
    await expect(bank.getToken()).rejects.toThrow(/refused the sandbox \(HTTP 401 4017300\)/);
  });

  it('checks its options', () => {
    expect(() => sandbox.merchant({ baseUrl: 'not a url', clientId: PARTNER, clientSecret: 's' })).toThrow(/baseUrl/);
    expect(() => sandbox.merchant({ baseUrl: running.url, clientId: '', clientSecret: 's' })).toThrow(/clientId/);
  });
});

describe('a call to a merchant that stalls', () => {
  it('stops when its signal aborts, token request included: ERR_ABORTED', async () => {
    const merchant = await startHostileServer();
    merchant.handle = hostile.stallAfterHeaders;
    try {
      const bank = sandbox.merchant({ baseUrl: merchant.origin, clientId: PARTNER, clientSecret: CLIENT_SECRET });
      const { error, ms } = await settlesWithin(
        bank.call(PAY, { body: payment, signal: AbortSignal.timeout(150) }),
        5000,
      );
      expect(error).toMatchObject({ name: 'TransportError', code: 'ERR_ABORTED', provider: 'snap' });
      expect(ms).toBeLessThan(3000);
      expect(merchant.requests).toBe(1);
    } finally {
      await merchant.close();
    }
  });
});

describe('sendNotification to a merchant that stalls or is gone', () => {
  it('ends at timeoutMs over the answer (head and body) as ERR_TIMEOUT, and ERR_NETWORK when nobody listens', async () => {
    const merchant = await startHostileServer();
    try {
      for (const handler of [hostile.stallAfterHeaders, hostile.drip(20)]) {
        merchant.handle = handler;
        const { error, ms } = await settlesWithin(
          sandbox.sendNotification({ url: `${merchant.origin}/notify`, body: payment, timeoutMs: 200 }),
          5000,
        );
        expect(error).toMatchObject({ name: 'TransportError', code: 'ERR_TIMEOUT', provider: 'snap' });
        expect((error as Error).message).toBe(
          'snapSandbox.sendNotification: the merchant did not answer within 200 ms',
        );
        expect(ms).toBeLessThan(3000);
      }
    } finally {
      await merchant.close();
    }
    const gone = await startHostileServer();
    await gone.close();
    await expect(sandbox.sendNotification({ url: `${gone.origin}/notify`, body: payment })).rejects.toMatchObject({
      code: 'ERR_NETWORK',
      message: 'snapSandbox.sendNotification: the merchant could not be reached (ECONNREFUSED)',
    });
  });
});
