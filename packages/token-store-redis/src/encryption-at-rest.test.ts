// Encryption at rest through the store, on a real redis-server: what a Redis dump holds,
// and what a store with the wrong key (or a tampered value) does: a miss and a typed warning.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { type StoredToken, toBase64 } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../test/redis-fixture.js';
import { redisTokenStore } from './redis-token-store.js';

const redis = useRedis();
let counter = 0;
const freshKey = () => `snap:https://api.example.com:enc-client-${++counter}`;
const newKey = () => new Uint8Array(randomBytes(32));

function secretToken(): StoredToken {
  const now = Date.now();
  return {
    token: `eyJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString('base64url')}`,
    expiresAt: now + 900_000,
    obtainedAt: now,
    tokenType: 'Bearer',
    data: { scope: 'payments' },
  };
}

function collectingLogger() {
  const warnings: Array<{ message: string; fields: Record<string, unknown> | undefined }> = [];
  return {
    warnings,
    logger: { warn: (message: string, fields?: Record<string, unknown>) => warnings.push({ message, fields }) },
  };
}

describe('encryption at rest', () => {
  it('the raw Redis value holds no token substring and no JSON; the store reads it back', async () => {
    const key = newKey();
    const store = redisTokenStore({ client: await redis.connect(), encryptionKey: key });
    const value = secretToken();
    const name = freshKey();
    await store.set(name, value, 60_000);
    const raw = (await redis.raw.get(`payauth:token:{${name}}`)) ?? '';
    expect(raw.length).toBeGreaterThan(0);
    expect(raw).not.toContain(value.token);
    for (let i = 0; i + 8 <= value.token.length; i += 1) expect(raw).not.toContain(value.token.slice(i, i + 8));
    expect(raw).not.toContain('payments');
    expect(raw.startsWith('{')).toBe(false);
    expect(store.encrypted).toBe(true);
    expect(await store.get(name)).toEqual(value);
    // The TTL is the same as without encryption.
    expect(await redis.raw.pTTL(`payauth:token:{${name}}`)).toBeGreaterThan(59_000);
  });

  it('without the key the value is unreadable: a miss and an encrypted-value-without-key warning', async () => {
    const { logger, warnings } = collectingLogger();
    const name = freshKey();
    const value = secretToken();
    await redisTokenStore({ client: await redis.connect(), encryptionKey: newKey() }).set(name, value, 60_000);
    const plainStore = redisTokenStore({ client: await redis.connect(), logger });
    expect(await plainStore.get(name)).toBeUndefined();
    expect(warnings.map((w) => w.fields?.warning)).toEqual(['encrypted-value-without-key']);
  });

  it('a wrong key with the same id: a miss and a decrypt-failed warning; never the plaintext in the log', async () => {
    const { logger, warnings } = collectingLogger();
    const name = freshKey();
    const value = secretToken();
    const rightKey = newKey();
    await redisTokenStore({ client: await redis.connect(), encryptionKey: rightKey }).set(name, value, 60_000);
    const wrong = redisTokenStore({ client: await redis.connect(), encryptionKey: newKey(), logger });
    expect(await wrong.get(name)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toEqual({
      source: '@org/token-store-redis',
      warning: 'decrypt-failed',
      key: name,
      redisKey: `payauth:token:{${name}}`,
      keyId: 1,
    });
    const logged = inspect(warnings, { depth: 10 }) + JSON.stringify(warnings);
    expect(logged).not.toContain(value.token);
    expect(logged).not.toContain(toBase64(rightKey));
    expect(logged).not.toContain((await redis.raw.get(`payauth:token:{${name}}`)) ?? 'unreachable');
  });

  it('a tampered value: a miss and a decrypt-failed warning, not a crash', async () => {
    const { logger, warnings } = collectingLogger();
    const key = newKey();
    const store = redisTokenStore({ client: await redis.connect(), encryptionKey: key, logger });
    const name = freshKey();
    await store.set(name, secretToken(), 60_000);
    const raw = (await redis.raw.get(`payauth:token:{${name}}`)) ?? '';
    const bytes = Buffer.from(raw, 'base64');
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] as number) ^ 0x01;
    await redis.raw.set(`payauth:token:{${name}}`, bytes.toString('base64'), {
      expiration: { type: 'PX', value: 60_000 },
    });
    expect(await store.get(name)).toBeUndefined();
    expect(warnings.map((w) => w.fields?.warning)).toEqual(['decrypt-failed']);
  });

  it('a value copied to another key does not decrypt there (the Redis key is authenticated)', async () => {
    const { logger, warnings } = collectingLogger();
    const store = redisTokenStore({ client: await redis.connect(), encryptionKey: newKey(), logger });
    const a = freshKey();
    const b = freshKey();
    await store.set(a, secretToken(), 60_000);
    await redis.raw.set(`payauth:token:{${b}}`, (await redis.raw.get(`payauth:token:{${a}}`)) ?? '');
    expect(await store.get(b)).toBeUndefined();
    expect(warnings.map((w) => w.fields?.warning)).toEqual(['decrypt-failed']);
  });

  it('a plaintext value while encryption is on is not trusted: unencrypted-value', async () => {
    const { logger, warnings } = collectingLogger();
    const name = freshKey();
    await redisTokenStore({ client: await redis.connect() }).set(name, secretToken(), 60_000);
    const store = redisTokenStore({ client: await redis.connect(), encryptionKey: newKey(), logger });
    expect(await store.get(name)).toBeUndefined();
    expect(warnings.map((w) => w.fields?.warning)).toEqual(['unencrypted-value']);
  });

  it('key rotation: new writes use the new id, values under the previous key still read', async () => {
    const { logger, warnings } = collectingLogger();
    const oldKey = newKey();
    const nextKey = newKey();
    const name = freshKey();
    const value = secretToken();
    await redisTokenStore({ client: await redis.connect(), encryptionKey: { id: 1, key: oldKey } }).set(
      name,
      value,
      60_000,
    );
    const rotated = redisTokenStore({
      client: await redis.connect(),
      encryptionKey: { id: 2, key: toBase64(nextKey) },
      previousEncryptionKeys: [{ id: 1, key: oldKey }],
      logger,
    });
    expect(await rotated.get(name)).toEqual(value);
    await rotated.set(name, value, 60_000);
    expect(Buffer.from((await redis.raw.get(`payauth:token:{${name}}`)) ?? '', 'base64')[1]).toBe(2);
    // A replica still on the old key only: unknown key id, a miss.
    const stale = redisTokenStore({ client: await redis.connect(), encryptionKey: { id: 1, key: oldKey }, logger });
    expect(await stale.get(name)).toBeUndefined();
    expect(warnings.map((w) => [w.fields?.warning, w.fields?.keyId])).toEqual([['unknown-key-id', 2]]);
  });

  it('compare-and-delete works on encrypted values', async () => {
    const store = redisTokenStore({ client: await redis.connect(), encryptionKey: newKey() });
    const name = freshKey();
    const value = secretToken();
    await store.set(name, value, 60_000);
    await store.delete(name, 'some-other-token');
    expect(await store.get(name)).toEqual(value);
    await store.delete(name, value.token);
    expect(await store.get(name)).toBeUndefined();
  });

  it('a CryptoKey works as encryptionKey', async () => {
    const cryptoKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const store = redisTokenStore({ client: await redis.connect(), encryptionKey: cryptoKey });
    const name = freshKey();
    const value = secretToken();
    await store.set(name, value, 60_000);
    expect(await store.get(name)).toEqual(value);
    expect(await redis.raw.get(`payauth:token:{${name}}`)).not.toContain(value.token);
  });
});
