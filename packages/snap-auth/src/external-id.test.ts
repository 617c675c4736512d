import { formatCompactTimestamp } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { externalIdGenerator } from './protocol/external-id.js';

describe('X-EXTERNAL-ID generator', () => {
  it('makes 36-digit numeric ids that start with yyyyMMddHHmmss in +07:00', () => {
    const at = Date.parse('2026-03-02T23:59:59+07:00');
    const id = externalIdGenerator(() => at)();
    expect(id).toMatch(/^\d{36}$/);
    expect(id.slice(0, 14)).toBe('20260302235959');
    expect(id.slice(0, 14)).toBe(formatCompactTimestamp(at, { offset: '+07:00' }));
  });

  it('never repeats within a process, even on a frozen clock and across generators', () => {
    const frozen = () => 1_780_000_000_000;
    const a = externalIdGenerator(frozen);
    const b = externalIdGenerator(frozen);
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      seen.add(a());
      seen.add(b());
    }
    expect(seen.size).toBe(100_000);
  });

  it('uses a process-wide counter, so consecutive ids differ in the counter digits', () => {
    const next = externalIdGenerator(() => 0);
    const first = Number(next().slice(14, 20));
    const second = Number(next().slice(14, 20));
    expect((second - first + 1_000_000) % 1_000_000).toBe(1);
  });

  it('has 16 random digits (two processes with the same counter and second still differ)', () => {
    const next = externalIdGenerator(() => 0);
    const tails = new Set(Array.from({ length: 1000 }, () => next().slice(20)));
    expect(tails.size).toBe(1000);
  });
});
