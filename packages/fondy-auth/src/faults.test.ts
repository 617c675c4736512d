/**
 * `createFondyAuth` against a hostile server on 127.0.0.1 (the core's `startHostileServer`), over
 * real HTTP: every fault of the Generate Access Token request and of an API call (`fondy.ky`,
 * `fondy.fetch`) ends in a typed error within its bound, the client recovers afterwards, a
 * redirect to another origin reaches nobody, a provider quoting the request back never gets the
 * body `signature` or the token into an error, and an unusable token or lifetime is never cached.
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
import { REPORT_PATH, TOKEN_PATH } from './constants.js';
import { createFondyAuth, type FondyAuth } from './index.js';
import type { FondyAuthOptions } from './options.js';

const BOUND_MS = 3_000;
const APPLICATION_ID = '1234';
const SECRET_KEY = 'faults-secret-key-Zq81';

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

function client(overrides: Partial<FondyAuthOptions> = {}): FondyAuth {
  return createFondyAuth({
    applicationId: APPLICATION_ID,
    secretKey: SECRET_KEY,
    baseUrl: server.origin,
    apiBaseUrl: server.origin,
    timeoutMs: 300,
    totalTimeoutMs: 1_500,
    maxResponseBytes: 262_144,
    retry: 0,
    tokenFetchTimeoutMs: 2_000,
    ...overrides,
  });
}

/** The documented token answer (as the sandbox in `src/testing/` sends it). */
const tokenAnswer = (token: string, expiresIn: unknown = 3602): HostileHandler =>
  hostile.json(200, { request_id: 'cGeC7PH59ESqQw30', token, expires_in: expiresIn });

const reportBody = { report_id: 745, merchant_id: 1549901, filters: [], on_page: 10, page: 1 };
type Call = (fondy: FondyAuth) => Promise<unknown>;
const CALLS: [string, Call][] = [
  ['fondy.ky', (fondy) => fondy.ky.post(REPORT_PATH.slice(1), { json: reportBody }).json()],
  [
    'fondy.fetch',
    (fondy) =>
      fondy
        .fetch(REPORT_PATH.slice(1), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(reportBody),
        })
        .then((response) => response.text()),
  ],
];

const routes = (token: HostileHandler, service: HostileHandler) => routeTokenAndService(TOKEN_PATH, token, service);

const FAULTS = hostileFaults;

describe('the token request misbehaves', () => {
  it.each(FAULTS)('%s: a typed %s within the bound, then the next call fetches afresh', async (_name, code, fault) => {
    const fondy = client();
    server.handle = fault;
    const failed = await settlesWithin(fondy.getToken(), BOUND_MS);
    expect(isAuthError(failed.error)).toBe(true);
    expect(failed.error).toMatchObject({ code });
    server.handle = tokenAnswer('recoveredToken1');
    const before = server.requests;
    const ok = await settlesWithin(fondy.getToken(), BOUND_MS);
    expect(ok.value?.token).toBe('recoveredToken1');
    expect(server.requests).toBe(before + 1);
  });
});

describe('an API call with a valid cached token misbehaves', () => {
  const cases = CALLS.flatMap(([callName, call]) =>
    FAULTS.map(([name, code, fault]) => [callName, name, code, fault, call] as const),
  );
  it.each(cases)('%s, the provider %s: a typed %s', async (_callName, _name, code, fault, call) => {
    const fondy = client();
    const router = routes(tokenAnswer('cachedToken1'), fault);
    server.handle = router.handle;
    await fondy.getToken();
    const result = await settlesWithin(call(fondy), BOUND_MS);
    expect(isAuthError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code });
    expect(router.counts).toEqual({ token: 1, service: 1 });
  });
});

describe('a redirect to another origin', () => {
  it.each([307, 308])('%i on the token request: ERR_REDIRECT naming the origin; it sees nothing', async (status) => {
    const fondy = client();
    server.handle = hostile.redirect(status, `${other.origin}${TOKEN_PATH}`);
    other.handle = tokenAnswer('attackerToken');
    const result = await settlesWithin(fondy.getToken(), BOUND_MS);
    expect(isAuthError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code: 'ERR_REDIRECT', redirect: { origin: other.origin } });
    expect(other.requests).toBe(0);
  });

  const cases = CALLS.flatMap(([callName, call]) => [307, 308].map((status) => [status, callName, call] as const));
  it.each(cases)(
    '%i on an API call through %s: ERR_REDIRECT; the other origin sees nothing',
    async (status, _n, call) => {
      const fondy = client();
      server.handle = routes(tokenAnswer('cachedToken2'), hostile.redirect(status, `${other.origin}/steal`)).handle;
      other.handle = hostile.json(200, { data: [], fields: [], rows_count: 0 });
      await fondy.getToken();
      const result = await settlesWithin(call(fondy), BOUND_MS);
      expect(isAuthError(result.error)).toBe(true);
      expect(result.error).toMatchObject({ code: 'ERR_REDIRECT', redirect: { origin: other.origin } });
      expect(other.requests).toBe(0);
    },
  );
});

