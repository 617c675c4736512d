/**
 * The server kit over real HTTP on 127.0.0.1: every response code it answers, key rotation, many
 * partners, idempotent redelivery (verbatim, re-signed, with unsigned headers changed, concurrent),
 * stateless tokens across two instances, token expiry.
 */
import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import { formatIsoTimestamp, isConfigError, isKeyFormatError, memoryIdempotencyStore } from '@org/signing-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  otherKeyPair,
  privateKeyPem,
  publicKeyPem,
  type TestClock,
  testClock,
} from '../__fixtures__/setup.js';
import {
  type Merchant,
  PAY_PATH,
  paymentBody,
  requestToken,
  type SignedCall,
  send,
  signCall,
  startMerchant,
  tokenOf,
} from '../__fixtures__/snap-server.js';
import { createSnapAuth } from '../client/create-snap-auth.js';
import { createSnapServer } from './create-snap-server.js';
import type { SnapServerOptions, SnapServerPartner } from './options.js';

const partner: SnapServerPartner = { clientId: CLIENT_ID, publicKey: publicKeyPem, clientSecret: CLIENT_SECRET };

let clock: TestClock;
let merchant: Merchant;
const open: Merchant[] = [];

async function start(options: Partial<SnapServerOptions> = {}): Promise<Merchant> {
  const started = await startMerchant({ partners: [partner], ...options }, clock);
  open.push(started);
  return started;
}

