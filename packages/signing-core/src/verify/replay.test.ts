import { describe, expect, it } from 'vitest';
import { isSignatureError } from '../errors/errors.js';
import { assertTimestampWithinWindow, memoryReplayStore } from './replay.js';

describe('assertTimestampWithinWindow', () => {
  it('accepts timestamps inside the window and refuses the rest, saying which way', () => {
    const now = 1_000_000;
    expect(() => assertTimestampWithinWindow(now - 299_000, { now, toleranceMs: 300_000 })).not.toThrow();
    expect(() => assertTimestampWithinWindow(now + 300_000, { now, toleranceMs: 300_000 })).not.toThrow();
    let error: unknown;
    try {
      assertTimestampWithinWindow(now - 301_000, { now, toleranceMs: 300_000, header: 'X-TIMESTAMP' });
    } catch (e) {
      error = e;
    }
    expect(isSignatureError(error) && error.code).toBe('ERR_TIMESTAMP_OUT_OF_WINDOW');
    expect((error as Error).message).toBe('X-TIMESTAMP is 301 s in the past, outside the allowed ±300 s');
    expect(() => assertTimestampWithinWindow(Number.NaN, { now, toleranceMs: 1 })).toThrow();
  });
});

describe('memoryReplayStore', () => {
  it('remembers ids until their TTL and bounds its size', async () => {
    let now = 0;
    const store = memoryReplayStore({ maxEntries: 2, clock: () => now });
    expect(await store.remember('a', 100)).toBe(true);
    expect(await store.remember('a', 100)).toBe(false);
    now = 100;
    expect(await store.remember('a', 100)).toBe(true);
    expect(await store.remember('b', 100)).toBe(true);
    expect(await store.remember('c', 100)).toBe(true);
    expect(await store.remember('c', 100)).toBe(false);
  });
});
