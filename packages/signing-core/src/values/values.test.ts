import { describe, expect, it } from 'vitest';
import { describeType, isRecord } from './values.js';

describe('values', () => {
  it('isRecord accepts plain objects only', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord(Object.create(null))).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    expect(isRecord('x')).toBe(false);
  });

  it('describeType names the type, never the value', () => {
    expect(
      [null, undefined, [], new Uint8Array(1), {}, new Map(), 'secret', 1, true, () => {}].map(describeType),
    ).toEqual([
      'null',
      'undefined',
      'an array',
      'a Uint8Array',
      'an object',
      'an object (Map)',
      'a string',
      'a number',
      'a boolean',
      'a function',
    ]);
  });
});
