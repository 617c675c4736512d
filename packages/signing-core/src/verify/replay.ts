/**
 * Checks shared by every verifier of incoming signed messages (SNAP and DOKU notifications):
 * a timestamp window against replays of old messages, and de-duplication of message ids.
 */
import { SignatureError } from '../errors/errors.js';

/**
 * Throws `SignatureError` (`ERR_TIMESTAMP_OUT_OF_WINDOW`) when `timestampMs` is more than
 * `toleranceMs` away from `now` in either direction.
 */
export function assertTimestampWithinWindow(
  timestampMs: number,
  options: { now: number; toleranceMs: number; provider?: string | undefined; header?: string | undefined },
): void {
  const skew = timestampMs - options.now;
  if (!Number.isFinite(timestampMs) || Math.abs(skew) > options.toleranceMs) {
    const seconds = Math.round(Math.abs(skew) / 1000);
    throw new SignatureError(
      'ERR_TIMESTAMP_OUT_OF_WINDOW',
      `${options.header ?? 'timestamp'} is ${seconds} s ${skew < 0 ? 'in the past' : 'in the future'}, outside the allowed ±${Math.round(options.toleranceMs / 1000)} s`,
      'timestamp',
      { provider: options.provider },
    );
  }
}

/** Remembers message ids for a while so a replayed message can be refused. */
export interface ReplayStore {
  /**
   * Records `id` for `ttlMs`. Resolves true if it was new, false if it was already recorded.
   * Must be atomic for stores shared between processes (e.g. Redis `SET NX PX`).
   */
  remember(id: string, ttlMs: number): Promise<boolean>;
}

/** An in-process {@link ReplayStore} bounded to `maxEntries` ids. */
export function memoryReplayStore(options: { maxEntries?: number; clock?: () => number } = {}): ReplayStore {
  const maxEntries = options.maxEntries ?? 100_000;
  const clock = options.clock ?? Date.now;
  const seen = new Map<string, number>();
  return {
    async remember(id, ttlMs) {
      const now = clock();
      const until = seen.get(id);
      if (until !== undefined && until > now) return false;
      seen.delete(id);
      if (seen.size >= maxEntries) {
        // Drop expired ids first; if none, the oldest.
        for (const [key, expiry] of seen) {
          if (expiry <= now || seen.size >= maxEntries) seen.delete(key);
          if (seen.size < maxEntries && expiry > now) break;
        }
      }
      seen.set(id, now + ttlMs);
      return true;
    },
  };
}
