/**
 * The token lifecycle every provider shares (after Azure's tokenCycler and
 * google-auth-library):
 *
 * - cached: a valid token is returned from memory, without touching the store or the network;
 * - refreshed ahead: inside the refresh window callers still get the current token at once
 *   while one background fetch replaces it; only when there is no valid token do callers wait;
 * - single-flight: however many callers, at most one fetch per manager at a time, and with a
 *   store that has a lock, at most one across processes;
 * - a failed fetch rejects every waiter with the same error, and the next call tries again;
 *   a failed background refresh is retried with backoff while the current token stays in use;
 * - `invalidate(token)` drops a token the provider rejected (only if it is still the current one);
 * - a failing or slow store is reported through the logger and bypassed, never fatal;
 * - bounded: one fetch may take at most `fetchTimeoutMs` (its `signal` then aborts it), so a
 *   provider that stalls can never hold the single-flight slot; the next call fetches again;
 * - validated before it is cached: a token must be visible ASCII without spaces (it travels in
 *   a header), and its lifetime between `minLifetimeMs` and `maxLifetimeMs`.
 *
 * No timer keeps the process alive, and no path leaves a rejection unhandled.
 */
import { ResponseFormatError, StoreError, TransportError } from '../errors/errors.js';
import { type Logger, log } from '../logger/logger.js';
import {
  type AuthEventHandler,
  type EventTimer,
  emitTo,
  errorCodeOf,
  type TokenFetchReason,
  timedOutcome,
} from '../telemetry/events.js';
import type { Clock } from '../time/clock.js';
import { AccessToken, type StoredToken, type TokenData } from './access-token.js';
import { memoryTokenStore, type TokenStore, type TokenStoreLock } from './token-store.js';

/** What `fetchToken` resolves to. */
export interface TokenResult<D extends TokenData = TokenData> {
  readonly token: string;
  /** Epoch milliseconds at which the provider stops accepting the token. */
  readonly expiresAt: number;
  readonly tokenType?: string;
  readonly data?: D;
  /**
   * The provider's names for the token and its lifetime (e.g. `accessToken`, `expiresIn`), used
   * in the message when either is refused. Default `token` and `expiresAt`.
   */
  readonly fields?: { readonly token?: string; readonly lifetime?: string } | undefined;
}

export type { TokenFetchReason };

export interface TokenManagerOptions<D extends TokenData = TokenData> {
  /** Cache key: unique per provider, base URL and client (e.g. `snap:https://api.example:client-1`). */
  key: string;
  /** Gets a new token from the provider. Called once per refresh, never concurrently. */
  fetchToken: (context: { reason: TokenFetchReason; signal: AbortSignal }) => Promise<TokenResult<D>>;
  /** Where tokens are kept. Default: a private `memoryTokenStore()`. */
  store?: TokenStore | undefined;
  /**
   * How long before expiry a background refresh starts. Default: a fifth of the token's
   * lifetime, at most 5 minutes. Capped at half the lifetime.
   */
  refreshAheadMs?: number | undefined;
  /**
   * A token counts as expired this long before the provider's expiry, to absorb clock skew
   * and requests in flight. Default: 10 s, at most a tenth of the lifetime.
   */
  expiryMarginMs?: number | undefined;
  /** Epoch-ms clock. Default `Date.now`. */
  clock?: Clock | undefined;
  /** Receives store outages and background-refresh failures. Default: silent. */
  logger?: Logger | undefined;
  /** Provider name for errors and logs. */
  provider?: string | undefined;
  /**
   * Receives the lifecycle's events: `token.fetch` (reason, outcome, duration), `token.cache`
   * (hit or miss), `token.wait` and `token.refresh-failed`. A throwing handler is ignored.
   */
  onEvent?: AuthEventHandler | undefined;
  /** Lock lifetime for stores with a lock: the longest one fetch may take. Default 15 s. */
  lockTtlMs?: number | undefined;
  /** Longest wait for another process's fetch before fetching anyway. Default 2 × lockTtlMs. */
  lockWaitMs?: number | undefined;
  /** Longest time one store operation may take before it is bypassed. Default 1 s. */
  storeTimeoutMs?: number | undefined;
  /** Backoff after a failed background refresh: first delay and cap, in ms. Default 1 s and 60 s. */
  refreshRetry?: { initialDelayMs?: number; maxDelayMs?: number } | undefined;
  /**
   * Longest time one `fetchToken` may take, after which it fails with `ERR_TIMEOUT`, its
   * `signal` aborts, and the next caller starts a new fetch. Default 60 s.
   */
  fetchTimeoutMs?: number | undefined;
  /** Shortest token lifetime accepted; a shorter one would mean one request per call. Default 10 s. */
  minLifetimeMs?: number | undefined;
  /** Longest token lifetime accepted. Default 30 days. */
  maxLifetimeMs?: number | undefined;
}