beforeEach(async () => {
  clock = testClock();
  merchant = await start();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

function gate(): { promise: Promise<void>; open: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, open: release };
}

describe('handleAccessToken', () => {
  it('2007300 with an opaque Bearer token of at least 256 bits, expiresIn as a string', async () => {
    const reply = await requestToken(merchant.url, clock);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      responseCode: '2007300',
      responseMessage: 'Successful',
      tokenType: 'Bearer',
      expiresIn: '900',
    });
    expect(reply.json.accessToken).toMatch(/^[A-Za-z0-9]{48}$/); // 48 × log2(62) ≈ 285 bits
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const again = await requestToken(merchant.url, clock);
    expect(again.json.accessToken).not.toBe(reply.json.accessToken);
  });

  it("the package's own client gets a token and makes a signed call end to end", async () => {
    const auth = createSnapAuth({
      baseUrl: merchant.url,
      clientId: CLIENT_ID,
      privateKey: privateKeyPem,
      clientSecret: CLIENT_SECRET,
      channelId: '95221',
      clock,
    });
    const token = await auth.getAccessToken();
    expect(token.tokenType).toBe('Bearer');
    const reply = await auth.ky.post('v1.0/transfer-va/payment', { json: paymentBody }).json<Record<string, unknown>>();
    expect(reply).toEqual({
      responseCode: '2002500',
      responseMessage: 'Successful',
      virtualAccountData: { paymentRequestId: paymentBody.paymentRequestId },
    });
    expect(merchant.runs).toBe(1);
  });

  it('4007302 for each missing header and a missing grantType, naming the field', async () => {
    for (const name of ['X-CLIENT-KEY', 'X-TIMESTAMP', 'X-SIGNATURE']) {
      const reply = await requestToken(merchant.url, clock, { headers: { [name]: undefined } });
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ responseCode: '4007302', responseMessage: `Invalid Mandatory Field [${name}]` });
    }
    const reply = await requestToken(merchant.url, clock, { body: '{"additionalInfo":{}}' });
    expect(reply.json).toEqual({ responseCode: '4007302', responseMessage: 'Invalid Mandatory Field [grantType]' });
  });

  it('4007301 for a malformed X-TIMESTAMP, grantType or body', async () => {
    const badTime = await requestToken(merchant.url, clock, { headers: { 'X-TIMESTAMP': '02/03/2026 10:00:00' } });
    expect(badTime.status).toBe(400);
    expect(badTime.json.responseCode).toBe('4007301');
    expect(badTime.json.responseMessage).toBe('Invalid Field Format [X-TIMESTAMP]');
    const grant = await requestToken(merchant.url, clock, { body: '{"grantType":"password"}' });
    expect(grant.json).toEqual({ responseCode: '4007301', responseMessage: 'Invalid Field Format [grantType]' });
    const notJson = await requestToken(merchant.url, clock, { body: 'grantType=client_credentials' });
    expect(notJson.json.responseCode).toBe('4007301');
    // Onebrick's and Midtrans's SDK's snake_case spelling is the same field.
    expect((await requestToken(merchant.url, clock, { body: '{"grant_type":"client_credentials"}' })).status).toBe(200);
  });

  it('4017300 for an unknown client, a bad signature or a timestamp out of the window', async () => {
    const unknown = await requestToken(merchant.url, clock, { clientId: 'someone-else' });
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ responseCode: '4017300', responseMessage: 'Unauthorized. [Unknown client]' });
    const forged = await requestToken(merchant.url, clock, { privateKey: otherKeyPair.privateKeyPem });
    expect(forged.json).toEqual({ responseCode: '4017300', responseMessage: 'Unauthorized. [Signature]' });
    const stale = await requestToken(merchant.url, clock, {
      headers: { 'X-TIMESTAMP': formatIsoTimestamp(clock() - 301_000, { offset: '+07:00' }) },
    });
    // The signature is over the other timestamp, but the window is checked first.
    expect(stale.json).toEqual({ responseCode: '4017300', responseMessage: 'Unauthorized. [Timestamp]' });
  });

  it('key rotation: a signature by any of the partner keys is accepted, a removed key is not', async () => {
    const rotating = await start({
      partners: [{ ...partner, publicKey: undefined, publicKeys: [otherKeyPair.publicKeyPem, publicKeyPem] }],
    });
    expect((await requestToken(rotating.url, clock)).status).toBe(200);
    expect((await requestToken(rotating.url, clock, { privateKey: otherKeyPair.privateKeyPem })).status).toBe(200);
    const rotated = await start({ partners: [{ ...partner, publicKey: otherKeyPair.publicKeyPem }] });
    expect((await requestToken(rotated.url, clock)).json.responseCode).toBe('4017300');
  });

  it('4007300 / 400xx00 for a body over maxBodyBytes', async () => {
    const small = await start({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ grantType: 'client_credentials', pad: 'x'.repeat(2000) });
    expect((await requestToken(small.url, clock, { body: big })).json).toEqual({
      responseCode: '4007300',
      responseMessage: 'Bad Request',
    });
    const token = await tokenOf(small.url, clock);
    const call = await signCall(token, clock, { body: { ...paymentBody, pad: 'x'.repeat(2000) } });
    const reply = await send(small.url, call);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ responseCode: '4002500', responseMessage: 'Bad Request' });
    expect(small.runs).toBe(0);
  });

  it('5007300 when the partner lookup fails, without its detail', async () => {
    const logged: unknown[] = [];
    const failing = await start({
      partners: undefined,
      findPartner: async () => {
        throw new Error('database password is hunter2');
      },
      logger: { error: (...args: unknown[]) => void logged.push(args) },
    });
    const reply = await requestToken(failing.url, clock);
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ responseCode: '5007300', responseMessage: 'General Error' });
    expect(JSON.stringify(logged)).not.toContain('hunter2');
    expect(JSON.stringify(logged)).toContain('Error');
  });
});

