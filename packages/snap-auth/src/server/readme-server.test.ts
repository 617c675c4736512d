/**
 * Every ```ts block of the README section "Server kit (`@org/snap-auth/server`)", verbatim, run
 * over HTTP on 127.0.0.1 with a provider that signs its calls (readme.test.ts checks that every
 * README block appears in one of the test files).
 */
import { generateKeyPairSync } from 'node:crypto';
import { formatIsoTimestamp, type IdempotencyStore } from '@org/signing-core';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { afterAll, describe, expect, it } from 'vitest';
import { testClock } from '../__fixtures__/setup.js';
import { requestToken, send, signCall, tokenOf } from '../__fixtures__/snap-server.js';
import type { SnapServerPartner } from './options.js';

const logged: unknown[][] = [];
// The README examples print through `console.log`: capture it.
const console = { log: (...args: unknown[]) => void logged.push(args) };

const provider = generateKeyPairSync('rsa', { modulusLength: 2048 });
const providerPrivateKeyPem = provider.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const providerPublicKeyPem = provider.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const providerClientSecret = 'provider-client-secret-for-the-readme';
const booked: string[] = [];
async function bookPayment(paymentRequestId: string, amount: string): Promise<void> {
  booked.push(`${paymentRequestId} ${amount}`);
}

// --- README: Server kit
import { createSnapServer } from '@org/snap-auth/server';

const snapServer = createSnapServer({
  partners: [
    {
      clientId: 'doku-to-merchant', // the X-CLIENT-KEY the provider sends
      publicKeys: [providerPublicKeyPem], // several during a key rotation: any of them verifies
      clientSecret: providerClientSecret, // the symmetric signature of its service calls
    },
  ],
  tokenTtlSeconds: 900, // expiresIn
  timeoutMs: 8_000, // answer 504xx00 rather than make the provider wait
});

// POST /snap/v1.0/access-token/b2b
async function accessToken(request: Request): Promise<Response> {
  return snapServer.handleAccessToken(request);
}

// POST /snap/v1.0/transfer-va/payment (SNAP service 25)
async function payment(request: Request): Promise<Response> {
  return snapServer.handle(request, { serviceCode: '25' }, async (call) => {
    const paid = call.json as { paymentRequestId: string; paidAmount: { value: string } };
    await bookPayment(paid.paymentRequestId, paid.paidAmount.value); // once per call, however often it is delivered
    return { virtualAccountData: { paymentRequestId: paid.paymentRequestId } };
  });
}

// --- README: Server kit, many replicas
const partnersById = new Map<string, SnapServerPartner>([
  [
    'doku-to-merchant',
    { clientId: 'doku-to-merchant', publicKey: providerPublicKeyPem, clientSecret: providerClientSecret },
  ],
]);
const merchantTokenSecret = 'the-merchant-token-secret-of-32-characters-at-least';
const sharedIdempotencyStore: IdempotencyStore | undefined = undefined;

import { memoryIdempotencyStore } from '@org/signing-core';

const replica = createSnapServer({
  findPartner: async (clientId) => partnersById.get(clientId), // undefined: an unknown client
  tokenSecret: merchantTokenSecret, // at least 32 characters; a list rotates (the first signs)
  idempotencyStore: sharedIdempotencyStore ?? memoryIdempotencyStore(),
});

// --- README: Server kit, verifyRequest
const inquiryRequest = new Request('https://merchant.example/snap/v1.0/transfer-va/inquiry', {
  method: 'POST',
  headers: {
    Authorization: 'Bearer not-a-token-of-ours',
    'X-TIMESTAMP': formatIsoTimestamp(Date.now(), { offset: '+07:00' }),
    'X-SIGNATURE': 'AAAA',
    'X-PARTNER-ID': 'doku-to-merchant',
    'X-EXTERNAL-ID': '1',
    'CHANNEL-ID': '95221',
  },
  body: '{}',
});

