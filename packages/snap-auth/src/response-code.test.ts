import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSnapResponseCode } from './protocol/response-code.js';

describe('parseSnapResponseCode', () => {
  it.each([
    ['2007300', 200, '73', '00', 'Successful', 'B2B Access Token'],
    ['2007400', 200, '74', '00', 'Successful', 'B2B2C Access Token'],
    ['2021100', 202, '11', '00', 'Request In Progress', 'Balance Inquiry'],
    ['4007301', 400, '73', '01', 'Invalid Field Format', 'B2B Access Token'],
    ['4007302', 400, '73', '02', 'Invalid Mandatory Field', 'B2B Access Token'],
    ['4017300', 401, '73', '00', 'Unauthorized', 'B2B Access Token'],
    ['4017301', 401, '73', '01', 'Invalid Token (B2B)', 'B2B Access Token'],
    ['4012403', 401, '24', '03', 'Token Not Found (B2B)', 'Virtual Account Inquiry'],
    ['4035414', 403, '54', '14', 'Insufficient Funds', 'Direct Debit Payment'],
    ['4042519', 404, '25', '19', 'Invalid Bill/Virtual Account', 'Virtual Account Payment'],
    ['4091100', 409, '11', '00', 'Conflict', 'Balance Inquiry'],
    ['4290000', 429, '00', '00', 'Too Many Requests', undefined],
    ['5009902', 500, '99', '02', 'External Server Error', undefined],
    ['5047300', 504, '73', '00', 'Timeout', 'B2B Access Token'],
  ])('%s → HTTP %i, service %s, case %s: %s', (code, httpStatus, serviceCode, caseCode, meaning, service) => {
    const parsed = parseSnapResponseCode(code);
    expect(parsed).toMatchObject({ code, wellFormed: true, known: true, httpStatus, serviceCode, caseCode, meaning });
    expect(parsed.service).toBe(service);
  });

  it('flags success, in-progress and token rejection', () => {
    expect(parseSnapResponseCode('2007300')).toMatchObject({ success: true, inProgress: false, tokenRejected: false });
    expect(parseSnapResponseCode('2022500')).toMatchObject({ success: true, inProgress: true });
    expect(parseSnapResponseCode('4017301').tokenRejected).toBe(true);
    expect(parseSnapResponseCode('4012503').tokenRejected).toBe(true);
    expect(parseSnapResponseCode('4017300').tokenRejected).toBe(false);
    expect(parseSnapResponseCode('4017302')).toMatchObject({ tokenRejected: false, customerTokenRejected: true });
    expect(parseSnapResponseCode('4015404').customerTokenRejected).toBe(true);
    expect(parseSnapResponseCode('4001101').tokenRejected).toBe(false);
  });

  it('accepts a number', () => {
    expect(parseSnapResponseCode(4017300)).toMatchObject({ code: '4017300', httpStatus: 401, caseCode: '00' });
  });

  it('parses unknown and malformed codes without throwing', () => {
    expect(parseSnapResponseCode('4017399')).toMatchObject({ wellFormed: true, known: false, meaning: undefined });
    expect(parseSnapResponseCode('6667300')).toMatchObject({ wellFormed: true, known: false, httpStatus: 666 });
    for (const code of ['', 'abc', '401730', '40173000', '401-730', ' 4017300', '４０１７３００']) {
      expect(parseSnapResponseCode(code)).toMatchObject({
        code,
        wellFormed: false,
        known: false,
        httpStatus: undefined,
        success: false,
        tokenRejected: false,
      });
    }
  });

  it('throws TypeError for a value that is neither string nor number', () => {
    expect(() => parseSnapResponseCode({} as never)).toThrow(TypeError);
    expect(() => parseSnapResponseCode(undefined as never)).toThrow(TypeError);
  });

  it('never throws for any string, and splits every 7-digit code into its parts', () => {
    fc.assert(
      fc.property(fc.string(), (code) => {
        const parsed = parseSnapResponseCode(code);
        expect(parsed.code).toBe(code);
        expect(parsed.wellFormed).toBe(/^\d{7}$/.test(code));
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\d{7}$/), (code) => {
        const parsed = parseSnapResponseCode(code);
        expect(`${parsed.httpStatus}`.padStart(3, '0') + parsed.serviceCode + parsed.caseCode).toBe(code);
        expect(parsed.success).toBe((parsed.httpStatus ?? 0) >= 200 && (parsed.httpStatus ?? 0) < 300);
      }),
    );
  });

  it('returns a frozen, JSON-serialisable object', () => {
    const parsed = parseSnapResponseCode('4017300');
    expect(Object.isFrozen(parsed)).toBe(true);
    expect(JSON.parse(JSON.stringify(parsed))).toMatchObject({ code: '4017300', httpStatus: 401 });
  });
});