describe('handle: the checks before the handler', () => {
  let token: string;
  beforeEach(async () => {
    token = await tokenOf(merchant.url, clock);
  });

  it('200xx00 with the reply; the handler sees the verified call without token or signature', async () => {
    let seen: unknown;
    merchant.handler = (call) => {
      seen = call;
      return { virtualAccountData: { paymentFlagStatus: '00' } };
    };
    const call = await signCall(token, clock, { externalId: '41', partnerId: 'partner-7', body: paymentBody });
    const reply = await send(merchant.url, call);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      responseCode: '2002500',
      responseMessage: 'Successful',
      virtualAccountData: { paymentFlagStatus: '00' },
    });
    expect(seen).toEqual({
      clientId: CLIENT_ID,
      partnerId: 'partner-7',
      externalId: '41',
      channelId: '95221',
      timestamp: call.headers['X-TIMESTAMP'],
      method: 'POST',
      path: PAY_PATH,
      body: call.body,
      json: paymentBody,
      bodyHash: createHash('sha256').update(call.body).digest('hex'),
    });
  });

  it('verifies the documented string to sign, computed here with node:crypto', async () => {
    const body = JSON.stringify(paymentBody, null, 2); // sent pretty-printed; the hash is of the minified body
    const timestamp = formatIsoTimestamp(clock(), { offset: '+07:00' });
    const hash = createHash('sha256').update(JSON.stringify(paymentBody)).digest('hex');
    const signature = createHmac('sha512', CLIENT_SECRET)
      .update(`POST:${PAY_PATH}:${token}:${hash}:${timestamp}`)
      .digest('base64');
    const call = await signCall(token, clock, { body, timestamp });
    const reply = await send(merchant.url, call, { 'X-SIGNATURE': signature });
    expect(reply.json.responseCode).toBe('2002500');
  });

  it('400xx02 for a missing X-PARTNER-ID, CHANNEL-ID, X-EXTERNAL-ID, X-TIMESTAMP or X-SIGNATURE', async () => {
    for (const name of ['X-PARTNER-ID', 'CHANNEL-ID', 'X-EXTERNAL-ID', 'X-TIMESTAMP', 'X-SIGNATURE']) {
      const reply = await send(merchant.url, await signCall(token, clock), { [name]: undefined });
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ responseCode: '4002502', responseMessage: `Invalid Mandatory Field [${name}]` });
    }
    expect(merchant.runs).toBe(0);
  });

  it('400xx01 for a malformed X-TIMESTAMP or X-EXTERNAL-ID, 400xx00 for a body that is not JSON', async () => {
    const time = await send(merchant.url, await signCall(token, clock), { 'X-TIMESTAMP': '2026-03-02 10:00:00' });
    expect(time.json).toEqual({ responseCode: '4002501', responseMessage: 'Invalid Field Format [X-TIMESTAMP]' });
    const id = await send(merchant.url, await signCall(token, clock, { externalId: 'x'.repeat(37) }));
    expect(id.json).toEqual({ responseCode: '4002501', responseMessage: 'Invalid Field Format [X-EXTERNAL-ID]' });
    const notJson = await send(merchant.url, { ...(await signCall(token, clock)), body: '{"a":' });
    expect(notJson.status).toBe(400);
    expect(notJson.json).toEqual({ responseCode: '4002500', responseMessage: 'Bad Request' });
    expect(merchant.runs).toBe(0);
  });

  it('401xx01 without a token, with one this server did not issue, or once it expired', async () => {
    const expected = { responseCode: '4012501', responseMessage: 'Invalid Token (B2B)' };
    const call = await signCall(token, clock);
    const none = await send(merchant.url, call, { Authorization: undefined });
    expect(none.status).toBe(401);
    expect(none.json).toEqual(expected);
    const foreign = 'A'.repeat(48);
    expect((await send(merchant.url, await signCall(foreign, clock))).json).toEqual(expected);
    // A token another server issued (its own memory store) is not one of ours.
    const other = await start();
    expect((await send(merchant.url, await signCall(await tokenOf(other.url, clock), clock))).json).toEqual(expected);
    clock.advance(899_000);
    expect((await send(merchant.url, await signCall(token, clock))).json.responseCode).toBe('2002500');
    clock.advance(1_000);
    expect((await send(merchant.url, await signCall(token, clock))).json).toEqual(expected);
  });

  it('401xx00 for a bad signature, a tampered body, path or timestamp, a window miss, a wrong X-PARTNER-ID', async () => {
    const signatureFailure = { responseCode: '4012500', responseMessage: 'Unauthorized. [Signature]' };
    const forged = await signCall(token, clock, { clientSecret: 'not-the-secret' });
    const reply = await send(merchant.url, forged);
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual(signatureFailure);
    const call = await signCall(token, clock);
    const tampered = await send(merchant.url, { ...call, body: call.body.replace('10000.00', '99999.00') });
    expect(tampered.json).toEqual(signatureFailure);
    expect((await send(merchant.url, call, {}, '/v1.0/transfer-va/inquiry')).json).toEqual(signatureFailure);
    const later = formatIsoTimestamp(clock() + 1_000, { offset: '+07:00' });
    expect((await send(merchant.url, call, { 'X-TIMESTAMP': later })).json).toEqual(signatureFailure);
    expect((await send(merchant.url, call, { 'X-SIGNATURE': '%%%' })).json).toEqual(signatureFailure);
    const stale = await signCall(token, clock, { timestamp: formatIsoTimestamp(clock() - 301_000) });
    expect((await send(merchant.url, stale)).json).toEqual({
      responseCode: '4012500',
      responseMessage: 'Unauthorized. [Timestamp]',
    });
    const pinned = await start({ partners: [{ ...partner, partnerId: 'partner-7' }] });
    const pinnedToken = await tokenOf(pinned.url, clock);
    expect((await send(pinned.url, await signCall(pinnedToken, clock))).json).toEqual({
      responseCode: '4012500',
      responseMessage: 'Unauthorized. [X-PARTNER-ID]',
    });
    expect((await send(pinned.url, await signCall(pinnedToken, clock, { partnerId: 'partner-7' }))).status).toBe(200);
    expect(merchant.runs).toBe(0);
  });

  it('asymmetric partners: SHA256withRSA over METHOD:path:bodyHash:X-TIMESTAMP with any of their keys', async () => {
    const asymmetric = await start({
      partners: [
        { clientId: CLIENT_ID, publicKeys: [otherKeyPair.publicKeyPem, publicKeyPem], signature: 'asymmetric' },
      ],
    });
    const asymmetricToken = await tokenOf(asymmetric.url, clock);
    for (const privateKey of [privateKeyPem, otherKeyPair.privateKeyPem]) {
      const reply = await send(asymmetric.url, await signCall(asymmetricToken, clock, { privateKey }));
      expect(reply.json.responseCode).toBe('2002500');
    }
    const symmetric = await send(asymmetric.url, await signCall(asymmetricToken, clock));
    expect(symmetric.json.responseCode).toBe('4012500');
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const strangerKey = stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(
      (await send(asymmetric.url, await signCall(asymmetricToken, clock, { privateKey: strangerKey }))).status,
    ).toBe(401);
    expect(asymmetric.runs).toBe(2);
  });
});

