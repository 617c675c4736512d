import { inspect } from 'node:util';
import { isResponseFormatError } from '@org/signing-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOKU_SAMPLE_TOKEN } from './__fixtures__/vectors.js';
import { jwtExpiry, parseDokuTokenResponse } from './protocol/token-response.js';

const NOW = Date.UTC(2024, 0, 10, 0, 0, 0); // 1704844800 s: after DOKU's sample iat, before its exp
const context = (extra: Partial<Parameters<typeof parseDokuTokenResponse>[1]> = {}) => ({
  requestedAt: NOW,
  now: NOW,
  text: '{}',
  secrets: ['SK-secret-value'],
  ...extra,
});
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: unknown) => `${b64url({ alg: 'RS256' })}.${b64url(payload)}.c2lnbmF0dXJl`;

describe('parseDokuTokenResponse', () => {
  it('reads DOKU’s sample response: {"token": <RS256 JWT>} with the expiry from exp', () => {
    const result = parseDokuTokenResponse({ token: DOKU_SAMPLE_TOKEN }, context());
    expect(result.token).toBe(DOKU_SAMPLE_TOKEN);
    expect(result.expiresAt).toBe(1704866191 * 1000);
    expect(result.tokenType).toBe('Bearer');
    expect(result.data).toEqual({ expirySource: 'jwt-exp' });
  });

  it.each([
    ['token', { token: 'abc.def' }],
    ['access_token', { access_token: 'abc.def' }],
    ['accessToken', { accessToken: 'abc.def' }],
    ['data.token', { data: { token: 'abc.def' } }],
    ['data.access_token', { data: { access_token: 'abc.def' } }],
    ['data.accessToken', { data: { accessToken: 'abc.def' } }],
  ])('accepts the token in %s', (_name, body) => {
    expect(parseDokuTokenResponse(body, context({ validTimeMinutes: 5 })).token).toBe('abc.def');
  });

  it('prefers the top level, then token > access_token > accessToken; skips empty and non-string values', () => {
    expect(
      parseDokuTokenResponse({ token: 'top', data: { token: 'nested' } }, context({ validTimeMinutes: 1 })).token,
    ).toBe('top');
    expect(
      parseDokuTokenResponse(
        { token: '', access_token: 'second', accessToken: 'third' },
        context({ validTimeMinutes: 1 }),
      ).token,
    ).toBe('second');
    expect(
      parseDokuTokenResponse({ token: 42, data: { accessToken: 'nested' } }, context({ validTimeMinutes: 1 })).token,
    ).toBe('nested');
  });

  it.each([
    ['expires_in (number)', { expires_in: 900 }, NOW + 900_000, 'expires_in'],
    ['expires_in (numeric string)', { expires_in: '900' }, NOW + 900_000, 'expires_in'],
    ['expiresIn', { expiresIn: 60 }, NOW + 60_000, 'expires_in'],
    ['expires_at (ISO, Z)', { expires_at: '2024-01-10T01:00:00Z' }, Date.UTC(2024, 0, 10, 1), 'expires_at'],
    ['expiresAt (ISO, +07:00)', { expiresAt: '2024-01-10T08:00:00+07:00' }, Date.UTC(2024, 0, 10, 1), 'expires_at'],
    ['expires_at (epoch seconds)', { expires_at: NOW / 1000 + 120 }, NOW + 120_000, 'expires_at'],
    ['data.expires_in', { data: { expires_in: 30 } }, NOW + 30_000, 'expires_in'],
  ])('takes an explicit expiry first: %s', (_name, extra, expiresAt, source) => {
    const body = { token: DOKU_SAMPLE_TOKEN, ...extra };
    const result = parseDokuTokenResponse(body, context({ validTimeMinutes: 360 }));
    expect(result.expiresAt).toBe(expiresAt);
    expect(result.data).toEqual({ expirySource: source });
  });

  it('ignores unusable explicit fields and falls back to exp, then valid_time', () => {
    const bad = { expires_in: 'soon', expires_at: 'tomorrow', expiresIn: -5 };
    expect(parseDokuTokenResponse({ token: DOKU_SAMPLE_TOKEN, ...bad }, context()).data).toEqual({
      expirySource: 'jwt-exp',
    });
    const opaque = parseDokuTokenResponse({ token: 'opaque-token', ...bad }, context({ validTimeMinutes: 360 }));
    expect(opaque.expiresAt).toBe(NOW + 360 * 60_000);
    expect(opaque.data).toEqual({ expirySource: 'valid_time' });
  });

  it('counts expires_in and valid_time from when the request was sent', () => {
    const result = parseDokuTokenResponse({ token: 'x', expires_in: 60 }, context({ requestedAt: NOW - 5_000 }));
    expect(result.expiresAt).toBe(NOW + 55_000);
  });

  it('refuses a response without a token, saying where it looked', () => {
    for (const body of [{}, { token: '' }, { data: { token: null } }, { error: 'x' }]) {
      const error = (() => {
        try {
          parseDokuTokenResponse(body, context());
        } catch (e) {
          return e;
        }
      })();
      expect(isResponseFormatError(error)).toBe(true);
      expect((error as Error).message).toMatch(/token, access_token, accessToken/);
    }
    for (const body of [null, 'token', [{ token: 'x' }], 42]) {
      expect(() => parseDokuTokenResponse(body, context())).toThrow(/not a JSON object/);
    }
  });

  it('refuses a token without any expiry', () => {
    expect(() => parseDokuTokenResponse({ token: 'opaque' }, context())).toThrow(/nothing about expiry/);
    expect(() => parseDokuTokenResponse({ token: jwt({ sub: 'x' }) }, context())).toThrow(/nothing about expiry/);
  });

  it('refuses a token that is already expired, or whose expiry is not a date', () => {
    expect(() => parseDokuTokenResponse({ token: jwt({ exp: NOW / 1000 - 1 }) }, context())).toThrow(
      /already expired by its jwt-exp/,
    );
    expect(() => parseDokuTokenResponse({ token: jwt({ exp: 1e300 }) }, context())).toThrow(/not a representable date/);
  });

  it('never puts the token or the secret in the error', () => {
    const token = jwt({ exp: NOW / 1000 - 10, secretish: 'x' });
    const text = JSON.stringify({ token, note: 'SK-secret-value' });
    try {
      parseDokuTokenResponse({ token }, context({ text }));
      expect.unreachable();
    } catch (error) {
      const dump = `${(error as Error).message} ${JSON.stringify(error)} ${inspect(error, { depth: 10, showHidden: true })}`;
      expect(dump).not.toContain(token);
      expect(dump).not.toContain('SK-secret-value');
    }
  });
});

