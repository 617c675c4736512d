// sendFondyCallback over real HTTP, against a merchant endpoint on node:http (127.0.0.1) that
// checks every callback with verifyFondyCallback, the package's own verifier, and for protocol
// 1.0 JSON also with the official Node SDK (cloudipsp-node-js-sdk, test-only).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { isAuthError, Secret } from '@org/signing-core';
import sdkUtil from 'cloudipsp-node-js-sdk/lib/util.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type FondyVerifiedCallback, verifyFondyCallback } from '../index.js';
import { createFondyCallback, sendFondyCallback } from './index.js';

const sdk = sdkUtil as { validateResponse(response: Record<string, unknown>, secret: string): boolean };

/** What the merchant endpoint saw of one POST. */
interface Received {
  readonly contentType: string | undefined;
  readonly body: string;
  readonly verified: FondyVerifiedCallback | false;
}

type Answer = (received: Received, res: ServerResponse, index: number) => void;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A merchant's callback endpoint: verifies with `paymentKey`, records, then answers as `answer` says. */
async function merchant(paymentKey: string, answer: Answer) {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const request = new Request(`http://127.0.0.1${req.url ?? '/'}`, {
        method: req.method ?? 'POST',
        headers: req.headers as Record<string, string>,
        body: bytes,
      });
      verifyFondyCallback(request, paymentKey).then(
        (verified) => {
          const entry = { contentType: req.headers['content-type'], body: bytes.toString('utf8'), verified };
          received.push(entry);
          answer(entry, res, received.length - 1);
        },
        () => {
          res.statusCode = 500;
          res.end('verifier threw');
        },
      );
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/fondy/callback`, received };
}

/** The usual merchant: 200 `OK` for a callback that verifies, 400 otherwise. */
const verifying: Answer = (received, res) => {
  res.statusCode = received.verified === false ? 400 : 200;
  res.end(received.verified === false ? 'bad signature' : 'OK');
};

const KEY = 'test';
const params = {
  order_id: 'shop-1001',
  merchant_id: 1396424,
  amount: 12500,
  currency: 'UAH',
  order_status: 'approved',
  response_status: 'success',
  rrn: '',
  masked_card: '444455XXXXXX1111',
  additional_info: '{"bank_name": "Ощадбанк"}',
};

describe('sendFondyCallback delivers callbacks the merchant verifies', () => {
  it('protocol 1.0 as JSON: verified by the package and by the official SDK, accepted at the first attempt', async () => {
    const shop = await merchant(KEY, verifying);
    const delivery = await sendFondyCallback({ url: shop.url, paymentKey: KEY, params });
    expect(delivery).toMatchObject({ ok: true, protocol: '1.0', format: 'json', orderId: 'shop-1001', status: 200 });
    expect(delivery.answer).toBe('OK');
    expect(delivery.attempts).toEqual([
      { attempt: 1, outcome: 'answered', status: 200, answer: 'OK', durationMs: expect.any(Number) },
    ]);
    const [seen] = shop.received;
    expect(seen?.contentType).toBe('application/json');
    const body = JSON.parse(seen?.body ?? '') as Record<string, unknown>;
    expect(body).toEqual({ ...params, signature: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(seen?.verified).toEqual({ protocol: '1.0', format: 'json', params: body });
    expect(sdk.validateResponse(body, KEY)).toBe(true);
  });

  it('protocol 1.0 as a form: the fields as text, null left out', async () => {
    const shop = await merchant(KEY, verifying);
    const delivery = await sendFondyCallback({
      url: shop.url,
      paymentKey: new Secret(KEY),
      params: { ...params, fee: null },
      format: 'form',
    });
    expect(delivery).toMatchObject({ ok: true, protocol: '1.0', format: 'form' });
    const [seen] = shop.received;
    expect(seen?.contentType).toBe('application/x-www-form-urlencoded');
    expect(seen?.body).toContain('order_id=shop-1001&merchant_id=1396424&amount=12500&');
    expect(seen?.body).not.toContain('fee=');
    expect(seen?.verified).toMatchObject({
      protocol: '1.0',
      format: 'form',
      params: { order_id: 'shop-1001', merchant_id: '1396424', amount: '12500', rrn: '' },
    });
  });

  it('protocol 2.0, as JSON and as a form: data is base64 of {"order": params}, which may hold anything', async () => {
    const shop = await merchant(KEY, verifying);
    const rich = { ...params, preauth: true, items: [1, 2], recurring_data: { every: 1, period: 'month' } };
    for (const format of ['json', 'form'] as const) {
      const delivery = await sendFondyCallback({
        url: shop.url,
        paymentKey: KEY,
        params: rich,
        protocol: '2.0',
        format,
      });
      expect(delivery).toMatchObject({ ok: true, protocol: '2.0', format, orderId: 'shop-1001' });
    }
    const [json, form] = shop.received;
    const envelope = JSON.parse(json?.body ?? '') as Record<string, string>;
    expect(Object.keys(envelope)).toEqual(['version', 'data', 'signature']);
    expect(envelope.version).toBe('2.0');
    expect(JSON.parse(Buffer.from(envelope.data as string, 'base64').toString('utf8'))).toEqual({ order: rich });
    expect(json?.verified).toEqual({ protocol: '2.0', format: 'json', params: rich, payload: { order: rich } });
    expect(form?.contentType).toBe('application/x-www-form-urlencoded');
    expect(form?.verified).toMatchObject({ protocol: '2.0', format: 'form', params: rich });
  });

  it('by default: a sample approved order for merchantId (or Fondy test merchant 1396424)', async () => {
    const shop = await merchant(KEY, verifying);
    const first = await sendFondyCallback({ url: shop.url, paymentKey: KEY });
    const second = await sendFondyCallback({ url: shop.url, paymentKey: KEY, merchantId: '1549901', protocol: '2.0' });
    expect(first.ok && second.ok).toBe(true);
    const [one, two] = shop.received.map((seen) => (seen.verified as FondyVerifiedCallback).params);
    expect(one).toMatchObject({
      merchant_id: 1396424,
      order_status: 'approved',
      response_status: 'success',
      amount: 12500,
      currency: 'UAH',
      order_id: first.orderId,
      order_time: expect.stringMatching(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/),
    });
    expect(two).toMatchObject({ merchant_id: 1549901, order_status: 'approved', order_id: second.orderId });
    expect(first.orderId).toMatch(/^payauth-[A-Za-z0-9]{12}$/);
    expect(second.orderId).not.toBe(first.orderId);
  });

  it('merchantId fills in a missing merchant_id and must agree with one that is there', async () => {
    const shop = await merchant(KEY, verifying);
    const { merchant_id: _, ...withoutId } = params;
    await sendFondyCallback({ url: shop.url, paymentKey: KEY, params: withoutId, merchantId: 42 });
    expect(shop.received[0]?.verified).toMatchObject({ params: { merchant_id: 42 } });
    await sendFondyCallback({ url: shop.url, paymentKey: KEY, params, merchantId: '1396424' });
    const error = await sendFondyCallback({ url: shop.url, paymentKey: KEY, params, merchantId: 7 }).catch((e) => e);
    expect(isAuthError(error, 'ERR_CONFIG')).toBe(true);
    expect(error.issues).toEqual([expect.objectContaining({ path: 'merchantId' })]);
    expect(shop.received).toHaveLength(2);
  });

  it('a signature in params is not sent as given: the callback is signed anew', async () => {
    const shop = await merchant(KEY, verifying);
    const delivery = await sendFondyCallback({
      url: shop.url,
      paymentKey: KEY,
      params: { ...params, signature: 'f'.repeat(40), response_signature_string: '**|x' },
    });
    expect(delivery.ok).toBe(true);
    expect(shop.received[0]?.body).not.toContain('f'.repeat(40));
    expect(shop.received[0]?.body).not.toContain('response_signature_string');
  });
});

describe('a forged callback is refused by the merchant', () => {
  it.each([
    ['1.0', 'json'],
    ['1.0', 'form'],
    ['2.0', 'json'],
  ] as const)('protocol %s as %s, signed with another key: 400 at every attempt', async (protocol, format) => {
    const shop = await merchant(KEY, verifying);
    const delivery = await sendFondyCallback({
      url: shop.url,
      paymentKey: 'not-the-merchant-key',
      params,
      protocol,
      format,
      attempts: 2,
    });
    expect(delivery).toMatchObject({ ok: false, status: 400, answer: 'bad signature' });
    expect(delivery.attempts.map((attempt) => [attempt.outcome, attempt.status])).toEqual([
      ['answered', 400],
      ['answered', 400],
    ]);
    expect(shop.received.map((seen) => seen.verified)).toEqual([false, false]);
  });
});

describe('redelivery', () => {
  it('after a 500, the same bytes again (after delayMs), until a 2xx', async () => {
    const shop = await merchant(KEY, (received, res, index) => {
      if (index < 2) {
        res.statusCode = 500;
        res.end('database down');
      } else verifying(received, res, index);
    });
    const startedAt: number[] = [];
    const timedFetch: typeof fetch = (input, init) => {
      startedAt.push(performance.now());
      return fetch(input, init);
    };
    const delivery = await sendFondyCallback({
      url: shop.url,
      paymentKey: KEY,
      params,
      attempts: 5,
      delayMs: 60,
      fetch: timedFetch,
    });
    expect(delivery.ok).toBe(true);
    expect(delivery.attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.answer])).toEqual([
      [1, 500, 'database down'],
      [2, 500, 'database down'],
      [3, 200, 'OK'],
    ]);
    expect(new Set(shop.received.map((seen) => seen.body)).size).toBe(1);
    expect(shop.received.every((seen) => seen.verified !== false)).toBe(true);
    for (let i = 1; i < startedAt.length; i += 1) {
      expect((startedAt[i] as number) - (startedAt[i - 1] as number)).toBeGreaterThanOrEqual(55);
    }
  });

  it('stops after `attempts` when every answer is non-2xx', async () => {
    const shop = await merchant(KEY, (_received, res) => {
      res.statusCode = 503;
      res.end();
    });
    const delivery = await sendFondyCallback({ url: shop.url, paymentKey: KEY, params, attempts: 4 });
    expect(delivery).toMatchObject({ ok: false, status: 503, answer: '' });
    expect(delivery.attempts).toHaveLength(4);
    expect(shop.received).toHaveLength(4);
  });

  it('after a timeout: no answer, or an answer whose body never ends, within timeoutMs', async () => {
    const shop = await merchant(KEY, (received, res, index) => {
      if (index === 0) return; // never answers
      if (index === 1) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('O'); // …and never ends
        return;
      }
      verifying(received, res, index);
    });
    const delivery = await sendFondyCallback({ url: shop.url, paymentKey: KEY, params, timeoutMs: 250 });
    expect(delivery.ok).toBe(true);
    const [first, second, third] = delivery.attempts;
    expect(first).toMatchObject({ outcome: 'timeout', status: undefined, answer: '' });
    expect(second).toMatchObject({ outcome: 'timeout', status: 200, answer: '' });
    expect(third).toMatchObject({ outcome: 'answered', status: 200, answer: 'OK' });
    for (const attempt of [first, second]) {
      expect(attempt?.durationMs).toBeGreaterThanOrEqual(240);
      expect(attempt?.durationMs).toBeLessThan(5000);
    }
    expect(shop.received).toHaveLength(3);
  });

  it('a network error (nothing listening) is reported with its code, and redelivered', async () => {
    const shop = await merchant(KEY, verifying);
    const closed = servers.pop() as Server;
    closed.closeAllConnections();
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const delivery = await sendFondyCallback({ url: shop.url, paymentKey: KEY, params, attempts: 2 });
    expect(delivery).toMatchObject({ ok: false, status: undefined, answer: '' });
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'network-error', errorCode: 'ECONNREFUSED' }),
      expect.objectContaining({ attempt: 2, outcome: 'network-error', errorCode: 'ECONNREFUSED' }),
    ]);
  });

  it('signal stops it, during an attempt or the wait between two: TransportError ERR_ABORTED', async () => {
    const shop = await merchant(KEY, () => {}); // never answers
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const during = await sendFondyCallback({ url: shop.url, paymentKey: KEY, signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(isAuthError(during, 'ERR_ABORTED')).toBe(true);
    expect(during).toMatchObject({ provider: 'fondy', attempts: 0 });

    const failing = await merchant(KEY, (_received, res) => {
      res.statusCode = 500;
      res.end();
    });
    const waiting = new AbortController();
    setTimeout(() => waiting.abort(), 150);
    const between = await sendFondyCallback({
      url: failing.url,
      paymentKey: KEY,
      delayMs: 60_000,
      signal: waiting.signal,
    }).catch((e: unknown) => e);
    expect(isAuthError(between, 'ERR_ABORTED')).toBe(true);
    expect(between).toMatchObject({ attempts: 1 });
    expect(failing.received).toHaveLength(1);
  });
});

describe('secrets and answers', () => {
  it('neither the key nor the signature appear in the delivery, even when the merchant quotes them', async () => {
    const paymentKey = `pk-${randomBytes(16).toString('hex')}`;
    let signature = '';
    const shop = await merchant(paymentKey, (received, res) => {
      signature = (JSON.parse(received.body) as { signature: string }).signature;
      res.statusCode = 500;
      res.setHeader('content-type', 'text/plain');
      // A careless endpoint echoing what it got, its key and the signature in upper case.
      res.end(`got ${received.body} key=${paymentKey} SIG=${signature.toUpperCase()}`);
    });
    const delivery = await sendFondyCallback({ url: shop.url, paymentKey, params, attempts: 2 });
    expect(signature).toMatch(/^[0-9a-f]{40}$/);
    expect(delivery.answer).toContain('got {');
    expect(delivery.answer).toContain('key=[REDACTED]');
    for (const view of [JSON.stringify(delivery), inspect(delivery, { depth: 10 }), delivery.answer]) {
      expect(view).not.toContain(paymentKey);
      expect(view).not.toContain(signature);
      expect(view).not.toContain(signature.toUpperCase());
    }
  });

  it('errors for bad options or parameters never hold the key', async () => {
    const paymentKey = `pk-${randomBytes(16).toString('hex')}`;
    const errors = await Promise.all([
      sendFondyCallback({ url: 'not a url', paymentKey }).catch((e: unknown) => e),
      sendFondyCallback({ url: 'http://127.0.0.1:9/', paymentKey, params: { flag: true } }).catch((e: unknown) => e),
      sendFondyCallback({ url: 'http://127.0.0.1:9/', paymentKey: new Secret(paymentKey), attempts: 99 }).catch(
        (e: unknown) => e,
      ),
    ]);
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual([
      'ERR_CONFIG',
      'ERR_INVALID_INPUT',
      'ERR_CONFIG',
    ]);
    for (const error of errors) {
      for (const view of [
        JSON.stringify(error),
        inspect(error, { depth: 10, showHidden: true }),
        (error as Error).message,
        String((error as Error).stack),
      ]) {
        expect(view).not.toContain(paymentKey);
      }
    }
  });

  it('the answer excerpt is at most 512 characters', async () => {
    const shop = await merchant(KEY, (_received, res) => {
      res.end('x'.repeat(200_000));
    });
    const delivery = await sendFondyCallback({ url: shop.url, paymentKey: KEY, params });
    expect(delivery.answer).toBe(`${'x'.repeat(512)}…`);
  });
});

describe('createFondyCallback', () => {
  it('returns the signed Request without sending it, for testing a handler directly', async () => {
    for (const [protocol, format] of [
      ['1.0', 'json'],
      ['1.0', 'form'],
      ['2.0', 'json'],
      ['2.0', 'form'],
    ] as const) {
      const request = await createFondyCallback({
        url: 'https://shop.example/fondy',
        paymentKey: KEY,
        params,
        protocol,
        format,
      });
      expect(request.method).toBe('POST');
      expect(request.url).toBe('https://shop.example/fondy');
      expect(await verifyFondyCallback(request.clone(), KEY)).toMatchObject({ protocol, format });
      expect(await verifyFondyCallback(request, 'other')).toBe(false);
    }
  });
});

describe('bad options and parameters', () => {
  it('ConfigError lists every bad option by name, with what was expected and never the value', async () => {
    const error = await sendFondyCallback({
      url: 'ftp://shop.example',
      paymentKey: '',
      protocol: '3.0' as never,
      format: 'xml' as never,
      attempts: 0,
      timeoutMs: 1.5,
      delayMs: -1,
      fetch: 'fetch' as never,
      signal: {} as never,
      params: [] as never,
      merchantId: 'shop-secret-id',
      retries: 2,
    } as never).catch((e: unknown) => e);
    expect(isAuthError(error, 'ERR_CONFIG')).toBe(true);
    const { issues, message } = error as { issues: { path: string; expected: string }[]; message: string };
    expect(issues.map((item) => item.path).sort()).toEqual(
      [
        'attempts',
        'delayMs',
        'fetch',
        'format',
        'merchantId',
        'params',
        'paymentKey',
        'protocol',
        'retries',
        'signal',
        'timeoutMs',
        'url',
      ].sort(),
    );
    expect(message).toContain('attempts (expected a whole number from 1 to 20, received a number)');
    expect(message).toContain("protocol (expected '1.0' or '2.0', received a string)");
    expect(message).not.toContain('3.0');
    expect(message).not.toContain('shop-secret-id');
    await expect(sendFondyCallback(undefined as never)).rejects.toMatchObject({ code: 'ERR_CONFIG' });
    await expect(createFondyCallback({ url: 'http://x', paymentKey: KEY, attempts: 2 } as never)).rejects.toMatchObject(
      { code: 'ERR_CONFIG', issues: [expect.objectContaining({ path: 'attempts' })] },
    );
  });

  it('protocol 1.0 refuses a value it cannot sign (InputError naming the field), before sending', async () => {
    const shop = await merchant(KEY, verifying);
    for (const extra of [{ preauth: true }, { items: ['a'] }, { nested: { a: 1 } }]) {
      const error = await sendFondyCallback({ url: shop.url, paymentKey: KEY, params: { ...params, ...extra } }).catch(
        (e: unknown) => e,
      );
      expect(isAuthError(error, 'ERR_INVALID_INPUT')).toBe(true);
      expect(error).toMatchObject({ field: `params.${Object.keys(extra)[0]}` });
    }
    const cyclic: Record<string, unknown> = { order_id: 'o' };
    cyclic.self = cyclic;
    await expect(
      sendFondyCallback({ url: shop.url, paymentKey: KEY, params: cyclic, protocol: '2.0' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'params' });
    expect(shop.received).toHaveLength(0);
  });
});