describe('handle: answers and failures', () => {
  let token: string;
  beforeEach(async () => {
    token = await tokenOf(merchant.url, clock);
  });

  it("a reply's own SNAP code of the same service is answered with its HTTP status", async () => {
    merchant.handler = () => ({ responseCode: '4042512', responseMessage: 'Invalid Bill/Virtual Account [Not Found]' });
    const reply = await send(merchant.url, await signCall(token, clock));
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({
      responseCode: '4042512',
      responseMessage: 'Invalid Bill/Virtual Account [Not Found]',
    });
    merchant.handler = () => ({ responseCode: '4042412' }); // another service's code: a bug in the handler
    const wrong = await send(merchant.url, await signCall(token, clock));
    expect(wrong.json).toEqual({ responseCode: '5002500', responseMessage: 'General Error' });
    merchant.handler = () => 'ok' as never;
    expect((await send(merchant.url, await signCall(token, clock))).json.responseCode).toBe('5002500');
  });

  it('500xx00 when the handler throws, without the error; the retry is processed', async () => {
    const logged: unknown[] = [];
    const logging = await start({ logger: { error: (...args: unknown[]) => void logged.push(args) } });
    const loggingToken = await tokenOf(logging.url, clock);
    let fail = true;
    logging.handler = () => {
      if (fail) throw new Error('card 4111111111111111 declined by the core banking system');
      return { virtualAccountData: {} };
    };
    const call = await signCall(loggingToken, clock, { externalId: '777' });
    const first = await send(logging.url, call);
    expect(first.status).toBe(500);
    expect(first.json).toEqual({ responseCode: '5002500', responseMessage: 'General Error' });
    expect(JSON.stringify(logged)).not.toContain('4111111111111111');
    expect(JSON.stringify(logged)).toContain('the handler failed');
    fail = false;
    // The provider's retry, verbatim: the failed first copy released its record.
    const retry = await send(logging.url, call);
    expect(retry.json.responseCode).toBe('2002500');
    expect(logging.runs).toBe(2);
    // …and now it is recorded.
    expect((await send(logging.url, call)).json.responseCode).toBe('2002500');
    expect(logging.runs).toBe(2);
  });

  it('504xx00 past the deadline; a retry meanwhile does not run the handler again; later it gets the answer', async () => {
    const slow = await start({ timeoutMs: 50, duplicateWaitMs: 0 });
    const slowToken = await tokenOf(slow.url, clock);
    const finish = gate();
    let aborted = false;
    slow.handler = async (_call, { signal }) => {
      signal.addEventListener('abort', () => {
        aborted = true;
      });
      await finish.promise;
      return { virtualAccountData: { late: true } };
    };
    const call = await signCall(slowToken, clock);
    const first = await send(slow.url, call);
    expect(first.status).toBe(504);
    expect(first.json).toEqual({ responseCode: '5042500', responseMessage: 'Timeout' });
    expect(aborted).toBe(true);
    const meanwhile = await send(slow.url, call);
    expect(meanwhile.status).toBe(429);
    expect(meanwhile.json).toEqual({ responseCode: '4292500', responseMessage: 'Too Many Requests' });
    expect(meanwhile.headers.get('retry-after')).toBe('1');
    finish.open();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = await send(slow.url, call);
    expect(later.json).toEqual({
      responseCode: '2002500',
      responseMessage: 'Successful',
      virtualAccountData: { late: true },
    });
    expect(slow.runs).toBe(1);
  });

  it('500xx00 when the idempotency store fails; the handler does not run', async () => {
    const broken = await start({
      idempotencyStore: {
        claim: async () => {
          throw new Error('redis down');
        },
        complete: async () => true,
        release: async () => {},
      },
    });
    const reply = await send(broken.url, await signCall(await tokenOf(broken.url, clock), clock));
    expect(reply.json).toEqual({ responseCode: '5002500', responseMessage: 'General Error' });
    expect(broken.runs).toBe(0);
  });
});

