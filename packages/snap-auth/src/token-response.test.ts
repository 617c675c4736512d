import { formatIsoTimestamp, isProviderError, isResponseFormatError } from '@org/signing-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExpiry, parseSeconds, readB2b2cTokenResponse, readB2bTokenResponse } from './protocol/token-response.js';

const now = Date.parse('2026-03-02T10:00:00+07:00');
const ctx = { now, status: 200 };

describe('readB2bTokenResponse', () => {
  it('reads the ifortepay example (expiresIn as a string)', () => {
    const read = readB2bTokenResponse(
      {
        responseCode: '2007300',
        responseMessage: 'Successful',
        accessToken: 'eyJ.x.y',
        tokenType: 'Bearer',
        expiresIn: '900',
      },
      ctx,
    );
    expect(read).toEqual({ token: 'eyJ.x.y', tokenType: 'Bearer', expiresAt: now + 900_000, expiresInSeconds: 900 });
  });

  it('accepts expiresIn as a number, and 900 s when it is absent, and no responseCode', () => {
    expect(readB2bTokenResponse({ accessToken: 't', expiresIn: 600 }, ctx).expiresAt).toBe(now + 600_000);
    expect(readB2bTokenResponse({ accessToken: 't' }, ctx)).toMatchObject({
      expiresAt: now + 900_000,
      tokenType: 'Bearer',
    });
    expect(readB2bTokenResponse({ accessToken: 't', expiresIn: null }, ctx).expiresInSeconds).toBe(900);
  });

  it('turns a non-success responseCode into ProviderError with the parsed code, even on HTTP 200', () => {
    const error = (() => {
      try {
        readB2bTokenResponse({ responseCode: '4017300', responseMessage: 'Unauthorized. [Signature]' }, ctx);
      } catch (e) {
        return e;
      }
    })();
    expect(isProviderError(error)).toBe(true);
    if (!isProviderError(error)) return;
    expect(error).toMatchObject({
      status: 200,
      providerCode: '4017300',
      providerMessage: 'Unauthorized. [Signature]',
      provider: 'snap',
    });
    expect(error.details).toMatchObject({ httpStatus: 401, serviceCode: '73', caseCode: '00' });
    expect(error.message).toMatch(/X-SIGNATURE/);
    expect(error.message).toMatch(/clock/);
    expect(error.message).toMatch(/clientId/);
  });

  it.each([
    [null, 'not a JSON object'],
    [[], 'not a JSON object'],
    [{ responseCode: '2007300' }, 'no accessToken'],
    [{ responseCode: '2007300', accessToken: '' }, 'no accessToken'],
    [{ accessToken: 't', expiresIn: 'soon' }, 'expiresIn'],
    [{ accessToken: 't', expiresIn: -5 }, 'expiresIn'],
    [{ accessToken: 't', responseCode: {} }, 'responseCode'],
  ])('rejects %j as ResponseFormatError', (data, fragment) => {
    let error: unknown;
    try {
      readB2bTokenResponse(data, ctx);
    } catch (e) {
      error = e;
    }
    expect(isResponseFormatError(error)).toBe(true);
    expect((error as Error).message).toContain(fragment);
  });
});

describe('readB2b2cTokenResponse', () => {
  it('reads ISO expiry times, the refresh token and additionalInfo (redacted)', () => {
    const read = readB2b2cTokenResponse(
      {
        responseCode: '2007400',
        tokenType: 'Bearer',
        accessToken: 'cust',
        accessTokenExpiryTime: '2026-03-02T10:15:00+07:00',
        refreshToken: 'ref',
        refreshTokenExpiryTime: '2026-03-03T03:00:00Z',
        additionalInfo: { customerId: 'c1', secretPin: '123456' },
      },
      ctx,
    );
    expect(read).toMatchObject({
      token: 'cust',
      expiresAt: now + 15 * 60_000,
      refreshToken: 'ref',
      refreshTokenExpiresAt: Date.parse('2026-03-03T03:00:00Z'),
      additionalInfo: { customerId: 'c1', secretPin: '[REDACTED]' },
    });
  });

  it('reads expiry times given in seconds, falls back to expiresIn, then to 900 s', () => {
    expect(
      readB2b2cTokenResponse({ accessToken: 'a', accessTokenExpiryTime: '300', refreshTokenExpiryTime: 3600 }, ctx),
    ).toMatchObject({
      expiresAt: now + 300_000,
      refreshTokenExpiresAt: now + 3_600_000,
      refreshToken: undefined,
    });
    expect(readB2b2cTokenResponse({ accessToken: 'a', expiresIn: '120' }, ctx).expiresAt).toBe(now + 120_000);
    expect(readB2b2cTokenResponse({ accessToken: 'a' }, ctx)).toMatchObject({
      expiresAt: now + 900_000,
      refreshTokenExpiresAt: undefined,
    });
  });

  it('rejects an unreadable expiry and a failure code', () => {
    expect(() => readB2b2cTokenResponse({ accessToken: 'a', accessTokenExpiryTime: 'tomorrow' }, ctx)).toThrow(
      /accessTokenExpiryTime/,
    );
    expect(() =>
      readB2b2cTokenResponse({ accessToken: 'a', refreshTokenExpiryTime: '2026-03-02 10:00:00' }, ctx),
    ).toThrow(/refreshTokenExpiryTime/);
    expect(() => readB2b2cTokenResponse({ responseCode: '4017400', responseMessage: 'Unauthorized' }, ctx)).toThrow(
      /B2B2C access token failed: HTTP 200 \(4017400 Unauthorized\)/,
    );
  });
});

describe('expiry parsing (properties)', () => {
  it('reads any lifetime in seconds, as a number or a decimal string', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 365 * 86_400 }), fc.boolean(), (seconds, asString) => {
        expect(parseSeconds(asString ? String(seconds) : seconds)).toBe(seconds);
        expect(parseExpiry(asString ? ` ${seconds} ` : seconds, now)).toBe(now + seconds * 1000);
      }),
    );
  });

  it('reads any ISO-8601 timestamp with an offset back to the same instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2099-12-31T00:00:00Z') }),
        fc.constantFrom('+07:00', 'Z', '+08:00', '-05:30', '+00:00'),
        fc.boolean(),
        (instant, offset, milliseconds) => {
          const text = formatIsoTimestamp(instant, { offset, milliseconds });
          expect(parseExpiry(text, now)).toBe(milliseconds ? instant : instant - (instant % 1000));
        },
      ),
    );
  });

  it('never throws, and reads nothing from arbitrary junk', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = parseExpiry(value, now);
        expect(result === undefined || Number.isFinite(result)).toBe(true);
      }),
    );
    for (const junk of ['', 'abc', '0', '-1', 'NaN', 'Infinity', '1e3', {}, [], true, Number.NaN, 0]) {
      expect(parseExpiry(junk, now)).toBeUndefined();
    }
  });
});
