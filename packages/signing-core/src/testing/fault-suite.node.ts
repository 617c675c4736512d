/**
 * The fault suite every provider package runs (Node only): one table of the hostile server's
 * faults, run over real HTTP on 127.0.0.1 against a provider's client. The provider supplies an
 * adapter (how to create its client, get a token, make a service call, and how it shapes its
 * token answer and its quoted-back errors); `runFaultSuite` registers the tests through the
 * `describe`/`it`/`expect` it is given, so the kit depends on no test runner.
 *
 * Each test checks: a typed error with the right `code` within `FAULT_BOUND_MS`, no unhandled
 * rejection, the client recovering with a fresh request, a redirect to another origin (or from
 * https to http) reaching nobody, nothing the client sent (token, signatures, secrets) shown in
 * an error when the provider quotes the request back, and an unusable token or lifetime never
 * being cached.
 */
import type { IncomingMessage } from 'node:http';
import { inspect } from 'node:util';
import { isAuthError } from '../errors/errors.js';
import {
  type HostileHandler,
  type HostileServer,
  hostile,
  hostileFaults,
  routeTokenAndService,
  settlesWithin,
  startHostileServer,
  trackUnhandledRejections,
} from './hostile.node.js';

/** What a fault must settle within, in ms. */
const FAULT_BOUND_MS = 3_000;
/**
 * The quoting-back tests are about what errors show, not about deadlines: roomy bounds, so 100
 * concurrent calls on a loaded machine all reach the server and end in its answer.
 */
const ECHO_BOUNDS = { timeoutMs: 5_000, totalTimeoutMs: 10_000 } as const;
/** The https origin of the https → http test (answered by a `fetch` stand-in, no network). */
const HTTPS_ORIGIN = 'https://api.example.test';

/** The `expect(actual)` matchers the suite uses (vitest's and Jest's `expect` fit). */
export interface FaultSuiteMatchers {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toMatch(expected: string | RegExp): void;
  toContain(expected: string): void;
  toBeGreaterThan(expected: number): void;
  toBeGreaterThanOrEqual(expected: number): void;
  toThrow(): void;
  readonly not: FaultSuiteMatchers;
}

/** The test-runner functions the suite registers its tests with, e.g. vitest's. */
export interface FaultSuiteApi {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>): unknown;
  beforeAll(body: () => Promise<void>): unknown;
  afterAll(body: () => Promise<void>): unknown;
  afterEach(body: () => Promise<void>): unknown;
  expect(actual: unknown): FaultSuiteMatchers;
}

/** The settings the suite creates a client with; the adapter adds credentials and `retry: 0`. */
export interface FaultClientSettings {
  /** The hostile server's origin (or, in the https → http test, an https origin). */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly maxResponseBytes: number;
  readonly tokenFetchTimeoutMs: number;
  /** Set only by the https → http test. */
  readonly fetch?: typeof globalThis.fetch;
  /** Set only by a lifetime case with a `clock`. */
  readonly clock?: () => number;
}

/** What a provider answers when it quotes the request back; `n` counts the requests it answered (from 1). */
export type FaultEchoAnswer = (req: IncomingMessage, body: string, n: number) => { status: number; body: unknown };

/** A service call through the provider's client, `[name, call]`. */
export type FaultCall<C> = readonly [name: string, call: (client: C, i: number) => Promise<unknown>];

/** An out-of-range token lifetime, in the provider's own terms. */
export interface FaultLifetimeCase<L> {
  /** e.g. `an expiresIn of 1e12 s`. */
  readonly name: string;
  /** Passed to `tokenBody`. Default: `tokenBody`'s. */
  readonly lifetime?: L;
  /** The token in that answer, which the error must not show. Default: `token('lifetime')`. */
  readonly token?: string;
  /** What the error message must name (the lifetime's field). */
  readonly field: string | RegExp;
  /** The client's clock for this case. */
  readonly clock?: () => number;
  /** The lifetime of the good token answered afterwards. Default: `tokenBody`'s. */
  readonly next?: L;
}

