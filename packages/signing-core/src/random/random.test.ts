import { describe, expect, it, vi } from 'vitest';
import { randomAlphanumeric, randomDigits, randomUuid } from './random.js';

describe('random identifiers', () => {
  it('have the requested shape', () => {
    expect(randomDigits(36)).toMatch(/^\d{36}$/);
    expect(randomAlphanumeric(20)).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(randomUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('are unique and roughly uniform', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => randomDigits(20)));
    expect(ids.size).toBe(10_000);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100; i++) for (const digit of randomDigits(1000)) counts[Number(digit)] += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(600);
  });

  it('draw random bytes in batches, each byte used once', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    try {
      const ids = new Set(Array.from({ length: 1_000 }, () => randomDigits(16)));
      expect(ids.size).toBe(1_000);
      // ~16.4 bytes per id from 4 KiB batches: a handful of calls, not one per id.
      expect(spy.mock.calls.length).toBeGreaterThan(0);
      expect(spy.mock.calls.length).toBeLessThanOrEqual(6);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses impossible lengths', () => {
    expect(() => randomDigits(0)).toThrow(RangeError);
    expect(() => randomAlphanumeric(1.5)).toThrow(RangeError);
  });
});
