import { isInputError } from '@org/signing-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertTransNumber, FIELD_MAX_LENGTH, requestTypeMaxLength, validateFields } from './protocol/fields.js';
import { FINNET_WIDGET_TOP_UP_PATH } from './protocol/provider.js';

const fieldOf = (run: () => void) => {
  try {
    run();
  } catch (error) {
    if (isInputError(error)) return error.field;
    throw error;
  }
  return undefined;
};

describe('field rules', () => {
  it('carries the documented limits', () => {
    expect(FIELD_MAX_LENGTH).toEqual({ reqDtime: 14, transNumber: 100, tokenID: 100, phoneNumber: 12, signature: 64 });
    expect(requestTypeMaxLength('getToken')).toBe(8);
    expect(requestTypeMaxLength('widgetTopUp')).toBe(12);
    expect(requestTypeMaxLength('widgetTopup')).toBe(12);
    expect(requestTypeMaxLength('anything', FINNET_WIDGET_TOP_UP_PATH)).toBe(12);
    expect(requestTypeMaxLength('mutasiBalance')).toBeUndefined();
  });

  it('accepts values at the limit and rejects one past it, naming the field', () => {
    for (const [field, max] of Object.entries({ phoneNumber: 12, tokenID: 100, reqDtime: 14, signature: 64 })) {
      expect(fieldOf(() => validateFields({ [field]: '1'.repeat(max) }, 'widgetTopUp', 'test'))).toBeUndefined();
      expect(fieldOf(() => validateFields({ [field]: '1'.repeat(max + 1) }, 'widgetTopUp', 'test'))).toBe(field);
    }
  });

  it('counts UTF-8 bytes (the server is PHP)', () => {
    expect(fieldOf(() => validateFields({ phoneNumber: 'é'.repeat(6) }, 'x', 'test'))).toBeUndefined();
    expect(fieldOf(() => validateFields({ phoneNumber: 'é'.repeat(7) }, 'x', 'test'))).toBe('phoneNumber');
    expect(() => validateFields({ phoneNumber: 'é'.repeat(7) }, 'x', 'test')).toThrow('is 14 bytes (UTF-8) long');
  });

  it('leaves undocumented fields alone (empty allowed), but requires strings', () => {
    expect(fieldOf(() => validateFields({ note: '', other: 'x'.repeat(500) }, 'x', 'test'))).toBeUndefined();
    expect(fieldOf(() => validateFields({ amount: 5 }, 'x', 'test'))).toBe('amount');
  });

  it('treats fields named like Object.prototype members as undocumented fields (no limit, empty allowed)', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
      expect(fieldOf(() => validateFields({ [name]: '' }, 'x', 'test'))).toBeUndefined();
      expect(fieldOf(() => validateFields({ [name]: 'x'.repeat(500) }, 'x', 'test'))).toBeUndefined();
    }
  });

  it('transNumber: 1 to 100 letters or digits, nothing else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (value) => {
        const ok = /^[A-Za-z0-9]{1,100}$/.test(value);
        expect(fieldOf(() => assertTransNumber(value, 'test'))).toBe(ok ? undefined : 'transNumber');
      }),
    );
    expect(fieldOf(() => assertTransNumber(42, 'test'))).toBe('transNumber');
  });

  it('never repeats a value in its messages', () => {
    let message = '';
    try {
      validateFields({ phoneNumber: '+62-811-100-8696-99' }, 'widgetTopUp', 'finnet widgetTopUp');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('finnet widgetTopUp: field "phoneNumber" is 19 characters long; Finnet documents at most 12');
  });
});
