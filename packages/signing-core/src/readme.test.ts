// Runs every example of README.md against a local sandbox; the last test checks that every
// ```ts block of the README appears here, so the docs cannot drift from working code.
import { readFileSync } from 'node:fs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { untestedReadmeBlocks } from '@org/vitest-config/readme';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type AuthEvent,
  createTokenManager,
  digest,
  formatCompactTimestamp,
  formatIsoTimestamp,
  formatUtcTimestamp,
  fromBase64,
  hmac,
  importRsaPrivateKey,
  isAuthError,
  isKeyFormatError,
  isProviderError,
  isRecord,
  minifyJson,
  openTelemetryHandler,
  phpJsonEncode,
  rsaSign,
  rsaVerify,
  toBase64,
  toBase64Url,
  toHex,
} from './index.js';
import { createHttpClient } from './provider-kit.js';
import { createSandboxCore, deliver, jsonResponse, type RunningSandbox } from './testing/index.js';

const pem = readFileSync(new URL('./__fixtures__/keys/snap-b2b-1.pem', import.meta.url), 'utf8');
const { createPublicKey } = await import('node:crypto');
const publicPem = createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
const concatForExample = (timestamp: string, body: Uint8Array, attempt: number) =>
  `${timestamp}:${new TextDecoder().decode(body)}:${attempt}`;

let server: RunningSandbox;
const notifyAnswers = [503];
const sandbox = createSandboxCore(async (request) => {
  const path = new URL(request.url).pathname;
  if (path === '/topup') {
    const { tokenID } = (await request.json()) as { tokenID: string };
    return jsonResponse(200, { code: tokenID === 'tok-1' ? 'E07' : '000' });
  }
  if (path === '/token') return jsonResponse(200, { accessToken: 'sandbox-token', expiresIn: 900 });
  if (path === '/pay') return jsonResponse(200, { paid: true });
  // The merchant of the deliver() example: busy once, then it takes the notification.
  if (path === '/notify') return jsonResponse(notifyAnswers.shift() ?? 200, { received: true });
  return jsonResponse(404, {});
});
beforeAll(async () => {
  server = await sandbox.listen();
});
afterAll(() => server.close());

