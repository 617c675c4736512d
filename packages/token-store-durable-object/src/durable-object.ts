/**
 * The Durable Object behind `durableObjectTokenStore`. Export it from your Worker and bind it
 * (see the README). The store sends each token key to its own object (`idFromName`), so each key
 * has a single writer: Cloudflare runs one instance of an object at a time, worldwide.
 *
 * Why the lock is real: while a storage operation of an object is in flight, workerd delivers no
 * other event to that object (its "input gate"), so the read-then-write of `lock()` below cannot
 * interleave with another caller's, and no await other than storage sits between them.
 * (Cloudflare, "Durable Objects: Easy, Fast, Correct — Choose three", 2021, and the Durable
 * Objects storage API documentation.) Records live in the object's transactional storage, so an
 * object evicted from memory and started again still holds the token and the lock.
 */
import { type StoredToken, timingSafeEqual } from '@org/signing-core';
import { type Answer, MAX_MESSAGE_BYTES, type Operation, parseOperation } from './protocol.js';

/** The part of a Durable Object's storage this class uses (`ctx.storage` in workerd). */
export interface DurableObjectStorageLike {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
  list(options: { prefix: string }): Promise<Map<string, unknown>>;
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

/** The part of the state workerd passes to a Durable Object's constructor. */
export interface DurableObjectStateLike {
  readonly storage: DurableObjectStorageLike;
}

interface TokenRecord {
  readonly value: StoredToken;
  readonly expiresAt: number;
}

interface LockRecord {
  readonly owner: string;
  readonly until: number;
}

const TOKEN_PREFIX = 'token:';
const LOCK_PREFIX = 'lock:';

const json = (answer: Answer, status = 200): Response =>
  new Response(JSON.stringify(answer), { status, headers: { 'content-type': 'application/json' } });

const refuse = (status: number, error: string): Response => json({ ok: false, error }, status);

/**
 * A Durable Object that keeps tokens (with their expiry), refresh locks (with theirs) and wakes
 * the callers waiting for a key when it changes. It answers only this package's store client.
 */
export class TokenStoreDurableObject {
  readonly #storage: DurableObjectStorageLike;
  readonly #waiters = new Map<string, Set<() => void>>();

  constructor(state: DurableObjectStateLike, _env?: unknown) {
    this.#storage = state.storage;
  }

  async fetch(request: Request): Promise<Response> {
    if (request.method !== 'POST') return refuse(405, 'expected POST');
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > MAX_MESSAGE_BYTES) return refuse(413, 'request too large');
    const text = await request.text();
    if (text.length > MAX_MESSAGE_BYTES) return refuse(413, 'request too large');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return refuse(400, 'expected a JSON body');
    }
    const operation = parseOperation(body);
    if (typeof operation === 'string') return refuse(400, operation);
    return json(await this.#run(operation));
  }

  /** Drops the tokens that have expired, then schedules itself for the next expiry. */
  async alarm(): Promise<void> {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [name, record] of await this.#storage.list({ prefix: TOKEN_PREFIX })) {
      const expiresAt = (record as TokenRecord).expiresAt;
      if (expiresAt <= now) await this.#storage.delete(name);
      else next = Math.min(next, expiresAt);
    }
    for (const [name, record] of await this.#storage.list({ prefix: LOCK_PREFIX })) {
      if ((record as LockRecord).until <= now) await this.#storage.delete(name);
    }
    if (Number.isFinite(next)) await this.#storage.setAlarm(next);
  }

  async #run(operation: Operation): Promise<Answer> {
    const now = Date.now();
    const tokenName = TOKEN_PREFIX + operation.key;
    const lockName = LOCK_PREFIX + operation.key;
    switch (operation.op) {
      case 'get': {
        const record = (await this.#storage.get(tokenName)) as TokenRecord | undefined;
        if (record === undefined) return { ok: true };
        if (record.expiresAt <= now) {
          await this.#storage.delete(tokenName);
          return { ok: true };
        }
        return { ok: true, value: record.value };
      }
      case 'set': {
        const expiresAt = now + operation.ttlMs;
        await this.#storage.put(tokenName, { value: operation.value, expiresAt } satisfies TokenRecord);
        const alarm = await this.#storage.getAlarm();
        if (alarm === null || alarm > expiresAt) await this.#storage.setAlarm(expiresAt);
        this.#wake(operation.key);
        return { ok: true };
      }
      case 'delete': {
        if (operation.onlyIfToken !== undefined) {
          const record = (await this.#storage.get(tokenName)) as TokenRecord | undefined;
          if (record === undefined || !timingSafeEqual(record.value.token, operation.onlyIfToken)) return { ok: true };
        }
        await this.#storage.delete(tokenName);
        this.#wake(operation.key);
        return { ok: true };
      }
      case 'lock': {
        const held = (await this.#storage.get(lockName)) as LockRecord | undefined;
        if (held !== undefined && held.until > now && held.owner !== operation.owner)
          return { ok: true, acquired: false };
        await this.#storage.put(lockName, {
          owner: operation.owner,
          until: now + operation.ttlMs,
        } satisfies LockRecord);
        return { ok: true, acquired: true };
      }
      case 'release': {
        const held = (await this.#storage.get(lockName)) as LockRecord | undefined;
        // Only its owner releases a lock: a holder that outlived its TTL must not free the next one's.
        if (held === undefined || held.owner !== operation.owner) return { ok: true };
        await this.#storage.delete(lockName);
        this.#wake(operation.key);
        return { ok: true };
      }
      case 'wait':
        return { ok: true, changed: await this.#waitForChange(operation.key, operation.timeoutMs) };
    }
  }

  #waitForChange(key: string, timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let waiters = this.#waiters.get(key);
      if (waiters === undefined) {
        waiters = new Set();
        this.#waiters.set(key, waiters);
      }
      const set = waiters;
      const done = (changed: boolean) => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.#waiters.get(key) === set) this.#waiters.delete(key);
        resolve(changed);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      set.add(wake);
    });
  }

  #wake(key: string): void {
    const waiters = this.#waiters.get(key);
    if (waiters === undefined) return;
    for (const wake of [...waiters]) wake();
  }
}
