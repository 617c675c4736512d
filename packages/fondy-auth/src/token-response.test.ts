import { isResponseFormatError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { parseTokenAnswer } from './protocol/token-response.js';

const answer = (data: unknown, status = 200) => ({ status, data, text: JSON.stringify(data) ?? '' });
const catchError = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('parseTokenAnswer', () => {
  it('reads the documented 200: token, expires_in from the time the request was sent, request_id', () => {
    const result = parseTokenAnswer(
      answer({ request_id: 'SuVhZRMS7JDD2iGS', token: 'Yq0GXWeOZ1m8BsiCa4iQPDB84Wjw346', expires_in: 3602 }),
      1_000,
    );
    expect(result).toEqual({
      token: 'Yq0GXWeOZ1m8BsiCa4iQPDB84Wjw346',
      expiresAt: 1_000 + 3_602_000,
      tokenType: 'Token',
      data: { requestId: 'SuVhZRMS7JDD2iGS' },
      fields: { token: 'token', lifetime: 'expires_in' },
    });
  });

  it('assumes the documented hour without expires_in, and accepts a numeric string', () => {
    expect(parseTokenAnswer(answer({ token: 't' }), 0).expiresAt).toBe(3_600_000);
    expect(parseTokenAnswer(answer({ token: 't', expires_in: '60' }), 0).expiresAt).toBe(60_000);
  });

  it('refuses an unusable expires_in', () => {
    for (const expires_in of [0, -5, 'soon', true, {}]) {
      expect(isResponseFormatError(catchError(() => parseTokenAnswer(answer({ token: 't', expires_in }), 0)))).toBe(
        true,
      );
    }
  });

  it('refuses answers without a token and without an error, or not an object', () => {
    for (const data of [{}, { token: '' }, { token: 42 }, [], 'token', null]) {
      expect(isResponseFormatError(catchError(() => parseTokenAnswer(answer(data), 0)))).toBe(true);
    }
  });
});