/** Everything a request carried that must never be shown: the `Token` and the body `signature`. */
function collectSent(req: IncomingMessage, body: string, sent: Set<string>): void {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') sent.add(authorization.replace(/^Token\s+/i, ''));
  if (body.length > 0) {
    const signature = (JSON.parse(body) as Record<string, unknown>).signature;
    if (typeof signature === 'string') sent.add(signature);
  }
}

/** The request quoted back, every header and the body, in the shape of the endpoint it hit. */
const quoteBack = (sent: Set<string>): HostileHandler => {
  let n = 0;
  return (req, res, body) => {
    collectSent(req, body, sent);
    n += 1;
    const quoted = `${JSON.stringify(req.headers)} body ${body}`;
    const isToken = req.url?.startsWith(TOKEN_PATH) === true;
    // Token endpoint: the documented 403 shape. API: `{ error, err_code }`, alternately on 200 and 400.
    res.writeHead(isToken ? 403 : n % 2 === 0 ? 200 : 400, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        isToken
          ? { error_code: 403, error_message: `Incorrect signature ${quoted}`, request_id: 'r1', headers: req.headers }
          : { error: `you have no access to this report ${quoted}`, err_code: '1013', headers: req.headers, body },
      ),
    );
  };
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
    const fondy = client(ECHO_BOUNDS);
    const sent = new Set<string>([SECRET_KEY]);
    const token = tokenAnswer(`HtmlToken${'h'.repeat(23)}`);
    server.handle = routes(
      (req, res, body) => {
        collectSent(req, body, sent);
        token(req, res, body);
      },
      (req, res, body) => {
        collectSent(req, body, sent);
        res.writeHead(400, { 'content-type': 'text/html' });
        res.end(`<html><body><h1>Bad Request</h1><pre>${JSON.stringify(req.headers)}\n${body}</pre></body></html>`);
      },
    ).handle;
    await fondy.getToken();
    const errors = await Promise.all(
      Array.from({ length: 20 }, () =>
        fondy.ky
          .post(REPORT_PATH.slice(1), { json: reportBody })
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

  it('100 concurrent fondy.ky calls all fail typed, and none shows the token, a signature or the secret', async () => {
    const fondy = client(ECHO_BOUNDS);
    const sent = new Set<string>([SECRET_KEY]);
    const token = `QuotedToken${'q'.repeat(21)}`;
    const quote = quoteBack(sent);
    server.handle = routes((req, res, body) => {
      collectSent(req, body, sent);
      tokenAnswer(token)(req, res, body);
    }, quote).handle;
    await fondy.getToken();
    const errors = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        fondy.ky
          .post(REPORT_PATH.slice(1), { json: { ...reportBody, page: i + 1 } })
          .json()
          .then(
            () => new Error('resolved'),
            (e: unknown) => e,
          ),
      ),
    );
    expect(sent.has(token)).toBe(true);
    // The secret, the token request's signature and the token.
    expect(sent.size).toBe(3);
    for (const error of errors) {
      expect(isAuthError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_PROVIDER' });
      expectNoneShown(error, sent);
    }
  });

  it('the token request quoted back (10 clients at once) fails typed, and none shows its signature', async () => {
    const sent = new Set<string>([SECRET_KEY]);
    server.handle = quoteBack(sent);
    const errors = await Promise.all(
      Array.from({ length: 10 }, () =>
        client(ECHO_BOUNDS)
          .getToken()
          .then(
            () => new Error('resolved'),
            (e: unknown) => e,
          ),
      ),
    );
    // The date salt has a resolution of a second, so some signatures may coincide.
    expect(sent.size).toBeGreaterThanOrEqual(2);
    for (const error of errors) {
      expect(isAuthError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_PROVIDER', status: 403 });
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
    const fondy = client();
    server.handle = tokenAnswer(token);
    const result = await settlesWithin(fondy.getToken(), BOUND_MS);
    expect(result.error).toMatchObject({ name: 'ResponseFormatError', code: 'ERR_RESPONSE_FORMAT' });
    expect(() => JSON.stringify(result.error)).not.toThrow();
    if (token.trim().length > 0) expect(inspect(result.error, { depth: 10 })).not.toContain(token.trim());
    server.handle = tokenAnswer('goodToken1');
    const before = server.requests;
    expect((await fondy.getToken()).token).toBe('goodToken1');
    expect(server.requests).toBe(before + 1);
  });

  it.each([
    ['0.0004 s', 0.0004],
    ['already expired', -60],
    ['1e12 s', 1e12],
    ['1e13 s', 1e13],
  ])('an expires_in of %s is ERR_RESPONSE_FORMAT, serialisable, and never cached', async (_name, expiresIn) => {
    const fondy = client();
    server.handle = tokenAnswer('lifetimeToken1', expiresIn);
    const result = await settlesWithin(fondy.getToken(), BOUND_MS);
    expect(result.error).toMatchObject({ name: 'ResponseFormatError', code: 'ERR_RESPONSE_FORMAT' });
    expect((result.error as Error).message).toMatch(/expires_in/);
    expect(() => JSON.stringify(result.error)).not.toThrow();
    expect(inspect(result.error, { depth: 10 })).not.toContain('lifetimeToken1');
    server.handle = tokenAnswer('goodToken2');
    const before = server.requests;
    expect((await fondy.getToken()).token).toBe('goodToken2');
    expect(server.requests).toBe(before + 1);
  });
});
