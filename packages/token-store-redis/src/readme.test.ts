// Runs every example of README.md against a real redis-server and a local token endpoint; the
// last test checks that every ```ts block of the README appears here, so the docs cannot drift.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createTokenManager } from '@org/signing-core';
import { redisTokenStore } from '@org/token-store-redis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisServer, startRedisServer } from '../test/redis-server.js';
import { startTokenServer, type TokenServer } from '../test/token-server.js';

let redis: RedisServer;
let tokenServer: TokenServer;

// The types the README's Warnings example uses (its first block imports values only, so that it
// runs as an .mjs file).
import type { Logger } from '@org/signing-core';
import type { RedisTokenStoreWarning } from '@org/token-store-redis';

const connections: Array<{ destroy(): void; isOpen: boolean }> = [];

beforeAll(async () => {
  redis = await startRedisServer();
  tokenServer = await startTokenServer();
});
afterAll(async () => {
  for (const connection of connections) if (connection.isOpen) connection.destroy();
  await tokenServer.close();
  await redis.stop();
});

describe('README examples', () => {
  it('setup, the core token manager, pub/sub, encryption, rotation and warnings', async () => {
    vi.stubEnv('REDIS_URL', redis.url);
    vi.stubEnv('TOKEN_ENCRYPTION_KEY', randomBytes(32).toString('base64'));
    vi.stubEnv('TOKEN_KEY_1', randomBytes(32).toString('base64'));
    vi.stubEnv('TOKEN_KEY_2', randomBytes(32).toString('base64'));
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const baseUrl = tokenServer.url;

    // Setup
    const client = createClient({
      url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      // While Redis is unreachable, commands fail at once instead of waiting in a queue.
      disableOfflineQueue: true,
    });
    // node-redis emits 'error' on every lost connection: without a listener, Node exits.
    client.on('error', (error) => console.warn('redis:', error.message));
    await client.connect();

    const tokenStore = redisTokenStore({ client });
    connections.push(client);

    // With the core token manager
    const tokens = createTokenManager({
      key: `example:${baseUrl}:client-1`,
      store: tokenStore,
      logger: console,
      fetchToken: async () => {
        const response = await fetch(`${baseUrl}/token`, { method: 'POST' });
        const body = (await response.json()) as { access_token: string; expires_in: number };
        return { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
      },
    });
    const token = await tokens.getToken(); // from Redis if another replica fetched it, else fetched once
    expect(token.token).toBe(tokenServer.issued[0]);
    expect((await tokenStore.get(`example:${baseUrl}:client-1`))?.token).toBe(token.token);
    // Another replica (another manager on the same Redis) gets the same token without a request.
    const replica = createTokenManager({
      key: `example:${baseUrl}:client-1`,
      store: redisTokenStore({ client }),
      fetchToken: async () => {
        throw new Error('the replica must not fetch');
      },
    });
    expect((await replica.getToken()).token).toBe(token.token);
    expect(tokenServer.count()).toBe(1);

    // Pub/sub
    const subscriber = client.duplicate();
    subscriber.on('error', (error) => console.warn('redis subscriber:', error.message));
    await subscriber.connect();

    const notifyingStore = redisTokenStore({ client, subscriber });
    connections.push(subscriber);
    expect(typeof notifyingStore.waitForChange).toBe('function');
    const lock = await notifyingStore.lock('readme:pubsub', 5_000);
    const woken = notifyingStore.waitForChange?.('readme:pubsub', 5_000);
    await lock?.release();
    await woken;

    // Encryption at rest
    const encryptedStore = redisTokenStore({
      client,
      // 32 random bytes as base64, e.g. from `openssl rand -base64 32`, kept in your secret manager.
      encryptionKey: process.env.TOKEN_ENCRYPTION_KEY,
    });
    const stored = { token: 'readme-secret-token', expiresAt: Date.now() + 60_000, obtainedAt: Date.now() };
    await encryptedStore.set('readme:encrypted', stored, 60_000);
    expect(await client.get('payauth:token:{readme:encrypted}')).not.toContain('readme-secret-token');
    expect(await encryptedStore.get('readme:encrypted')).toEqual(stored);

    // Rotation
    const rotatedStore = redisTokenStore({
      client,
      encryptionKey: { id: 2, key: process.env.TOKEN_KEY_2 as string },
      previousEncryptionKeys: [{ id: 1, key: process.env.TOKEN_KEY_1 as string }],
    });
    const before = redisTokenStore({ client, encryptionKey: process.env.TOKEN_KEY_1 as string });
    await before.set('readme:rotation', stored, 60_000);
    expect(await rotatedStore.get('readme:rotation')).toEqual(stored);

    // Warnings
    const logger: Logger = {
      warn(message, fields) {
        if (fields?.source === '@org/token-store-redis') {
          const warning = fields as unknown as RedisTokenStoreWarning;
          console.warn(`token store: ${warning.warning} for ${warning.redisKey}`);
          return;
        }
        console.warn(message, fields);
      },
      info: (message, fields) => console.info(message, fields),
    };
    const loggedStore = redisTokenStore({ client, encryptionKey: process.env.TOKEN_ENCRYPTION_KEY, logger });
    await before.set('readme:warning', stored, 60_000); // written with another key
    expect(await loggedStore.get('readme:warning')).toBeUndefined();
    expect(consoleWarn.mock.calls).toEqual([['token store: decrypt-failed for payauth:token:{readme:warning}']]);
  });
});

import { serveOnLoopback } from '@org/signing-core/testing/node';
import { createSnapAuth } from '@org/snap-auth';
import { createSnapServer } from '@org/snap-auth/server';
import { redisIdempotencyStore, redisIssuedTokenStore } from '@org/token-store-redis';
import { untestedReadmeBlocks } from '@org/vitest-config/readme';

describe('README: with each provider package', () => {
  it('shares every provider’s token through one Redis', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { createSnapAuth } = await import('@org/snap-auth');
    const { createSnapSandbox } = await import('@org/snap-auth/testing');
    const { createFinnetAuth } = await import('@org/finnet-auth');
    const { createFinnetSandbox } = await import('@org/finnet-auth/testing');
    const { createDokuPartnerAuth } = await import('@org/doku-partner-auth');
    const { createDokuSandbox } = await import('@org/doku-partner-auth/testing');
    const { createFondyAuth } = await import('@org/fondy-auth');
    const { createFondySandbox } = await import('@org/fondy-auth/testing');
    const keys = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const privateKey = keys.privateKey;
    const clientSecret = 'snap-client-secret';
    const finnetSecretKey = 'finnet-secret';
    const dokuSecretKey = 'SK-doku-secret';
    const fondySecretKey = 'fondy-secret';
    const sandboxes = [
      createSnapSandbox({ clients: [{ clientId: 'client-1', publicKey: keys.publicKey, clientSecret }] }),
      createFinnetSandbox({ secretKey: finnetSecretKey }),
      createDokuSandbox({ clients: [{ clientId: 'BRN-0001-1', secretKey: dokuSecretKey }] }),
      createFondySandbox({ applications: [{ applicationId: '1234', secretKey: fondySecretKey }] }),
    ];
    const running = await Promise.all(sandboxes.map((sandbox) => sandbox.listen()));
    const [snapUrl, finnetUrl, dokuUrl, fondyUrl] = running.map((server) => server.url) as [
      string,
      string,
      string,
      string,
    ];
    const client = createClient({ url: redis.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
    connections.push(client);
    const tokenStore = redisTokenStore({ client, prefix: 'readme-providers' });
    try {
      const snap = createSnapAuth({ baseUrl: snapUrl, clientId: 'client-1', privateKey, clientSecret, tokenStore });
      const finnet = createFinnetAuth({ baseUrl: finnetUrl, secretKey: finnetSecretKey, tokenStore });
      const doku = createDokuPartnerAuth({
        baseUrl: dokuUrl,
        clientId: 'BRN-0001-1',
        secretKey: dokuSecretKey,
        tokenStore,
      });
      const fondy = createFondyAuth({
        baseUrl: fondyUrl,
        applicationId: '1234',
        secretKey: fondySecretKey,
        tokenStore,
      });

      // Every replica running this code shares these four tokens, and one refresh at a time per token.
      await Promise.all([snap.getAccessToken(), finnet.getToken(), doku.getToken(), fondy.getToken()]);

      const stored = await client.keys('readme-providers:token:*');
      expect(stored.map((key) => key.split(':')[2]?.replace('{', '')).sort()).toEqual([
        'doku',
        'finnet',
        'fondy',
        'snap',
      ]);
      // A second replica (a fresh auth object) reads the tokens from Redis instead of asking again.
      const replica = createFondyAuth({
        baseUrl: fondyUrl,
        applicationId: '1234',
        secretKey: fondySecretKey,
        tokenStore,
      });
      expect((await replica.getToken()).token).toBe((await fondy.getToken()).token);
    } finally {
      await Promise.all(running.map((server) => server.close()));
    }
  });
});

describe('README: stores for a SNAP server on many replicas', () => {
  it('createSnapServer keeps its issued tokens and answers in Redis', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const bankPublicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    vi.stubEnv('BANK_SECRET', 'bank-shared-secret');
    const client = createClient({ url: redis.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
    connections.push(client);

    const snapServer = createSnapServer({
      partners: [{ clientId: 'BANK', publicKey: bankPublicKeyPem, clientSecret: process.env.BANK_SECRET }],
      tokenStore: redisIssuedTokenStore({ client }),
      idempotencyStore: redisIdempotencyStore({ client }),
    });

    const shop = await serveOnLoopback((request) => snapServer.handleAccessToken(request), 0);
    try {
      const bank = createSnapAuth({
        baseUrl: shop.url,
        clientId: 'BANK',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        clientSecret: 'bank-shared-secret',
      });
      const token = await bank.getAccessToken();
      const hash = createHash('sha256').update(token.token).digest('hex');
      expect(await client.exists(`payauth:issued:${hash}`)).toBe(1);
    } finally {
      await shop.close();
      vi.unstubAllEnvs();
    }
  });
});

it('every README example is tested', () => {
  expect(
    untestedReadmeBlocks(new URL('../README.md', import.meta.url).pathname, [
      new URL('./readme.test.ts', import.meta.url).pathname,
      new URL('./readme-topologies.test.ts', import.meta.url).pathname,
    ]),
  ).toEqual([]);
});