describe('idempotent redelivery', () => {
  let token: string;
  beforeEach(async () => {
    token = await tokenOf(merchant.url, clock);
  });

  it('a verbatim redelivery gets the stored answer; the handler runs once', async () => {
    let n = 0;
    merchant.handler = () => ({ additionalInfo: { run: ++n } });
    const call = await signCall(token, clock);
    const first = await send(merchant.url, call);
    const second = await send(merchant.url, call);
    expect(first.json).toEqual({ responseCode: '2002500', responseMessage: 'Successful', additionalInfo: { run: 1 } });
    expect(second.json).toEqual(first.json);
    expect(merchant.runs).toBe(1);
  });

  it('a re-signed redelivery (new timestamp and signature, same X-EXTERNAL-ID and body) runs once', async () => {
    const first = await send(merchant.url, await signCall(token, clock, { externalId: '555', body: paymentBody }));
    clock.advance(30_000);
    const pretty = JSON.stringify(paymentBody, null, 2); // even re-serialised: the minified body is the same
    const resent = await send(merchant.url, await signCall(token, clock, { externalId: '555', body: pretty }));
    expect(resent.json).toEqual(first.json);
    expect(merchant.runs).toBe(1);
  });

  it('a replay with X-EXTERNAL-ID, X-PARTNER-ID or CHANNEL-ID changed is not processed twice', async () => {
    const call = await signCall(token, clock, { externalId: '900' });
    const first = await send(merchant.url, call);
    for (const change of [
      { 'X-EXTERNAL-ID': '901' },
      { 'X-PARTNER-ID': 'someone-else' },
      { 'CHANNEL-ID': '00000' },
      { 'X-EXTERNAL-ID': '902', 'X-PARTNER-ID': 'x' },
    ]) {
      const replay = await send(merchant.url, call, change);
      expect(replay.json).toEqual(first.json);
    }
    expect(merchant.runs).toBe(1);
    // The ids the replays carried were not burnt: a genuine call under 901 is processed.
    expect((await send(merchant.url, await signCall(token, clock, { externalId: '901' }))).status).toBe(200);
    expect(merchant.runs).toBe(2);
  });

  it('409xx00 for another body under the same X-EXTERNAL-ID; the handler does not run', async () => {
    await send(merchant.url, await signCall(token, clock, { externalId: '321' }));
    const other = await signCall(token, clock, {
      externalId: '321',
      body: { ...paymentBody, paidAmount: { value: '1.00', currency: 'IDR' } },
    });
    const reply = await send(merchant.url, other);
    expect(reply.status).toBe(409);
    expect(reply.json).toEqual({ responseCode: '4092500', responseMessage: 'Conflict' });
    expect(merchant.runs).toBe(1);
  });

  it('X-EXTERNAL-IDs are per partner: two partners may use the same one', async () => {
    const two = await start({
      partners: [partner, { clientId: 'partner-b', publicKey: publicKeyPem, clientSecret: 'secret-b' }],
    });
    const a = await tokenOf(two.url, clock);
    const b = await tokenOf(two.url, clock, { clientId: 'partner-b' });
    expect((await send(two.url, await signCall(a, clock, { externalId: '1' }))).status).toBe(200);
    const fromB = await signCall(b, clock, { externalId: '1', clientSecret: 'secret-b', partnerId: 'partner-b' });
    expect((await send(two.url, fromB)).status).toBe(200);
    expect(two.runs).toBe(2);
  });

  it('concurrent copies while the first is still running: the handler runs once, every copy gets its answer', async () => {
    const finish = gate();
    merchant.handler = async () => {
      await finish.promise;
      return { virtualAccountData: { paid: true } };
    };
    const call = await signCall(token, clock);
    const copies = [
      send(merchant.url, call),
      send(merchant.url, call),
      send(merchant.url, call, { 'X-EXTERNAL-ID': '424242' }),
      send(merchant.url, await signCall(token, clock, { externalId: call.headers['X-EXTERNAL-ID'] as string })),
    ];
    await new Promise((resolve) => setTimeout(resolve, 50));
    finish.open();
    const replies = await Promise.all(copies);
    for (const reply of replies) {
      expect(reply.json).toEqual({
        responseCode: '2002500',
        responseMessage: 'Successful',
        virtualAccountData: { paid: true },
      });
    }
    expect(merchant.runs).toBe(1);
  });

  it('records are shared through the idempotency store: two servers on one store run the handler once', async () => {
    const idempotencyStore = memoryIdempotencyStore();
    const tokenSecret = 'merchant-token-secret-0123456789abcdef';
    const one = await start({ idempotencyStore, tokenSecret });
    const two = await start({ idempotencyStore, tokenSecret });
    const call = await signCall(await tokenOf(one.url, clock), clock);
    expect((await send(one.url, call)).status).toBe(200);
    expect((await send(two.url, call)).status).toBe(200);
    expect(one.runs + two.runs).toBe(1);
  });
});

