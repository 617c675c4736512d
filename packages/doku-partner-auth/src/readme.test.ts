// Every ```ts block of README.md runs here, verbatim, against the sandbox.
import {
  createDokuPartnerAuth,
  DOKU_HEADERS,
  dokuDigest,
  dokuSignature,
  dokuSignedHeaders,
  dokuStringToSignParts,
  verifyDokuNotification,
  verifyDokuStringToSign,
} from '@org/doku-partner-auth';
import { createDokuSandbox } from '@org/doku-partner-auth/testing';
import { isSignatureError, memoryReplayStore, Secret } from '@org/signing-core';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { untestedReadmeBlocks } from '@org/vitest-config/readme';
import { describe, expect, it, vi } from 'vitest';
import { TOKEN_VECTOR } from './__fixtures__/vectors.js';

const pngBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('README examples', () => {
  it('walkthrough: sandbox, token, upload, signRequest, faults', async () => {
    const sandbox = createDokuSandbox({
      clients: [{ clientId: 'BRN-0001-10791114622547', secretKey: 'SK-sandbox-secret' }],
    });
    const server = await sandbox.listen(); // serves on http://127.0.0.1:<random port>

    const doku = createDokuPartnerAuth({
      clientId: 'BRN-0001-10791114622547',
      secretKey: 'SK-sandbox-secret', // DOKU Back Office → Secret Key (a core `Secret` works too)
      baseUrl: server.url, // or 'test' (https://api-uat.doku.com) / 'production' (https://api.doku.com)
      validTimeMinutes: 60, // optional: sent as "valid_time": "60"
    });

    const token = await doku.getToken(); // cached, refreshed ahead of expiry, one request for concurrent callers
    const header = token.authorization; // 'Bearer eyJ…'
    const expiry = token.expiresAt; // a Date, from the JWT `exp` claim (token.data.expirySource === 'jwt-exp')

    expect(header).toMatch(/^Bearer ey/);
    expect(expiry.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(token.data.expirySource).toBe('jwt-exp');
    expect(sandbox.requests.to('/adv-core-api/partner/v1.0/token')[0]?.body).toBe(
      '{"grant_type":"client_credentials","valid_time":"60"}',
    );

    const form = new FormData();
    form.set('category', 'LOGO');
    form.set('file', new File([pngBytes], 'logo.png', { type: 'image/png' }));
    const uploaded = await doku.ky
      .post('adv-core-api/partner/v1.0/file', { body: form })
      .json<{ id: string; link: string; category: string }>();

    expect(uploaded.category).toBe('LOGO');
    expect(sandbox.uploads).toHaveLength(1);

    const requirements = await doku.ky
      .get('adv-core-api/partner/v1.0/file', {
        context: { withToken: false },
        searchParams: {
          businessType: 'PERSONAL',
          businessLegalEntity: 'PERSEORANGAN',
          brandBusinessLine: 'RETAIL',
          businessContactNationality: 'ID',
        },
      })
      .json();

    expect(requirements).toMatchObject({ business: { brand: { photo_proof: { code: 'PHOTO_PROOF' } } } });

    const signed = await doku.signRequest({
      method: 'POST',
      target: '/adv-core-api/partner/v1.0/file',
      body: form,
      withToken: true,
    });
    const response = await fetch(signed.url, { method: signed.method, headers: signed.headers, body: signed.body });
    await doku.verifyResponse(response, signed); // SignatureError unless DOKU's response signature matches
    const result = await response.json();

    expect(result).toMatchObject({ category: 'LOGO' });
    expect(Object.keys(signed.headers).sort()).toEqual([
      'Authorization',
      'Client-Id',
      'Content-Type',
      'Request-Id',
      'Request-Timestamp',
      'Signature',
    ]);
    expect(JSON.stringify(signed)).not.toContain(token.token);

    sandbox.faults.inject({ type: 'status', status: 503 }, { path: '/adv-core-api/partner/v1.0/token' }); // or 'drop', 'delay', 'rate-limit', 'html', 'truncated-json'
    sandbox.expireTokens(); // the next call with the old token gets 401: a new token, one re-signed retry

    const before = sandbox.requests.count('/adv-core-api/partner/v1.0/token');
    await doku.ky.post('adv-core-api/partner/v1.0/file', { body: form }).json();
    expect(sandbox.requests.count('/adv-core-api/partner/v1.0/token')).toBe(before + 2); // 503, then a new token
    expect(sandbox.uploads).toHaveLength(3);

    await server.close();
  });

  it('pure signing functions', async () => {
    const body = '{"grant_type":"client_credentials","valid_time":"360"}';
    const digest = await dokuDigest(body); // '23kYsU7yk6vZ/exEcBe1UAFmjn17wuk165Oc+E3Cb8Y='
    const signature = await dokuSignature({
      clientId: 'BRN-0001-10791114622547',
      requestId: 'fdb69f47-96da-499d-acec-7cdc318ab2fe',
      timestamp: '2020-08-11T08:45:42Z',
      target: '/adv-core-api/partner/v1.0/token',
      body,
      secretKey: 'SK-test',
    }); // 'HMACSHA256=FVyzSMy9TDueknPvpmykNHNVvD/V7w+/AvqEMxo6sws='

    // The values printed in the README are vector DOKU-TOKEN-1 of vectors/doku-partner.json.
    expect(digest).toBe(TOKEN_VECTOR.digest);
    expect(signature).toBe(TOKEN_VECTOR.signature);
  });

  it('explaining a signature: labelled lines, a check over the unpadded-Digest string, the headers', async () => {
    const components = {
      clientId: 'BRN-0001-10791114622547',
      requestId: 'fdb69f47-96da-499d-acec-7cdc318ab2fe',
      timestamp: '2020-08-11T08:45:42Z',
      target: '/adv-core-api/partner/v1.0/token',
      body: '{"grant_type":"client_credentials","valid_time":"360"}',
    };
    const explained = await dokuStringToSignParts(components);
    const labels = explained.parts.map((part) => part.label);
    // ['Client-Id', 'Request-Id', 'Request-Timestamp', 'Request-Target', 'Digest']

    const received = 'HMACSHA256=FVyzSMy9TDueknPvpmykNHNVvD/V7w+/AvqEMxo6sws=';
    const matches = await verifyDokuStringToSign({
      stringToSign: explained.stringToSign,
      secretKey: 'SK-test',
      signature: received,
    }); // true
    // Did the signer write the Digest without its "=" padding? Check its signature over that string.
    const unpadded = await dokuStringToSignParts(components, { unpaddedDigest: true });
    const unpaddedMatches = await verifyDokuStringToSign({
      stringToSign: unpadded.stringToSign,
      secretKey: 'SK-test',
      signature: received,
    }); // false

    const headers = dokuSignedHeaders({ ...components, signature: received });
    // { 'Client-Id': 'BRN-…', 'Request-Id': 'fdb69f47-…', 'Request-Timestamp': '2020-08-11T08:45:42Z',
    //   Signature: 'HMACSHA256=FVyz…', 'Content-Type': 'application/json' }
    const sent = headers[DOKU_HEADERS.signature]; // 'HMACSHA256=FVyz…'

    expect(labels).toEqual(['Client-Id', 'Request-Id', 'Request-Timestamp', 'Request-Target', 'Digest']);
    expect(matches).toBe(true);
    expect(unpaddedMatches).toBe(false);
    expect(headers).toEqual({
      'Client-Id': 'BRN-0001-10791114622547',
      'Request-Id': 'fdb69f47-96da-499d-acec-7cdc318ab2fe',
      'Request-Timestamp': '2020-08-11T08:45:42Z',
      Signature: received,
      'Content-Type': 'application/json',
    });
    expect(sent).toBe(received);
  });

  it('notifications', async () => {
    const sandbox = createDokuSandbox({
      clients: [{ clientId: 'BRN-0001-10791114622547', secretKey: 'SK-sandbox-secret' }],
    });

    const replayStore = memoryReplayStore(); // share one (e.g. Redis) between replicas

    async function handleDokuNotification(request: Request): Promise<Response> {
      try {
        const notification = await verifyDokuNotification(request, {
          secretKey: 'SK-sandbox-secret',
          clientId: 'BRN-0001-10791114622547',
          replayStore, // optional: recognise redeliveries (notification.duplicate)
        });
        const payload = JSON.parse(notification.body); // the raw bytes were verified, never re-serialised
        return Response.json({ received: payload.order.invoice_number });
      } catch (error) {
        if (isSignatureError(error)) return new Response(error.check, { status: 401 }); // header | timestamp | signature
        throw error;
      }
    }

    const merchant = await serveOnLoopback(handleDokuNotification, 0);
    const merchantUrl = merchant.url;

    const delivery = await sandbox.sendNotification({
      url: `${merchantUrl}/payments/notifications`,
      body: { order: { invoice_number: 'INV-20240821-0001', amount: 15000 } },
    });
    // delivery.status === 200

    expect(delivery.status).toBe(200);
    expect(JSON.parse(delivery.body)).toEqual({ received: 'INV-20240821-0001' });

    const forged = sandbox.createNotification({ url: `${merchantUrl}/payments/notifications`, body: '{}' });
    forged.headers.set('Signature', 'HMACSHA256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    const refused = await fetch(forged);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toBe('signature');
    // A redelivery is answered again, not refused.
    const redelivery = sandbox.createNotification({
      url: `${merchantUrl}/payments/notifications`,
      body: { order: { invoice_number: 'INV-20240821-0001', amount: 15000 } },
      requestId: delivery.requestId,
    });
    expect((await fetch(redelivery)).status).toBe(200);
    await merchant.close();
  });

  it('production configuration', async () => {
    vi.stubEnv('DOKU_CLIENT_ID', 'BRN-0001-10791114622547');
    vi.stubEnv('DOKU_SECRET_KEY', 'SK-from-the-back-office');

    const doku = createDokuPartnerAuth({
      clientId: process.env.DOKU_CLIENT_ID ?? '',
      secretKey: new Secret(process.env.DOKU_SECRET_KEY ?? ''), // never printed, never serialised
      baseUrl: 'production', // https://api.doku.com ('test' → https://api-uat.doku.com)
      responseSignature: 'require', // refuse unsigned 2xx answers
      timeoutMs: 10_000,
      retry: { limit: 2 },
    });

    expect(doku.baseUrl).toBe('https://api.doku.com');
    expect(JSON.stringify(doku)).not.toContain('SK-from-the-back-office');
  });
});

it('every README example is tested', () => {
  expect(
    untestedReadmeBlocks(new URL('../README.md', import.meta.url).pathname, [
      new URL('./readme.test.ts', import.meta.url).pathname,
    ]),
  ).toEqual([]);
});
