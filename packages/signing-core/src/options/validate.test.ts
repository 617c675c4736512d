import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../errors/errors.js';
import { optionSchemas, validateOptions } from './validate.js';

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
