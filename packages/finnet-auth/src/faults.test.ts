/**
 * `createFinnetAuth` against a hostile server on 127.0.0.1 (the core's `startHostileServer`), over
 * real HTTP: every fault of getToken and of a widget call (`request()`) ends in a typed error
 * within its bound, the client recovers afterwards, a redirect to another origin reaches nobody,
 * a provider quoting the request back never gets a signature, tokenID or secret into an error,
 * and an unusable tokenID or tokenExpiry is never cached.
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
import { createFinnetAuth, type FinnetAuth } from './auth.js';
import { formatFinnetExpiry } from './expiry.js';
import type { FinnetAuthOptions } from './options.js';
import { FINNET_TOKEN_PATH, FINNET_WIDGET_TOP_UP_PATH } from './provider.js';

const BOUND_MS = 3_000;
// `.`, `j` and `z` have letters in their hex, so the lower- and upper-case hex keys differ.
const SECRET = 'Faults.Secret-zj9';
const USERNAME = 'faults-merchant';
const PASSWORD = 'faults-password-7Hq2';
const topUp = { requestType: 'widgetTopUp', phoneNumber: '08111008696' } as const;

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

function client(overrides: Partial<FinnetAuthOptions> = {}): FinnetAuth {
  return createFinnetAuth({
    secretKey: SECRET,
    username: USERNAME,
    password: PASSWORD,
    baseUrl: server.origin,
    timeoutMs: 300,
    totalTimeoutMs: 1_500,
    maxResponseBytes: 262_144,
    tokenRetry: 0,
    requestRetry: 0,
    tokenFetchTimeoutMs: 2_000,
    ...overrides,
  });
}

/** The documented getToken answer (as the sandbox in `src/testing/` sends it). */
const tokenAnswer = (tokenID: string, tokenExpiry = formatFinnetExpiry(Date.now() + 72 * 3_600_000)): HostileHandler =>
  hostile.json(200, { statusCode: '000', statusDesc: 'Berhasil', tokenID, tokenExpiry, processingTime: 0.0123 });

/** A tokenID shaped like Finnet's: 17-digit GMT+7 time + 61 uppercase hex. */
const tokenId = (marker: string) => `20240821142750123${marker.toUpperCase().padEnd(61, 'F')}`.slice(0, 78);

const routes = (token: HostileHandler, service: HostileHandler) =>
  routeTokenAndService(FINNET_TOKEN_PATH, token, service);

const FAULTS = hostileFaults;

describe('getToken misbehaves', () => {
  it.each(FAULTS)('%s: a typed %s within the bound, then the next call fetches afresh', async (_name, code, fault) => {
    const auth = client();
    server.handle = fault;
    const failed = await settlesWithin(auth.getToken(), BOUND_MS);
    expect(isAuthError(failed.error)).toBe(true);
    expect(failed.error).toMatchObject({ code });
    const recovered = tokenId('A1');
    server.handle = tokenAnswer(recovered);
    const before = server.requests;
    const ok = await settlesWithin(auth.getToken(), BOUND_MS);
    expect(ok.value?.token).toBe(recovered);
    expect(server.requests).toBe(before + 1);
  });
});

describe('a widget call with a valid cached token misbehaves', () => {
  it.each(FAULTS)('request(), the provider %s: a typed %s', async (_name, code, fault) => {
    const auth = client();
    const router = routes(tokenAnswer(tokenId('B1')), fault);
    server.handle = router.handle;
    await auth.getToken();
    const result = await settlesWithin(auth.request(FINNET_WIDGET_TOP_UP_PATH, topUp), BOUND_MS);
    expect(isAuthError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code });
    expect(router.counts).toEqual({ token: 1, service: 1 });
  });
});

describe('a redirect to another origin', () => {
  it.each([307, 308])('%i on getToken: ERR_REDIRECT naming the origin; it sees nothing', async (status) => {
    const auth = client();
    server.handle = hostile.redirect(status, `${other.origin}${FINNET_TOKEN_PATH}`);
    other.handle = tokenAnswer(tokenId('C1'));
    const result = await settlesWithin(auth.getToken(), BOUND_MS);
    expect(isAuthError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code: 'ERR_REDIRECT', redirect: { origin: other.origin } });
    expect(other.requests).toBe(0);
  });

  it.each([307, 308])('%i on request(): ERR_REDIRECT; the other origin sees nothing', async (status) => {
    const auth = client();
    server.handle = routes(tokenAnswer(tokenId('C2')), hostile.redirect(status, `${other.origin}/steal`)).handle;
    other.handle = hostile.json(200, { statusCode: '000', statusDesc: 'Success', widgetURL: 'https://x.test/' });
    await auth.getToken();
    const result = await settlesWithin(auth.request(FINNET_WIDGET_TOP_UP_PATH, topUp), BOUND_MS);
    expect(isAuthError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code: 'ERR_REDIRECT', redirect: { origin: other.origin } });
    expect(other.requests).toBe(0);
  });
});

const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');
const fixedSecrets = () => [
  SECRET,
  hex(SECRET),
  hex(SECRET).toUpperCase(),
  PASSWORD,
  Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64'),
];

/** Everything a request carried that must never be shown: Basic credentials, body signature and tokenID. */
function collectSent(req: IncomingMessage, body: string, sent: Set<string>): void {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') sent.add(authorization.replace(/^Basic\s+/i, ''));
  const fields = JSON.parse(body) as Record<string, unknown>;
  for (const name of ['signature', 'tokenID']) {
    const value = fields[name];
    if (typeof value === 'string') sent.add(value);
  }
}

