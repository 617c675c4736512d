// The README's "A provider on the core" example, run against a sandbox of its made-up gateway
// (Acme Pay): what a provider package holds is only its protocol; the core does the rest.
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenManager, digest, formatIsoTimestamp, hmac, isAuthError, isRecord, toHex } from './index.js';
import { createHttpClient, type ProviderErrorDescription } from './provider-kit.js';
import { createSandboxCore, jsonResponse, type RunningSandbox } from './testing/index.js';

// ---- the README example, verbatim ----

/** Acme Pay: HMAC-signed token request; service calls carry a Bearer token and a body signature. */
function createAcmeAuth(options: { baseUrl: string; clientId: string; clientSecret: string }) {
  const { baseUrl, clientId, clientSecret } = options;
  const describeError = ({ body }: { status: number; body: unknown }): ProviderErrorDescription | undefined =>
    isRecord(body) && typeof body.code === 'string'
      ? { providerCode: body.code, providerMessage: String(body.message ?? ''), tokenRejected: body.code === 'TOKEN' }
      : undefined;
  const http = createHttpClient({ provider: 'acme', baseUrl, describeError, secrets: () => [clientSecret] });

  const tokens = createTokenManager({
    key: `acme:${baseUrl}:${clientId}`,
    provider: 'acme',
    fetchToken: async ({ signal }) => {
      const { data } = await http.requestJson<{ access_token: string; expires_in: number }>({
        method: 'POST',
        path: '/v1/token',
        signal,
        retry: { methods: ['post'] }, // minting a token is safe to repeat
        sign: async () => {
          const timestamp = formatIsoTimestamp(new Date());
          const signature = toHex(await hmac('SHA-256', clientSecret, `${clientId}|${timestamp}`));
          return { 'X-Client-Id': clientId, 'X-Timestamp': timestamp, 'X-Signature': signature };
        },
      });
      return {
        token: data.access_token,
        expiresAt: Date.now() + data.expires_in * 1000,
        fields: { token: 'access_token', lifetime: 'expires_in' },
      };
    },
  });

  const ky = http.signed({
    sign: async ({ method, target, body }) => {
      const token = await tokens.getToken();
      const timestamp = formatIsoTimestamp(new Date());
      const hash = toHex(await digest('SHA-256', body));
      const signature = toHex(await hmac('SHA-256', clientSecret, `${method}:${target}:${hash}:${timestamp}`));
      return { Authorization: token.authorization, 'X-Timestamp': timestamp, 'X-Signature': signature };
    },
    onTokenRejected: async (request) => {
      await tokens.invalidate(request.headers.get('authorization')?.replace(/^Bearer /, ''));
    },
  });

  return { getToken: tokens.getToken, invalidateToken: tokens.invalidate, ky };
}

// ---- the sandbox of Acme Pay, and the tests ----

const CLIENT_SECRET = 'acme-secret-marker-7f3a';
let issued = 0;
let rejectNext = false;
let lastTokenSignature = '';
let server: RunningSandbox;
const sandbox = createSandboxCore(async (request) => {
  const url = new URL(request.url);
  const timestamp = request.headers.get('x-timestamp') ?? '';
  const signature = request.headers.get('x-signature') ?? '';
  if (url.pathname === '/v1/token') {
    const expected = toHex(await hmac('SHA-256', CLIENT_SECRET, `${request.headers.get('x-client-id')}|${timestamp}`));
    lastTokenSignature = signature;
    if (signature !== expected) return jsonResponse(401, { code: 'SIGNATURE', message: `bad signature ${signature}` });
    issued += 1;
    return jsonResponse(200, { access_token: `acme-token-${issued}`, expires_in: 900 });
  }
  if (url.pathname === '/v1/charges') {
    const body = new Uint8Array(await request.arrayBuffer());
    const hash = toHex(await digest('SHA-256', body));
    const expected = toHex(
      await hmac('SHA-256', CLIENT_SECRET, `${request.method}:${url.pathname}${url.search}:${hash}:${timestamp}`),
    );
    if (signature !== expected) return jsonResponse(401, { code: 'SIGNATURE', message: `expected ${expected}` });
    if (rejectNext || request.headers.get('authorization') !== `Bearer acme-token-${issued}`) {
      rejectNext = false;
      return jsonResponse(401, { code: 'TOKEN', message: `token ${request.headers.get('authorization')} expired` });
    }
    return jsonResponse(201, { id: 'ch_1', amount: JSON.parse(new TextDecoder().decode(body)).amount });
  }
  return jsonResponse(404, { code: 'NOT_FOUND' });
});
beforeAll(async () => {
  server = await sandbox.listen();
});
afterAll(() => server.close());

describe('a fifth provider written on the core', () => {
  it('fetches the token once, signs every call, and refreshes a rejected token once', async () => {
    issued = 0;
    const acme = createAcmeAuth({ baseUrl: server.url, clientId: 'merchant-1', clientSecret: CLIENT_SECRET });
    const [a, b] = await Promise.all([acme.getToken(), acme.getToken()]);
    expect(a.token).toBe('acme-token-1');
    expect(b).toBe(a);
    expect(await acme.ky.post('v1/charges', { body: '{"amount":"10000.00"}' }).json()).toEqual({
      id: 'ch_1',
      amount: '10000.00',
    });
    rejectNext = true;
    expect(await acme.ky.post('v1/charges', { body: '{"amount":"5.00"}' }).json()).toMatchObject({ amount: '5.00' });
    expect(issued).toBe(2);
  });

  it('reports provider failures typed, without the signature the provider quoted back', async () => {
    const acme = createAcmeAuth({ baseUrl: server.url, clientId: 'merchant-1', clientSecret: 'wrong-secret-marker' });
    const error = await acme.getToken().catch((e: unknown) => e);
    expect(isAuthError(error, 'ERR_PROVIDER')).toBe(true);
    expect(error).toMatchObject({ status: 401, providerCode: 'SIGNATURE' });
    expect(lastTokenSignature).toMatch(/^[0-9a-f]{64}$/);
    const shown = [JSON.stringify(error), inspect(error, { depth: 10 }), (error as Error).stack].join('\n');
    expect(shown).toContain('[REDACTED]');
    expect(shown).not.toContain(lastTokenSignature);
    expect(shown).not.toContain('wrong-secret-marker');
  });

  it('is under 100 lines', async () => {
    const { readFileSync } = await import('node:fs');
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const example = source.slice(source.indexOf('/** Acme Pay'), source.indexOf('// ---- the sandbox'));
    expect(example.trim().split('\n').length).toBeLessThan(100);
  });
});
