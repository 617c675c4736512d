// The store inside workerd (Miniflare), on the built packages: the README's Worker against the
// SNAP sandbox on 127.0.0.1, and every store operation through a real Durable Object.
import { generateKeyPairSync } from 'node:crypto';
import { createSnapSandbox } from '@org/snap-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers, type Workers } from './miniflare.js';

interface StepResult {
  ok: boolean;
  value?: unknown;
  name?: string;
  code?: string;
  message?: string;
  cause?: string;
  ms: number;
}

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const clientId = 'worker-client';
const clientSecret = 'do-client-secret-marker-91c2';
const sandbox = createSnapSandbox({
  clients: [{ clientId, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), clientSecret }],
  tokenTtlSeconds: 900,
});
let closeSandbox: () => Promise<void>;
let workers: Workers;

beforeAll(async () => {
  const { url, close } = await sandbox.listen();
  closeSandbox = close;
  workers = await startWorkers({
    SNAP_BASE_URL: url,
    SNAP_CLIENT_ID: clientId,
    SNAP_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    SNAP_CLIENT_SECRET: clientSecret,
    SNAP_CHANNEL_ID: '95221',
  });
});
afterAll(async () => {
  await workers?.dispose();
  await closeSandbox?.();
});

let keys = 0;
const freshKey = () => `key-${++keys}-${Date.now()}`;
const token = (text: string, inMs = 60_000) => ({
  token: text,
  tokenType: 'Bearer',
  expiresAt: Date.now() + inMs,
  obtainedAt: Date.now(),
  data: { expiresIn: 900 },
});
const run = async (steps: unknown[], binding = 'TOKENS', requestTimeoutMs?: number) =>
  (await workers.ops({ binding, requestTimeoutMs, steps })) as StepResult[];

describe('the README Worker: a SNAP client per invocation, the token in a Durable Object', () => {
  it('300 concurrent invocations on a cold cache make one token request, and later ones none', async () => {
    const before = sandbox.issuedTokenCount;
    const answers = await Promise.all(Array.from({ length: 300 }, () => workers.readme()));
    const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as Array<{ responseCode?: string }>;
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(bodies.map((body) => body.responseCode))).toEqual(new Set(['2001100']));
    expect(sandbox.issuedTokenCount - before).toBe(1);

    const again = await Promise.all(Array.from({ length: 50 }, () => workers.readme()));
    expect(again.every((answer) => answer.status === 200)).toBe(true);
    expect(sandbox.issuedTokenCount - before).toBe(1);
  });
});