describe('jwtExpiry', () => {
  it('reads exp (seconds) from the payload without checking the signature', () => {
    expect(jwtExpiry(DOKU_SAMPLE_TOKEN)).toBe(1704866191000);
    expect(jwtExpiry(jwt({ exp: 10 }))).toBe(10_000);
  });

  it('is undefined for anything that is not a JWT with a numeric exp', () => {
    for (const token of [
      'opaque',
      'a.b',
      'a.b.c.d',
      'a..c',
      `x.${b64url([1])}.y`,
      jwt({ exp: '10' }),
      jwt({ exp: -1 }),
      'a.!!!.c',
      `a.${Buffer.from('not json').toString('base64url')}.c`,
    ]) {
      expect(jwtExpiry(token)).toBeUndefined();
    }
  });

  it('property: any positive exp round-trips; garbage never throws', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 253402300799 }),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (exp, extra) => {
          expect(jwtExpiry(jwt({ ...extra, exp }))).toBe(exp * 1000);
        },
      ),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = jwtExpiry(text);
        expect(result === undefined || (Number.isFinite(result) && result > 0)).toBe(true);
      }),
    );
  });

  it('property: the parser either returns a future expiry or throws ResponseFormatError', () => {
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        { token: fc.oneof(fc.string(), fc.constant(DOKU_SAMPLE_TOKEN)), expires_in: fc.jsonValue() },
        { requiredKeys: [] },
      ),
      fc.record({ data: fc.record({ access_token: fc.string(), expiresAt: fc.oneof(fc.string(), fc.double()) }) }),
    );
    fc.assert(
      fc.property(body, fc.option(fc.integer({ min: 1, max: 525600 }), { nil: undefined }), (data, minutes) => {
        try {
          const result = parseDokuTokenResponse(data, context({ validTimeMinutes: minutes }));
          expect(result.token.length).toBeGreaterThan(0);
          expect(result.expiresAt).toBeGreaterThan(NOW);
          expect(new Date(result.expiresAt).toISOString()).toMatch(/Z$/);
        } catch (error) {
          expect(isResponseFormatError(error)).toBe(true);
        }
      }),
    );
  });
});
