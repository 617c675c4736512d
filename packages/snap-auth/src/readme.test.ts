/**
 * Every ```ts block of the README, verbatim, run against the sandbox. The blocks run at module
 * level (imports are hoisted; top-level await is fine in an ES module test), in README order;
 * `console.log` is captured so the tests below can check what each example printed.
 */
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { untestedReadmeBlocks } from '@org/vitest-config/readme';
import { afterAll, describe, expect, it } from 'vitest';
import { privateKeyPem } from './__fixtures__/setup.js';

const logged: unknown[][] = [];
// The README examples print through `console.log`: capture it.
const console = { log: (...args: unknown[]) => void logged.push(args) };

const snapB2b1PrivateKey = privateKeyPem;
const myKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const myPrivateKeyPem = myKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const myPublicKeyPem = myKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

// --- README: B2B access token (the first example: self-contained, it runs as an .mjs file alone)
import { generateKeyPairSync } from 'node:crypto';
import { createSnapAuth } from '@org/snap-auth';
import * as snapTesting from '@org/snap-auth/testing';

// Here the local sandbox plays the provider, with a key pair made for this run. In production,
// config is the provider's base URL (or a preset), your client id, private key and client secret.
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const sandbox = snapTesting.createSnapSandbox({
  clients: [{ clientId: 'my-client', publicKey: keys.publicKey, clientSecret: 'my-client-secret' }],
});
const server = await sandbox.listen(); // http://127.0.0.1:<free port>
const config = {
  baseUrl: server.url,
  clientId: 'my-client',
  privateKey: keys.privateKey,
  clientSecret: 'my-client-secret',
};

const auth = createSnapAuth({
  baseUrl: config.baseUrl,
  clientId: config.clientId,
  privateKey: config.privateKey, // PKCS#8/PKCS#1 PEM, base64, DER bytes, a CryptoKey or a KMS signer
  clientSecret: config.clientSecret,
  channelId: '95221',
});

const token = await auth.getAccessToken();
console.log(token.tokenType, token.expiresAt); // Bearer 2026-…
console.log(JSON.stringify(token)); // {"token":"[REDACTED]",…}: the text is only in token.token
await server.close(); // the examples below use `auth` with the sandbox still running

// The examples below use `auth` against the same sandbox: serve it again on the same port.
const running = await sandbox.listen({ port: server.port });

// --- README: Presets
import { snapPresets } from '@org/snap-auth';

const senmo = createSnapAuth({
  ...snapPresets.ifortepay.disbursement.production, // https://api.senmo.id + /api/v1.0/access-token/b2b
  clientId: config.clientId,
  privateKey: config.privateKey,
  clientSecret: config.clientSecret,
});
console.log(senmo.baseUrl); // https://api.senmo.id

// --- README: With ky
const balance = await auth.ky
  .post('v1.0/balance-inquiry', {
    json: { partnerReferenceNo: '2020102900000000000001', accountNo: '1234567890' },
  })
  .json<{ responseCode: string; accountInfos: unknown[] }>();
console.log(balance.responseCode); // 2001100

// --- README: signRequest
const signed = await auth.signRequest({
  method: 'POST',
  path: '/v1.0/balance-inquiry',
  body: { partnerReferenceNo: '2020102900000000000002', accountNo: '1234567890' },
  headers: { 'X-DEVICE-ID': 'kiosk-7' }, // optional extras
});
// signed.body is the minified JSON that was hashed: send exactly these bytes.
const response = await fetch(signed.url, { method: signed.method, headers: signed.headers, body: signed.body });
console.log(response.status); // 200

// --- README: With fetch
const reply = await auth.fetch('/v1.0/balance-inquiry', {
  method: 'POST',
  body: JSON.stringify({ partnerReferenceNo: '2020102900000000000003' }),
});
console.log(reply.status, (await reply.json()).responseCode); // 200 2001100

