// Runs every example of README.md against the local sandbox; the last test checks that every
// ```ts block of the README appears here, so the docs cannot drift from working code.
import { createHash } from 'node:crypto';
import { isProviderError } from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { untestedReadmeBlocks } from '@org/vitest-config/readme';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { classicSignatureVector, tokenSignatureVector } from './__fixtures__/vectors.js';
import {
  FONDY_REQUEST_HEADERS,
  type FondyVerifiedCallback,
  fondyPaymentStringToSignParts,
  fondySdkSignature,
  fondySignature,
  fondySigningString,
  fondyTokenRequestBody,
  fondyTokenSignature,
  fondyTokenStringToSignParts,
  verifyFondyCallback,
  verifyFondyTokenSignature,
} from './index.js';
import { createFondyCallback, sendFondyCallback } from './testing/index.js';

// What the first example prints, captured.
const printed: unknown[][] = [];
const console = { log: (...args: unknown[]) => void printed.push(args), error: globalThis.console.error };

// --- README: the first example, at module level: it runs alone, as pasted into an empty .mjs file.
import { createFondyAuth } from '@org/fondy-auth';
import { createFondySandbox } from '@org/fondy-auth/testing';

// Here the local sandbox plays Fondy. For Fondy itself, pass your application id (from Fondy
// support, at most 20 characters), its private key and baseUrl: 'wallet' (the default),
// 'portal', 'flitt' or a URL.
const sandbox = createFondySandbox({ applications: [{ applicationId: '1234', secretKey: 'secret-key' }] });
const server = await sandbox.listen(); // http://127.0.0.1:<free port>

const fondy = createFondyAuth({
  applicationId: '1234',
  secretKey: 'secret-key', // the application's private key, never sent
  baseUrl: server.url,
});

const report = await fondy.ky
  .post('api/extend/company/report/', {
    json: {
      report_id: 745,
      merchant_id: 1549901,
      filters: [{ s: 'order_timestart', m: 'from', v: '2025-01-23' }],
      on_page: 100,
      page: 1,
    },
  })
  .json(); // { fields: string[], data: unknown[][], rows_count: number }
console.log(report);
await server.close(); // the examples below use `fondy` with the sandbox still running

// ---------------------------------------------------------------------------------------------

const fixture = createFondySandbox({ applications: [{ applicationId: '1234', secretKey: 'secret-key' }] });
let running: RunningSandbox;

beforeAll(async () => {
  running = await fixture.listen();
  vi.stubEnv('FONDY_APPLICATION_ID', '1234');
  vi.stubEnv('FONDY_SECRET_KEY', 'secret-key');
  vi.stubEnv('FONDY_BASE_URL', running.url);
  vi.stubEnv('FONDY_PAYMENT_KEY', 'test');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await running.close();
});

