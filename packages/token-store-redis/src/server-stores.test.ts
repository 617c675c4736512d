// The SNAP server kit's stores against a real redis-server: first writer wins, owner-checked
// complete and release, TTLs, issued tokens by hash; then two server instances sharing them
// (a token issued by one is accepted by the other, a redelivery to the other is answered from
// the first run).
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isConfigError, StoreError } from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { createSnapAuth } from '@org/snap-auth';
import { createSnapServer } from '@org/snap-auth/server';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../test/redis-fixture.js';
import { redisIdempotencyStore, redisIssuedTokenStore } from './server-stores.js';

const redis = useRedis();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fresh = () => `k-${Math.random().toString(36).slice(2)}`;

describe('redisIdempotencyStore', () => {
  it('the first claim wins; others see pending, then the completed result with its fingerprint', async () => {
    const store = redisIdempotencyStore({ client: await redis.connect() });
    const key = fresh();
    const first = await store.claim(key, 'fp-1', 60_000);
    expect(first.state).toBe('claimed');
    expect(await store.claim(key, 'fp-2', 60_000)).toEqual({ state: 'pending', fingerprint: 'fp-1' });
    const owner = (first as { owner: string }).owner;
    expect(await store.complete(key, 'someone-else', 'x', 60_000)).toBe(false);
    expect(await store.complete(key, owner, '{"answer":1}', 60_000)).toBe(true);
    expect(await store.claim(key, 'fp-3', 60_000)).toEqual({
      state: 'completed',
      fingerprint: 'fp-1',
      result: '{"answer":1}',
    });
    // A completed record is never completed again or released.
    expect(await store.complete(key, owner, 'y', 60_000)).toBe(false);
    await store.release(key, owner);
    expect((await store.claim(key, 'fp-4', 60_000)).state).toBe('completed');
    const ttl = await redis.raw.pTTL(`payauth:idem:${key}`);
    expect(ttl).toBeGreaterThan(55_000);
  });

  it('of 50 concurrent claims on two connections exactly one wins', async () => {
    const a = redisIdempotencyStore({ client: await redis.connect() });
    const b = redisIdempotencyStore({ client: await redis.connect(), prefix: 'payauth' });
    const key = fresh();
    const claims = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).claim(key, `fp-${i}`, 60_000)),
    );
    expect(claims.filter((claim) => claim.state === 'claimed')).toHaveLength(1);
    expect(
      new Set(claims.filter((c) => c.state === 'pending').map((c) => (c as { fingerprint: string }).fingerprint)).size,
    ).toBe(1);
  });

  it('release frees the key for the next copy, only for its owner; an expired claim taken over is not the first owner’s', async () => {
    const store = redisIdempotencyStore({ client: await redis.connect(), prefix: 'other' });
    const key = fresh();
    const first = (await store.claim(key, 'fp', 60_000)) as { owner: string };
    await store.release(key, 'not-the-owner');
    expect((await store.claim(key, 'fp', 60_000)).state).toBe('pending');
    await store.release(key, first.owner);
    const second = (await store.claim(key, 'fp', 200)) as { state: string; owner: string };
    expect(second.state).toBe('claimed');
    await sleep(300);
    const third = (await store.claim(key, 'fp', 60_000)) as { state: string; owner: string };
    expect(third.state).toBe('claimed');
    expect(await store.complete(key, second.owner, 'late', 60_000)).toBe(false);
    await store.release(key, second.owner);
    expect(await store.complete(key, third.owner, 'on time', 60_000)).toBe(true);
    expect(await redis.raw.exists(`other:idem:${key}`)).toBe(1);
  });

  it('refuses bad options naming the field, and fails with a StoreError naming only the operation', async () => {
    expect(() => redisIdempotencyStore({ client: {} as never })).toThrow(/client/);
    const error = (() => {
      try {
        redisIdempotencyStore({ client: redis.raw, commandTimeoutMs: 0 } as never);
      } catch (e) {
        return e;
      }
    })();
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain('commandTimeoutMs');
    const hung = {
      ...redis.raw,
      get: () => new Promise(() => {}),
      set: () => new Promise(() => {}),
      eval: redis.raw.eval,
      pTTL: redis.raw.pTTL,
      del: redis.raw.del,
    };
    const store = redisIdempotencyStore({ client: hung as never, commandTimeoutMs: 50 });
    const failure = await store.claim('secret-key-name', 'fp', 1000).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toBe('redis idempotency claim did not answer within 50 ms');
  });
});

describe('redisIssuedTokenStore', () => {
  it('keeps a record by hash with the given TTL, and forgets it after', async () => {
    const store = redisIssuedTokenStore({ client: await redis.connect() });
    const hash = 'ab'.repeat(32);
    await store.save(hash, { clientId: 'BANK', expiresAt: Date.now() + 250 }, 250);
    expect(await store.find(hash)).toMatchObject({ clientId: 'BANK' });
    expect(await store.find('cd'.repeat(32))).toBeUndefined();
    await sleep(350);
    expect(await store.find(hash)).toBeUndefined();
  });
});