// --- README: B2B2C
// In production the auth code comes from the provider's account-binding redirect.
const authCode = sandbox.issueAuthCode({ customerId: 'customer-42' });
const customer = await auth.getCustomerToken({ authCode });
console.log(customer.accessTokenExpiresAt, customer.refreshTokenExpiresAt);

const call = await auth.signRequest({
  method: 'POST',
  path: '/v1.0/balance-inquiry',
  body: { partnerReferenceNo: '2020102900000000000004' },
  customerToken: customer, // adds Authorization-Customer: Bearer …
});

// Later: refresh it (refresh tokens are single use at many providers; store the new one).
const renewed = await auth.getCustomerToken({ refreshToken: customer.refreshToken! });
console.log(renewed.accessToken.expiresAt > new Date(0));

// --- README: Verifying notifications
import { isSignatureError, memoryReplayStore } from '@org/signing-core';

const receiver = createSnapAuth({
  baseUrl: config.baseUrl,
  clientId: config.clientId,
  privateKey: config.privateKey,
  providerPublicKey: sandbox.providerPublicKey, // the provider's RSA public key (asymmetric form)
  replayStore: memoryReplayStore(), // use a shared store (e.g. Redis) with several replicas
});

async function handleSnapNotification(request: Request): Promise<Response> {
  try {
    const notification = await receiver.verifyNotification(request);
    // notification.json is the parsed body; notification.body the raw text that was verified.
    // notification.duplicate: a redelivery of one already received; answer it as you did the first.
    console.log(notification.externalId, notification.duplicate, notification.json);
    return Response.json({ responseCode: '2002500', responseMessage: 'Successful' });
  } catch (error) {
    if (isSignatureError(error)) {
      // error.check: 'header' | 'timestamp' | 'signature'
      return Response.json({ responseCode: '4012500', responseMessage: 'Unauthorized. [Signature]' }, { status: 401 });
    }
    throw error;
  }
}

// --- README: Signature functions
import {
  parseSnapResponseCode,
  snapAccessTokenSignature,
  snapServiceSignature,
  verifySnapSignature,
} from '@org/snap-auth';

// SNAP-B2B-1 (Midtrans, Qoinhub): base64 SHA256withRSA of clientId|timestamp.
const b2b = await snapAccessTokenSignature({
  clientId: 'G1234325-SNAP',
  timestamp: '2023-07-31T07:10:00+07:00',
  privateKey: snapB2b1PrivateKey,
});
console.log(b2b.startsWith('iv5YorKVVFOFS59l0HChDvPe')); // true

// Service call: base64 HMAC-SHA512 of METHOD:path:token:lowerhex(sha256(minify(body))):timestamp.
const service = await snapServiceSignature({
  method: 'POST',
  path: '/v1.0/debit/payment-host-to-host',
  accessToken: 'gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a',
  body: '{ "partnerReferenceNo": "2020102900000000000001" }', // minified before hashing
  timestamp: '2020-01-01T00:00:00+07:00',
  clientSecret: 'fdppqbF5wq7vVegyvsV1CROMv646nJ7A',
});
console.log(
  await verifySnapSignature({
    method: 'POST',
    path: '/v1.0/debit/payment-host-to-host',
    body: '{"partnerReferenceNo":"2020102900000000000001"}',
    timestamp: '2020-01-01T00:00:00+07:00',
    signature: service,
    clientSecret: 'fdppqbF5wq7vVegyvsV1CROMv646nJ7A',
    accessToken: 'gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a',
  }),
); // true

console.log(parseSnapResponseCode('4017300'));

// { code: '4017300', httpStatus: 401, serviceCode: '73', caseCode: '00', meaning: 'Unauthorized',
//   service: 'B2B Access Token', success: false, tokenRejected: false, … }

// --- README: Options (a key refused at creation)
import { isKeyFormatError } from '@org/signing-core';