describe('README examples', () => {
  it('quick start: a Company Reports call against the sandbox', () => {
    expect(printed[0]?.[0]).toMatchObject({ rows_count: 2, data: [expect.any(Array), expect.any(Array)] });
    expect(sandbox.requests.count(sandbox.tokenPath)).toBe(1);
  });

  it('the token and fetch', async () => {
    // The examples below use a client of the quick start's kind, on a running sandbox.
    const fondy = createFondyAuth({ applicationId: '1234', secretKey: 'secret-key', baseUrl: running.url });
    const token = await fondy.getToken(); // cached; one request for all concurrent callers
    token.tokenType; // 'Token'
    token.expiresAt; // Date: when the token was requested + expires_in seconds
    token.data.requestId; // Fondy's request_id of the token answer
    const authorization = await fondy.authorizationHeader(); // 'Token Yq0GXWeOZ1m8BsiCa4iQPDB84Wjw346'
    expect(token.tokenType).toBe('Token');
    expect(authorization).toBe(`Token ${token.token}`);
    expect(token.data.requestId).toEqual(expect.any(String));

    const response = await fondy.fetch('api/extend/company/report/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ report_id: 745, merchant_id: 1549901, filters: [], on_page: 10, page: 1 }),
    });
    const page = await response.json();
    if ('err_code' in page) throw new Error(`Fondy: ${page.error}`);
    expect(page.rows_on_page).toBe(10);
    expect(fixture.requests.count(fixture.tokenPath)).toBe(1);
  });

  it('formatDate', async () => {
    const fondy = createFondyAuth({
      applicationId: process.env.FONDY_APPLICATION_ID!,
      secretKey: process.env.FONDY_SECRET_KEY!,
      baseUrl: process.env.FONDY_BASE_URL ?? 'wallet',
      formatDate: (now) => String(Math.floor(now.getTime() / 1000)), // '1586171727'
    });
    await fondy.getToken();
    const sent = JSON.parse(fixture.requests.to(fixture.tokenPath).at(-1)?.body ?? '');
    expect(sent.date).toMatch(/^\d{10}$/);
  });

  it('the 403', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const fondy = createFondyAuth({ applicationId: '1234', secretKey: 'not-the-key', baseUrl: running.url });
    try {
      await fondy.getToken();
    } catch (error) {
      if (isProviderError(error) && error.status === 403) {
        console.error(error.providerMessage, error.details?.requestId); // 'Incorrect signature' 'cGeC7PH59ESqQw30'
      }
    }
    expect(error).toHaveBeenCalledWith('Incorrect signature', expect.stringMatching(/^[A-Za-z0-9]{16}$/));
  });

  it('the classic payment signature', async () => {
    const request = {
      order_id: 'test123456',
      order_desc: 'test order',
      currency: 'USD',
      amount: 125, // numbers are signed as String(n): '125'
      merchant_id: 1396424,
    };
    const signature = await fondySignature(request, 'test'); // 'df38818facfbfd79953fa847667dac73a1291127'
    fondySigningString(request); // '125|USD|1396424|test order|test123456'
    // The values printed in the README are vector FONDY-PAYMENT-1 of vectors/fondy.json.
    expect(signature).toBe(classicSignatureVector.signature);
    expect(fondySigningString(request)).toBe(classicSignatureVector.signingString);
  });

  it('verifying a callback', async () => {
    async function handleFondyCallback(request: Request): Promise<Response> {
      const callback = await verifyFondyCallback(request, process.env.FONDY_PAYMENT_KEY!);
      if (callback === false) return new Response('bad signature', { status: 400 });
      const { order_id, amount, currency } = callback.params;
      if (!(await orderMatches(order_id, amount, currency))) return new Response('unknown order', { status: 400 });
      // Mark the order paid once per order_id: Fondy repeats a callback until it gets a 200.
      return new Response('OK');
    }
    const seen: unknown[] = [];
    const orderMatches = async (...values: unknown[]) => {
      seen.push(values);
      return values[0] === 'test123456';
    };
    const callback = { order_id: 'test123456', order_status: 'approved', amount: '125', merchant_id: 1396424 };
    const signature = createHash('sha1').update('test|125|1396424|test123456|approved').digest('hex');
    const post = (body: string, type: string) =>
      new Request('https://shop.example/fondy', { method: 'POST', body, headers: { 'content-type': type } });
    const json = (body: unknown) => post(JSON.stringify(body), 'application/json');
    expect((await handleFondyCallback(json({ ...callback, signature }))).status).toBe(200);
    expect((await handleFondyCallback(json({ ...callback, amount: '1', signature }))).status).toBe(400);
    const form = new URLSearchParams({ ...callback, merchant_id: '1396424', signature }).toString();
    expect((await handleFondyCallback(post(form, 'application/x-www-form-urlencoded'))).status).toBe(200);
    const data = Buffer.from(JSON.stringify({ order: { ...callback, currency: 'USD' } })).toString('base64');
    const v2 = {
      response: { version: '2.0', data, signature: createHash('sha1').update(`test|${data}`).digest('hex') },
    };
    expect((await handleFondyCallback(json(v2))).status).toBe(200);
    expect(seen).toEqual([
      ['test123456', '125', undefined],
      ['test123456', '125', undefined],
      ['test123456', '125', 'USD'],
    ]);
  });

  it('the token signature on its own', async () => {
    const tokenSignature = await fondyTokenSignature({
      secretKey: 'secret-key',
      applicationId: '1234',
      date: '2020-04-06 11:15:27',
    }); // '5e67765dea7563887be899589cbcc1f13a57d69cafafba39abe3943074e407d02fbd6d07782dd5928716b60faf98df912038f242cc7d35d0fd487943dcfc143b'
    expect(tokenSignature).toBe(tokenSignatureVector.signature); // vector FONDY-TOKEN-1

    // --- README: Explaining a signature
    const payment = fondyPaymentStringToSignParts({ order_id: 'test123456', currency: 'USD', amount: 125 });
    payment.stringToSign; // '<payment key>|125|USD|test123456'
    payment.parts.map((part) => part.label); // ['payment key (not shown)', 'amount', 'currency', 'order_id']

    const tokenRequest = { applicationId: '1234', date: '2020-04-06 11:15:27' };
    fondyTokenStringToSignParts(tokenRequest).stringToSign; // '<secret key>|1234|2020-04-06 11:15:27'
    const valid = await verifyFondyTokenSignature({
      ...tokenRequest,
      secretKey: 'secret-key',
      signature: tokenSignature,
    }); // true
    const body = fondyTokenRequestBody({ ...tokenRequest, signature: tokenSignature });
    // '{"application_id":"1234","date":"2020-04-06 11:15:27","signature":"5e67…"}', sent with FONDY_REQUEST_HEADERS

    // A callback signed by the PHP SDK with a boolean (which this package refuses to sign):
    const php = await fondySdkSignature({ order_id: 'o1', preauth: true }, 'test', 'php'); // sha1('test|o1|1')
    expect(payment.stringToSign).toBe('<payment key>|125|USD|test123456');
    expect(payment.parts.map((part) => part.label)).toEqual([
      'payment key (not shown)',
      'amount',
      'currency',
      'order_id',
    ]);
    expect(fondyTokenStringToSignParts(tokenRequest).stringToSign).toBe('<secret key>|1234|2020-04-06 11:15:27');
    expect(valid).toBe(true);
    expect(JSON.parse(body)).toEqual({
      application_id: '1234',
      date: '2020-04-06 11:15:27',
      signature: tokenSignature,
    });
    expect(FONDY_REQUEST_HEADERS['Content-Type']).toBe('application/json; charset=utf-8');
    expect(php).toBe(createHash('sha1').update('test|o1|1').digest('hex'));
  });

  it('the sandbox', async () => {
    const sandbox = createFondySandbox({ applications: [{ applicationId: '1234', secretKey: 'secret-key' }] });
    const server = await sandbox.listen(); // http://127.0.0.1:<free port>
    const fondy = createFondyAuth({ applicationId: '1234', secretKey: 'secret-key', baseUrl: server.url });

    await fondy.getToken();
    sandbox.requests.count(sandbox.tokenPath); // 1
    sandbox.expireTokens(); // the next API call is answered "Invalid auth token"…
    await fondy.ky.post('api/extend/company/report/', { json: { report_id: 745, merchant_id: 1 } }).json();
    sandbox.requests.count(sandbox.tokenPath); // 2: …so it fetched a new token once and succeeded
    sandbox.faults.inject({ type: 'status', status: 503 }, { path: sandbox.tokenPath, times: 1 }); // next token request
    await server.close();
    expect(sandbox.requests.count(sandbox.tokenPath)).toBe(2);
    expect(sandbox.requests.count(sandbox.reportPath)).toBe(2);
  });
});

