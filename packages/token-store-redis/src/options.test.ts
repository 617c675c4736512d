import { isConfigError } from '@org/signing-core';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { redisTokenStore } from './redis-token-store.js';

const client = createClient();
const key32 = new Uint8Array(32).fill(7);

function configError(options: unknown) {
  try {
    redisTokenStore(options as Parameters<typeof redisTokenStore>[0]);
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('options', () => {
  it('needs only a client; defaults: prefix payauth, no encryption, no waitForChange', async () => {
    const store = redisTokenStore({ client });
    expect(store.encrypted).toBe(false);
    expect(store.waitForChange).toBeUndefined();
    expect((await store.keysFor('k')).token).toBe('payauth:token:{k}');
  });

  it('lists every bad option by path with what was expected, never the value', () => {
    const secret = 'c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw==';
    const error = configError({
      client: { get() {} },
      subscriber: client, // has subscribe/unsubscribe: fine
      prefix: '   ',
      encryptionKey: secret,
      commandTimeoutMs: 0,
      logger: 'console',
    });
    expect(error.message.startsWith('[@org/token-store-redis] invalid options:')).toBe(true);
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'client',
      'prefix',
      'encryptionKey',
      'commandTimeoutMs',
      'logger',
    ]);
    expect(error.message).toContain(
      'client: expected a connected node-redis client (createClient(), createCluster() or createSentinel()) or ioredis client (new Redis(), new Redis.Cluster())',
    );
    expect(error.message).toContain('prefix: expected a non-empty string without { or }');
    expect(error.message).toContain(
      'encryptionKey: expected 32 bytes (a Uint8Array, or the same as base64 text) or an AES-GCM CryptoKey, or { id, key }, received a string of 44 characters',
    );
    expect(error.message).toContain('commandTimeoutMs: expected a number of milliseconds from 1 to 60000');
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
  });

  it('refuses a prefix with a brace: it would break the hash tag of every key', () => {
    for (const prefix of ['app{x}', 'a}', '{']) {
      expect(configError({ client, prefix }).issues.map((issue) => [issue.path, issue.expected])).toEqual([
        ['prefix', 'a non-empty string without { or }'],
      ]);
    }
  });

  it('refuses a non-object, and a missing client', () => {
    expect(configError(undefined).message).toBe(
      '[@org/token-store-redis] options: expected an object, received undefined',
    );
    expect(configError({}).issues.map((issue) => issue.path)).toEqual(['client']);
  });

  it('refuses a subscriber that is not one', () => {
    expect(configError({ client, subscriber: {} }).issues).toEqual([
      {
        path: 'subscriber',
        expected: 'a dedicated, connected subscriber connection (client.duplicate() of node-redis or ioredis)',
        received: 'an object',
      },
    ]);
  });

  it('checks key ids: 0–255, unique, and previous keys only with a current key', () => {
    expect(configError({ client, encryptionKey: { id: 256, key: key32 } }).issues[0]).toEqual({
      path: 'encryptionKey.id',
      expected: 'a key id from 0 to 255',
      received: 'a number',
    });
    expect(configError({ client, encryptionKey: { id: 1.5, key: key32 } }).issues[0]?.path).toBe('encryptionKey.id');
    expect(
      configError({ client, encryptionKey: { id: 3, key: key32 }, previousEncryptionKeys: [{ id: 3, key: key32 }] })
        .issues,
    ).toEqual([
      {
        path: 'previousEncryptionKeys',
        expected: 'key ids different from each other and from encryptionKey',
        received: 'a repeated id',
      },
    ]);
    expect(
      configError({ client, encryptionKey: key32, previousEncryptionKeys: [{ id: 1, key: key32 }] }).issues[0]?.path,
    ).toBe('previousEncryptionKeys');
    expect(configError({ client, previousEncryptionKeys: [{ id: 2, key: key32 }] }).issues).toEqual([
      { path: 'encryptionKey', expected: 'a key when previousEncryptionKeys is set', received: 'undefined' },
    ]);
    expect(
      configError({ client, encryptionKey: key32, previousEncryptionKeys: [{ id: 2, key: new Uint8Array(31) }] })
        .issues[0]?.path,
    ).toBe('previousEncryptionKeys');
  });

  it('refuses CryptoKeys that cannot do AES-GCM encryption', async () => {
    const hmacKey = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const decryptOnly = await crypto.subtle.importKey('raw', key32, 'AES-GCM', false, ['decrypt']);
    expect(configError({ client, encryptionKey: hmacKey }).issues[0]?.path).toBe('encryptionKey');
    expect(configError({ client, encryptionKey: decryptOnly }).issues[0]?.path).toBe('encryptionKey');
    // A decrypt-only key is fine for reading old values.
    expect(
      redisTokenStore({ client, encryptionKey: key32, previousEncryptionKeys: [{ id: 9, key: decryptOnly }] })
        .encrypted,
    ).toBe(true);
  });

  it('accepts explicit undefined for every optional option', () => {
    const store = redisTokenStore({
      client,
      subscriber: undefined,
      prefix: undefined,
      encryptionKey: undefined,
      previousEncryptionKeys: undefined,
      commandTimeoutMs: undefined,
      logger: undefined,
    });
    expect(store.encrypted).toBe(false);
  });
});
