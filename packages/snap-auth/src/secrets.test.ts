/**
 * No secret leaves: random client secrets, private keys, tokens, auth codes and refresh tokens
 * are pushed through every public function and error path, and none may appear in a message,
 * `JSON.stringify` or `util.inspect(…, { depth: 10, showHidden: true })` of what is returned or thrown.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { memoryReplayStore } from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapAuth, type SnapAuth } from './client/create-snap-auth.js';
import { verifySnapNotification } from './client/verify-notification.js';
import { snapAccessTokenSignature } from './protocol/access-token-signature.js';
import { snapServiceSignature } from './protocol/service-signature.js';
import { verifySnapSignature } from './protocol/verify-signature.js';
import { createSnapSandbox, type SnapSandbox } from './testing/sandbox.js';

const random = () => randomBytes(24).toString('base64url');
const clientSecret = random();
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKeyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const keyBody = privateKeyPem.split('\n').slice(1, -2).join('');

let sandbox: SnapSandbox;
let running: RunningSandbox;
let auth: SnapAuth;
/** Every secret seen so far: must never be printed. */
const secrets = new Set<string>([clientSecret, keyBody, ...keyBody.match(/.{1,40}/g)!]);

function printed(value: unknown): string {
  const message = value instanceof Error ? `${value.message}\n${value.stack ?? ''}` : '';
  let json = '';
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    json = '';
  }
  return `${message}\n${json}\n${inspect(value, { depth: 10, showHidden: true })}\n${String(value)}`;
}

function expectNoSecret(value: unknown): void {
  const text = printed(value);
  for (const secret of secrets) expect(text.includes(secret), `leaked a secret in: ${text.slice(0, 300)}`).toBe(false);
}

async function settle(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => value,
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  sandbox = createSnapSandbox({ clients: [{ clientId: 'client-1', publicKey: publicKeyPem, clientSecret }] });
  running = await sandbox.listen();
  auth = createSnapAuth({
    baseUrl: running.url,
    clientId: 'client-1',
    privateKey: privateKeyPem,
    clientSecret,
    channelId: '95221',
    replayStore: memoryReplayStore(),
    retry: { limit: 1, backoffLimitMs: 10 },
  });
});
afterAll(() => running.close());