try {
  createSnapAuth({ baseUrl: config.baseUrl, clientId: config.clientId, privateKey: myPublicKeyPem });
} catch (error) {
  // The public half given by mistake: refused here, before any request.
  if (isKeyFormatError(error)) console.log(error.message); // [@org/snap-auth] privateKey: Cannot use this as an RSA private key: found …
}

// --- README: Testing with the sandbox
import { createSnapSandbox } from '@org/snap-auth/testing';

const provider = createSnapSandbox({
  clients: [{ clientId: 'my-client', publicKey: myPublicKeyPem, clientSecret: 'my-client-secret' }],
  tokenTtlSeconds: 900,
});
const { url, close } = await provider.listen();
const client = createSnapAuth({
  baseUrl: url,
  clientId: 'my-client',
  privateKey: myPrivateKeyPem,
  clientSecret: 'my-client-secret',
  channelId: '95221',
});

provider.faults.inject({ type: 'rate-limit', retryAfterSeconds: 1 }, { path: '/v1.0/access-token/b2b' });
await client.getAccessToken(); // waits for Retry-After, retries, succeeds
provider.expireTokens(); // the next service call gets 4017301, refreshes and retries once
await client.ky.post('v1.0/balance-inquiry', { json: {} });
console.log(provider.issuedTokenCount); // 2
await close();

// --- README: Explaining a signature
import { SNAP_HEADERS, snapSignedHeaders, snapStringToSignParts, verifySnapStringToSign } from '@org/snap-auth';

const serviceCall = {
  kind: 'service',
  method: 'POST',
  path: '/v1.0/debit/payment-host-to-host',
  accessToken: 'gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a',
  body: '{ "partnerReferenceNo": "2020102900000000000001" }',
  timestamp: '2020-01-01T00:00:00+07:00',
} as const;

// The string to sign of the service call above, part by part.
const explained = await snapStringToSignParts(serviceCall);
for (const part of explained.parts) console.log(`${part.label}: ${part.value}`);
// HTTP method: POST
// relative URL (path and query): /v1.0/debit/payment-host-to-host
// access token (without "Bearer "): gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a
// lowerhex(SHA-256(minify(body))): f7691047ebc13ca9c0eeb206ebf5af1198aa4c615d7e3580fc487fc9b24ce2ba
// X-TIMESTAMP: 2020-01-01T00:00:00+07:00

// Did the sender hash the body without minifying it? Check its signature over that string.
const unminified = await snapStringToSignParts({ ...serviceCall, minify: false });
const secret = { clientSecret: 'fdppqbF5wq7vVegyvsV1CROMv646nJ7A' };
console.log(await verifySnapStringToSign({ stringToSign: explained.stringToSign, signature: service, ...secret })); // true
console.log(await verifySnapStringToSign({ stringToSign: unminified.stringToSign, signature: service, ...secret })); // false

// The headers that carry the signature, as this package sends them.
console.log(
  snapSignedHeaders({
    kind: 'service',
    accessToken: serviceCall.accessToken,
    timestamp: serviceCall.timestamp,
    signature: service,
  }),
);
// { 'Content-Type': 'application/json', Authorization: 'Bearer gp9H…', 'X-TIMESTAMP': '2020-01-01T00:00:00+07:00', 'X-SIGNATURE': '…' }
console.log(SNAP_HEADERS.externalId); // X-EXTERNAL-ID

// ---------------------------------------------------------------------------------------------

afterAll(() => running.close());

