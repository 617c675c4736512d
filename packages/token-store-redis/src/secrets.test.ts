// Random tokens and keys pushed through every public function and error path: none may
// appear in a message, a logged field, JSON.stringify or util.inspect of anything returned or thrown.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { createTokenManager, type StoredToken, toBase64, toHex } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../test/redis-fixture.js';
import { redisTokenStore } from './index.js';

const redis = useRedis();

function show(value: unknown): string {
  let json = '';
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    json = '';
  }
  const message = value instanceof Error ? `${value.message}\n${value.stack ?? ''}` : '';
  return `${json}\n${inspect(value, { depth: 10, showHidden: true })}\n${String(value)}\n${message}`;
}

describe('no secret leaves the package', () => {
  it('through results, errors and warnings', async () => {
    const secretToken = `tok_${randomBytes(24).toString('base64url')}`;
    const keyBytes = new Uint8Array(randomBytes(32));
    const otherKey = new Uint8Array(randomBytes(32));
    const secrets = [secretToken, toBase64(keyBytes), toHex(keyBytes), toBase64(otherKey)];
    const seen: unknown[] = [];
    const logger = {
      warn: (message: string, fields?: Record<string, unknown>) => seen.push(message, fields),
      info: (message: string, fields?: Record<string, unknown>) => seen.push(message, fields),
    };
    const client = await redis.connect();
    const store = redisTokenStore({ client, encryptionKey: toBase64(keyBytes), logger });
    seen.push(store);
    const name = 'snap:https://api.example.com:client-secret-test';
    const value: StoredToken = { token: secretToken, expiresAt: Date.now() + 60_000, obtainedAt: Date.now() };

    await store.set(name, value, 60_000);
    seen.push(await store.lock(name, 1_000), await store.keysFor(name));
    // Wrong key, tampered value, plaintext reader: warnings only.
    seen.push(await redisTokenStore({ client, encryptionKey: otherKey, logger }).get(name));
    seen.push(await redisTokenStore({ client, logger }).get(name));
    const raw = (await redis.raw.get(`payauth:token:{${name}}`)) ?? '';
    await redis.raw.set(`payauth:token:{${name}}`, `${raw.slice(0, -4)}AAA=`);
    seen.push(await store.get(name));
    await redis.raw.set(`payauth:token:{${name}}`, JSON.stringify(value));
    seen.push(await store.get(name));
    await store.set(name, value, 60_000);
    await store.delete(name, secretToken);

    // Errors: a closed client, a bad option, bad arguments.
    const closed = await redis.connect();
    closed.destroy();
    const failing = redisTokenStore({ client: closed, encryptionKey: keyBytes, logger });
    for (const attempt of [
      () => failing.get(name),
      () => failing.set(name, value, 1_000),
      () => failing.delete(name, secretToken),
      () => failing.lock(name, 1_000),
      () => store.set(name, value, Number.NaN),
      () => store.get(secretToken.slice(0, 0)),
    ]) {
      seen.push(await attempt().catch((error: unknown) => error));
    }
    try {
      redisTokenStore({ client, encryptionKey: `${toBase64(keyBytes)}x`, prefix: secretToken.slice(0, 0) });
    } catch (error) {
      seen.push(error);
    }

    // Through the token manager with Redis failing: its logs too.
    const manager = createTokenManager({
      key: name,
      store: failing,
      logger,
      fetchToken: async () => ({ token: secretToken, expiresAt: Date.now() + 60_000 }),
    });
    seen.push(await manager.getToken());

    expect(seen.filter((item) => item instanceof Error).length).toBeGreaterThanOrEqual(7);
    const text = seen.map(show).join('\n');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
