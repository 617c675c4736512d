import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  ConfigError,
  InputError,
  isAuthError,
  isConfigError,
  isKeyFormatError,
  isProviderError,
  isTransportError,
  KeyFormatError,
  ProviderError,
  ResponseFormatError,
  SignatureError,
  StoreError,
  TransportError,
} from './errors.js';

describe('error hierarchy', () => {
  const samples = [
    new ConfigError('bad', [{ path: 'clientId', expected: 'a string', received: 'a number' }]),
    new KeyFormatError('bad key', 'an EC private key'),
    new InputError('ERR_INVALID_JSON', 'bad json', { position: 3 }),
    new SignatureError('ERR_SIGNATURE_MISMATCH', 'mismatch', 'signature'),
    new ProviderError('no', { status: 401, providerCode: '4017300' }, { provider: 'snap' }),
    new TransportError('ERR_TIMEOUT', 'slow', { attempts: 3 }),
    new ResponseFormatError('html', { status: 502, contentType: 'text/html' }),
    new StoreError('redis down'),
  ];

  it('every class has a literal name, a stable code and extends AuthError and Error', () => {
    expect(samples.map((e) => [e.name, e.code])).toEqual([
      ['ConfigError', 'ERR_CONFIG'],
      ['KeyFormatError', 'ERR_KEY_FORMAT'],
      ['InputError', 'ERR_INVALID_JSON'],
      ['SignatureError', 'ERR_SIGNATURE_MISMATCH'],
      ['ProviderError', 'ERR_PROVIDER'],
      ['TransportError', 'ERR_TIMEOUT'],
      ['ResponseFormatError', 'ERR_RESPONSE_FORMAT'],
      ['StoreError', 'ERR_STORE'],
    ]);
    for (const error of samples) {
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toBeInstanceOf(Error);
      expect(isAuthError(error)).toBe(true);
    }
  });

  it('guards work across copies of the package (brand, not instanceof)', () => {
    // What a second copy of the package would produce: same shape and brand, different class.
    const foreign = Object.assign(Object.create({ [Symbol.for('@org/signing-core/AuthError')]: true }), {
      name: 'ProviderError',
      code: 'ERR_PROVIDER',
      message: 'x',
    });
    expect(isAuthError(foreign)).toBe(true);
    expect(isProviderError(foreign)).toBe(true);
    expect(isConfigError(foreign)).toBe(false);
    expect(isAuthError(new Error('x'))).toBe(false);
    expect(isAuthError({ code: 'ERR_PROVIDER' })).toBe(false);
    expect(isAuthError(null)).toBe(false);
  });

  it('isAuthError can check the code', () => {
    const error = new ProviderError('x', { status: 401 }, { code: 'ERR_TOKEN_REJECTED' });
    expect(isAuthError(error, 'ERR_TOKEN_REJECTED')).toBe(true);
    expect(isAuthError(error, 'ERR_PROVIDER')).toBe(false);
  });

  it('a 429 ProviderError gets ERR_RATE_LIMITED', () => {
    expect(new ProviderError('x', { status: 429 }).code).toBe('ERR_RATE_LIMITED');
  });

  it('serialises to a plain, useful JSON object', () => {
    const error = new ProviderError('denied', { status: 401, providerCode: '4017300' }, { provider: 'snap' });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'ProviderError',
      code: 'ERR_PROVIDER',
      message: 'denied',
      provider: 'snap',
      status: 401,
      providerCode: '4017300',
    });
    expect(inspect(error)).toContain('ProviderError');
  });

  it('type guards narrow', () => {
    const error: unknown = samples[1];
    if (isKeyFormatError(error)) expect(error.found).toBe('an EC private key');
    expect(isTransportError(samples[5]) && samples[5].attempts).toBe(3);
  });
});

describe('withProvider', () => {
  it('fills in a missing provider and leaves everything else alone', async () => {
    const { withProvider } = await import('./errors.js');
    const bare = new KeyFormatError('bad key', 'garbage');
    expect(withProvider(bare, 'snap')).toBe(bare);
    expect(bare.provider).toBe('snap');
    expect(JSON.parse(JSON.stringify(bare)).provider).toBe('snap');
    const owned = new ProviderError('x', { status: 500 }, { provider: 'doku' });
    expect(withProvider(owned, 'snap').provider).toBe('doku');
    const plain = new Error('x');
    expect(withProvider(plain, 'snap')).toBe(plain);
    expect('provider' in plain).toBe(false);
  });
});

describe('rewordProviderError', () => {
  it('keeps every field but the message', async () => {
    const { rewordProviderError } = await import('./errors.js');
    const original = new ProviderError(
      'fondy answered HTTP 403 (Incorrect signature)',
      { status: 403, providerCode: '403', providerMessage: 'Incorrect signature', details: { requestId: 'r1' } },
      { provider: 'fondy', code: 'ERR_PROVIDER' },
    );
    const reworded = rewordProviderError(original, `${original.message}: check applicationId and secretKey`);
    expect(reworded).toBeInstanceOf(ProviderError);
    expect(reworded.message).toBe('fondy answered HTTP 403 (Incorrect signature): check applicationId and secretKey');
    const { message: _a, ...rest } = reworded.toJSON();
    const { message: _b, ...expected } = original.toJSON();
    expect(rest).toEqual(expected);
  });
});