describe('README examples', () => {
  it('deliver: sends again after a non-2xx answer, until a 2xx', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const attempts = await deliver({
        request: (attempt) =>
          new Request(`${server.url}/notify`, { method: 'POST', body: JSON.stringify({ paid: true, attempt }) }),
        attempts: 3,
        timeoutMs: 2_000,
      });
      console.log(attempts.map(({ attempt, outcome, status }) => `${attempt}: ${outcome} ${status ?? '-'}`));
      expect(log).toHaveBeenCalledWith(['1: answered 503', '2: answered 200']);
    } finally {
      log.mockRestore();
    }
  });

  it('telemetry: onEvent and OpenTelemetry with the in-memory exporter', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const otel = openTelemetryHandler({ tracer: tracerProvider.getTracer('payauth') });
      const seen: AuthEvent['type'][] = [];
      const telemetryTokens = createTokenManager({
        key: 'example:client-1',
        provider: 'example',
        fetchToken: async () => ({ token: 'tok-1', expiresAt: Date.now() + 900_000 }),
        onEvent: (event) => {
          seen.push(event.type);
          otel(event);
        },
      });
      await telemetryTokens.getToken(); // a miss: fetched
      await telemetryTokens.getToken(); // a hit
      console.log(seen); // ['token.cache', 'token.fetch', 'token.wait', 'token.cache']
      const [span] = exporter.getFinishedSpans();
      console.log(span?.name, span?.attributes['payauth.token.reason']); // 'payauth.token.fetch' 'initial'

      expect(seen).toEqual(['token.cache', 'token.fetch', 'token.wait', 'token.cache']);
      expect(log.mock.calls[1]).toEqual(['payauth.token.fetch', 'initial']);
      expect(exporter.getFinishedSpans()).toHaveLength(1);
      await tracerProvider.shutdown();
    } finally {
      log.mockRestore();
    }
  });

  it('crypto', async () => {
    const mac = await hmac('SHA-512', 'client-secret', 'POST:/v1.0/transfer:token:hash:2024-01-01T00:00:00+07:00');
    const hash = toHex(await digest('SHA-256', '{"amount":"10.00"}'));
    const key = await importRsaPrivateKey(process.env.PRIVATE_KEY_PEM ?? pem);
    const signature = toBase64(await rsaSign(key, 'client-id|2024-01-01T00:00:00+07:00'));
    const valid = await rsaVerify(publicPem, fromBase64(signature), 'client-id|2024-01-01T00:00:00+07:00');
    expect(mac).toHaveLength(64);
    expect(hash).toHaveLength(64);
    expect(valid).toBe(true);
  });

  it('key errors say what was found', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await importRsaPrivateKey(
        '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0w\n-----END ENCRYPTED PRIVATE KEY-----',
      );
    } catch (error) {
      if (isKeyFormatError(error)) console.log(error.found); // 'an encrypted PKCS#8 private key'
    }
    expect(log).toHaveBeenCalledWith(expect.stringContaining('encrypted'));
  });

  it('the request primitive', async () => {
    const client = createHttpClient({ provider: 'example', baseUrl: server.url, retry: 0 });
    let token = 'tok-1';
    const topUp = await client.requestJson<{ code: string }>({
      method: 'POST',
      path: '/topup',
      build: () => {
        const body = JSON.stringify({ tokenID: token, amount: '10000' });
        return { body, secrets: [token] }; // scrubbed from this call's errors
      },
      describeFailure: ({ status, body }) => {
        const code = isRecord(body) ? body.code : undefined;
        if (typeof code !== 'string') return { subject: 'topUp', malformed: 'JSON without a code' };
        if (status === 200 && code === '000') return undefined; // success
        return { subject: 'topUp', providerCode: code, tokenRejected: code === 'E07' };
      },
      onTokenRejected: () => {
        token = 'tok-2'; // e.g. tokens.invalidate(token); the next build reads the new one
      },
    });
    expect(topUp.data.code).toBe('000');
    expect(sandbox.requests.to('/topup').map((r) => JSON.parse(r.body).tokenID)).toEqual(['tok-1', 'tok-2']);
  });

  it('encodings, time and JSON', () => {
    const bytes = new Uint8Array([0xfb, 0xff]);
    toHex(bytes); // lowercase; toHex(bytes, { upperCase: true })
    toBase64(bytes); // standard, padded; fromBase64 accepts padded or unpadded
    toBase64Url(bytes); // RFC 4648 §5, unpadded

    formatIsoTimestamp(new Date('2024-08-21T07:27:50Z')); // '2024-08-21T14:27:50+07:00' (Jakarta by default)
    formatIsoTimestamp(new Date('2024-08-21T07:27:50Z'), { milliseconds: true }); // '2024-08-21T14:27:50.000+07:00'
    formatUtcTimestamp(new Date('2020-09-22T01:51:00Z')); // '2020-09-22T01:51:00Z'
    formatCompactTimestamp(new Date('2024-08-21T07:27:50Z')); // '20240821142750' (yyyyMMddHHmmss, +07:00)

    minifyJson('{ "amount": 10.00, "note": "caf\\u00e9 \\/ ok" }'); // '{"amount":10.00,"note":"caf\\u00e9 \\/ ok"}'
    phpJsonEncode('{ "url": "https://x.id/é" }'); // '{"url":"https:\\/\\/x.id\\/\\u00e9"}'
    phpJsonEncode('{ "url": "https://x.id/é" }', { unescapedSlashes: true }); // '{"url":"https://x.id/\\u00e9"}'

    expect([toHex(bytes), toBase64(bytes), toBase64Url(bytes)]).toEqual(['fbff', '+/8=', '-_8']);
    expect(formatIsoTimestamp(new Date('2024-08-21T07:27:50Z'))).toBe('2024-08-21T14:27:50+07:00');
    expect(formatIsoTimestamp(new Date('2024-08-21T07:27:50Z'), { milliseconds: true })).toBe(
      '2024-08-21T14:27:50.000+07:00',
    );
    expect(formatUtcTimestamp(new Date('2020-09-22T01:51:00Z'))).toBe('2020-09-22T01:51:00Z');
    expect(formatCompactTimestamp(new Date('2024-08-21T07:27:50Z'))).toBe('20240821142750');
    expect(minifyJson('{ "amount": 10.00, "note": "caf\\u00e9 \\/ ok" }')).toBe(
      '{"amount":10.00,"note":"caf\\u00e9 \\/ ok"}',
    );
    expect(phpJsonEncode('{ "url": "https://x.id/é" }')).toBe('{"url":"https:\\/\\/x.id\\/\\u00e9"}');
    expect(phpJsonEncode('{ "url": "https://x.id/é" }', { unescapedSlashes: true })).toBe(
      '{"url":"https://x.id/\\u00e9"}',
    );
  });

  it('tokens, transport and errors', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const client = createHttpClient({
      provider: 'example',
      baseUrl: server.url,
      timeoutMs: 5_000,
      retry: { limit: 2, methods: ['post'] },
    });
    const tokens = createTokenManager({
      key: `example:${server.url}:client-1`,
      fetchToken: async () => {
        const { data } = await client.requestJson<{ accessToken: string; expiresIn: number }>({
          method: 'POST',
          path: '/token',
          body: '{}',
        });
        return { token: data.accessToken, expiresAt: Date.now() + data.expiresIn * 1000 };
      },
    });
    const token = await tokens.getToken(); // fetched once, then cached
    console.log(token.authorization); // 'Bearer …'
    console.log(JSON.stringify(token)); // {"token":"[REDACTED]","tokenType":"Bearer",…}
    expect(log).toHaveBeenCalledWith('Bearer sandbox-token');
    expect(log.mock.calls[1]?.[0]).toContain('"token":"[REDACTED]"');

    const response = await client.requestJson<{ paid: boolean }>({
      method: 'POST',
      path: '/pay',
      body: '{"amount":"10000.00"}',
      sign: async ({ body, attempt }) => {
        const timestamp = formatIsoTimestamp(new Date()); // fresh for every attempt
        return {
          'X-TIMESTAMP': timestamp,
          'X-SIGNATURE': toBase64(await hmac('SHA-512', 'secret', concatForExample(timestamp, body, attempt))),
        };
      },
    });
    expect(response.data.paid).toBe(true);
    expect(sandbox.requests.to('/pay')[0]?.headers['x-signature']).toHaveLength(88);

    sandbox.faults.inject({ type: 'rate-limit', retryAfterSeconds: 0 }, { times: 3 });
    await tokens.invalidate();
    try {
      await tokens.getToken();
    } catch (error) {
      if (isAuthError(error, 'ERR_RATE_LIMITED'))
        console.log('retry after', error.retryAfterMs); // narrowed to ProviderError
      else if (isProviderError(error)) console.log(error.status, error.providerCode, error.providerMessage);
      else throw error;
    }
    expect(log).toHaveBeenCalledWith('retry after', 0);
  });

  it('every README example is tested', () => {
    expect(
      untestedReadmeBlocks(new URL('../README.md', import.meta.url).pathname, [
        new URL('./readme.test.ts', import.meta.url).pathname,
        new URL('./fifth-provider.test.ts', import.meta.url).pathname,
      ]),
    ).toEqual([]);
  });
});