/** How the suite drives one provider's client `C`; `L` is what `tokenBody` takes as a lifetime. */
export interface FaultSuiteAdapter<C, L = unknown> {
  /** The token endpoint's path: requests whose path starts with it are token requests. */
  readonly tokenPath: string;
  /** Used in the test names. Defaults: `the token request`, `a service call`. */
  readonly names?: { readonly tokenRequest?: string; readonly serviceCall?: string };
  /** A client of the provider with these settings, credentials, and no retries. */
  createClient(settings: FaultClientSettings): C;
  getToken(client: C): Promise<{ readonly token: string }>;
  /**
   * The service calls, `[name, call]`; `i` tells concurrent calls apart. Every fault is run
   * through each; the first must reject on an HTTP 400 (the quoting-back tests use it).
   */
  readonly calls: readonly [FaultCall<C>, ...FaultCall<C>[]];
  /** A valid token of the provider's shape carrying `marker`; at least 32 characters is best. */
  token(marker: string): string;
  /** The provider's successful token answer (JSON body) carrying `token`. */
  tokenBody(token: string, lifetime?: L): unknown;
  /** A successful service answer (JSON body), what a redirect target would send. */
  readonly serviceBody: unknown;
  /** Secrets the client holds (client secret, password…): never shown, each longer than 8 characters. */
  readonly secrets: readonly string[];
  /** What one request carried that must never be shown (bearer token, signatures), each longer than 8 characters. */
  sentBy(req: IncomingMessage, body: string): Iterable<string>;
  /** How the provider quotes a request back. */
  readonly echo: {
    readonly token: FaultEchoAnswer;
    readonly service: FaultEchoAnswer;
    /** How many distinct values `secrets` and `sentBy` give after a token request and `calls` service calls. */
    sentAfterServiceCalls(calls: number): number;
    /** The same after `clients` quoted-back token requests, if exact (else at least `secrets.length + 1`). */
    sentAfterTokenRequests?(clients: number): number;
    /** What a quoted-back token request's error also matches, beside `code: 'ERR_PROVIDER'`. */
    readonly tokenError?: Readonly<Record<string, unknown>>;
  };
  /** Tokens that cannot travel in a header. */
  readonly unusableTokens?: {
    /** The token field's name in the test names. Default `token`. */
    readonly field?: string;
    /** The lifetime they come with. Default: `tokenBody`'s. */
    readonly lifetime?: NoInfer<L>;
    /** `[name, token]`. Default: CR/LF, a trailing space, only whitespace, a character above U+007E. */
    readonly cases?: readonly (readonly [name: string, token: string])[];
  };
  /** Out-of-range lifetimes (too short, already past, too long). */
  readonly lifetimes: readonly FaultLifetimeCase<NoInfer<L>>[];
}

const UNUSABLE_TOKENS: readonly (readonly [name: string, token: string])[] = [
  ['CR/LF', 'abc\r\nX-Injected: 1'],
  ['a trailing space', 'abcdefgh '],
  ['only whitespace', '    '],
  ['a character above U+007E', 'tökén-abcdefgh'],
];

/**
 * Registers the fault tests of `adapter`'s provider with `api` (call it at the top level of a
 * test file): two hostile servers are started before all tests and closed after them, and
 * after each test nothing may be left unhandled.
 */