describe('secrets never leave', () => {
  it('through options validation', () => {
    let error: unknown;
    try {
      createSnapAuth({
        baseUrl: clientSecret,
        clientId: privateKeyPem,
        privateKey: 42 as never,
        clientSecret: 7 as never,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expectNoSecret(error);
  });

  it('through tokens, signed requests and service-call errors', async () => {
    const token = await auth.getAccessToken();
    secrets.add(token.token);
    expectNoSecret(token);

    const signed = await auth.signRequest({ method: 'POST', path: '/v1.0/balance-inquiry', body: '{"a":1}' });
    secrets.add(signed.headers['X-SIGNATURE'] as string);
    expectNoSecret(signed);
    expectNoSecret(auth);

    // A provider that echoes the client secret and the token in its error body and message.
    sandbox.faults.inject(
      {
        type: 'status',
        status: 500,
        body: JSON.stringify({
          responseCode: '5001100',
          responseMessage: `failed for ${clientSecret} with ${token.token}`,
          echo: { note: clientSecret, bearer: token.token },
        }),
      },
      { path: '/v1.0/balance-inquiry' },
    );
    const error = await settle(auth.ky.post('v1.0/balance-inquiry', { json: {} }));
    expect(error).toMatchObject({ code: 'ERR_PROVIDER', providerCode: '5001100' });
    expectNoSecret(error);

    // The refresh-and-retry path.
    sandbox.expireTokensEarly(0);
    await auth.invalidateAccessToken();
    const rejected = await settle(auth.ky.post('v1.0/balance-inquiry', { json: {} }));
    expect(rejected).toMatchObject({ code: 'ERR_TOKEN_REJECTED' });
    expectNoSecret(rejected);
    sandbox.expireTokensEarly(undefined);
    await auth.invalidateAccessToken();
  });

  it('through customer tokens and their errors', async () => {
    const authCode = sandbox.issueAuthCode();
    secrets.add(authCode);
    const customer = await auth.getCustomerToken({ authCode });
    secrets.add(customer.accessToken.token);
    secrets.add(customer.refreshToken?.reveal() as string);
    expectNoSecret(customer);

    const reused = await settle(auth.getCustomerToken({ authCode }));
    expect(reused).toMatchObject({ code: 'ERR_PROVIDER' });
    expectNoSecret(reused);

    // A provider that echoes the refresh token it refuses.
    const refreshToken = random();
    secrets.add(refreshToken);
    sandbox.faults.inject(
      {
        type: 'status',
        status: 401,
        body: JSON.stringify({ responseCode: '4017400', responseMessage: `unknown refresh token ${refreshToken}` }),
      },
      { path: '/v1.0/access-token/b2b2c' },
    );
    const echoed = await settle(auth.getCustomerToken({ refreshToken }));
    expect(echoed).toMatchObject({ providerCode: '4017400' });
    expectNoSecret(echoed);

    sandbox.faults.inject(
      { type: 'status', status: 200, body: JSON.stringify({ responseCode: '2007400', note: refreshToken }) },
      { path: '/v1.0/access-token/b2b2c' },
    );
    const malformed = await settle(auth.getCustomerToken({ refreshToken }));
    expect(malformed).toMatchObject({ code: 'ERR_RESPONSE_FORMAT' });
    expectNoSecret(malformed);

    // HTTP 200 with a malformed failure code that echoes the grant, the client secret and the B2B token.
    const b2bToken = (await auth.getAccessToken()).token;
    secrets.add(b2bToken);
    sandbox.faults.inject(
      {
        type: 'status',
        status: 200,
        body: JSON.stringify({
          responseCode: 'E99',
          responseMessage: `refused ${refreshToken} for ${clientSecret} / ${b2bToken}`,
          echo: { note: refreshToken },
        }),
      },
      { path: '/v1.0/access-token/b2b2c' },
    );
    const echoedIn200 = await settle(auth.getCustomerToken({ refreshToken }));
    expect(echoedIn200).toMatchObject({ code: 'ERR_PROVIDER', status: 200, providerCode: 'E99', provider: 'snap' });
    expect((echoedIn200 as Error).message).toContain(
      'SNAP B2B2C access token failed: HTTP 200 (E99 refused [REDACTED]',
    );
    expectNoSecret(echoedIn200);

    const signed = await auth.signRequest({ method: 'POST', path: '/v1.0/balance-inquiry', customerToken: customer });
    expectNoSecret(signed);
  });

  it('through token-request failures and key errors', async () => {
    const wrongKey = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    secrets.add(wrongKey.split('\n')[1] as string);
    const other = createSnapAuth({ baseUrl: running.url, clientId: 'client-1', privateKey: wrongKey, clientSecret });
    const refused = await settle(other.getAccessToken());
    expect(refused).toMatchObject({ providerCode: '4017300' });
    expectNoSecret(refused);

    const garbage = `-----BEGIN PRIVATE KEY-----\n${random()}${random()}\n-----END PRIVATE KEY-----`;
    secrets.add(garbage.split('\n')[1] as string);
    const badKey = await settle(snapAccessTokenSignature({ clientId: 'c', timestamp: 't', privateKey: garbage }));
    expect(badKey).toMatchObject({ code: 'ERR_KEY_FORMAT' });
    expectNoSecret(badKey);
    // Refused when the client is created, not on first use.
    let refusedAtCreation: unknown;
    try {
      createSnapAuth({ baseUrl: running.url, clientId: 'client-1', privateKey: garbage });
    } catch (error) {
      refusedAtCreation = error;
    }
    expect(refusedAtCreation).toMatchObject({ code: 'ERR_KEY_FORMAT', provider: 'snap' });
    expectNoSecret(refusedAtCreation);
  });

  it('through the pure signing functions and verification errors', async () => {
    const accessToken = random();
    secrets.add(accessToken);
    const signature = await snapServiceSignature({
      method: 'POST',
      path: '/x',
      accessToken,
      body: '{}',
      timestamp: '2026-03-02T10:00:00+07:00',
      clientSecret,
    });
    secrets.add(signature);
    for (const input of [
      { clientSecret: 5 as never, accessToken },
      { clientSecret, accessToken: '' },
      { clientSecret, accessToken, body: '{' },
    ]) {
      const error = await settle(
        verifySnapSignature({ method: 'POST', path: '/x', timestamp: 't', signature, ...input } as never),
      );
      expect(error).toBeInstanceOf(Error);
      expectNoSecret(error);
    }

    const notificationErrors = await Promise.all(
      [
        { Authorization: `Bearer ${accessToken}`, 'X-SIGNATURE': signature, 'X-TIMESTAMP': new Date().toISOString() },
        { Authorization: `Bearer ${accessToken}`, 'X-SIGNATURE': signature, 'X-TIMESTAMP': '2020-01-01T00:00:00Z' },
      ].map((headers) =>
        settle(
          verifySnapNotification(new Request('http://m.test/n', { method: 'POST', body: '{}', headers }), {
            clientSecret,
          }),
        ),
      ),
    );
    for (const error of notificationErrors) {
      expect(error).toMatchObject({ name: 'SignatureError' });
      expectNoSecret(error);
    }
  });

  it('through notification round trips and their rejections', async () => {
    const merchantErrors: unknown[] = [];
    const merchant = await serveOnLoopback(async (request) => {
      try {
        return Response.json(await auth.verifyNotification(request));
      } catch (error) {
        merchantErrors.push(error);
        return new Response(null, { status: 401 });
      }
    }, 0);
    try {
      const accessToken = random();
      secrets.add(accessToken);
      const ok = await sandbox.sendNotification({
        url: `${merchant.url}/n`,
        body: { a: 1 },
        mode: 'symmetric',
        accessToken,
      });
      expect(ok.status).toBe(200);
      expectNoSecret(JSON.parse(ok.responseBody));
      await sandbox.sendNotification({
        url: `${merchant.url}/n`,
        body: { a: 1 },
        mode: 'symmetric',
        accessToken,
        tamperBody: () => '{"a":2}',
      });
      await sandbox.sendNotification({
        url: `${merchant.url}/n`,
        body: { a: 1 },
        mode: 'symmetric',
        accessToken,
        externalId: '1',
      });
      // A redelivery is answered, reported as a duplicate, and carries no secret either.
      const again = await sandbox.sendNotification({
        url: `${merchant.url}/n`,
        body: { a: 1 },
        mode: 'symmetric',
        accessToken,
        externalId: '1',
      });
      expect(JSON.parse(again.responseBody)).toMatchObject({ duplicate: true });
      expectNoSecret(JSON.parse(again.responseBody));
      expect(merchantErrors.map((e) => (e as { check: string }).check)).toEqual(['signature']);
      for (const error of merchantErrors) expectNoSecret(error);
    } finally {
      await merchant.close();
    }
  });
});
