/**
 * `createSnapAuth` against a hostile server on 127.0.0.1 (the core's `startHostileServer`), over
 * real HTTP: every fault of the token request and of a signed service call (`auth.ky`,
 * `auth.fetch`) ends in a typed error within its bound, the client recovers afterwards, a
 * redirect to another origin reaches nobody, a provider quoting the request back never gets a
 * signature or token into an error, and an unusable token or lifetime is never cached.
 */
import type { IncomingMessage } from 'node:http';
import { inspect } from 'node:util';
import { isAuthError } from '@org/signing-core';
import {
  type HostileHandler,
  type HostileServer,
  hostile,
  hostileFaults,
  routeTokenAndService,
  settlesWithin,
  startHostileServer,
  trackUnhandledRejections,
} from '@org/signing-core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_ID, CLIENT_ID, CLIENT_SECRET, privateKeyPem } from './__fixtures__/setup.js';
import { createSnapAuth, type SnapAuth } from './index.js';

const TOKEN_PATH = '/v1.0/access-token/b2b';
const SERVICE_PATH = 'v1.0/balance-inquiry';
const BOUND_MS = 3_000;

let server: HostileServer;
let other: HostileServer;
const unhandled = trackUnhandledRejections();
beforeAll(async () => {
  [server, other] = await Promise.all([startHostileServer(), startHostileServer()]);
  unhandled.start();
});
afterAll(async () => {
  unhandled.stop();
  await Promise.all([server.close(), other.close()]);
});
afterEach(async () => {
  // Let late timers and stream callbacks run, then check nothing was left unhandled.
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(unhandled.take()).toEqual([]);
  server.reset();
  other.reset();
});

function client(overrides: Record<string, unknown> = {}): SnapAuth {
  return createSnapAuth({
    baseUrl: server.origin,
    clientId: CLIENT_ID,
    privateKey: privateKeyPem,
    clientSecret: CLIENT_SECRET,
    channelId: CHANNEL_ID,
    timeoutMs: 300,
    totalTimeoutMs: 1_500,
    maxResponseBytes: 262_144,
    retry: 0,
    tokenFetchTimeoutMs: 2_000,
    ...overrides,
  });
}

/** The documented B2B token answer (as the sandbox in `src/testing/` sends it). */
const tokenAnswer = (accessToken: string, expiresIn: unknown = '900'): HostileHandler =>
  hostile.json(200, {
    responseCode: '2007300',
    responseMessage: 'Successful',
    accessToken,
    tokenType: 'Bearer',
    expiresIn,
  });

const routes = (token: HostileHandler, service: HostileHandler) => routeTokenAndService(TOKEN_PATH, token, service);

const FAULTS = hostileFaults;

type Call = (auth: SnapAuth) => Promise<unknown>;
const CALLS: [string, Call][] = [
  ['auth.ky', (auth) => auth.ky.post(SERVICE_PATH, { json: { partnerReferenceNo: '2020102900000000000001' } }).json()],
  [
    'auth.fetch',
    (auth) =>
      auth
        .fetch(`/${SERVICE_PATH}`, { method: 'POST', body: JSON.stringify({ partnerReferenceNo: '1' }) })
        .then((response) => response.text()),
  ],
];

describe('the token request misbehaves', () => {
  it.each(FAULTS)('%s: a typed %s within the bound, then the next call fetches afresh', async (_name, code, fault) => {
    const auth = client();
    server.handle = fault;
    const failed = await settlesWithin(auth.getAccessToken(), BOUND_MS);
    expect(isAuthError(failed.error)).toBe(true);
    expect(failed.error).toMatchObject({ code });
    server.handle = tokenAnswer('recovered-token-1');
    const before = server.requests;
    const ok = await settlesWithin(auth.getAccessToken(), BOUND_MS);
    expect(ok.value?.token).toBe('recovered-token-1');
    expect(server.requests).toBe(before + 1);
  });
});

describe('a service call with a valid cached token misbehaves', () => {
  const cases = CALLS.flatMap(([callName, call]) =>
    FAULTS.map(([name, code, fault]) => [callName, name, code, fault, call] as const),
  );
  it.each(cases)('%s, the provider %s: a typed %s', async (_callName, _name, code, fault, call) => {
    const auth = client();
    const router = routes(tokenAnswer('cached-token-1'), fault);
    server.handle = router.handle;
    await auth.getAccessToken();
    const result = await settlesWithin(call(auth), BOUND_MS);
    expect(isAuthError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code });
    expect(router.counts).toEqual({ token: 1, service: 1 });
  });
});