describe('store operations through the Durable Object', () => {
  it('get, set and delete keep one token per key, and onlyIfToken deletes only that token', async () => {
    const key = freshKey();
    const stored = token('token-A');
    const results = await run([
      { op: 'get', key },
      { op: 'set', key, value: stored, ttlMs: 60_000 },
      { op: 'get', key },
      { op: 'get', key: `${key}-other` },
      { op: 'delete', key, onlyIfToken: 'token-B' },
      { op: 'get', key },
      { op: 'delete', key, onlyIfToken: 'token-A' },
      { op: 'get', key },
    ]);
    expect(results.map((result) => result.ok)).toEqual(Array(8).fill(true));
    expect(results.map((result) => result.value ?? null)).toEqual([null, null, stored, null, null, stored, null, null]);
  });

  it('a token is gone once its TTL has passed', async () => {
    const key = freshKey();
    const results = await run([
      // A TTL far above one step's time, so a loaded machine cannot expire it before the first get.
      { op: 'set', key, value: token('short-lived'), ttlMs: 1500 },
      { op: 'get', key },
      { op: 'sleep', ms: 2000 },
      { op: 'get', key },
    ]);
    expect(results[1]?.value).toMatchObject({ token: 'short-lived' });
    expect(results[3]?.value).toBeNull();
  });

  it('the lock has one holder among 40 concurrent callers, and is free again after release', async () => {
    const key = freshKey();
    const attempts = await Promise.all(
      Array.from({ length: 40 }, (_, index) => run([{ op: 'lock', key, ttlMs: 5000, name: `l${index}` }])),
    );
    expect(attempts.filter(([result]) => result?.value === true)).toHaveLength(1);

    // The holder's own lock object is in another invocation; a new caller waits for the TTL...
    const key2 = freshKey();
    const results = await run([
      { op: 'lock', key: key2, ttlMs: 5000, name: 'first' },
      { op: 'lock', key: key2, ttlMs: 5000, name: 'second' },
      { op: 'release', name: 'first' },
      { op: 'lock', key: key2, ttlMs: 5000, name: 'third' },
    ]);
    expect(results.map((result) => result.value ?? null)).toEqual([true, false, null, true]);
  });

  it('an expired lock can be taken, and its old holder cannot release the new one', async () => {
    const key = freshKey();
    const results = await run([
      { op: 'lock', key, ttlMs: 150, name: 'old' },
      { op: 'sleep', ms: 300 },
      { op: 'lock', key, ttlMs: 5000, name: 'new' },
      { op: 'release', name: 'old' },
      { op: 'lock', key, ttlMs: 5000, name: 'third' },
    ]);
    expect(results.map((result) => result.value ?? null)).toEqual([true, null, true, null, false]);
  });

  it('waitForChange returns as soon as the key is set, and after its timeout otherwise', async () => {
    const key = freshKey();
    const timeoutMs = 20_000;
    const waiting = run([{ op: 'wait', key, timeoutMs }]);
    let settled = false;
    void waiting.finally(() => {
      settled = true;
    });
    // The waiter may reach the object after a first set on a loaded machine: set again every
    // 100 ms until it returns (bounded), so only a missed wake-up can make it wait out its timeout.
    for (let attempt = 0; attempt < 100 && !settled; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await run([{ op: 'set', key, value: token(`woken-${attempt}`), ttlMs: 60_000 }]);
    }
    const [woken] = await waiting;
    expect(woken?.ok).toBe(true);
    expect(woken?.ms).toBeLessThan(timeoutMs / 2);

    const [timedOut] = await run([{ op: 'wait', key: freshKey(), timeoutMs: 300 }]);
    expect(timedOut?.ok).toBe(true);
    expect(timedOut?.ms).toBeGreaterThanOrEqual(250);
    expect(timedOut?.ms).toBeLessThan(10_000);
  });

  it('the object refuses requests that are not the store client’s, without storing anything', async () => {
    const name = freshKey();
    const [getMethod, notJson, badOp, badTtl, badValue] = (
      await run([
        { op: 'raw', name, method: 'GET', body: '' },
        { op: 'raw', name, method: 'POST', body: 'not json' },
        { op: 'raw', name, method: 'POST', body: JSON.stringify({ op: 'drop', key: 'k' }) },
        { op: 'raw', name, method: 'POST', body: JSON.stringify({ op: 'lock', key: 'k', owner: 'o', ttlMs: -1 }) },
        {
          op: 'raw',
          name,
          method: 'POST',
          body: JSON.stringify({ op: 'set', key: 'k', value: { token: 1 }, ttlMs: 5 }),
        },
      ])
    ).map((result) => result.value as { status: number; body: { ok: boolean; error: string } });
    expect(getMethod?.status).toBe(405);
    expect(notJson?.status).toBe(400);
    expect(badOp?.body.error).toBe('op: expected get, set, delete, lock, release or wait');
    expect(badTtl?.body.error).toMatch(/^ttlMs: expected whole milliseconds from 1 to /);
    expect(badValue?.body.error).toBe('value: expected a stored token');
  });
});

describe('failures are StoreErrors that quote nothing', () => {
  it('an object that answers HTTP 502 with a page: ERR_STORE naming the status, not the page', async () => {
    const results = await run(
      [
        { op: 'get', key: 'k' },
        { op: 'set', key: 'k', value: token('do-secret-token-marker-55e1'), ttlMs: 1000 },
      ],
      'BROKEN',
    );
    for (const result of results) {
      expect(result).toMatchObject({ ok: false, name: 'StoreError', code: 'ERR_STORE' });
      expect(result.message).toMatch(/the Durable Object answered HTTP 502 without JSON$/);
      const text = JSON.stringify(result);
      expect(text).not.toContain('do-marker-token-7f3a');
      expect(text).not.toContain('do-secret-token-marker-55e1');
    }
  });

  it('an object that does not answer: ERR_STORE after requestTimeoutMs, not a hang', async () => {
    const [result] = await run([{ op: 'get', key: 'k' }], 'SILENT', 200);
    expect(result).toMatchObject({ ok: false, name: 'StoreError', code: 'ERR_STORE' });
    expect(result?.message).toBe(
      '[@org/token-store-durable-object] get failed: the Durable Object did not answer within 200 ms',
    );
    // The silent object answers after 10 s: well under that means the deadline ended the call.
    expect(result?.ms).toBeLessThan(5000);
  });
});
