/**
 * `createDokuPartnerAuth` against a hostile server on 127.0.0.1 (the core's
 * `startHostileServer`), over real HTTP: every fault of the Generate Token request and of a
 * Partner API call (`doku.ky`) ends in a typed error within its bound, the client recovers
 * afterwards, a redirect to another origin reaches nobody, a provider quoting the request back
 * never gets a `Signature` or token into an error, and an unusable token or lifetime is never
 * cached.
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
import { CLIENT, FILE_PATH, TOKEN_PATH } from './__fixtures__/helpers.js';
import { createDokuPartnerAuth, type DokuPartnerAuth } from './index.js';
import type { DokuPartnerAuthOptions } from './options.js';

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

function client(overrides: Partial<DokuPartnerAuthOptions> = {}): DokuPartnerAuth {
  return createDokuPartnerAuth({
    clientId: CLIENT.clientId,
    secretKey: CLIENT.secretKey,
    baseUrl: server.origin,
    timeoutMs: 300,
    totalTimeoutMs: 1_500,
    maxResponseBytes: 262_144,
    retry: 0,
    tokenFetchTimeoutMs: 2_000,
    ...overrides,
  });
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT shaped like DOKU's (and the sandbox's): its `exp` claim is the expiry. */
const jwt = (marker: string, expSeconds = Math.floor(Date.now() / 1000) + 3_600) =>
  `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({
    sub: marker,
    exp: expSeconds,
    iat: Math.floor(Date.now() / 1000),
    user: { businessServiceClientId: CLIENT.clientId },
  })}.${Buffer.from(`signature-of-${marker}`).toString('base64url')}`;

/** DOKU's documented Generate Token answer, `{"token": "<JWT>"}`, plus optional expiry fields. */
const tokenAnswer = (token: string, extra: Record<string, unknown> = {}): HostileHandler =>
  hostile.json(200, { token, ...extra });

const uploadCall = (doku: DokuPartnerAuth) =>
  doku.ky.post(FILE_PATH.slice(1), { json: { category: 'LOGO', file_url: 'https://merchant.test/logo.png' } }).json();

const routes = (token: HostileHandler, service: HostileHandler) => routeTokenAndService(TOKEN_PATH, token, service);

const FAULTS = hostileFaults;

describe('Generate Token misbehaves', () => {
  it.each(FAULTS)('%s: a typed %s within the bound, then the next call fetches afresh', async (_name, code, fault) => {
    const doku = client();
    server.handle = fault;
    const failed = await settlesWithin(doku.getToken(), BOUND_MS);
    expect(isAuthError(failed.error)).toBe(true);
    expect(failed.error).toMatchObject({ code });
    const recovered = jwt('recovered');
    server.handle = tokenAnswer(recovered);
    const before = server.requests;
    const ok = await settlesWithin(doku.getToken(), BOUND_MS);
    expect(ok.value?.token).toBe(recovered);
    expect(server.requests).toBe(before + 1);
  });
});

describe('a Partner API call with a valid cached token misbehaves', () => {
  it.each(FAULTS)('doku.ky, the provider %s: a typed %s', async (_name, code, fault) => {
    const doku = client();
    const router = routes(tokenAnswer(jwt('cached')), fault);
    server.handle = router.handle;
    await doku.getToken();
    const result = await settlesWithin(uploadCall(doku), BOUND_MS);
    expect(isAuthError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code });
    expect(router.counts).toEqual({ token: 1, service: 1 });
  });
});

describe('a redirect to another origin', () => {
  it.each([307, 308])('%i on Generate Token: ERR_REDIRECT naming the origin; it sees nothing', async (status) => {
    const doku = client();
    server.handle = hostile.redirect(status, `${other.origin}${TOKEN_PATH}`);
    other.handle = tokenAnswer(jwt('attacker'));
    const result = await settlesWithin(doku.getToken(), BOUND_MS);
    expect(isAuthError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code: 'ERR_REDIRECT', redirect: { origin: other.origin } });
    expect(other.requests).toBe(0);
  });

  it.each([307, 308])('%i on doku.ky: ERR_REDIRECT; the other origin sees nothing', async (status) => {
    const doku = client();
    server.handle = routes(tokenAnswer(jwt('cached')), hostile.redirect(status, `${other.origin}/steal`)).handle;
    other.handle = hostile.json(200, { id: '1', link: 'https://x.test/', category: 'LOGO' });
    await doku.getToken();
    const result = await settlesWithin(uploadCall(doku), BOUND_MS);
    expect(isAuthError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code: 'ERR_REDIRECT', redirect: { origin: other.origin } });
    expect(other.requests).toBe(0);
  });
});

/** Everything a request carried that must never be shown: the bearer token and `Signature` (whole, and its MAC). */
function collectSent(req: IncomingMessage, sent: Set<string>): void {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') sent.add(authorization.replace(/^Bearer\s+/i, ''));
  const signature = req.headers.signature;
  if (typeof signature === 'string') {
    sent.add(signature);
    sent.add(signature.replace(/^HMACSHA256=/, ''));
  }
}

