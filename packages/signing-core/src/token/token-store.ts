/**
 * Where tokens live between calls. In memory by default; `@org/token-store-redis` shares
 * one token (and one refresh at a time) between processes.
 */
import type { StoredToken } from './access-token.js';

/** A held lock; release it when the fetch is done (stores also expire it after its TTL). */
export interface TokenStoreLock {
  release(): Promise<void>;
}

export interface TokenStore {
  /** The stored token, or undefined when there is none (or it has expired). */
  get(key: string): Promise<StoredToken | undefined>;
  /** Stores a token for `ttlMs` milliseconds. */
  set(key: string, value: StoredToken, ttlMs: number): Promise<void>;
  /**
   * Deletes the token. With `onlyIfToken`, deletes only when the stored token is that one
   * (so a replica reporting a rejected token cannot delete a fresh one another replica stored).
   */
  delete(key: string, onlyIfToken?: string): Promise<void>;
  /**
   * Optional, for stores shared between processes: tries once to take the refresh lock for
   * `key` for at most `ttlMs`; resolves `undefined` when another holder has it.
   */
  lock?(key: string, ttlMs: number): Promise<TokenStoreLock | undefined>;
  /**
   * Optional: resolves when `key` may have changed (e.g. pub/sub), or after `timeoutMs`.
   * Without it the token manager polls `get` while it waits for another holder.
   */
  waitForChange?(key: string, timeoutMs: number): Promise<void>;
}

export interface MemoryTokenStoreOptions {
  /** Most tokens kept; the least recently used is dropped first. Default 1000. */
  maxEntries?: number;
  /** Clock for expiry, epoch ms. Default `Date.now`. */
  clock?: () => number;
}

interface Entry {
  value: StoredToken;
  expiresAt: number;
}

/** The default store: a bounded in-process map with per-entry expiry and an in-process lock. */
export function memoryTokenStore(options: MemoryTokenStoreOptions = {}): TokenStore {
  const maxEntries = options.maxEntries ?? 1000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('[@org/signing-core] memoryTokenStore: maxEntries must be a positive whole number');
  }
  const clock = options.clock ?? Date.now;
  const entries = new Map<string, Entry>();
  const locks = new Map<string, { id: symbol; until: number }>();

  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (clock() >= entry.expiresAt) {
        entries.delete(key);
        return undefined;
      }
      // Refresh recency for LRU.
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    async set(key, value, ttlMs) {
      entries.delete(key);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(key, { value, expiresAt: clock() + Math.max(0, ttlMs) });
    },
    async delete(key, onlyIfToken) {
      if (onlyIfToken !== undefined && entries.get(key)?.value.token !== onlyIfToken) return;
      entries.delete(key);
    },
    async lock(key, ttlMs) {
      const now = clock();
      const held = locks.get(key);
      if (held && held.until > now) return undefined;
      const id = Symbol(key);
      locks.set(key, { id, until: now + ttlMs });
      return {
        async release() {
          if (locks.get(key)?.id === id) locks.delete(key);
        },
      };
    },
  };
}
