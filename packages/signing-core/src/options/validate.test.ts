import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../errors/errors.js';
import { memoryTokenStore } from '../token/token-store.js';
import { optionSchemas, tokenClientPartsOf, validateOptions } from './validate.js';

const schema = v.object({
  clientId: optionSchemas.nonEmptyString(),
  secret: optionSchemas.nonEmptyString(),
  baseUrl: optionSchemas.baseUrl(),
  timeoutMs: v.optional(optionSchemas.milliseconds(1, 60_000)),
  fetch: v.optional(optionSchemas.func()),
});

describe('validateOptions', () => {
  it('returns the parsed output (with transforms applied)', () => {
    const out = validateOptions('@org/x', schema, { clientId: 'c', secret: 's', baseUrl: 'https://api.example.com/' });
    expect(out.baseUrl).toBe('https://api.example.com');
  });

  it('lists every bad field by path with what was expected, never the value', () => {
    const secret = 'do-not-print-me';
    let caught: unknown;
    try {
      validateOptions('@org/x', schema, {
        clientId: 42,
        secret: '   ',
        baseUrl: `ftp://${secret}`,
        timeoutMs: 0,
        fetch: 'nope',
      });
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    if (!isConfigError(caught)) return;
    expect(caught.message.startsWith('[@org/x] invalid options:')).toBe(true);
    expect(caught.issues.map((i) => i.path)).toEqual(['clientId', 'secret', 'baseUrl', 'timeoutMs', 'fetch']);
    expect(caught.message).toContain('clientId: expected a non-empty string, received a number');
    expect(caught.message).toContain('baseUrl: expected an absolute http(s) URL');
    expect(caught.message).not.toContain(secret);
    expect(JSON.stringify(caught)).not.toContain(secret);
  });

  it('refuses a non-object', () => {
    expect(() => validateOptions('@org/x', schema, undefined)).toThrow(
      '[@org/x] options: expected an object, received undefined',
    );
  });
});

describe('optionSchemas', () => {
  const all = v.object({
    path: optionSchemas.path(),
    store: optionSchemas.withMethods(['get', 'set'], 'an object with get() and set()'),
    bytes: v.optional(v.string('a string')),
    when: v.optional(v.string('a string')),
    list: v.optional(v.string('a string')),
    count: v.optional(v.string('a string')),
    nan: v.optional(v.string('a string')),
    nothing: v.optional(v.string('a string')),
    flag: v.optional(v.string('a string')),
    fn: v.optional(v.string('a string')),
  });

  it('accepts valid values', () => {
    expect(validateOptions('@org/x', all, { path: '/v1/token', store: { get() {}, set() {} } }).path).toBe('/v1/token');
  });

  it('describes each received type without showing the value', () => {
    let caught: unknown;
    try {
      validateOptions('@org/x', all, {
        path: 'v1/token',
        store: { get() {} },
        bytes: new Uint8Array(1),
        when: new Date(0),
        list: [],
        count: 1,
        nan: Number.NaN,
        nothing: null,
        flag: true,
        fn: () => {},
      });
    } catch (error) {
      caught = error;
    }
    if (!isConfigError(caught)) throw new Error('expected a ConfigError');
    expect(Object.fromEntries(caught.issues.map((i) => [i.path, i.received]))).toEqual({
      path: 'a string of 8 characters',
      store: 'an object',
      bytes: 'a Uint8Array',
      when: 'a Date',
      list: 'an array',
      count: 'a number',
      nan: 'NaN',
      nothing: 'null',
      flag: 'a boolean',
      fn: 'a function',
    });
    expect(caught.issues[0]?.expected).toBe('a path starting with "/"');
  });
});

describe('missing and unknown keys', () => {
  it('word a missing key with its own expected text and an unknown key as such', () => {
    const strict = v.strictObject({
      clientId: optionSchemas.nonEmptyString('a non-empty string (the client id)'),
      baseUrl: v.optional(optionSchemas.baseUrl()),
    });
    let caught: unknown;
    try {
      validateOptions('@org/x', strict, { clientld: 'typo' });
    } catch (error) {
      caught = error;
    }
    if (!isConfigError(caught)) throw new Error('expected a ConfigError');
    expect(caught.issues).toEqual([
      { path: 'clientId', expected: 'a non-empty string (the client id)', received: 'undefined' },
      {
        path: 'clientld',
        expected: 'a known option (clientId, baseUrl)',
        received: 'a string of 4 characters',
        suggestion: 'clientId',
      },
    ]);
    expect(caught.message).toContain('received a string of 4 characters (did you mean `clientId`?)');
  });

  it('list the known keys of an object inside a list (partners.1.publcKey)', () => {
    const strict = v.strictObject({
      partners: v.optional(v.array(v.strictObject({ clientId: v.string(), publicKey: v.optional(v.string()) }))),
    });
    let caught: unknown;
    try {
      validateOptions('@org/x', strict, { partners: [{ clientId: 'a' }, { clientId: 'b', publcKey: 'k' }] });
    } catch (error) {
      caught = error;
    }
    if (!isConfigError(caught)) throw new Error('expected a ConfigError');
    expect(caught.issues).toEqual([
      {
        path: 'partners.1.publcKey',
        expected: 'a known option (clientId, publicKey)',
        received: 'a string of 1 character',
        suggestion: 'publicKey',
      },
    ]);
  });

  it('suggest the nearest known option for a typo, and nothing for a name that is not close', () => {
    const schema = v.strictObject({
      timestampFormat: v.optional(v.string()),
      tokenTimestampFormat: v.optional(v.string()),
      baseUrl: v.optional(v.string()),
      retry: v.optional(v.number()),
    });
    const suggestionFor = (key: string) => {
      try {
        validateOptions('@org/x', schema, { [key]: 1 });
      } catch (error) {
        if (isConfigError(error)) return error.issues[0]?.suggestion;
      }
      throw new Error('expected a ConfigError');
    };
    expect(suggestionFor('timestampFromat')).toBe('timestampFormat'); // swapped letters
    expect(suggestionFor('TimeStampFormat')).toBe('timestampFormat'); // case
    expect(suggestionFor('baseURL')).toBe('baseUrl');
    expect(suggestionFor('retyr')).toBe('retry');
    expect(suggestionFor('tokenTimestampFormats')).toBe('tokenTimestampFormat');
    expect(suggestionFor('color')).toBeUndefined();
    expect(suggestionFor('somethingElseEntirely')).toBeUndefined();
  });
});

describe('tokenClientOptionEntries', () => {
  it('validates the shared token-client options of every provider', async () => {
    const { tokenClientOptionEntries } = await import('./validate.js');
    const { memoryTokenStore } = await import('../token/token-store.js');
    const schema = v.strictObject({ clientId: optionSchemas.nonEmptyString(), ...tokenClientOptionEntries() });
    const ok = validateOptions('@org/x', schema, {
      clientId: 'c',
      fetch,
      clock: Date.now,
      tokenStore: memoryTokenStore(),
      refreshAheadMs: 1000,
      retry: { limit: 1 },
      logger: console,
    });
    expect(ok.clientId).toBe('c');
    let caught: unknown;
    try {
      validateOptions('@org/x', schema, { clientId: 'c', tokenStore: {}, retry: 11, logger: 'console', timeoutMs: 0 });
    } catch (error) {
      caught = error;
    }
    if (!isConfigError(caught)) throw new Error('expected a ConfigError');
    expect(caught.issues.map((i) => [i.path, i.expected])).toEqual([
      ['tokenStore', 'a TokenStore (an object with get, set and delete)'],
      ['timeoutMs', 'a number of milliseconds from 1 to 300000'],
      ['retry', 'a retry limit from 0 to 10, or { limit?, methods?, statusCodes?, backoffLimitMs?, maxRetryAfterMs? }'],
      ['logger', 'a logger object (e.g. console)'],
    ]);
  });
});

describe('optionSchemas.retry', () => {
  it('checks every field of a RetryOptions object', () => {
    const schema = v.object({ retry: optionSchemas.retry() });
    for (const ok of [
      0,
      10,
      {},
      { limit: 3, methods: ['post'], statusCodes: [503], backoffLimitMs: 100, maxRetryAfterMs: 1000 },
    ]) {
      expect(() => validateOptions('@org/x', schema, { retry: ok })).not.toThrow();
    }
    for (const bad of [
      11,
      -1,
      1.5,
      { limit: 99 },
      { methods: 'post' },
      { statusCodes: [42] },
      { backoffLimitMs: -1 },
      { retries: 2 },
      'lots',
    ]) {
      expect(() => validateOptions('@org/x', schema, { retry: bad })).toThrow(
        /retry: expected a retry limit from 0 to 10/,
      );
    }
  });
});

describe('tokenClientPartsOf', () => {
  it('splits the shared options into the HTTP client part and the token manager part', () => {
    const store = memoryTokenStore();
    const logger = { warn: () => undefined };
    const parts = tokenClientPartsOf({
      timeoutMs: 500,
      totalTimeoutMs: 2_000,
      maxResponseBytes: 1024,
      redirect: 'same-origin',
      tokenStore: store,
      refreshAheadMs: 1_000,
      expiryMarginMs: 2_000,
      lockWaitMs: 3_000,
      tokenFetchTimeoutMs: 4_000,
      logger,
    });
    expect(parts.transport).toEqual({
      fetch: undefined,
      timeoutMs: 500,
      totalTimeoutMs: 2_000,
      maxResponseBytes: 1024,
      redirect: 'same-origin',
    });
    expect(parts.lifecycle).toEqual({
      store,
      refreshAheadMs: 1_000,
      expiryMarginMs: 2_000,
      clock: undefined,
      logger,
      lockWaitMs: 3_000,
      fetchTimeoutMs: 4_000,
    });
  });
});
