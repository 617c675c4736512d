/**
 * Idempotent handling of redelivered messages: the first copy of a message claims its key, runs,
 * and stores its result; later copies get that result instead of running again. A copy that
 * arrives while the first still runs sees `pending`; when the first fails it releases its claim,
 * so the sender's retry is processed.
 *
 * The interface is shaped for an atomic shared store: `claim` is Redis `SET key <record> NX PX ttl`
 * (then `GET` when it was taken), `complete` and `release` compare the owner before they write or
 * delete (a small script), so a claim that expired and was taken by another process is never
 * overwritten or dropped by the first.
 */
import { randomAlphanumeric } from '../random/random.js';

/** What {@link IdempotencyStore.claim} found. */
export type IdempotencyClaim =
  /** The key was free: it is now yours. Run, then `complete` or `release` with `owner`. */
  | { readonly state: 'claimed'; readonly owner: string }
  /** Another copy holds the key and has not finished. */
  | { readonly state: 'pending'; readonly fingerprint: string }
  /** Another copy finished: its fingerprint and stored result. */
  | { readonly state: 'completed'; readonly fingerprint: string; readonly result: string };

/**
 * Where idempotency records live. Implementations shared between processes must make `claim`
 * atomic (first writer wins) and make `complete` / `release` act only for the current owner.
 * Fingerprints and results are opaque text; callers never put secrets in them.
 */
export interface IdempotencyStore {
  /**
   * When `key` is free (never claimed, released, or expired), records it as pending with
   * `fingerprint` for `ttlMs` and resolves `{ state: 'claimed', owner }`; otherwise resolves
   * what is recorded under it.
   */
  claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyClaim>;
  /**
   * Stores `result` under `key` for `ttlMs` (from now), keeping the claim's fingerprint, when
   * `owner` still holds the pending claim. Resolves whether it did.
   */
  complete(key: string, owner: string, result: string, ttlMs: number): Promise<boolean>;
  /** Drops the pending claim of `owner`, so the next copy can claim the key. Does nothing otherwise. */
  release(key: string, owner: string): Promise<void>;
}

/** Options of {@link memoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /** Most keys kept; past it, the oldest records (by claim or completion) are dropped. Default 100 000. */
  readonly maxEntries?: number | undefined;
  /** Epoch-ms clock. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
}

interface MemoryRecord {
  fingerprint: string;
  owner: string | undefined;
  result: string | undefined;
  expiresAt: number;
}

/**
 * An in-process {@link IdempotencyStore}, bounded to `maxEntries` keys. It serves one process:
 * with several replicas, use a shared store (e.g. Redis) so every replica sees every claim.
 */
export function memoryIdempotencyStore(options: MemoryIdempotencyStoreOptions = {}): IdempotencyStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('[@org/signing-core] memoryIdempotencyStore: maxEntries must be a positive whole number');
  }
  const clock = options.clock ?? Date.now;
  const records = new Map<string, MemoryRecord>();

  const live = (key: string, now: number): MemoryRecord | undefined => {
    const record = records.get(key);
    if (record === undefined) return undefined;
    if (record.expiresAt > now) return record;
    records.delete(key);
    return undefined;
  };

  // Map order is insertion (or completion) order: the first keys are the oldest, and with similar
  // TTLs the first to expire. Dropping from the front keeps every call O(1) amortised.
  const makeRoom = () => {
    for (const key of records.keys()) {
      if (records.size < maxEntries) break;
      records.delete(key);
    }
  };

  return {
    async claim(key, fingerprint, ttlMs) {
      const now = clock();
      const record = live(key, now);
      if (record !== undefined) {
        return record.result === undefined
          ? { state: 'pending', fingerprint: record.fingerprint }
          : { state: 'completed', fingerprint: record.fingerprint, result: record.result };
      }
      makeRoom();
      const owner = randomAlphanumeric(24);
      records.set(key, { fingerprint, owner, result: undefined, expiresAt: now + ttlMs });
      return { state: 'claimed', owner };
    },
    async complete(key, owner, result, ttlMs) {
      const now = clock();
      const record = live(key, now);
      if (record === undefined || record.result !== undefined || record.owner !== owner) return false;
      // Re-inserted so that its age counts from completion for eviction.
      records.delete(key);
      records.set(key, { fingerprint: record.fingerprint, owner: undefined, result, expiresAt: now + ttlMs });
      return true;
    },
    async release(key, owner) {
      const record = live(key, clock());
      if (record !== undefined && record.result === undefined && record.owner === owner) records.delete(key);
    },
  };
}