describe('a redirect to another origin', () => {
  it.each([307, 308])('%i on the token request: ERR_REDIRECT naming the origin; it sees nothing', async (status) => {
    const auth = client();
    server.handle = hostile.redirect(status, `${other.origin}${TOKEN_PATH}`);
    other.handle = tokenAnswer('attacker-token');
    const result = await settlesWithin(auth.getAccessToken(), BOUND_MS);
    expect(isAuthError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code: 'ERR_REDIRECT', redirect: { origin: other.origin } });
    expect(other.requests).toBe(0);
  });

  const cases = CALLS.flatMap(([callName, call]) => [307, 308].map((status) => [status, callName, call] as const));
  it.each(cases)(
    '%i on a service call through %s: ERR_REDIRECT; the other origin sees nothing',
    async (status, _n, call) => {
      const auth = client();
      server.handle = routes(tokenAnswer('cached-token-2'), hostile.redirect(status, `${other.origin}/steal`)).handle;
      other.handle = hostile.json(200, { responseCode: '2001100' });
      await auth.getAccessToken();
      const result = await settlesWithin(call(auth), BOUND_MS);
      expect(isAuthError(result.error)).toBe(true);
      expect(result.error).toMatchObject({ code: 'ERR_REDIRECT', redirect: { origin: other.origin } });
      expect(other.requests).toBe(0);
    },
  );
});

/** Everything a request carried that must never be shown: the bearer token and X-SIGNATURE. */
function collectSent(req: IncomingMessage, sent: Set<string>): void {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') sent.add(authorization.replace(/^Bearer\s+/i, ''));
  const signature = req.headers['x-signature'];
  if (typeof signature === 'string') sent.add(signature);
}

/** The request quoted back in SNAP's error envelope: every header and the body. */
const quoteBack =
  (status: number, responseCode: string, sent: Set<string>): HostileHandler =>
  (req, res, body) => {
    collectSent(req, sent);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        responseCode,
        responseMessage: `Bad request ${JSON.stringify(req.headers)} body ${body}`,
        headers: req.headers,
        body,
      }),
    );
  };

function expectNoneShown(error: unknown, sent: Set<string>): void {
  const shown = [inspect(error, { depth: 10 }), JSON.stringify(error), (error as Error).stack ?? ''].join('\n');
  for (const value of sent) {
    expect(value.length).toBeGreaterThan(8);
    expect(shown).not.toContain(value);
    if (value.length >= 32) {
      expect(shown).not.toContain(value.slice(0, 16));
      expect(shown).not.toContain(value.slice(-16));
    }
  }
}

/**
 * The quoting-back tests are about what errors show, not about deadlines: roomy bounds, so 100
 * concurrent calls on a loaded machine all reach the server and end in its answer.
 */
const ECHO_BOUNDS = { timeoutMs: 5_000, totalTimeoutMs: 10_000 } as const;