/** The request quoted back in Finnet's answer shape: every header and the body, in statusDesc and beside it. */
const quoteBack = (sent: Set<string>): HostileHandler => {
  let n = 0;
  return (req, res, body) => {
    collectSent(req, body, sent);
    n += 1;
    // Alternately HTTP 200 (read by the client) and HTTP 400 (read by the core).
    res.writeHead(n % 2 === 0 ? 200 : 400, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        statusCode: 'E04',
        statusDesc: `Signature mismatch: ${JSON.stringify(req.headers)} ${body}`,
        request: body,
        headers: req.headers,
      }),
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
    const auth = client(ECHO_BOUNDS);
    const sent = new Set<string>([...fixedSecrets()]);
    const token = tokenAnswer(tokenId('H1'));
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
    await auth.getToken();
    const errors = await Promise.all(
      Array.from({ length: 20 }, () =>
        auth.request(FINNET_WIDGET_TOP_UP_PATH, topUp).then(
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

  it('100 concurrent widget calls all fail typed, and none shows a signature, tokenID or secret', async () => {
    const auth = client(ECHO_BOUNDS);
    const sent = new Set<string>(fixedSecrets());
    const token = tokenId('D1');
    server.handle = routes((req, res, body) => {
      collectSent(req, body, sent);
      tokenAnswer(token)(req, res, body);
    }, quoteBack(sent)).handle;
    await auth.getToken();
    const errors = await Promise.all(
      Array.from({ length: 100 }, () =>
        auth.request(FINNET_WIDGET_TOP_UP_PATH, topUp).then(
          () => new Error('resolved'),
          (e: unknown) => e,
        ),
      ),
    );
    expect(sent.has(token)).toBe(true);
    // The fixed secrets, the token, the getToken signature and 100 widget-call signatures.
    expect(sent.size).toBe(fixedSecrets().length + 102);
    for (const error of errors) {
      expect(isAuthError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_PROVIDER' });
      expectNoneShown(error, sent);
    }
  });

  it('getToken quoted back (10 clients at once) fails typed, and none shows its signature', async () => {
    const sent = new Set<string>(fixedSecrets());
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
    expect(sent.size).toBeGreaterThan(fixedSecrets().length);
    for (const error of errors) {
      expect(isAuthError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_PROVIDER' });
      expectNoneShown(error, sent);
    }
  });
});

describe('a getToken answer that must not be cached', () => {
  it.each([
    ['CR/LF', '20240821142750123ABC\r\nX-Injected: 1'],
    ['a trailing space', `${tokenId('E1')} `],
    ['only whitespace', '     '],
    ['a character above U+007E', '20240821142750123ÄBCDEF'],
  ])('a tokenID with %s is ERR_RESPONSE_FORMAT, and the next call fetches a new one', async (_name, token) => {
    const auth = client();
    server.handle = tokenAnswer(token);
    const result = await settlesWithin(auth.getToken(), BOUND_MS);
    expect(result.error).toMatchObject({ name: 'ResponseFormatError', code: 'ERR_RESPONSE_FORMAT' });
    expect(() => JSON.stringify(result.error)).not.toThrow();
    if (token.trim().length > 0) expect(inspect(result.error, { depth: 10 })).not.toContain(token.trim());
    const good = tokenId('E2');
    server.handle = tokenAnswer(good);
    const before = server.requests;
    expect((await auth.getToken()).token).toBe(good);
    expect(server.requests).toBe(before + 1);
  });

  // tokenExpiry is an absolute `DD-MMM-YY HH24:MI:SS` (GMT+7, seconds, years 2000 to 2099): a
  // lifetime of 0.0004 s needs a clock 0.4 ms before a whole second, and 1e12 s or 1e13 s
  // (tens of thousands of years) cannot be written at all, so the farthest expiry the format
  // can express (31-DEC-99 23:59:59, about 75 years ahead) and 31 days stand in for them.
  const wholeSecond = Math.floor(Date.now() / 1000) * 1000;
  it.each([
    ['0.0004 s', wholeSecond + 1_000, () => wholeSecond + 1_000 - 0.4],
    ['0 s', wholeSecond, () => wholeSecond],
    ['already expired (a past tokenExpiry)', wholeSecond - 60_000, () => wholeSecond],
    ['31 days', wholeSecond + 31 * 86_400_000, () => wholeSecond],
    ['the farthest the format can write (31-DEC-99 23:59:59)', Date.parse('2099-12-31T16:59:59Z'), () => wholeSecond],
  ])('a tokenExpiry %s ahead is ERR_RESPONSE_FORMAT, serialisable, and never cached', async (_name, expiry, clock) => {
    const auth = client({ clock });
    server.handle = tokenAnswer(tokenId('F1'), formatFinnetExpiry(expiry));
    const result = await settlesWithin(auth.getToken(), BOUND_MS);
    expect(result.error).toMatchObject({ name: 'ResponseFormatError', code: 'ERR_RESPONSE_FORMAT' });
    expect((result.error as Error).message).toMatch(/tokenExpiry/);
    expect(() => JSON.stringify(result.error)).not.toThrow();
    expect(inspect(result.error, { depth: 10 })).not.toContain(tokenId('F1'));
    const good = tokenId('F2');
    server.handle = tokenAnswer(good, formatFinnetExpiry(wholeSecond + 3_600_000));
    const before = server.requests;
    expect((await auth.getToken()).token).toBe(good);
    expect(server.requests).toBe(before + 1);
  });
});