/** Defaults of the token manager's bounds, in ms. */
export const DEFAULT_FETCH_TIMEOUT_MS = 60_000;
export const DEFAULT_MIN_LIFETIME_MS = 10_000;
export const DEFAULT_MAX_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** Visible ASCII, no space: what may travel in an `Authorization` header unescaped. */
const HEADER_SAFE_TOKEN = /^[\x21-\x7e]+$/;

export interface GetTokenOptions {
  /** Stops *this caller's* wait (the shared fetch goes on for the others). */
  signal?: AbortSignal | undefined;
  /** Fetch a new token even if the cached one is valid. */
  forceRefresh?: boolean | undefined;
}

export interface TokenManager<D extends TokenData = TokenData> {
  /** A valid token: cached, or fetched once for all concurrent callers. */
  getToken(options?: GetTokenOptions): Promise<AccessToken<D>>;
  /**
   * Drops a token the provider rejected. Pass the rejected token (or its text) so that a
   * token already replaced by another caller is kept; without it the current token is dropped.
   */
  invalidate(token?: AccessToken<TokenData> | string): Promise<void>;
  /** The cached token without any I/O, if one is valid now. */
  peek(): AccessToken<D> | undefined;
  /**
   * The texts of the last few tokens this manager handed out (at most 8, newest last), for
   * scrubbing: a provider may quote an earlier, replaced token in a later call's error.
   */
  recentTokens(): readonly string[];
}

/** How many replaced tokens `recentTokens()` keeps: tokens rotate per lifetime (at least 10 s), not per call. */
const RECENT_TOKENS = 8;

interface Current {
  readonly token: AccessToken;
  /** An already-resolved promise of `token`, handed to every cached caller (no allocation per call). */
  readonly resolved: Promise<AccessToken>;
  readonly text: string;
  /** Background refresh starts at this time. */
  readonly refreshAt: number;
  /** After this time the token is not handed out. */
  readonly usableUntil: number;
}

const MAX_REFRESH_AHEAD_MS = 5 * 60_000;
const DEFAULT_MARGIN_MS = 10_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    (timer as { unref?: () => void }).unref?.();
  });
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(
      `[@org/signing-core] createTokenManager: ${name} must be a non-negative number of milliseconds`,
    );
  }
  return value;
}

export function createTokenManager<D extends TokenData = TokenData>(options: TokenManagerOptions<D>): TokenManager<D> {
  // One implementation for every `D`: `data` is handed through as the provider returned it.
  return createManager(options as unknown as TokenManagerOptions) as unknown as TokenManager<D>;
}

