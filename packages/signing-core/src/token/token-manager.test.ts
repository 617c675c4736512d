import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { ProviderError, StoreError } from '../errors/errors.js';
import type { StoredToken } from './access-token.js';
import { createTokenManager, type TokenResult } from './token-manager.js';
import { memoryTokenStore, type TokenStore } from './token-store.js';

const MINUTE = 60_000;

/** A controllable clock and a fetchToken that counts calls and can be made to fail or hang. */
function harness(lifetimeMs = 15 * MINUTE) {
  let now = Date.UTC(2026, 0, 1);
  let counter = 0;
  const calls: string[] = [];
  let behaviour: 'ok' | 'fail' = 'ok';
  let gate: Promise<void> | undefined;
  const fetchToken = vi.fn(async ({ reason }: { reason: string }): Promise<TokenResult> => {
    calls.push(reason);
    if (gate) await gate;
    if (behaviour === 'fail') {
      throw new ProviderError('provider down', { status: 503 }, { provider: 'test' });
    }
    counter += 1;
    return { token: `token-${counter}`, expiresAt: now + lifetimeMs };
  });
  return {
    clock: () => now,
    advance(ms: number) {
      now += ms;
    },
    fetchToken,
    calls,
    fail(on: boolean) {
      behaviour = on ? 'fail' : 'ok';
    },
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createTokenManager', () => {
  it('caches: the second call makes no request', async () => {
    const h = harness();
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock });
    const first = await manager.getToken();
    const second = await manager.getToken();
    expect(first.token).toBe('token-1');
    expect(second).toBe(first);
    expect(h.fetchToken).toHaveBeenCalledTimes(1);
  });

  it('single-flight: 10,000 concurrent callers on a cold cache cause one fetch', async () => {
    const h = harness();
    const release = h.hold();
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock });
    const pending = Array.from({ length: 10_000 }, () => manager.getToken());
    await flush();
    release();
    const tokens = await Promise.all(pending);
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['token-1']));
    expect(h.fetchToken).toHaveBeenCalledTimes(1);
  });

  it('a failed fetch rejects every waiter with the same typed error; the next call tries again', async () => {
    const h = harness();
    h.fail(true);
    const release = h.hold();
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock });
    const waiters = Array.from({ length: 50 }, () => manager.getToken().catch((e: unknown) => e));
    release();
    const errors = await Promise.all(waiters);
    expect(new Set(errors).size).toBe(1);
    expect(errors[0]).toBeInstanceOf(ProviderError);
    expect(h.fetchToken).toHaveBeenCalledTimes(1);
    h.fail(false);
    expect((await manager.getToken()).token).toBe('token-1');
    expect(h.fetchToken).toHaveBeenCalledTimes(2);
  });

  it('refreshes in the background ahead of expiry while callers keep the current token', async () => {
    const h = harness(15 * MINUTE); // default refresh-ahead: a fifth of 15 min = 3 min, margin 10 s
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock });
    await manager.getToken();
    h.advance(11 * MINUTE); // before the window
    expect((await manager.getToken()).token).toBe('token-1');
    expect(h.fetchToken).toHaveBeenCalledTimes(1);

    h.advance(1 * MINUTE + 1); // 12 min: inside the 3-minute window
    const release = h.hold();
    const during = await manager.getToken(); // does not wait for the refresh
    expect(during.token).toBe('token-1');
    await flush();
    expect(h.calls).toEqual(['initial', 'refresh']);
    // More callers during the refresh: still the current token, still one refresh.
    expect((await manager.getToken()).token).toBe('token-1');
    expect(h.fetchToken).toHaveBeenCalledTimes(2);
    release();
    await flush();
    expect((await manager.getToken()).token).toBe('token-2');
  });

  it('callers wait only when no valid token remains', async () => {
    const h = harness(10 * MINUTE);
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock });
    await manager.getToken();
    h.advance(10 * MINUTE); // expired (and past the margin)
    expect(manager.peek()).toBeUndefined();
    expect((await manager.getToken()).token).toBe('token-2');
    expect(h.calls).toEqual(['initial', 'expired']);
  });

  it('remembers the last 8 tokens it handed out, for scrubbing replaced tokens from later errors', async () => {
    const h = harness(10 * MINUTE);
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock });
    expect(manager.recentTokens()).toEqual([]);
    for (let i = 0; i < 10; i++) {
      await manager.getToken();
      h.advance(10 * MINUTE);
    }
    expect(manager.recentTokens()).toEqual([
      'token-3',
      'token-4',
      'token-5',
      'token-6',
      'token-7',
      'token-8',
      'token-9',
      'token-10',
    ]);
    // A copy: the caller cannot change what the manager keeps.
    (manager.recentTokens() as string[]).length = 0;
    expect(manager.recentTokens()).toHaveLength(8);
  });

  it('treats a token as expired a margin before the provider expiry', async () => {
    const h = harness(15 * MINUTE);
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock, expiryMarginMs: 30_000 });
    await manager.getToken();
    h.advance(15 * MINUTE - 29_000);
    expect(manager.peek()).toBeUndefined();
  });

  it('retries a failed background refresh with backoff, keeping the current token', async () => {
    const h = harness(15 * MINUTE);
    const logger = { warn: vi.fn() };
    const manager = createTokenManager({
      key: 'k',
      fetchToken: h.fetchToken,
      clock: h.clock,
      logger,
      refreshRetry: { initialDelayMs: 10_000, maxDelayMs: 60_000 },
    });
    await manager.getToken();
    h.advance(13 * MINUTE);
    h.fail(true);
    expect((await manager.getToken()).token).toBe('token-1');
    await flush();
    expect(h.fetchToken).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledWith(
      'background token refresh failed; the current token stays in use',
      expect.objectContaining({ failures: 1 }),
    );
    // Within the backoff: no new attempt.
    h.advance(4_000);
    expect((await manager.getToken()).token).toBe('token-1');
    await flush();
    expect(h.fetchToken).toHaveBeenCalledTimes(2);
    // After the backoff (at most 10 s): one new attempt, which succeeds.
    h.fail(false);
    h.advance(6_001);
    expect((await manager.getToken()).token).toBe('token-1');
    await flush();
    expect(h.fetchToken).toHaveBeenCalledTimes(3);
    expect((await manager.getToken()).token).toBe('token-2');
  });

  it('invalidate(token) drops that token only; a second invalidate of the old token is a no-op', async () => {
    const h = harness();
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock });
    const first = await manager.getToken();
    await manager.invalidate(first);
    const second = await manager.getToken();
    expect(second.token).toBe('token-2');
    await manager.invalidate(first); // a late report about the old token
    expect((await manager.getToken()).token).toBe('token-2');
    expect(h.fetchToken).toHaveBeenCalledTimes(2);
  });

  it('never re-adopts a rejected token from a store whose delete failed', async () => {
    const h = harness();
    const inner = memoryTokenStore({ clock: h.clock });
    const store: TokenStore = { ...inner, delete: async () => Promise.reject(new Error('store down')) };
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock, store });
    const first = await manager.getToken();
    await manager.invalidate(first.token);
    expect((await manager.getToken()).token).toBe('token-2');
  });

  it('shares a token between managers through a store', async () => {
    const h = harness();
    const store = memoryTokenStore({ clock: h.clock });
    const a = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock, store });
    const b = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock, store });
    const [ta, tb] = await Promise.all([a.getToken(), b.getToken()]);
    expect(ta.token).toBe('token-1');
    expect(tb.token).toBe('token-1');
    expect(h.fetchToken).toHaveBeenCalledTimes(1);
  });

  it('falls back to fetching alone when the store fails or hangs, and says so once', async () => {
    const h = harness();
    const logger = { warn: vi.fn(), info: vi.fn() };
    let mode: 'down' | 'hang' | 'up' = 'down';
    const inner = memoryTokenStore({ clock: h.clock });
    const guard = <T>(work: () => Promise<T>) =>
      mode === 'down'
        ? Promise.reject(new StoreError('ECONNREFUSED'))
        : mode === 'hang'
          ? new Promise<T>(() => {})
          : work();
    const store: TokenStore = {
      get: (key) => guard(() => inner.get(key)),
      set: (key, value, ttl) => guard(() => inner.set(key, value, ttl)),
      delete: (key, only) => guard(() => inner.delete(key, only)),
      lock: (key, ttl) => guard(() => inner.lock!(key, ttl)),
    };
    const manager = createTokenManager({
      key: 'k',
      fetchToken: h.fetchToken,
      clock: h.clock,
      store,
      logger,
      storeTimeoutMs: 50,
    });
    const results = await Promise.all(Array.from({ length: 20 }, () => manager.getToken()));
    expect(results.every((t) => t.token === 'token-1')).toBe(true);
    expect(h.fetchToken).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledTimes(1);

    mode = 'hang';
    await manager.invalidate();
    expect((await manager.getToken()).token).toBe('token-2');

    mode = 'up';
    await manager.invalidate();
    expect((await manager.getToken()).token).toBe('token-3');
    expect(logger.info).toHaveBeenCalledWith('token store is available again', expect.anything());
    expect((await inner.get('k'))?.token).toBe('token-3');
  });

  it('waits for another holder of the store lock, then reads its token', async () => {
    const h = harness();
    const store = memoryTokenStore({ clock: h.clock });
    const lock = await store.lock!('k', 60_000);
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock, store });
    const pending = manager.getToken();
    await new Promise((resolve) => setTimeout(resolve, 60));
    const stored: StoredToken = {
      token: 'from-other-process',
      expiresAt: h.clock() + 15 * MINUTE,
      obtainedAt: h.clock(),
    };
    await store.set('k', stored, 15 * MINUTE);
    await lock?.release();
    expect((await pending).token).toBe('from-other-process');
    expect(h.fetchToken).not.toHaveBeenCalled();
  });

  it('fetches after lockWaitMs when the lock holder never delivers', async () => {
    const h = harness();
    const store = memoryTokenStore();
    await store.lock!('k', 60_000); // a holder that died without releasing
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, store, lockWaitMs: 100, clock: h.clock });
    expect((await manager.getToken()).token).toBe('token-1');
  });

  it('lets one caller stop waiting without cancelling the shared fetch', async () => {
    const h = harness();
    const release = h.hold();
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock });
    const controller = new AbortController();
    const impatient = manager.getToken({ signal: controller.signal });
    const patient = manager.getToken();
    controller.abort();
    await expect(impatient).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    release();
    expect((await patient).token).toBe('token-1');
  });

  it('forceRefresh fetches a new token', async () => {
    const h = harness();
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock });
    await manager.getToken();
    expect((await manager.getToken({ forceRefresh: true })).token).toBe('token-2');
  });

  it('rejects a malformed fetchToken result with a typed error', async () => {
    const manager = createTokenManager({ key: 'k', fetchToken: async () => ({ token: '', expiresAt: 1 }) });
    await expect(manager.getToken()).rejects.toMatchObject({ code: 'ERR_RESPONSE_FORMAT' });
  });

  it('validates its options', () => {
    expect(() => createTokenManager({ key: '', fetchToken: async () => ({ token: 'x', expiresAt: 0 }) })).toThrow(
      /key/,
    );
    expect(() => createTokenManager({ key: 'k', fetchToken: 'nope' as never })).toThrow(/fetchToken/);
    expect(() =>
      createTokenManager({ key: 'k', fetchToken: async () => ({ token: 'x', expiresAt: 0 }), refreshAheadMs: -1 }),
    ).toThrow(/refreshAheadMs/);
  });

  it('never prints or serialises the token', async () => {
    const h = harness();
    const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock });
    const token = await manager.getToken();
    expect(JSON.stringify(token)).not.toContain('token-1');
    expect(inspect(token)).not.toContain('token-1');
    expect(String(token)).not.toContain('token-1');
    expect(`${token}`).toBe('[REDACTED]');
    expect(Object.keys(token)).not.toContain('token');
    expect(token.authorization).toBe('Bearer token-1');
  });

  it('leaves no unhandled rejection when a background refresh fails and nobody waits', async () => {
    const h = harness();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const manager = createTokenManager({ key: 'k', fetchToken: h.fetchToken, clock: h.clock });
      await manager.getToken();
      h.advance(13 * MINUTE);
      h.fail(true);
      await manager.getToken();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('memoryTokenStore', () => {
  it('expires entries and bounds its size (least recently used first)', async () => {
    let now = 0;
    const store = memoryTokenStore({ maxEntries: 2, clock: () => now });
    const token = (t: string): StoredToken => ({ token: t, expiresAt: 1000, obtainedAt: 0 });
    await store.set('a', token('a'), 100);
    await store.set('b', token('b'), 100);
    await store.get('a'); // a is now most recent
    await store.set('c', token('c'), 100);
    expect(await store.get('b')).toBeUndefined();
    expect((await store.get('a'))?.token).toBe('a');
    now = 100;
    expect(await store.get('a')).toBeUndefined();
  });

  it('compare-and-delete and an expiring lock', async () => {
    let now = 0;
    const store = memoryTokenStore({ clock: () => now });
    await store.set('k', { token: 'new', expiresAt: 1000, obtainedAt: 0 }, 1000);
    await store.delete('k', 'old');
    expect((await store.get('k'))?.token).toBe('new');
    await store.delete('k', 'new');
    expect(await store.get('k')).toBeUndefined();
    const lock = await store.lock!('k', 50);
    expect(lock).toBeDefined();
    expect(await store.lock!('k', 50)).toBeUndefined();
    now = 51;
    expect(await store.lock!('k', 50)).toBeDefined();
  });
});

describe('createTokenManager with a slow or hung store', () => {
  it('does not report a long waitForChange as a store outage', async () => {
    const h = harness();
    const logger = { warn: vi.fn(), info: vi.fn() };
    const inner = memoryTokenStore();
    const started = Date.now();
    const store: TokenStore = {
      ...inner,
      lock: async () => undefined, // another process holds the lock…
      waitForChange: (_key, timeoutMs) => new Promise((resolve) => setTimeout(resolve, timeoutMs)),
    };
    // …and stores its token after 1.5 s, longer than one storeTimeoutMs.
    setTimeout(() => {
      void inner.set('k', { token: 'shared', expiresAt: h.clock() + 15 * MINUTE, obtainedAt: h.clock() }, 15 * MINUTE);
    }, 1_500);
    const manager = createTokenManager({
      key: 'k',
      fetchToken: h.fetchToken,
      clock: h.clock,
      store,
      logger,
      storeTimeoutMs: 300,
      lockWaitMs: 10_000,
    });
    expect((await manager.getToken()).token).toBe('shared');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(logger.warn).not.toHaveBeenCalled();
    expect(h.fetchToken).not.toHaveBeenCalled();
  });

  it('costs callers one store timeout, not two, when the store hangs', async () => {
    const h = harness();
    const hang = () => new Promise<never>(() => {});
    const store: TokenStore = { get: hang, set: hang, delete: hang, lock: hang };
    const manager = createTokenManager({
      key: 'k',
      fetchToken: h.fetchToken,
      clock: h.clock,
      store,
      storeTimeoutMs: 500,
    });
    const started = Date.now();
    expect((await manager.getToken()).token).toBe('token-1');
    // One 500 ms timeout (the get), not two (get + set): wide margin for shared CI machines.
    expect(Date.now() - started).toBeLessThan(900);
  });
});