/** The request quoted back in the sandbox's error shape: every header and the body. */
const quoteBack =
  (status: number, code: string, sent: Set<string>): HostileHandler =>
  (req, res, body) => {
    collectSent(req, sent);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: { code, message: `Refused ${JSON.stringify(req.headers)} body ${body}` },
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
    const doku = client(ECHO_BOUNDS);
    const sent = new Set<string>([CLIENT.secretKey]);
    const token = tokenAnswer(jwt('html'));
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
    await doku.getToken();
    const errors = await Promise.all(
      Array.from({ length: 20 }, () =>
        uploadCall(doku).then(
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

  it('100 concurrent Partner API calls all fail typed, and none shows a Signature, token or secret', async () => {
    const doku = client(ECHO_BOUNDS);
    const sent = new Set<string>([CLIENT.secretKey]);
    const token = jwt('quoted');
    server.handle = routes(
      (req, res, body) => {
        collectSent(req, sent);
        tokenAnswer(token)(req, res, body);
      },
      quoteBack(400, 'INVALID_SIGNATURE', sent),
    ).handle;
    await doku.getToken();
    const errors = await Promise.all(
      Array.from({ length: 100 }, () =>
        uploadCall(doku).then(
          () => new Error('resolved'),
          (e: unknown) => e,
        ),
      ),
    );
    expect(sent.has(token)).toBe(true);
    // The secret, the token, and (whole + MAC) 1 token signature and 100 call signatures.
    expect(sent.size).toBe(2 + 2 * 101);
    for (const error of errors) {
      expect(isAuthError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_PROVIDER' });
      expectNoneShown(error, sent);
    }
  });

  it('Generate Token quoted back with a 401 (10 clients at once) fails typed, and none shows its Signature', async () => {
    const sent = new Set<string>([CLIENT.secretKey]);
    server.handle = quoteBack(401, 'INVALID_SIGNATURE', sent);
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
    expect(sent.size).toBe(1 + 2 * 10);
    for (const error of errors) {
      expect(isAuthError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_PROVIDER' });
      expectNoneShown(error, sent);
    }
  });
});

describe('a Generate Token answer that must not be cached', () => {
  const tokenCases: [string, string][] = [
    ['CR/LF', 'abc\r\nX-Injected: 1'],
    ['only whitespace', '    '],
    ['a character above U+007E', 'tökén-abcdefgh'],
  ];
  const refusesToken = async (token: string) => {
    const doku = client();
    server.handle = tokenAnswer(token, { expires_in: 3_600 });
    const result = await settlesWithin(doku.getToken(), BOUND_MS);
    expect(result.error).toMatchObject({ name: 'ResponseFormatError', code: 'ERR_RESPONSE_FORMAT' });
    expect(() => JSON.stringify(result.error)).not.toThrow();
    if (token.trim().length > 0) expect(inspect(result.error, { depth: 10 })).not.toContain(token.trim());
    const good = jwt('good');
    server.handle = tokenAnswer(good);
    const before = server.requests;
    expect((await doku.getToken()).token).toBe(good);
    expect(server.requests).toBe(before + 1);
  };
  it.each(tokenCases)(
    'a token with %s is ERR_RESPONSE_FORMAT, and the next call fetches a new one',
    async (_n, token) => refusesToken(token),
  );

  // A token DOKU sends with a trailing space is refused, not trimmed into one DOKU did not issue.
  it('a token with a trailing space is ERR_RESPONSE_FORMAT, not trimmed and cached', async () =>
    refusesToken('abcdefgh '));

  const past = new Date(Date.now() - 60_000).toISOString();
  it.each([
    ['expires_in 0.0004 s', { expires_in: 0.0004 }, 'expires_in'],
    ['expires_at already past', { expires_at: past }, 'expires_at'],
    ['a JWT exp already past', { token: jwt('expired', Math.floor(Date.now() / 1000) - 60) }, 'jwt-exp'],
    ['expires_in 1e12 s', { expires_in: 1e12 }, 'expires_in'],
    ['expires_in 1e13 s', { expires_in: 1e13 }, 'expires_in'],
  ])('%s is ERR_RESPONSE_FORMAT naming its source, serialisable, and never cached', async (_name, extra, field) => {
    const doku = client();
    const answer = { token: 'plain-token-not-a-jwt', ...extra };
    server.handle = hostile.json(200, answer);
    const result = await settlesWithin(doku.getToken(), BOUND_MS);
    expect(result.error).toMatchObject({ name: 'ResponseFormatError', code: 'ERR_RESPONSE_FORMAT' });
    expect((result.error as Error).message).toContain(field);
    expect(() => JSON.stringify(result.error)).not.toThrow();
    expect(inspect(result.error, { depth: 10 })).not.toContain(answer.token);
    const good = jwt('good');
    server.handle = tokenAnswer(good);
    const before = server.requests;
    expect((await doku.getToken()).token).toBe(good);
    expect(server.requests).toBe(before + 1);
  });
});
