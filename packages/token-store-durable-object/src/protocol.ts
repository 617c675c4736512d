/**
 * What the store client and the Durable Object say to each other: one JSON request per operation,
 * `POST https://token-store.invalid/` through the object's stub, and one JSON answer. Both sides
 * are this package, so the shapes only need to agree with themselves; the object still checks
 * every request, because any code of the Worker can reach its binding.
 */
import type { StoredToken } from '@org/signing-core';

/** The URL every operation is sent to; a Durable Object stub routes by object, not by host. */
export const OPERATION_URL = 'https://token-store.invalid/';

/** The largest request or answer either side reads (a stored token is well under 1 KiB). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export type Operation =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'set'; readonly key: string; readonly value: StoredToken; readonly ttlMs: number }
  | { readonly op: 'delete'; readonly key: string; readonly onlyIfToken?: string }
  | { readonly op: 'lock'; readonly key: string; readonly owner: string; readonly ttlMs: number }
  | { readonly op: 'release'; readonly key: string; readonly owner: string }
  | { readonly op: 'wait'; readonly key: string; readonly timeoutMs: number };

export type Answer =
  | { readonly ok: true; readonly value?: StoredToken; readonly acquired?: boolean; readonly changed?: boolean }
  | { readonly ok: false; readonly error: string };

/** The longest lock or wait the object accepts, and the longest token lifetime it stores. */
const MAX_LOCK_MS = 10 * 60_000;
export const MAX_WAIT_MS = 60_000;
const MAX_TTL_MS = 366 * 24 * 60 * 60_000;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** A `StoredToken` as the core writes it (the shape is checked, never the values shown). */
export function isStoredToken(value: unknown): value is StoredToken {
  if (!isRecord(value)) return false;
  if (typeof value.token !== 'string' || value.token.length === 0) return false;
  if (!isTime(value.expiresAt) || !isTime(value.obtainedAt)) return false;
  if (value.tokenType !== undefined && typeof value.tokenType !== 'string') return false;
  if (value.data !== undefined && !isRecord(value.data)) return false;
  return true;
}

const isDuration = (value: unknown, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;

/** The operation in a request body, or a short reason (never a value) why it is not one. */
export function parseOperation(value: unknown): Operation | string {
  if (!isRecord(value)) return 'expected a JSON object';
  if (typeof value.key !== 'string' || value.key.length === 0) return 'key: expected a non-empty string';
  switch (value.op) {
    case 'get':
      return { op: 'get', key: value.key };
    case 'set':
      if (!isStoredToken(value.value)) return 'value: expected a stored token';
      if (!isDuration(value.ttlMs, MAX_TTL_MS)) return `ttlMs: expected whole milliseconds from 1 to ${MAX_TTL_MS}`;
      return { op: 'set', key: value.key, value: value.value, ttlMs: value.ttlMs };
    case 'delete':
      if (value.onlyIfToken !== undefined && typeof value.onlyIfToken !== 'string')
        return 'onlyIfToken: expected a string';
      return value.onlyIfToken === undefined
        ? { op: 'delete', key: value.key }
        : { op: 'delete', key: value.key, onlyIfToken: value.onlyIfToken };
    case 'lock':
      if (typeof value.owner !== 'string' || value.owner.length === 0) return 'owner: expected a non-empty string';
      if (!isDuration(value.ttlMs, MAX_LOCK_MS)) return `ttlMs: expected whole milliseconds from 1 to ${MAX_LOCK_MS}`;
      return { op: 'lock', key: value.key, owner: value.owner, ttlMs: value.ttlMs };
    case 'release':
      if (typeof value.owner !== 'string' || value.owner.length === 0) return 'owner: expected a non-empty string';
      return { op: 'release', key: value.key, owner: value.owner };
    case 'wait':
      if (!isDuration(value.timeoutMs, MAX_WAIT_MS))
        return `timeoutMs: expected whole milliseconds from 1 to ${MAX_WAIT_MS}`;
      return { op: 'wait', key: value.key, timeoutMs: value.timeoutMs };
    default:
      return 'op: expected get, set, delete, lock, release or wait';
  }
}
