import { describe, expect, it } from 'vitest';
import { isFinnetTokenRejected } from './protocol/token-rejection.js';

const answer = (statusCode: string | undefined, statusDesc: string | undefined) => ({
  status: 200,
  statusCode,
  statusDesc,
  body: { statusCode, statusDesc },
});

describe('isFinnetTokenRejected (the default predicate)', () => {
  it.each([
    'Invalid or expired token',
    'Invalid tokenID',
    'tokenID expired',
    'Token not found',
    'Unknown token',
    'Token tidak valid',
    'Token sudah kadaluarsa',
    'Token kedaluwarsa',
    'TOKEN SALAH',
  ])('counts %j as a rejected token', (desc) => {
    expect(isFinnetTokenRejected(answer('99', desc))).toBe(true);
  });

  it.each(['Invalid signature', 'Bad field tokenID: missing', 'Sesi habis', 'Gagal', 'Berhasil'])(
    'does not count %j',
    (desc) => {
      expect(isFinnetTokenRejected(answer('99', desc))).toBe(false);
    },
  );

  it('never counts a success or an answer without statusDesc', () => {
    expect(isFinnetTokenRejected(answer('000', 'Invalid token'))).toBe(false);
    expect(isFinnetTokenRejected(answer('99', undefined))).toBe(false);
    expect(isFinnetTokenRejected(null as never)).toBe(false);
  });
});
