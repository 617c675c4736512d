import { describe, expect, it } from 'vitest';
import { T0 } from './__fixtures__/harness.js';
import { defaultTransNumber } from './protocol/trans-number.js';

describe('defaultTransNumber', () => {
  it('is a prefix, the GMT+7 time and 12 random alphanumerics (29 characters)', () => {
    expect(defaultTransNumber({ requestType: 'getToken', now: T0 })).toMatch(/^TKN20240821142750[A-Za-z0-9]{12}$/);
    expect(defaultTransNumber({ requestType: 'widgetTopUp', now: T0 })).toMatch(/^TRX20240821142750[A-Za-z0-9]{12}$/);
  });

  it('does not repeat within the same second', () => {
    const numbers = new Set(Array.from({ length: 10_000 }, () => defaultTransNumber({ requestType: 'x', now: T0 })));
    expect(numbers.size).toBe(10_000);
  });
});
