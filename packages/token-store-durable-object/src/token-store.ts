/**
 * `durableObjectTokenStore(options)`: the core `TokenStore` on a Durable Object namespace. Every
 * token key goes to its own object (`idFromName('<prefix>:<key>')`), which holds the token, the
 * refresh lock and the callers waiting for a change. Any failure (the object unreachable, a
 * timeout, an answer that is not this package's) is a `StoreError`; the token manager then
 * carries on without the store, as with any store outage.
 */
import { type StoredToken, StoreError, type TokenStore, type TokenStoreLock } from '@org/signing-core';
import { type DurableObjectTokenStoreOptions, resolveOptions } from './options.js';
import {
  type Answer,
  isStoredToken,
  MAX_MESSAGE_BYTES,
  MAX_WAIT_MS,
  OPERATION_URL,
  type Operation,
} from './protocol.js';

const PACKAGE_NAME = '@org/token-store-durable-object';

/** The object's own wait ends first; the request deadline for a wait is this much longer. */
const WAIT_GRACE_MS = 1000;

function failure(operation: Operation['op'], reason: string, cause?: unknown): StoreError {
  return new StoreError(`[${PACKAGE_NAME}] ${operation} failed: ${reason}`, cause === undefined ? {} : { cause });
}

/** Resolves with the answer, or rejects with a `StoreError`; never waits longer than `timeoutMs`. */
async function send(
  stub: { fetch(input: string, init: RequestInit): Promise<Response> },
  operation: Operation,
  timeoutMs: number,
): Promise<Answer & { ok: true }> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(failure(operation.op, `the Durable Object did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([deadline, exchange(stub, operation, controller.signal)]);
  } finally {
    clearTimeout(timer);
  }
}

async function exchange(
  stub: { fetch(input: string, init: RequestInit): Promise<Response> },
  operation: Operation,
  signal: AbortSignal,
): Promise<Answer & { ok: true }> {
  let response: Response;
  try {
    response = await stub.fetch(OPERATION_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(operation),
      signal,
    });
  } catch (error) {
    throw failure(operation.op, 'the Durable Object could not be reached', error);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_MESSAGE_BYTES) {
    await response.body?.cancel();
    throw failure(operation.op, `the Durable Object's answer is over ${MAX_MESSAGE_BYTES} bytes`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw failure(operation.op, "the Durable Object's answer could not be read", error);
  }
  if (text.length > MAX_MESSAGE_BYTES) {
    throw failure(operation.op, `the Durable Object's answer is over ${MAX_MESSAGE_BYTES} bytes`);
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    // The answer's text is not quoted: it is not ours, and it may hold anything.
    throw failure(operation.op, `the Durable Object answered HTTP ${response.status} without JSON`);
  }
  if (typeof answer !== 'object' || answer === null || (answer as { ok?: unknown }).ok !== true) {
    const reason = (answer as { error?: unknown } | null)?.error;
    throw failure(
      operation.op,
      typeof reason === 'string' && response.status >= 400 && response.status < 500 && reason.length <= 200
        ? `the Durable Object refused the request (HTTP ${response.status}: ${reason})`
        : `the Durable Object answered HTTP ${response.status}`,
    );
  }
  return answer as Answer & { ok: true };
}

/**
 * A `TokenStore` for Cloudflare Workers on a Durable Object namespace bound to
 * `TokenStoreDurableObject`. Options are checked now; a bad one throws a `ConfigError` naming it.
 */
export function durableObjectTokenStore(options: DurableObjectTokenStoreOptions): TokenStore {
  const { namespace, prefix, requestTimeoutMs } = resolveOptions(options);
  const stubFor = (key: string) => namespace.get(namespace.idFromName(`${prefix}:${key}`) as never);

  return {
    async get(key) {
      const answer = await send(stubFor(key), { op: 'get', key }, requestTimeoutMs);
      if (answer.value === undefined) return undefined;
      if (!isStoredToken(answer.value)) throw failure('get', 'the stored record is not a token');
      return answer.value;
    },
    async set(key, value: StoredToken, ttlMs) {
      await send(stubFor(key), { op: 'set', key, value, ttlMs: Math.max(1, Math.ceil(ttlMs)) }, requestTimeoutMs);
    },
    async delete(key, onlyIfToken) {
      await send(
        stubFor(key),
        onlyIfToken === undefined ? { op: 'delete', key } : { op: 'delete', key, onlyIfToken },
        requestTimeoutMs,
      );
    },
    async lock(key, ttlMs): Promise<TokenStoreLock | undefined> {
      const owner = crypto.randomUUID();
      const stub = stubFor(key);
      const answer = await send(
        stub,
        { op: 'lock', key, owner, ttlMs: Math.max(1, Math.ceil(ttlMs)) },
        requestTimeoutMs,
      );
      if (answer.acquired !== true) return undefined;
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await send(stub, { op: 'release', key, owner }, requestTimeoutMs);
        },
      };
    },
    async waitForChange(key, timeoutMs) {
      const wait = Math.min(MAX_WAIT_MS, Math.max(1, Math.ceil(timeoutMs)));
      await send(stubFor(key), { op: 'wait', key, timeoutMs: wait }, wait + WAIT_GRACE_MS + requestTimeoutMs);
    },
  };
}