// --- README: Playing a provider's profile
const midtrans = createSnapSandbox({
  clients: [{ clientId: 'my-client', publicKey: myPublicKeyPem, clientSecret: 'my-client-secret' }],
  profile: snapPresets.midtrans.sandbox, // grant_type bodies, asymmetric notifications
  services: [
    {
      path: '/v1.0/transfer-va/create-va',
      serviceCode: '27',
      reply: (call) => ({ virtualAccountData: { trxId: call.body?.trxId, virtualAccountNo: '7007001' } }),
    },
  ],
});
const served = await midtrans.listen();
const merchant = createSnapAuth({
  ...snapPresets.midtrans.sandbox,
  baseUrl: served.url,
  tokenPath: midtrans.tokenPath,
  clientId: 'my-client',
  privateKey: myPrivateKeyPem,
  clientSecret: 'my-client-secret',
  channelId: '95221',
});
const created = await merchant.ky.post('v1.0/transfer-va/create-va', { json: { trxId: 'INV-1' } }).json();
console.log(created); // { responseCode: '2002700', responseMessage: 'Successful', virtualAccountData: { … } }
await served.close();

// --- README: The sandbox calls the merchant
import { createSnapServer } from '@org/snap-auth/server';

const bank = createSnapSandbox({
  clients: [{ clientId: 'my-client', publicKey: myPublicKeyPem, clientSecret: 'my-client-secret' }],
});
const snapServer = createSnapServer({
  partners: [{ clientId: 'BANK', publicKey: bank.providerPublicKey, clientSecret: 'bank-shared-secret' }],
});
const shop = await serveOnLoopback(async (request) => {
  if (new URL(request.url).pathname === '/v1.0/access-token/b2b') return snapServer.handleAccessToken(request);
  return snapServer.handle(request, { serviceCode: '25' }, async () => ({ paymentFlagStatus: '00' }));
}, 0);

const session = bank.merchant({ baseUrl: shop.url, clientId: 'BANK', clientSecret: 'bank-shared-secret' });
const paid = await session.call('/v1.0/transfer-va/payment', {
  body: { paymentRequestId: 'PAY-1', paidAmount: { value: '10000.00', currency: 'IDR' } },
  redelivery: { attempts: 3, mode: 're-signed' },
});
console.log(paid.status, paid.responseCode, paid.validSnapResponse); // 200 '2002500' true
await shop.close();