// "Node and frameworks": the README's Web handler on every framework it names, over HTTP on
// 127.0.0.1 where the framework serves HTTP. Imported here, after the examples above, so those
// stay as they were.
const { fastifyRawBody, toFastifyHandler, toNodeHandler } = await import('./node/index.node.js');
const { default: express } = await import('express');
const { default: Fastify } = await import('fastify');
const { Hono } = await import('hono');
const { createAdaptorServer } = await import('@hono/node-server');
const { createServer } = await import('node:http');
const nodeHttp = await import('./__fixtures__/node-http.js');

async function handleWebhook(request: Request): Promise<Response> {
  const body = new Uint8Array(await request.arrayBuffer()); // the exact bytes: verify the signature over these
  const sha256 = toHex(await digest('SHA-256', body));
  return Response.json({ method: request.method, path: new URL(request.url).pathname, sha256 });
}

// app/webhooks/payment/route.ts (Next.js App Router)
export async function POST(request: Request): Promise<Response> {
  return handleWebhook(request);
}

// pages/api/webhooks/payment.ts (Next.js Pages Router)
export const config = { api: { bodyParser: false } }; // Next.js must leave the body unread
const webhook = toNodeHandler(handleWebhook);
export default webhook;

describe('README examples: Node and frameworks', () => {
  const bytes = new Uint8Array(nodeHttp.trickyBodies['pretty JSON with CRLF and a BOM'] as Uint8Array);
  const expected = async (path: string) => ({ method: 'POST', path, sha256: await nodeHttp.sha256Hex(bytes) });
  const post = async (url: string, path: string) =>
    JSON.parse(
      (
        await nodeHttp.send(url, { path, headers: [['content-type', 'application/json; charset=utf-8']], body: bytes })
      ).body.toString(),
    );
  const direct = (path: string) =>
    new Request(`https://shop.example${path}`, {
      method: 'POST',
      body: bytes,
      headers: { 'content-type': 'application/json' },
    });

  it('Hono (served by @hono/node-server)', async () => {
    const hono = new Hono();
    hono.post('/webhooks/payment', (c) => handleWebhook(c.req.raw)); // serve hono.fetch with @hono/node-server, Bun or Deno

    const server = await nodeHttp.listenOn(createAdaptorServer({ fetch: hono.fetch }) as never);
    try {
      expect(await post(server.url, '/webhooks/payment')).toEqual(await expected('/webhooks/payment'));
    } finally {
      await server.close();
    }
  });

  it('Next.js App Router and Workers (called with a Request, as they are)', async () => {
    // Cloudflare Workers: export default worker
    const worker = { fetch: (request: Request) => handleWebhook(request) };

    expect(await (await POST(direct('/webhooks/payment'))).json()).toEqual(await expected('/webhooks/payment'));
    expect(await (await worker.fetch(direct('/worker'))).json()).toEqual(await expected('/worker'));
  });

  it('Express, before express.json()', async () => {
    const app = express();
    app.post('/webhooks/payment', toNodeHandler(handleWebhook)); // mount it before express.json()
    app.use(express.json()); // the rest of the app

    app.post('/api/echo', (req, res) => {
      res.json(req.body);
    });
    const server = await nodeHttp.listen(app);
    try {
      expect(await post(server.url, '/webhooks/payment')).toEqual(await expected('/webhooks/payment'));
      expect(await post(server.url, '/api/echo')).toEqual({ amount: 10, note: 'café é /' });
    } finally {
      await server.close();
    }
  });

  it('Next.js Pages API route and node:http', async () => {
    expect(config.api.bodyParser).toBe(false);
    const pages = await nodeHttp.listen(webhook); // Next.js calls a Pages API route as (req, res)
    const server = createServer(toNodeHandler(handleWebhook, { maxBodyBytes: 64 * 1024 })); // node:http

    const plain = await nodeHttp.listenOn(server);
    try {
      expect(await post(pages.url, '/api/webhooks/payment')).toEqual(await expected('/api/webhooks/payment'));
      expect(await post(plain.url, '/hook')).toEqual(await expected('/hook'));
      expect((await nodeHttp.send(plain.url, { body: new Uint8Array(64 * 1024 + 1) })).status).toBe(413);
    } finally {
      await pages.close();
      await plain.close();
    }
  });

  it('Fastify, with fastifyRawBody in the webhook scope', async () => {
    const fastify = Fastify();
    await fastify.register(async (webhooks) => {
      await webhooks.register(fastifyRawBody, { maxBodyBytes: 64 * 1024 });
      webhooks.post('/webhooks/payment', toFastifyHandler(handleWebhook));
    });

    fastify.post('/api/echo', async (request) => request.body);
    const url = await fastify.listen({ host: '127.0.0.1', port: 0 });
    try {
      expect(await post(url, '/webhooks/payment')).toEqual(await expected('/webhooks/payment'));
      expect(await post(url, '/api/echo')).toEqual({ amount: 10, note: 'café é /' });
    } finally {
      await fastify.close();
    }
  });
});