describe('partners and tokens', () => {
  it('many partners from a list, each with its own key and secret', async () => {
    const partners = Array.from({ length: 5 }, (_, i) => ({
      clientId: `partner-${i}`,
      publicKey: publicKeyPem,
      clientSecret: `secret-${i}`,
    }));
    const many = await start({ partners });
    for (const [i, p] of partners.entries()) {
      const t = await tokenOf(many.url, clock, { clientId: p.clientId });
      expect((await send(many.url, await signCall(t, clock, { clientSecret: `secret-${i}` }))).status).toBe(200);
      // Another partner's secret does not verify with this partner's token.
      const wrong = await signCall(t, clock, { clientSecret: `secret-${(i + 1) % 5}` });
      expect((await send(many.url, wrong)).json.responseCode).toBe('4012500');
    }
    expect(many.runs).toBe(5);
  });

  it('findPartner: looked up per client id, checked and imported once per partner object', async () => {
    const directory = new Map<string, SnapServerPartner>(
      Array.from({ length: 50 }, (_, i) => [
        `merchant-${i}`,
        { clientId: `merchant-${i}`, publicKey: publicKeyPem, clientSecret: `s-${i}` },
      ]),
    );
    const lookups: string[] = [];
    const found = await start({
      partners: undefined,
      findPartner: async (clientId) => {
        lookups.push(clientId);
        return directory.get(clientId);
      },
    });
    const t = await tokenOf(found.url, clock, { clientId: 'merchant-42' });
    expect((await send(found.url, await signCall(t, clock, { clientSecret: 's-42' }))).status).toBe(200);
    expect((await requestToken(found.url, clock, { clientId: 'merchant-99' })).json.responseCode).toBe('4017300');
    expect(lookups).toEqual(['merchant-42', 'merchant-42', 'merchant-99']);
    // A partner removed from the directory: its token stops working.
    directory.delete('merchant-42');
    expect((await send(found.url, await signCall(t, clock, { clientSecret: 's-42' }))).json.responseCode).toBe(
      '4012501',
    );
    // A malformed partner from the lookup is a failure of the server (500), never an accepted call.
    directory.set('merchant-1', { clientId: 'merchant-1', publicKey: publicKeyPem } as SnapServerPartner);
    expect((await requestToken(found.url, clock, { clientId: 'merchant-1' })).json.responseCode).toBe('5007300');
  });

  it('stateless tokens: issued by one instance, accepted by another with the same secret, refused by others', async () => {
    const tokenSecret = 'merchant-token-secret-0123456789abcdef';
    const one = await start({ tokenSecret });
    const two = await start({ tokenSecret });
    const other = await start({ tokenSecret: 'another-merchant-secret-0123456789abc' });
    const t = await tokenOf(one.url, clock);
    expect(t).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect((await send(two.url, await signCall(t, clock))).status).toBe(200);
    expect((await send(other.url, await signCall(t, clock))).json.responseCode).toBe('4012501');
    // A rotated secret list still accepts tokens signed with the older secret.
    const rotated = await start({ tokenSecret: ['new-merchant-secret-0123456789abcdefgh', tokenSecret] });
    expect((await send(rotated.url, await signCall(t, clock))).status).toBe(200);
    // A tampered payload (another client id or expiry) fails the MAC.
    const [, payload, tag] = t.split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString());
    const forged = `v1.${Buffer.from(JSON.stringify({ ...claims, e: claims.e + 3_600_000 })).toString('base64url')}.${tag}`;
    expect((await send(two.url, await signCall(forged, clock))).json.responseCode).toBe('4012501');
    expect((await send(two.url, await signCall(`${t}.x`, clock))).json.responseCode).toBe('4012501');
    clock.advance(900_000);
    expect((await send(two.url, await signCall(t, clock))).json.responseCode).toBe('4012501');
  });

  it('tokenTtlSeconds sets expiresIn and the lifetime', async () => {
    const short = await start({ tokenTtlSeconds: 60 });
    const reply = await requestToken(short.url, clock);
    expect(reply.json.expiresIn).toBe('60');
    clock.advance(60_000);
    const late = await send(short.url, await signCall(reply.json.accessToken as string, clock));
    expect(late.json.responseCode).toBe('4012501');
  });
});