describe('README: Fondy calling your callback URL', () => {
  it('sendFondyCallback and createFondyCallback against a handler that verifies', async () => {
    // The README's handleFondyCallback, with the order check of your own code left out.
    const handled: FondyVerifiedCallback[] = [];
    async function handleFondyCallback(request: Request): Promise<Response> {
      const callback = await verifyFondyCallback(request, process.env.FONDY_PAYMENT_KEY!);
      if (callback === false) return new Response('bad signature', { status: 400 });
      handled.push(callback);
      return new Response('OK');
    }

    // Your endpoint (here handleFondyCallback from above), served on 127.0.0.1:
    const shop = await serveOnLoopback(handleFondyCallback, 0); // from @org/signing-core/testing/node
    const delivery = await sendFondyCallback({
      url: `${shop.url}/fondy/callback`,
      paymentKey: process.env.FONDY_PAYMENT_KEY!, // your merchant's payment key; never sent
      merchantId: 1396424,
      protocol: '1.0', // or '2.0'
      format: 'json', // or 'form'
      attempts: 3,
      timeoutMs: 2000,
    });
    delivery.ok; // true: your endpoint answered 2xx
    delivery.orderId; // 'payauth-…': the sample callback's order_id
    delivery.attempts; // [{ attempt: 1, outcome: 'answered', status: 200, answer: 'OK', durationMs: 3 }]
    await shop.close();

    // The same callback as a Request, for calling a handler without a server:
    const request = await createFondyCallback({
      url: 'https://shop.example/fondy',
      paymentKey: 'test',
      protocol: '2.0',
    });
    const response = await handleFondyCallback(request); // 200 'OK'

    expect(delivery.ok).toBe(true);
    expect(delivery.orderId).toMatch(/^payauth-/);
    expect(delivery.attempts).toEqual([
      { attempt: 1, outcome: 'answered', status: 200, answer: 'OK', durationMs: expect.any(Number) },
    ]);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('OK');
    expect(handled.map((callback) => [callback.protocol, callback.params.order_status])).toEqual([
      ['1.0', 'approved'],
      ['2.0', 'approved'],
    ]);
    expect(handled[0]?.params).toMatchObject({ order_id: delivery.orderId, merchant_id: 1396424 });
  });
});

it('every README example is tested', () => {
  expect(
    untestedReadmeBlocks(new URL('../README.md', import.meta.url).pathname, [
      new URL('./readme.test.ts', import.meta.url).pathname,
    ]),
  ).toEqual([]);
});
