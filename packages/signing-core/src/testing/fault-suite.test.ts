/**
 * The fault suite (`runFaultSuite`) run against a small provider built on the core, the way the
 * provider packages run it against theirs; and proof that it fails a provider that shows what
 * it sent in an error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../http/http-client.js';
import { randomUuid } from '../random/random.js';
import { createTokenManager } from '../token/token-manager.js';
import { type FaultClientSettings, type FaultSuiteAdapter, type FaultSuiteApi, runFaultSuite } from './node.js';

const SECRET = 'kit-client-secret-5Rw8';
const TOKEN_PATH = '/v1/token';

/** A provider on the core: a signed token request, then signed service calls with a Bearer token. */
function createKitAuth(settings: FaultClientSettings) {
  const { baseUrl, timeoutMs, totalTimeoutMs, maxResponseBytes, fetch, clock } = settings;
  const http = createHttpClient({
    provider: 'kit',
    baseUrl,
    timeoutMs,
    totalTimeoutMs,
    maxResponseBytes,
    fetch,
    retry: 0,
    secrets: () => [SECRET],
  });
  const tokens = createTokenManager({
    key: `kit:${randomUuid()}`,
    provider: 'kit',
    clock,
    fetchTimeoutMs: settings.tokenFetchTimeoutMs,
    fetchToken: async ({ signal }) => {
      const { data } = await http.requestJson<{ accessToken: string; expiresIn: number }>({
        method: 'POST',
        path: TOKEN_PATH,
        body: '{}',
        signal,
        sign: () => ({ 'X-Signature': `tokensig-${randomUuid()}` }),
      });
      return {
        token: data.accessToken,
        expiresAt: (clock ?? Date.now)() + data.expiresIn * 1000,
        fields: { token: 'accessToken', lifetime: 'expiresIn' },
      };
    },
  });
  let lastSignature = '';
  const ky = http.signed({
    sign: async () => {
      const signature = `callsig-${randomUuid()}`;
      lastSignature = signature;
      return { Authorization: (await tokens.getToken()).authorization, 'X-Signature': signature };
    },
  });
  return { getToken: tokens.getToken, ky, lastSignature: () => lastSignature };
}
type KitAuth = ReturnType<typeof createKitAuth>;

const quoted = (req: { headers: unknown }, body: string) => ({
  message: `refused ${JSON.stringify(req.headers)} ${body}`,
});
const wholeSecond = Math.floor(Date.now() / 1000) * 1000;

const adapter: FaultSuiteAdapter<KitAuth, number> = {
  tokenPath: TOKEN_PATH,
  createClient: createKitAuth,
  getToken: (auth) => auth.getToken(),
  calls: [
    ['ky', (auth, i) => auth.ky.post('v1/pay', { json: { i } }).json()],
    ['ky (text)', (auth, i) => auth.ky.put('v1/pay', { json: { i } }).text()],
  ],
  token: (marker) => `${marker}-kit-token-${'k'.repeat(24)}`,
  tokenBody: (accessToken, expiresIn = 600) => ({ accessToken, expiresIn }),
  serviceBody: { paid: true },
  secrets: [SECRET],
  sentBy: (req) =>
    [req.headers.authorization?.replace(/^Bearer /, ''), req.headers['x-signature']].filter(
      (value) => typeof value === 'string',
    ),
  echo: {
    token: (req, body) => ({ status: 401, body: quoted(req, body) }),
    service: (req, body) => ({ status: 400, body: quoted(req, body) }),
    sentAfterServiceCalls: (calls) => 3 + calls,
    sentAfterTokenRequests: (clients) => 1 + clients,
    tokenError: { status: 401 },
  },
  unusableTokens: { lifetime: 900 },
  lifetimes: [
    { name: 'an expiresIn of 0.0004 s', lifetime: 0.0004, field: /expiresIn/ },
    { name: 'an expiresIn of 1e12 s', lifetime: 1e12, field: 'expiresIn' },
    {
      name: 'an already past expiresIn (a fixed clock)',
      lifetime: -60,
      token: 'past-kit-token',
      field: 'expiresIn',
      clock: () => wholeSecond,
      next: 3_600,
    },
  ],
};

describe('the fault suite, run against a provider on the core', () => {
  runFaultSuite({ describe, it, expect, beforeAll, afterAll, afterEach }, adapter);
});

describe('the fault suite, run against a provider that shows what it sent', () => {
  /** Collects the suite's tests and hooks instead of registering them. */
  const collect = (leaky: FaultSuiteAdapter<KitAuth, number>) => {
    const tests = new Map<string, () => Promise<void>>();
    const hooks = { beforeAll: [] as (() => Promise<void>)[], afterAll: [] as (() => Promise<void>)[] };
    const prefix: string[] = [];
    const api: FaultSuiteApi = {
      describe: (name, body) => {
        prefix.push(name);
        body();
        prefix.pop();
      },
      it: (name, body) => tests.set([...prefix, name].join(' > '), body),
      beforeAll: (body) => hooks.beforeAll.push(body),
      afterAll: (body) => hooks.afterAll.push(body),
      afterEach: async () => {},
      expect,
    };
    runFaultSuite(api, leaky);
    return { tests, hooks };
  };

  it('fails the quoting-back test when an error carries the call signature', async () => {
    const leaky: FaultSuiteAdapter<KitAuth, number> = {
      ...adapter,
      calls: [
        [
          'leaky ky',
          (auth, i) =>
            auth.ky
              .post('v1/pay', { json: { i } })
              .json()
              .catch((error: unknown) => {
                Object.assign(error as object, { sentSignature: auth.lastSignature() });
                throw error;
              }),
        ],
      ],
    };
    const { tests, hooks } = collect(leaky);
    expect(tests.size).toBeGreaterThan(20);
    const quotedBack = tests.get(
      'a provider that quotes the request back > 100 concurrent service calls all fail typed, and none shows a token, signature or secret',
    );
    expect(quotedBack).toBeDefined();
    for (const hook of hooks.beforeAll) await hook();
    try {
      await expect(quotedBack?.()).rejects.toThrow(/not to contain/);
    } finally {
      for (const hook of hooks.afterAll) await hook();
    }
  });
});