describe('verifyRequest', () => {
  it('resolves the verified call, or the SNAP answer to refuse it with and a typed error', async () => {
    const server = createSnapServer({ partners: [partner], clock });
    const request = (signed: SignedCall) =>
      new Request(`http://127.0.0.1${PAY_PATH}`, { method: 'POST', headers: signed.headers, body: signed.body });
    // The token is the merchant's, not this server's.
    const call = await signCall(await tokenOf(merchant.url, clock), clock);
    const refused = await server.verifyRequest(request(call));
    expect(refused).toMatchObject({
      ok: false,
      rejection: { httpStatus: 401, caseCode: '01', responseMessage: 'Invalid Token (B2B)' },
    });
    expect(refused.ok === false && refused.rejection.error).toMatchObject({
      name: 'SignatureError',
      code: 'ERR_SIGNATURE_MISMATCH',
      check: 'header',
    });
    const ok = await merchant.server.verifyRequest(request(call));
    expect(ok.ok && ok.call.clientId).toBe(CLIENT_ID);
    expect(merchant.runs).toBe(0);
    const late = await signCall(await tokenOf(merchant.url, clock), clock, {
      timestamp: formatIsoTimestamp(clock() + 400_000, { offset: '+07:00' }),
    });
    const outOfWindow = await merchant.server.verifyRequest(request(late));
    expect(outOfWindow.ok === false && outOfWindow.rejection.error).toMatchObject({
      code: 'ERR_TIMESTAMP_OUT_OF_WINDOW',
      check: 'timestamp',
    });
    await expect(server.verifyRequest({} as Request)).rejects.toThrow(TypeError);
    const used = request(call);
    await used.text();
    await expect(server.verifyRequest(used)).rejects.toThrow(/already read/);
    await expect(server.verifyRequest(request(call), { path: 'relative' })).rejects.toThrow(TypeError);
    await expect(server.handle(request(call), { serviceCode: '2' }, () => ({}))).rejects.toThrow(TypeError);
    await expect(server.handle(request(call), { serviceCode: '25' }, 'x' as never)).rejects.toThrow(TypeError);
  });

  it('{ path } is the relative URL the partner signed when a proxy rewrote it', async () => {
    const server = createSnapServer({
      partners: [partner],
      clock,
      tokenSecret: 'merchant-token-secret-0123456789abcdef',
    });
    const token = await tokenOf((await start({ tokenSecret: 'merchant-token-secret-0123456789abcdef' })).url, clock);
    const call = await signCall(token, clock, { path: '/snap/v1.0/transfer-va/payment' });
    const request = new Request(`http://127.0.0.1${PAY_PATH}`, {
      method: 'POST',
      headers: call.headers,
      body: call.body,
    });
    const reply = await server.handle(
      request,
      { serviceCode: '25', path: '/snap/v1.0/transfer-va/payment' },
      () => ({}),
    );
    expect(((await reply.json()) as { responseCode: string }).responseCode).toBe('2002500');
  });
});

