/**
 * Every SNAP string to sign is built here, and only here (protocols.md §2.1, §2.3, §2.4):
 *
 * - access token (B2B and B2B2C): `clientId + "|" + X-TIMESTAMP`
 * - service call (symmetric):     `METHOD:relativeUrl:accessToken:lowerhex(sha256(minify(body))):X-TIMESTAMP`
 * - notification (asymmetric):    `METHOD:relativeUrl:lowerhex(sha256(minify(body))):X-TIMESTAMP`
 *
 * The timestamp is the exact X-TIMESTAMP header string and the access token is the bare token
 * (no `Bearer ` prefix).
 */
import { InputError } from '@org/signing-core';
import { snapBodyHash } from './body-hash.js';
import { PROVIDER } from './constants.js';

/** An access token as text, or an object holding it in `.token` (e.g. the core `AccessToken`). */
export type SnapTokenInput = string | { readonly token: string };

export function requireText(value: unknown, field: string, what = 'a non-empty string'): string {
  if (typeof value !== 'string') {
    throw new TypeError(`${field} must be ${what}, received ${value === null ? 'null' : typeof value}`);
  }
  if (value.length === 0) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      `${field} must be ${what}, received an empty string`,
      { field },
      {
        provider: PROVIDER,
      },
    );
  }
  return value;
}

export function tokenText(token: SnapTokenInput | undefined, field = 'accessToken'): string {
  if (token !== null && typeof token === 'object' && 'token' in token) return requireText(token.token, field);
  return requireText(token, field, 'the access token (a non-empty string, without "Bearer ")');
}

export function methodText(method: unknown): string {
  const text = requireText(method, 'method', 'an HTTP method such as "POST"');
  if (!/^[A-Za-z]+$/.test(text)) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'method must be an HTTP method such as "POST"',
      { field: 'method' },
      {
        provider: PROVIDER,
      },
    );
  }
  return text.toUpperCase();
}

function pathText(path: unknown): string {
  const text = requireText(path, 'path', 'the relative URL (path and query) starting with "/"');
  if (!text.startsWith('/')) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'path must be the relative URL (path and query, without scheme and host) starting with "/"',
      { field: 'path' },
      { provider: PROVIDER },
    );
  }
  return text;
}

/** `clientId|timestamp` */
export function accessTokenStringToSign(clientId: string, timestamp: string): string {
  return `${requireText(clientId, 'clientId')}|${requireText(timestamp, 'timestamp')}`;
}

/** `METHOD:path:accessToken:bodyHash:timestamp` from an already computed body hash. */
export function serviceStringToSign(parts: {
  method: string;
  path: string;
  accessToken: string;
  bodyHash: string;
  timestamp: string;
}): string {
  return `${methodText(parts.method)}:${pathText(parts.path)}:${parts.accessToken}:${parts.bodyHash}:${requireText(parts.timestamp, 'timestamp')}`;
}

/** `METHOD:path:bodyHash:timestamp` from an already computed body hash. */
export function notificationStringToSign(parts: {
  method: string;
  path: string;
  bodyHash: string;
  timestamp: string;
}): string {
  return `${methodText(parts.method)}:${pathText(parts.path)}:${parts.bodyHash}:${requireText(parts.timestamp, 'timestamp')}`;
}

/** What {@link snapStringToSign} can build. */
export type SnapStringToSignInput =
  | { readonly kind: 'access-token'; readonly clientId: string; readonly timestamp: string }
  | {
      readonly kind: 'service';
      readonly method: string;
      readonly path: string;
      readonly accessToken: SnapTokenInput;
      readonly body?: string | null | undefined;
      readonly timestamp: string;
    }
  | {
      readonly kind: 'notification';
      readonly method: string;
      readonly path: string;
      readonly body?: string | null | undefined;
      readonly timestamp: string;
    };

/**
 * The exact string a SNAP signature is computed over, for debugging a signature mismatch
 * (compare it with the provider's) and for tools that explain signatures. It contains the
 * access token for `kind: 'service'`: treat it as a secret.
 *
 * @throws {InputError} `ERR_INVALID_JSON` for a body that is not JSON; `ERR_INVALID_INPUT` for an empty field.
 * @throws {TypeError} for a field of the wrong type or an unknown `kind`.
 */
export async function snapStringToSign(input: SnapStringToSignInput): Promise<string> {
  if (input === null || typeof input !== 'object') {
    throw new TypeError('snapStringToSign: expected an object with a kind');
  }
  switch (input.kind) {
    case 'access-token':
      return accessTokenStringToSign(input.clientId, input.timestamp);
    case 'service':
      return serviceStringToSign({
        method: input.method,
        path: input.path,
        accessToken: tokenText(input.accessToken),
        bodyHash: await snapBodyHash(input.body),
        timestamp: input.timestamp,
      });
    case 'notification':
      return notificationStringToSign({
        method: input.method,
        path: input.path,
        bodyHash: await snapBodyHash(input.body),
        timestamp: input.timestamp,
      });
    default:
      throw new TypeError(
        `snapStringToSign: kind must be 'access-token', 'service' or 'notification', received ${JSON.stringify((input as { kind?: unknown }).kind)}`,
      );
  }
}