/** A replica of the merchant in its own Node process (test/snap-replica.mjs). */
async function startReplica(env: Record<string, string>) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../test/snap-replica.mjs', import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: Array<{ event: string; url?: string }> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => events.push(JSON.parse(line)));
  const deadline = Date.now() + 15_000;
  while (!events.some((e) => e.event === 'ready')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`replica did not start: ${stderr}`);
    await sleep(20);
  }
  return {
    url: events.find((e) => e.event === 'ready')?.url as string,
    runs: () => events.filter((e) => e.event === 'run').length,
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.stdin?.end();
      }),
  };
}

describe('two SNAP server replicas on one Redis', () => {
  it('two processes: the same payment delivered to both runs the handler once', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const partner = {
      clientId: 'BANK-2',
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      clientSecret: 'bank-shared-secret-2',
    };
    const env = {
      REPLICA_REDIS_URL: redis.server.url,
      REPLICA_PREFIX: fresh(),
      REPLICA_PARTNER: JSON.stringify(partner),
    };
    const replicas = await Promise.all([startReplica(env), startReplica(env)]);
    const [a, b] = replicas;
    try {
      const bankClient = createSnapAuth({
        baseUrl: a.url,
        clientId: partner.clientId,
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        clientSecret: partner.clientSecret,
        channelId: '95221',
      });
      const signed = await bankClient.signRequest({
        method: 'POST',
        path: '/v1.0/transfer-va/payment',
        body: { paymentRequestId: 'PAY-10', paidAmount: { value: '10000.00', currency: 'IDR' } },
      });
      const send = (url: string) =>
        fetch(`${url}/v1.0/transfer-va/payment`, { method: 'POST', headers: signed.headers, body: signed.body });
      const answers = await Promise.all([send(a.url), send(b.url)]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      const [one, two] = await Promise.all(answers.map((answer) => answer.text()));
      expect(two).toBe(one);
      expect(a.runs() + b.runs()).toBe(1);
    } finally {
      await Promise.all(replicas.map((replica) => replica.stop()));
    }
  });

  it('accept each other’s tokens and answer a payment redelivered to the other replica once', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const partner = {
      clientId: 'BANK-1',
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      clientSecret: 'bank-shared-secret-1',
    };
    const prefix = fresh();
    let runs = 0;
    const replicas: RunningSandbox[] = [];
    for (let i = 0; i < 2; i += 1) {
      const client = await redis.connect();
      const server = createSnapServer({
        partners: [partner],
        tokenStore: redisIssuedTokenStore({ client, prefix }),
        idempotencyStore: redisIdempotencyStore({ client, prefix }),
      });
      replicas.push(
        await serveOnLoopback(async (request) => {
          if (new URL(request.url).pathname === '/v1.0/access-token/b2b') return server.handleAccessToken(request);
          return server.handle(request, { serviceCode: '25' }, async () => {
            runs += 1;
            await sleep(150); // still running when the redelivery reaches the other replica
            return { paymentFlagStatus: '00' };
          });
        }, 0),
      );
    }
    const [a, b] = replicas as [RunningSandbox, RunningSandbox];
    try {
      // The bank, as a SNAP client of the merchant: its token comes from replica A.
      const bankClient = createSnapAuth({
        baseUrl: a.url,
        clientId: partner.clientId,
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        clientSecret: partner.clientSecret,
        channelId: '95221',
      });
      const signed = await bankClient.signRequest({
        method: 'POST',
        path: '/v1.0/transfer-va/payment',
        body: { paymentRequestId: 'PAY-9', paidAmount: { value: '10000.00', currency: 'IDR' } },
      });
      const send = (replica: RunningSandbox) =>
        fetch(`${replica.url}/v1.0/transfer-va/payment`, {
          method: 'POST',
          headers: signed.headers,
          body: signed.body,
        });
      // Delivered to B (which did not issue the token), and redelivered to A while B still runs it.
      const first = send(b);
      await sleep(30);
      const [fromB, fromA] = await Promise.all([first, send(a)]);
      expect(fromB.status).toBe(200);
      expect(fromA.status).toBe(200);
      const answer = await fromB.text();
      expect(JSON.parse(answer)).toMatchObject({ responseCode: '2002500', paymentFlagStatus: '00' });
      expect(await fromA.text()).toBe(answer);
      expect(runs).toBe(1);
      // The token is kept by hash only.
      const keys = await redis.raw.keys(`${prefix}:issued:*`);
      expect(keys).toHaveLength(1);
      const token = (signed.headers.Authorization ?? '').replace('Bearer ', '');
      expect(JSON.stringify(await redis.raw.get(keys[0] as string))).not.toContain(token);
      expect(keys[0]).not.toContain(token);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  });
});