describe('options', () => {
  const attempt = (options: unknown) => {
    try {
      createSnapServer(options as SnapServerOptions);
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('refuses unknown keys, naming them', () => {
    const error = attempt({ partners: [partner], tokenTtl: 60 });
    expect(isConfigError(error) && error.message).toContain('tokenTtl: expected a known option');
    const nested = attempt({ partners: [{ ...partner, secret: 'x' }] });
    expect(isConfigError(nested) && nested.message).toContain('partners.0.secret');
  });

  it('names the field of each bad value', () => {
    const cases: [unknown, string][] = [
      [{}, 'partners: expected exactly one of partners and findPartner, received neither'],
      [{ partners: [partner], findPartner: async () => undefined }, 'received both'],
      [{ partners: [partner], tokenTtlSeconds: 10 }, 'tokenTtlSeconds: expected a whole number of seconds'],
      [{ partners: [partner], tokenSecret: 'short' }, 'tokenSecret'],
      [{ partners: [partner], tokenSecret: 'x'.repeat(32), tokenStore: { save() {}, find() {} } }, 'not both'],
      [{ partners: [partner], idempotencyStore: {} }, 'idempotencyStore: expected an IdempotencyStore'],
      [{ partners: [{ clientId: 'a', clientSecret: 's' }] }, 'partners.0.publicKey'],
      [{ partners: [{ clientId: 'a', publicKey: publicKeyPem }] }, 'partners.0.clientSecret'],
      [{ partners: [{ ...partner, publicKeys: [publicKeyPem] }] }, 'publicKey or publicKeys, not both'],
      [{ partners: [partner, partner] }, 'partners.1.clientId: expected a client id no other partner has'],
      [{ partners: [partner], timeoutMs: 0 }, 'timeoutMs'],
    ];
    for (const [options, message] of cases) {
      const error = attempt(options);
      expect(isConfigError(error), String(message)).toBe(true);
      expect((error as Error).message).toContain(message);
    }
    expect(attempt({ partners: [{ clientId: 'a', publicKey: publicKeyPem, signature: 'asymmetric' }] })).toBe(
      undefined,
    );
  });

  it('an unusable public key is a KeyFormatError naming the partner key', () => {
    const error = attempt({ partners: [{ ...partner, publicKey: undefined, publicKeys: [publicKeyPem, 'garbage'] }] });
    expect(isKeyFormatError(error) && error.message).toContain('partners.0.publicKeys.1');
    const secretKey = attempt({ partners: [{ ...partner, publicKey: privateKeyPem }] });
    expect(isKeyFormatError(secretKey) && secretKey.message).toContain('partners.0.publicKey');
  });
});