describe('a provider that quotes the request back', () => {
  it('an HTML error page quoting the request (20 calls at once): typed, and nothing sent is shown', async () => {
    const auth = client(ECHO_BOUNDS);
    const sent = new Set<string>([CLIENT_SECRET]);
    const token = tokenAnswer(`htmltoken${'H'.repeat(30)}`);
    server.handle = routes(
      (req, res, body) => {
        collectSent(req, sent);
        token(req, res, body);
      },
      (req, res, body) => {
        collectSent(req, sent);
        res.writeHead(400, { 'content-type': 'text/html' });
        res.end(`<html><body><h1>Bad Request</h1><pre>${JSON.stringify(req.headers)}\n${body}</pre></body></html>`);
      },
    ).handle;
    await auth.getAccessToken();
    const errors = await Promise.all(
      Array.from({ length: 20 }, () =>
        auth.ky
          .post(SERVICE_PATH, { json: { partnerReferenceNo: '2020102900000000000009' } })
          .json()
          .then(
            () => new Error('resolved'),
            (e: unknown) => e,
          ),
      ),
    );
    expect(sent.size).toBeGreaterThan(2);
    for (const error of errors) {
      expect(isAuthError(error)).toBe(true);
      expectNoneShown(error, sent);
    }
  });

  it('100 concurrent service calls all fail typed, and none shows a token, signature or secret', async () => {
    const auth = client(ECHO_BOUNDS);
    const sent = new Set<string>([CLIENT_SECRET]);
    const token = `quotedtoken${'Q'.repeat(30)}`;
    server.handle = routes(
      (req, res, body) => {
        collectSent(req, sent);
        tokenAnswer(token)(req, res, body);
      },
      quoteBack(400, '4001101', sent),
    ).handle;
    await auth.getAccessToken();
    const calls = Array.from({ length: 100 }, (_, i) =>
      auth.ky
        .post(SERVICE_PATH, { json: { partnerReferenceNo: `20201029000000000${String(i).padStart(5, '0')}` } })
        .json()
        .then(
          () => new Error('resolved'),
          (e: unknown) => e,
        ),
    );
    const errors = await Promise.all(calls);
    expect(sent.has(token)).toBe(true);
    // 1 token signature, 100 service signatures, the token, the client secret.
    expect(sent.size).toBe(103);
    for (const error of errors) {
      expect(isAuthError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_PROVIDER' });
      expectNoneShown(error, sent);
    }
  });

  it('token requests quoted back (10 clients at once) fail typed, and none shows its X-SIGNATURE', async () => {
    const sent = new Set<string>([CLIENT_SECRET]);
    server.handle = quoteBack(401, '4017300', sent);
    const failures = await Promise.all(
      Array.from({ length: 10 }, () =>
        client(ECHO_BOUNDS)
          .getAccessToken()
          .then(
            () => new Error('resolved'),
            (e: unknown) => e,
          ),
      ),
    );
    // The timestamps have a resolution of a second, so some signatures may coincide.
    expect(sent.size).toBeGreaterThanOrEqual(2);
    for (const error of failures) {
      expect(isAuthError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_PROVIDER' });
      expectNoneShown(error, sent);
    }
  });
});

describe('a token answer that must not be cached', () => {
  it.each([
    ['CR/LF', 'abc\r\nX-Injected: 1'],
    ['a trailing space', 'abcdefgh '],
    ['only whitespace', '    '],
    ['a character above U+007E', 'tökén-abcdefgh'],
  ])('a token with %s is ERR_RESPONSE_FORMAT, and the next call fetches a new one', async (_name, token) => {
    const auth = client();
    server.handle = tokenAnswer(token);
    const result = await settlesWithin(auth.getAccessToken(), BOUND_MS);
    expect(result.error).toMatchObject({ name: 'ResponseFormatError', code: 'ERR_RESPONSE_FORMAT' });
    expect(() => JSON.stringify(result.error)).not.toThrow();
    if (token.trim().length > 0) expect(inspect(result.error, { depth: 10 })).not.toContain(token.trim());
    server.handle = tokenAnswer('good-token-1');
    const before = server.requests;
    expect((await auth.getAccessToken()).token).toBe('good-token-1');
    expect(server.requests).toBe(before + 1);
  });

  it.each([
    ['0.0004 s', 0.0004],
    ['already expired', -60],
    ['already expired (a string)', '-60'],
    ['1e12 s', 1e12],
    ['1e13 s', 1e13],
  ])('an expiresIn of %s is ERR_RESPONSE_FORMAT, serialisable, and never cached', async (_name, expiresIn) => {
    const auth = client();
    server.handle = tokenAnswer('lifetime-token-1', expiresIn);
    const result = await settlesWithin(auth.getAccessToken(), BOUND_MS);
    expect(result.error).toMatchObject({ name: 'ResponseFormatError', code: 'ERR_RESPONSE_FORMAT' });
    expect((result.error as Error).message).toMatch(/expiresIn/);
    expect(() => JSON.stringify(result.error)).not.toThrow();
    expect(inspect(result.error, { depth: 10 })).not.toContain('lifetime-token-1');
    server.handle = tokenAnswer('good-token-2');
    const before = server.requests;
    expect((await auth.getAccessToken()).token).toBe('good-token-2');
    expect(server.requests).toBe(before + 1);
  });
});