const verified = await snapServer.verifyRequest(inquiryRequest);
if (!verified.ok) {
  const { httpStatus, caseCode, responseMessage } = verified.rejection;
  console.log(`${httpStatus}24${caseCode}`, responseMessage); // 4012401 Invalid Token (B2B)
}

// --- the tests
const merchant = await serveOnLoopback(async (request) => {
  const path = new URL(request.url).pathname;
  if (path === '/snap/v1.0/access-token/b2b') return accessToken(request);
  if (path === '/snap/v1.0/transfer-va/payment') return payment(request);
  return new Response(null, { status: 404 });
}, 0);
const replicaServer = await serveOnLoopback(async (request) => {
  if (new URL(request.url).pathname.endsWith('/access-token/b2b')) return replica.handleAccessToken(request);
  return replica.handle(request, { serviceCode: '25' }, () => ({}));
}, 0);
afterAll(async () => {
  await merchant.close();
  await replicaServer.close();
});

const clock = testClock(Date.now());

describe('README: server kit', () => {
  it('the provider gets a token and pays; its redelivery is answered without booking twice', async () => {
    const reply = await fetch(`${merchant.url}/snap/v1.0/access-token/b2b`, {
      method: 'POST',
      headers: await tokenHeaders(),
      body: '{"grantType":"client_credentials"}',
    });
    const issued = (await reply.json()) as { responseCode: string; accessToken: string; expiresIn: string };
    expect(issued).toMatchObject({ responseCode: '2007300', expiresIn: '900' });
    const body = { paymentRequestId: 'PAY-1', paidAmount: { value: '10000.00', currency: 'IDR' } };
    const call = await signCall(issued.accessToken, clock, {
      clientSecret: providerClientSecret,
      path: '/snap/v1.0/transfer-va/payment',
      body,
    });
    const first = await send(merchant.url, call, {}, '/snap/v1.0/transfer-va/payment');
    const again = await send(merchant.url, call, {}, '/snap/v1.0/transfer-va/payment');
    expect(first.json).toEqual({
      responseCode: '2002500',
      responseMessage: 'Successful',
      virtualAccountData: { paymentRequestId: 'PAY-1' },
    });
    expect(again.json).toEqual(first.json);
    expect(booked).toEqual(['PAY-1 10000.00']);
  });

  it('the replica issues stateless tokens from the partner directory', async () => {
    const token = await tokenOf(replicaServer.url, clock, {
      clientId: 'doku-to-merchant',
      privateKey: providerPrivateKeyPem,
    });
    expect(token.startsWith('v1.')).toBe(true);
    // Another replica with the same secret accepts it.
    const other = createSnapServer({
      findPartner: async (clientId) => partnersById.get(clientId),
      tokenSecret: merchantTokenSecret,
    });
    const call = await signCall(token, clock, { clientSecret: providerClientSecret });
    const response = await other.handle(
      new Request(`http://127.0.0.1/v1.0/transfer-va/payment`, {
        method: 'POST',
        headers: call.headers,
        body: call.body,
      }),
      { serviceCode: '25' },
      () => ({}),
    );
    expect(response.status).toBe(200);
    expect((await requestToken(replicaServer.url, clock, { clientId: 'unknown' })).json.responseCode).toBe('4017300');
  });

  it('verifyRequest printed the rejection', () => {
    expect(logged).toEqual([['4012401', 'Invalid Token (B2B)']]);
  });
});

async function tokenHeaders(): Promise<Record<string, string>> {
  const { snapAccessTokenSignature } = await import('../protocol/access-token-signature.js');
  const timestamp = formatIsoTimestamp(clock(), { offset: '+07:00' });
  return {
    'Content-Type': 'application/json',
    'X-TIMESTAMP': timestamp,
    'X-CLIENT-KEY': 'doku-to-merchant',
    'X-SIGNATURE': await snapAccessTokenSignature({
      clientId: 'doku-to-merchant',
      timestamp,
      privateKey: providerPrivateKeyPem,
    }),
  };
}
