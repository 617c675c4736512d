import { describe, expect, it } from 'vitest';
import { memoryIdempotencyStore } from './idempotency.js';

describe('memoryIdempotencyStore', () => {
  it('the first claim wins; later claims see pending, then the completed result', async () => {
    const store = memoryIdempotencyStore();
    const first = await store.claim('k', 'fp-1', 1_000);
    expect(first.state).toBe('claimed');
    expect(await store.claim('k', 'fp-2', 1_000)).toEqual({ state: 'pending', fingerprint: 'fp-1' });
    const owner = first.state === 'claimed' ? first.owner : '';
    expect(owner).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(await store.complete('k', 'someone-else', 'r', 1_000)).toBe(false);
    expect(await store.complete('k', owner, 'result', 1_000)).toBe(true);
    expect(await store.claim('k', 'fp-2', 1_000)).toEqual({
      state: 'completed',
      fingerprint: 'fp-1',
      result: 'result',
    });
    // A completed record cannot be completed or released again.
    expect(await store.complete('k', owner, 'other', 1_000)).toBe(false);
    await store.release('k', owner);
    expect((await store.claim('k', 'fp-1', 1_000)).state).toBe('completed');
  });

  it('release frees the key for the next copy, only for the owner', async () => {
    const store = memoryIdempotencyStore();
    const first = await store.claim('k', 'fp', 1_000);
    await store.release('k', 'not-the-owner');
    expect((await store.claim('k', 'fp', 1_000)).state).toBe('pending');
    await store.release('k', first.state === 'claimed' ? first.owner : '');
    const second = await store.claim('k', 'fp', 1_000);
    expect(second.state).toBe('claimed');
    expect(second.state === 'claimed' && first.state === 'claimed' && second.owner !== first.owner).toBe(true);
    await store.release('missing', 'x');
  });

  it('records expire: a pending claim after its lease, a result after its TTL', async () => {
    let now = 0;
    const store = memoryIdempotencyStore({ clock: () => now });
    const first = await store.claim('k', 'fp', 100);
    now = 100;
    // The lease ran out: the old owner can no longer complete, a new copy claims it.
    expect(await store.complete('k', first.state === 'claimed' ? first.owner : '', 'late', 1_000)).toBe(false);
    const second = await store.claim('k', 'fp', 100);
    expect(second.state).toBe('claimed');
    expect(await store.complete('k', second.state === 'claimed' ? second.owner : '', 'done', 500)).toBe(true);
    now = 599;
    expect((await store.claim('k', 'fp', 100)).state).toBe('completed');
    now = 600;
    expect((await store.claim('k', 'fp', 100)).state).toBe('claimed');
  });

  it('is bounded: the oldest records are dropped first', async () => {
    let now = 0;
    const store = memoryIdempotencyStore({ maxEntries: 2, clock: () => now });
    await store.claim('a', 'fp', 10);
    await store.claim('b', 'fp', 1_000);
    now = 20;
    await store.claim('c', 'fp', 1_000); // evicts the oldest, a
    expect((await store.claim('b', 'fp', 1_000)).state).toBe('pending');
    await store.claim('d', 'fp', 1_000); // evicts the oldest, b
    expect((await store.claim('c', 'fp', 1_000)).state).toBe('pending');
    expect((await store.claim('b', 'fp', 1_000)).state).toBe('claimed');
    expect(() => memoryIdempotencyStore({ maxEntries: 0 })).toThrow(TypeError);
    expect(() => memoryIdempotencyStore({ maxEntries: 1.5 })).toThrow(/maxEntries/);
  });
});