export function runFaultSuite<C, L = unknown>(api: FaultSuiteApi, adapter: FaultSuiteAdapter<C, L>): void {
  const { describe, it, expect } = api;
  const { tokenPath, calls, token, tokenBody } = adapter;
  const tokenRequest = adapter.names?.tokenRequest ?? 'the token request';
  const serviceCall = adapter.names?.serviceCall ?? 'a service call';
  let server: HostileServer;
  let other: HostileServer;
  const unhandled = trackUnhandledRejections();
  api.beforeAll(async () => {
    [server, other] = await Promise.all([startHostileServer(), startHostileServer()]);
    unhandled.start();
  });
  api.afterAll(async () => {
    unhandled.stop();
    await Promise.all([server.close(), other.close()]);
  });
  api.afterEach(async () => {
    // Let late timers and stream callbacks run, then check nothing was left unhandled.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled.take()).toEqual([]);
    server.reset();
    other.reset();
  });

  const client = (overrides: Partial<FaultClientSettings> = {}) =>
    adapter.createClient({
      baseUrl: server.origin,
      timeoutMs: 300,
      totalTimeoutMs: 1_500,
      maxResponseBytes: 262_144,
      tokenFetchTimeoutMs: 2_000,
      ...overrides,
    });
  const tokenAnswer = (value: string, lifetime?: L) => hostile.json(200, tokenBody(value, lifetime));
  const routes = (onToken: HostileHandler, service: HostileHandler) =>
    routeTokenAndService(tokenPath, onToken, service);
  const settled = <T>(promise: Promise<T>) => settlesWithin(promise, FAULT_BOUND_MS);
  const expectTyped = (error: unknown, match: object) => {
    expect(isAuthError(error)).toBe(true);
    expect(error).toMatchObject(match);
  };
  /** The next getToken() sends exactly one new request and gets its token. */
  const expectFetchesAfresh = async (auth: C, lifetime?: L) => {
    const good = token('good');
    server.handle = tokenAnswer(good, lifetime);
    const before = server.requests;
    const ok = await settled(adapter.getToken(auth));
    expect(ok.value?.token).toBe(good);
    expect(server.requests).toBe(before + 1);
  };

  describe(`${tokenRequest} misbehaves`, () => {
    for (const [name, code, fault] of hostileFaults) {
      it(`${name}: a typed ${code} within the bound, then the next call fetches afresh`, async () => {
        const auth = client();
        server.handle = fault;
        const failed = await settled(adapter.getToken(auth));
        expectTyped(failed.error, { code });
        await expectFetchesAfresh(auth);
      });
    }
  });

  describe(`${serviceCall} with a valid cached token misbehaves`, () => {
    for (const [callName, call] of calls) {
      for (const [name, code, fault] of hostileFaults) {
        it(`${callName}, the provider ${name}: a typed ${code}`, async () => {
          const auth = client();
          const router = routes(tokenAnswer(token('cached')), fault);
          server.handle = router.handle;
          await adapter.getToken(auth);
          const result = await settled(call(auth, 0));
          expectTyped(result.error, { code });
          expect(router.counts).toEqual({ token: 1, service: 1 });
        });
      }
    }
  });

  describe('a redirect to another origin', () => {
    for (const status of [307, 308]) {
      it(`${status} on ${tokenRequest}: ERR_REDIRECT naming the origin; it sees nothing`, async () => {
        const auth = client();
        server.handle = hostile.redirect(status, `${other.origin}${tokenPath}`);
        other.handle = tokenAnswer(token('attacker'));
        const result = await settled(adapter.getToken(auth));
        expectTyped(result.error, { code: 'ERR_REDIRECT', redirect: { origin: other.origin } });
        expect(other.requests).toBe(0);
      });
      for (const [callName, call] of calls) {
        it(`${status} on ${serviceCall} through ${callName}: ERR_REDIRECT; the other origin sees nothing`, async () => {
          const auth = client();
          server.handle = routes(
            tokenAnswer(token('cached')),
            hostile.redirect(status, `${other.origin}/steal`),
          ).handle;
          other.handle = hostile.json(200, adapter.serviceBody);
          await adapter.getToken(auth);
          const result = await settled(call(auth, 0));
          expectTyped(result.error, { code: 'ERR_REDIRECT', redirect: { origin: other.origin } });
          expect(other.requests).toBe(0);
        });
      }
    }
  });

  /** A `fetch` for `HTTPS_ORIGIN`: a token answer on the token path (if `withToken`), else a 308 to http on the same host. */
  const downgrading = (withToken: boolean) => {
    const requested: string[] = [];
    const fetch = (async (input: string | URL | Request) => {
      const url = new URL(input instanceof Request ? input.url : input);
      requested.push(url.href);
      if (withToken && url.pathname.startsWith(tokenPath)) {
        return new Response(JSON.stringify(tokenBody(token('https'))), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      }
      return new Response(null, { status: 308, headers: { location: `http://${url.host}${url.pathname}` } });
    }) as typeof globalThis.fetch;
    return { fetch, requested };
  };
  const expectNoDowngrade = (error: unknown, requested: readonly string[]) => {
    expectTyped(error, { code: 'ERR_REDIRECT', redirect: { origin: 'http://api.example.test' } });
    expect(requested.length).toBeGreaterThan(0);
    for (const url of requested) expect(url).toMatch(/^https:\/\/api\.example\.test\//);
  };

  describe('a redirect from https to http on the same host', () => {
    it(`308 on ${tokenRequest}: ERR_REDIRECT naming the http origin; nothing is sent over http`, async () => {
      const { fetch, requested } = downgrading(false);
      const auth = client({ baseUrl: HTTPS_ORIGIN, fetch });
      const result = await settled(adapter.getToken(auth));
      expectNoDowngrade(result.error, requested);
    });
    for (const [callName, call] of calls) {
      it(`308 on ${serviceCall} through ${callName}: ERR_REDIRECT; nothing is sent over http`, async () => {
        const { fetch, requested } = downgrading(true);
        const auth = client({ baseUrl: HTTPS_ORIGIN, fetch });
        await adapter.getToken(auth);
        const result = await settled(call(auth, 0));
        expectNoDowngrade(result.error, requested);
      });
    }
  });

  const collect = (sent: Set<string>) => (req: IncomingMessage, body: string) => {
    for (const value of adapter.sentBy(req, body)) sent.add(value);
  };
  /** The provider's token answer, noting what the token request carried. */
  const collectingToken = (sent: Set<string>, value: string): HostileHandler => {
    const answer = tokenAnswer(value);
    return (req, res, body) => {
      collect(sent)(req, body);
      answer(req, res, body);
    };
  };
  /** The request quoted back in `shape`, noting what it carried. */
  const quoteBack = (shape: FaultEchoAnswer, sent: Set<string>): HostileHandler => {
    let n = 0;
    return (req, res, body) => {
      collect(sent)(req, body);
      n += 1;
      const answer = shape(req, body, n);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    };
  };
  const expectNoneShown = (error: unknown, sent: Set<string>) => {
    const shown = [inspect(error, { depth: 10 }), JSON.stringify(error), (error as Error).stack ?? ''].join('\n');
    for (const value of sent) {
      expect(value.length).toBeGreaterThan(8);
      expect(shown).not.toContain(value);
      if (value.length >= 32) {
        expect(shown).not.toContain(value.slice(0, 16));
        expect(shown).not.toContain(value.slice(-16));
      }
    }
  };
  const failures = (count: number, start: (i: number) => Promise<unknown>) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        start(i).then(
          () => new Error('resolved'),
          (e: unknown) => e,
        ),
      ),
    );
  const [, firstCall] = calls[0];

  describe('a provider that quotes the request back', () => {
    it('an HTML error page quoting the request (20 calls at once): typed, and nothing sent is shown', async () => {
      const auth = client(ECHO_BOUNDS);
      const sent = new Set<string>(adapter.secrets);
      server.handle = routes(collectingToken(sent, token('html')), (req, res, body) => {
        collect(sent)(req, body);
        res.writeHead(400, { 'content-type': 'text/html' });
        res.end(`<html><body><h1>Bad Request</h1><pre>${JSON.stringify(req.headers)}\n${body}</pre></body></html>`);
      }).handle;
      await adapter.getToken(auth);
      const errors = await failures(20, (i) => firstCall(auth, i));
      expect(sent.size).toBeGreaterThan(2);
      for (const error of errors) {
        expect(isAuthError(error)).toBe(true);
        expectNoneShown(error, sent);
      }
    });

    it('100 concurrent service calls all fail typed, and none shows a token, signature or secret', async () => {
      const auth = client(ECHO_BOUNDS);
      const sent = new Set<string>(adapter.secrets);
      const quoted = token('quoted');
      server.handle = routes(collectingToken(sent, quoted), quoteBack(adapter.echo.service, sent)).handle;
      await adapter.getToken(auth);
      const errors = await failures(100, (i) => firstCall(auth, i));
      expect(sent.has(quoted)).toBe(true);
      expect(sent.size).toBe(adapter.echo.sentAfterServiceCalls(100));
      for (const error of errors) {
        expectTyped(error, { code: 'ERR_PROVIDER' });
        expectNoneShown(error, sent);
      }
    });

    it(`${tokenRequest} quoted back (10 clients at once) fails typed, and none shows what it sent`, async () => {
      const sent = new Set<string>(adapter.secrets);
      server.handle = quoteBack(adapter.echo.token, sent);
      const errors = await failures(10, () => adapter.getToken(client(ECHO_BOUNDS)));
      // A timestamp with a resolution of a second may make some signatures coincide.
      expect(sent.size).toBeGreaterThanOrEqual(adapter.secrets.length + 1);
      if (adapter.echo.sentAfterTokenRequests) expect(sent.size).toBe(adapter.echo.sentAfterTokenRequests(10));
      for (const error of errors) {
        expectTyped(error, { code: 'ERR_PROVIDER', ...adapter.echo.tokenError });
        expectNoneShown(error, sent);
      }
    });
  });

  describe('a token answer that must not be cached', () => {
    const field = adapter.unusableTokens?.field ?? 'token';
    for (const [name, unusable] of adapter.unusableTokens?.cases ?? UNUSABLE_TOKENS) {
      it(`a ${field} with ${name} is ERR_RESPONSE_FORMAT, and the next call fetches a new one`, async () => {
        const auth = client();
        server.handle = tokenAnswer(unusable, adapter.unusableTokens?.lifetime);
        const result = await settled(adapter.getToken(auth));
        expect(result.error).toMatchObject({ name: 'ResponseFormatError', code: 'ERR_RESPONSE_FORMAT' });
        expect(() => JSON.stringify(result.error)).not.toThrow();
        if (unusable.trim().length > 0) expect(inspect(result.error, { depth: 10 })).not.toContain(unusable.trim());
        await expectFetchesAfresh(auth);
      });
    }

    for (const lifetime of adapter.lifetimes) {
      it(`${lifetime.name} is ERR_RESPONSE_FORMAT naming its field, serialisable, and never cached`, async () => {
        const auth = client(lifetime.clock ? { clock: lifetime.clock } : {});
        const refused = lifetime.token ?? token('lifetime');
        server.handle = tokenAnswer(refused, lifetime.lifetime);
        const result = await settled(adapter.getToken(auth));
        expect(result.error).toMatchObject({ name: 'ResponseFormatError', code: 'ERR_RESPONSE_FORMAT' });
        expect((result.error as Error).message).toMatch(lifetime.field);
        expect(() => JSON.stringify(result.error)).not.toThrow();
        expect(inspect(result.error, { depth: 10 })).not.toContain(refused);
        await expectFetchesAfresh(auth, lifetime.next);
      });
    }
  });
}