describe('README examples', () => {
  it('B2B access token: a Bearer token that serialises redacted', () => {
    expect(logged[0]?.[0]).toBe('Bearer');
    expect(logged[0]?.[1]).toBeInstanceOf(Date);
    expect(logged[1]?.[0]).toContain('"token":"[REDACTED]"');
    expect(logged[1]?.[0]).not.toContain(token.token);
  });

  it('presets: the senmo production base URL', () => {
    expect(logged[2]).toEqual(['https://api.senmo.id']);
  });

  it('service calls with ky, signRequest and fetch succeed', () => {
    expect(logged[3]).toEqual(['2001100']);
    expect(logged[4]).toEqual([200]);
    expect(logged[5]).toEqual([200, '2001100']);
    expect(signed.body).toBe('{"partnerReferenceNo":"2020102900000000000002","accountNo":"1234567890"}');
    expect(sandbox.requests.to('/v1.0/balance-inquiry').map((r) => r.headers['x-device-id'])).toContain('kiosk-7');
  });

  it('B2B2C: customer token, Authorization-Customer, refresh', async () => {
    expect(logged[6]?.[0]).toBeInstanceOf(Date);
    expect(logged[6]?.[1]).toBeInstanceOf(Date);
    expect(call.headers['Authorization-Customer']).toBe(`Bearer ${customer.accessToken.token}`);
    const answer = await fetch(call.url, { method: call.method, headers: call.headers, body: call.body });
    expect(await answer.json()).toMatchObject({ responseCode: '2001100', customerId: 'customer-42' });
    expect(logged[7]).toEqual([true]);
  });

  it('signature functions: the vector, a verified service signature, a parsed code', () => {
    expect(logged[8]).toEqual([true]);
    expect(logged[9]).toEqual([true]);
    expect(logged[10]?.[0]).toMatchObject({ code: '4017300', httpStatus: 401, serviceCode: '73', caseCode: '00' });
  });

  it('options: a public key given as privateKey is refused at creation, naming the option', () => {
    expect(String(logged[11]?.[0])).toMatch(
      /^\[@org\/snap-auth\] privateKey: Cannot use this as an RSA private key: found /,
    );
    expect(String(logged[11]?.[0])).not.toContain(myPublicKeyPem.slice(30, 90));
  });

  it('sandbox: rate limit waited out, token refreshed after expireTokens', () => {
    expect(logged[12]).toEqual([2]);
  });

  it('notification handler: accepts a signed notification and its redelivery (a duplicate), refuses a tampered one', async () => {
    const merchant = await serveOnLoopback(handleSnapNotification, 0);
    try {
      const body = { virtualAccountNo: '  08889912345678901234', paidAmount: { value: '10000.00', currency: 'IDR' } };
      const ok = await sandbox.sendNotification({ url: `${merchant.url}/snap/notify`, body, externalId: '777' });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.responseBody)).toEqual({ responseCode: '2002500', responseMessage: 'Successful' });
      expect(logged.at(-1)).toEqual(['777', false, body]);
      // The provider redelivers (it got no answer, say): verified, answered, reported as a duplicate.
      const again = await sandbox.sendNotification({ url: `${merchant.url}/snap/notify`, body, externalId: '777' });
      expect(again.status).toBe(200);
      expect(logged.at(-1)).toEqual(['777', true, body]);
      const tampered = await sandbox.sendNotification({
        url: `${merchant.url}/snap/notify`,
        body,
        tamperBody: (text) => text.replace('10000.00', '1.00'),
      });
      expect(tampered.status).toBe(401);
      expect(JSON.parse(tampered.responseBody).responseCode).toBe('4012500');
    } finally {
      await merchant.close();
    }
  });

  it("playing a provider's profile: Midtrans's grant_type token, then a configured service reply", () => {
    expect(logged[22]).toEqual([
      {
        responseCode: '2002700',
        responseMessage: 'Successful',
        virtualAccountData: { trxId: 'INV-1', virtualAccountNo: '7007001' },
      },
    ]);
    expect(JSON.parse(midtrans.requests.all[0]?.body ?? '')).toEqual({ grant_type: 'client_credentials' });
  });

  it('the sandbox calls the merchant: a token from the server kit, then one payment answered', () => {
    expect(logged[23]).toEqual([200, '2002500', true]);
  });

  it('explaining a signature: the labelled parts, a check over the unminified string, the headers', () => {
    expect(logged.slice(13, 18).map(([line]) => line)).toEqual([
      'HTTP method: POST',
      'relative URL (path and query): /v1.0/debit/payment-host-to-host',
      'access token (without "Bearer "): gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a',
      'lowerhex(SHA-256(minify(body))): f7691047ebc13ca9c0eeb206ebf5af1198aa4c615d7e3580fc487fc9b24ce2ba',
      'X-TIMESTAMP: 2020-01-01T00:00:00+07:00',
    ]);
    expect(logged[18]).toEqual([true]);
    expect(logged[19]).toEqual([false]);
    expect(logged[20]).toEqual([
      {
        'Content-Type': 'application/json',
        Authorization: 'Bearer gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a',
        'X-TIMESTAMP': '2020-01-01T00:00:00+07:00',
        'X-SIGNATURE': service,
      },
    ]);
    expect(logged[21]).toEqual(['X-EXTERNAL-ID']);
  });

  it('every README example is tested', () => {
    expect(
      untestedReadmeBlocks(new URL('../README.md', import.meta.url).pathname, [
        new URL('./readme.test.ts', import.meta.url).pathname,
        new URL('./server/readme-server.test.ts', import.meta.url).pathname,
        new URL('./server/readme-frameworks.test.ts', import.meta.url).pathname,
        new URL('./readme-telemetry.test.ts', import.meta.url).pathname,
      ]),
    ).toEqual([]);
  });
});