function createManager(options: TokenManagerOptions): TokenManager {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('[@org/signing-core] createTokenManager: options must be an object');
  }
  if (typeof options.key !== 'string' || options.key.length === 0) {
    throw new TypeError('[@org/signing-core] createTokenManager: key must be a non-empty string');
  }
  if (typeof options.fetchToken !== 'function') {
    throw new TypeError('[@org/signing-core] createTokenManager: fetchToken must be a function');
  }
  const { key, fetchToken, logger, provider, onEvent } = options;
  const eventProvider = provider ?? 'unknown';
  const store = options.store ?? memoryTokenStore({ clock: options.clock ?? Date.now });
  const clock = options.clock ?? Date.now;
  const lockTtlMs = nonNegative('lockTtlMs', options.lockTtlMs, 15_000);
  const lockWaitMs = nonNegative('lockWaitMs', options.lockWaitMs, 2 * lockTtlMs);
  const storeTimeoutMs = nonNegative('storeTimeoutMs', options.storeTimeoutMs, 1_000);
  const refreshAheadOption =
    options.refreshAheadMs === undefined ? undefined : nonNegative('refreshAheadMs', options.refreshAheadMs, 0);
  const marginOption =
    options.expiryMarginMs === undefined ? undefined : nonNegative('expiryMarginMs', options.expiryMarginMs, 0);
  const retryInitial = nonNegative('refreshRetry.initialDelayMs', options.refreshRetry?.initialDelayMs, 1_000);
  const retryMax = nonNegative('refreshRetry.maxDelayMs', options.refreshRetry?.maxDelayMs, 60_000);
  const fetchTimeoutMs = nonNegative('fetchTimeoutMs', options.fetchTimeoutMs, DEFAULT_FETCH_TIMEOUT_MS);
  const minLifetimeMs = nonNegative('minLifetimeMs', options.minLifetimeMs, DEFAULT_MIN_LIFETIME_MS);
  const maxLifetimeMs = nonNegative('maxLifetimeMs', options.maxLifetimeMs, DEFAULT_MAX_LIFETIME_MS);

  let current: Current | undefined;
  let inflight: Promise<Current> | undefined;
  let refreshFailures = 0;
  let nextRefreshAttemptAt = 0;
  let storeDown = false;
  /** The current token was dropped by `invalidate`: the next fetch is for a rejected token. */
  let droppedByRejection = false;
  /** Tokens the provider rejected: never adopted again from the store, even if its delete failed. */
  const rejected = new Set<string>();

  function toCurrent(stored: StoredToken): Current {
    const lifetime = Math.max(0, stored.expiresAt - stored.obtainedAt);
    const margin = marginOption ?? Math.min(DEFAULT_MARGIN_MS, lifetime / 10);
    const usableUntil = stored.expiresAt - margin;
    const ahead = Math.min(refreshAheadOption ?? Math.min(lifetime / 5, MAX_REFRESH_AHEAD_MS), lifetime / 2);
    const token = new AccessToken(stored);
    return { token, resolved: Promise.resolve(token), text: stored.token, refreshAt: usableUntil - ahead, usableUntil };
  }

  // ---- store access: bounded in time, failures reported once per outage and bypassed ----

  async function storeCall<T>(
    operation: string,
    work: () => Promise<T>,
    timeoutMs = storeTimeoutMs,
  ): Promise<T | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const result = await Promise.race([
        work(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new StoreError(`token store ${operation} took longer than ${timeoutMs} ms`, { provider })),
            timeoutMs,
          );
          (timer as { unref?: () => void }).unref?.();
        }),
      ]);
      if (storeDown) {
        storeDown = false;
        log(logger, 'info', 'token store is available again', { key, provider });
      }
      return result;
    } catch (error) {
      if (!storeDown) {
        storeDown = true;
        log(logger, 'warn', 'token store unavailable: fetching tokens without it (in-process single-flight)', {
          key,
          provider,
          operation,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      }
      return undefined;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  function isFresh(stored: StoredToken | undefined, now: number, needNewerThan?: Current): stored is StoredToken {
    if (!stored || typeof stored.token !== 'string' || typeof stored.expiresAt !== 'number') return false;
    if (rejected.has(stored.token)) return false;
    const candidate = toCurrent(stored);
    if (needNewerThan) return candidate.text !== needNewerThan.text && now < candidate.refreshAt;
    return now < candidate.usableUntil;
  }

  // ---- fetching ----

  /**
   * Fetches and writes the token back to the store. When the store has just failed in this
   * same attempt (`storeJustFailed`), the write-back runs in the background instead: callers
   * do not wait a second store timeout, and a store that is back gets the token anyway.
   */
  async function fetchAndStore(reason: TokenFetchReason, storeJustFailed = false): Promise<Current> {
    const obtainedAt = clock();
    const result = await boundedFetchToken(reason);
    checkTokenResult(result, obtainedAt);
    const stored: StoredToken = {
      token: result.token,
      expiresAt: result.expiresAt,
      obtainedAt,
      ...(result.tokenType === undefined ? {} : { tokenType: result.tokenType }),
      ...(result.data === undefined ? {} : { data: result.data }),
    };
    const ttl = stored.expiresAt - clock();
    if (ttl > 0) {
      const write = storeCall('set', () => store.set(key, stored, ttl));
      if (!storeJustFailed) await write;
    }
    return toCurrent(stored);
  }

  /** `fetchToken` under a deadline: on expiry its signal aborts and the wait ends with `ERR_TIMEOUT`. */
  function boundedFetchToken(reason: TokenFetchReason): Promise<TokenResult> {
    if (onEvent === undefined) return deadlineFetchToken(reason);
    return timedOutcome(
      () => deadlineFetchToken(reason),
      (timer, outcome) =>
        emitTo(onEvent, {
          type: 'token.fetch',
          provider: eventProvider,
          startTime: timer.startTime,
          reason,
          outcome: outcome.ok ? 'success' : 'failure',
          durationMs: durationOf(timer),
          ...(outcome.ok ? {} : { errorCode: errorCodeOf(outcome.error) }),
        }),
    );
  }

  function deadlineFetchToken(reason: TokenFetchReason): Promise<TokenResult> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new TransportError(
          'ERR_TIMEOUT',
          `fetching the access token took longer than ${fetchTimeoutMs} ms (fetchTimeoutMs)`,
          { provider },
        );
        controller.abort(error);
        reject(error);
      }, fetchTimeoutMs);
      (timer as { unref?: () => void }).unref?.();
    });
    const work = Promise.resolve().then(() => fetchToken({ reason, signal: controller.signal }));
    // The fetch may still settle after the deadline: that late outcome is dropped, not unhandled.
    work.catch(() => {});
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  /** Refuses, with a typed error naming the provider's field, a token that must not be cached. */
  function checkTokenResult(result: TokenResult, obtainedAt: number): void {
    if (result === null || typeof result !== 'object') {
      throw new ResponseFormatError('fetchToken did not resolve to { token, expiresAt }', {}, { provider });
    }
    const tokenField = result.fields?.token ?? 'token';
    const lifetimeField = result.fields?.lifetime ?? 'expiresAt';
    if (typeof result.token !== 'string' || !HEADER_SAFE_TOKEN.test(result.token)) {
      const what =
        typeof result.token !== 'string'
          ? `is not a string (${result.token === null ? 'null' : typeof result.token})`
          : result.token.length === 0
            ? 'is empty'
            : result.token.trim().length === 0
              ? 'is only whitespace'
              : 'contains a space, a control character or a character outside visible ASCII';
      throw new ResponseFormatError(
        `${provider ?? 'the provider'} returned an access token (${tokenField}) that ${what}: it cannot be sent in a header`,
        {},
        { provider },
      );
    }
    const lifetime = typeof result.expiresAt === 'number' ? result.expiresAt - obtainedAt : Number.NaN;
    if (!Number.isFinite(lifetime) || lifetime < minLifetimeMs || lifetime > maxLifetimeMs) {
      const shown = Number.isFinite(lifetime) ? `${Math.round(lifetime / 100) / 10} s` : 'not a finite number';
      throw new ResponseFormatError(
        `${provider ?? 'the provider'} returned a token lifetime (${lifetimeField}) of ${shown}; expected from ${minLifetimeMs / 1000} s to ${maxLifetimeMs / 1000} s (minLifetimeMs, maxLifetimeMs)`,
        {},
        { provider },
      );
    }
  }

  async function obtain(reason: TokenFetchReason, previous: Current | undefined): Promise<Current> {
    const force = reason === 'forced';
    let storeJustFailed = false;
    if (!force) {
      const stored = await storeCall('get', () => store.get(key));
      storeJustFailed = storeDown;
      if (isFresh(stored, clock(), reason === 'refresh' ? previous : undefined)) return toCurrent(stored);
    }
    if (typeof store.lock !== 'function' || storeJustFailed) return fetchAndStore(reason, storeJustFailed);

    // Waiting is real time (real sleeps), whatever the injected clock says.
    const deadline = Date.now() + lockWaitMs;
    let pollMs = 20;
    for (;;) {
      const lock: TokenStoreLock | undefined | null = await storeCall(
        'lock',
        async () => (await store.lock?.(key, lockTtlMs)) ?? null,
      );
      if (lock === undefined) return fetchAndStore(reason, true); // store failed: go alone
      if (lock !== null) {
        try {
          // Double-check: another process may have stored a token while we waited for the lock.
          if (!force) {
            const stored = await storeCall('get', () => store.get(key));
            if (isFresh(stored, clock(), reason === 'refresh' ? previous : undefined)) return toCurrent(stored);
          }
          return await fetchAndStore(reason);
        } finally {
          await storeCall('release', () => lock.release());
        }
      }
      // Another process is fetching: wait for its token.
      if (Date.now() >= deadline) {
        log(logger, 'warn', 'gave up waiting for another process to fetch the token: fetching here', { key, provider });
        return fetchAndStore(reason);
      }
      if (typeof store.waitForChange === 'function') {
        // A wait may take its own length plus the usual store timeout before it counts as a failure.
        const waitMs = Math.min(pollMs * 10, lockTtlMs);
        await storeCall(
          'waitForChange',
          () => store.waitForChange?.(key, waitMs) ?? Promise.resolve(),
          waitMs + storeTimeoutMs,
        );
      } else {
        await sleep(pollMs + Math.random() * pollMs);
      }
      pollMs = Math.min(pollMs * 1.5, 250);
      const stored = await storeCall('get', () => store.get(key));
      if (isFresh(stored, clock(), reason === 'refresh' ? previous : undefined)) return toCurrent(stored);
    }
  }

  const recent: string[] = [];

  function start(reason: TokenFetchReason): Promise<Current> {
    if (inflight) return inflight;
    if (reason !== 'refresh') droppedByRejection = false;
    const previous = current;
    const promise = obtain(reason, previous).then((next) => {
      current = next;
      if (!recent.includes(next.text)) {
        recent.push(next.text);
        if (recent.length > RECENT_TOKENS) recent.shift();
      }
      refreshFailures = 0;
      nextRefreshAttemptAt = 0;
      return next;
    });
    inflight = promise;
    // Clear the single-flight slot whatever happens; this chain swallows the rejection,
    // which every caller still receives through `promise` itself.
    promise.then(
      () => {
        if (inflight === promise) inflight = undefined;
      },
      () => {
        if (inflight === promise) inflight = undefined;
      },
    );
    return promise;
  }

  function refreshInBackground(now: number): void {
    if (inflight || now < nextRefreshAttemptAt) return;
    start('refresh').catch((error: unknown) => {
      refreshFailures += 1;
      const delay = Math.min(retryMax, retryInitial * 2 ** (refreshFailures - 1));
      nextRefreshAttemptAt = clock() + delay * (0.5 + Math.random() / 2);
      emitTo(onEvent, {
        type: 'token.refresh-failed',
        provider: eventProvider,
        startTime: Date.now(),
        failures: refreshFailures,
        retryInMs: Math.round(nextRefreshAttemptAt - clock()),
        errorCode: errorCodeOf(error),
      });
      log(logger, 'warn', 'background token refresh failed; the current token stays in use', {
        key,
        provider,
        failures: refreshFailures,
        retryInMs: Math.round(nextRefreshAttemptAt - clock()),
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    });
  }

  function waitWithSignal(promise: Promise<Current>, signal: AbortSignal | undefined): Promise<Current> {
    if (!signal) return promise;
    if (signal.aborted) return Promise.reject(abortError());
    return new Promise<Current>((resolve, reject) => {
      const onAbort = () => reject(abortError());
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  function abortError(): TransportError {
    return new TransportError('ERR_ABORTED', 'waiting for the access token was aborted', { provider });
  }

  return {
    // Deliberately not `async`: the cached path returns one pre-resolved promise, so a cached
    // call allocates nothing (see bench/: within 2× of a bare `async () => value`).
    getToken(getOptions?: GetTokenOptions): Promise<AccessToken> {
      const cached = current;
      if (cached !== undefined && getOptions === undefined) {
        const now = clock();
        if (now < cached.refreshAt) {
          if (onEvent !== undefined) cacheEvent('hit');
          return cached.resolved;
        }
        if (now < cached.usableUntil) {
          refreshInBackground(now);
          if (onEvent !== undefined) cacheEvent('hit');
          return cached.resolved;
        }
      }
      return slowPath(getOptions).then((next) => next.token);
    },

    async invalidate(token?: AccessToken | string): Promise<void> {
      const text = token === undefined ? current?.text : typeof token === 'string' ? token : token.token;
      if (text === undefined) return;
      if (current && current.text === text) {
        current = undefined;
        droppedByRejection = true;
      }
      rejected.add(text);
      if (rejected.size > 16) rejected.delete(rejected.values().next().value as string);
      await storeCall('delete', () => store.delete(key, text));
    },

    recentTokens(): readonly string[] {
      return [...recent];
    },

    peek(): AccessToken | undefined {
      return current && clock() < current.usableUntil ? current.token : undefined;
    },
  };

  function cacheEvent(result: 'hit' | 'miss'): void {
    emitTo(onEvent, { type: 'token.cache', provider: eventProvider, startTime: Date.now(), result });
  }

  /** Waits for a token, reporting the wait (and the cache miss) when events are on. */
  function timedWait(promise: Promise<Current>, signal: AbortSignal | undefined): Promise<Current> {
    if (onEvent === undefined) return waitWithSignal(promise, signal);
    cacheEvent('miss');
    return timedOutcome(
      () => waitWithSignal(promise, signal),
      (timer, outcome) =>
        emitTo(onEvent, {
          type: 'token.wait',
          provider: eventProvider,
          startTime: timer.startTime,
          durationMs: durationOf(timer),
          outcome: outcome.ok ? 'success' : 'failure',
          ...(outcome.ok ? {} : { errorCode: errorCodeOf(outcome.error) }),
        }),
    );
  }

  async function slowPath(getOptions: GetTokenOptions | undefined): Promise<Current> {
    const now = clock();
    const cached = current;
    if (getOptions?.forceRefresh) {
      // A forced refresh that finds one already running shares it.
      return timedWait(inflight ?? start('forced'), getOptions.signal);
    }
    if (cached !== undefined) {
      if (now < cached.refreshAt || now < cached.usableUntil) {
        if (now >= cached.refreshAt) refreshInBackground(now);
        if (onEvent !== undefined) cacheEvent('hit');
        return cached;
      }
    }
    const reason: TokenFetchReason = cached !== undefined ? 'expired' : droppedByRejection ? 'rejected' : 'initial';
    return timedWait(start(reason), getOptions?.signal);
  }
}

const durationOf = (timer: EventTimer): number => performance.now() - timer.started;
