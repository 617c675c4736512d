/**
 * Every SNAP string to sign is built here, and only here (protocols.md §2.1, §2.3, §2.4):
 *
 * - access token (B2B and B2B2C): `clientId + "|" + X-TIMESTAMP`
 * - service call (symmetric):     `METHOD:relativeUrl:accessToken:lowerhex(sha256(minify(body))):X-TIMESTAMP`
 * - notification (asymmetric) and asymmetric service call:
 *                                  `METHOD:relativeUrl:lowerhex(sha256(minify(body))):X-TIMESTAMP`
 * - asymmetric service call with a token (Bank Neo Commerce): the symmetric string, RSA-signed
 * - ifortepay payment notification: `notifyUrl:X-VERSION:lowerhex(sha256(minify(body))):X-TIMESTAMP`
 *
 * The timestamp is the exact X-TIMESTAMP header string and the access token is the bare token
 * (no `Bearer ` prefix).
 */
import { InputError } from '@org/signing-core';
import { snapBodyHash, snapRawBodyHash } from './body-hash.js';
import { PROVIDER } from './constants.js';

/** An access token as text, or an object holding it in `.token` (e.g. the core `AccessToken`). */
export type SnapTokenInput = string | { readonly token: string };

export function requireText(value: unknown, field: string, what = 'a non-empty string'): string {
  if (typeof value !== 'string') {
    throw new TypeError(
      `[@org/snap-auth] ${field} must be ${what}, received ${value === null ? 'null' : typeof value}`,
    );
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

/** One labelled part of a SNAP string to sign, in the order it is joined. */
export interface SnapStringToSignPart {
  /** Which input the part is. */
  readonly name: 'clientId' | 'timestamp' | 'method' | 'path' | 'accessToken' | 'bodyHash' | 'notifyUrl' | 'version';
  /** What the part is, for people: `X-TIMESTAMP`, `lowerhex(SHA-256(minify(body)))`, … */
  readonly label: string;
  /** The exact text that is signed. */
  readonly value: string;
}

/** A SNAP string to sign with its labelled parts. */
export interface SnapStringToSignParts {
  /** The parts joined with `separator`: the exact string that is signed. */
  readonly stringToSign: string;
  /** `|` for the access-token string, `:` for the service and notification strings. */
  readonly separator: '|' | ':';
  readonly parts: readonly SnapStringToSignPart[];
}

/** The label of the body hash of the SNAP rule. */
const MINIFIED_BODY_HASH = 'lowerhex(SHA-256(minify(body)))';
/** The label of the body hash of senders that skip the minify step. */
const RAW_BODY_HASH = 'lowerhex(SHA-256(body as sent))';

function joined(separator: '|' | ':', parts: readonly SnapStringToSignPart[]): SnapStringToSignParts {
  return { stringToSign: parts.map((part) => part.value).join(separator), separator, parts };
}

/** `clientId|timestamp`, part by part. */
function accessTokenParts(clientId: string, timestamp: string): SnapStringToSignParts {
  return joined('|', [
    { name: 'clientId', label: 'client id (X-CLIENT-KEY)', value: requireText(clientId, 'clientId') },
    { name: 'timestamp', label: 'X-TIMESTAMP', value: requireText(timestamp, 'timestamp') },
  ]);
}

interface BodyHashParts {
  method: string;
  path: string;
  bodyHash: string;
  timestamp: string;
  /** Default: the SNAP rule's hash of the minified body. */
  bodyHashLabel?: string;
}

/** `METHOD:path:accessToken:bodyHash:timestamp`, part by part. */
function serviceParts(parts: BodyHashParts & { accessToken: string }): SnapStringToSignParts {
  return joined(':', [
    { name: 'method', label: 'HTTP method', value: methodText(parts.method) },
    { name: 'path', label: 'relative URL (path and query)', value: pathText(parts.path) },
    { name: 'accessToken', label: 'access token (without "Bearer ")', value: parts.accessToken },
    { name: 'bodyHash', label: parts.bodyHashLabel ?? MINIFIED_BODY_HASH, value: parts.bodyHash },
    { name: 'timestamp', label: 'X-TIMESTAMP', value: requireText(parts.timestamp, 'timestamp') },
  ]);
}

/** `METHOD:path:bodyHash:timestamp`, part by part. */
function notificationParts(parts: BodyHashParts): SnapStringToSignParts {
  return joined(':', [
    { name: 'method', label: 'HTTP method', value: methodText(parts.method) },
    { name: 'path', label: 'relative URL (path and query)', value: pathText(parts.path) },
    { name: 'bodyHash', label: parts.bodyHashLabel ?? MINIFIED_BODY_HASH, value: parts.bodyHash },
    { name: 'timestamp', label: 'X-TIMESTAMP', value: requireText(parts.timestamp, 'timestamp') },
  ]);
}

/** `notifyUrl:version:bodyHash:timestamp` (ifortepay's payment notification), part by part. */
function ifortepayNotifyParts(parts: {
  notifyUrl: string;
  version: string;
  bodyHash: string;
  timestamp: string;
  bodyHashLabel?: string;
}): SnapStringToSignParts {
  return joined(':', [
    { name: 'notifyUrl', label: 'notification URL', value: requireText(parts.notifyUrl, 'notifyUrl') },
    { name: 'version', label: 'X-VERSION', value: requireText(parts.version, 'version') },
    { name: 'bodyHash', label: parts.bodyHashLabel ?? MINIFIED_BODY_HASH, value: parts.bodyHash },
    { name: 'timestamp', label: 'X-TIMESTAMP', value: requireText(parts.timestamp, 'timestamp') },
  ]);
}

/** `notifyUrl:version:bodyHash:timestamp` from an already computed body hash. */
export function ifortepayNotifyStringToSign(parts: {
  notifyUrl: string;
  version: string;
  bodyHash: string;
  timestamp: string;
}): string {
  return ifortepayNotifyParts(parts).stringToSign;
}

/** `clientId|timestamp` */
export function accessTokenStringToSign(clientId: string, timestamp: string): string {
  return accessTokenParts(clientId, timestamp).stringToSign;
}

/** `METHOD:path:accessToken:bodyHash:timestamp` from an already computed body hash. */
export function serviceStringToSign(parts: {
  method: string;
  path: string;
  accessToken: string;
  bodyHash: string;
  timestamp: string;
}): string {
  return serviceParts(parts).stringToSign;
}

/** `METHOD:path:bodyHash:timestamp` from an already computed body hash. */
export function notificationStringToSign(parts: {
  method: string;
  path: string;
  bodyHash: string;
  timestamp: string;
}): string {
  return notificationParts(parts).stringToSign;
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
      /** Also the string of `serviceSignature: 'asymmetric'` service calls (the same form, no token). */
      readonly kind: 'notification';
      readonly method: string;
      readonly path: string;
      readonly body?: string | null | undefined;
      readonly timestamp: string;
    }
  | {
      /** ifortepay's payment notification: `notifyUrl:X-VERSION:bodyHash:X-TIMESTAMP`. */
      readonly kind: 'ifortepay-notify';
      readonly notifyUrl: string;
      readonly version: string;
      readonly body?: string | null | undefined;
      readonly timestamp: string;
    };

/** What {@link snapStringToSignParts} can build: a {@link SnapStringToSignInput}, and how the body is hashed. */
export type SnapStringToSignPartsInput = SnapStringToSignInput & {
  /**
   * `false` hashes the body exactly as given instead of minified (senders that skip the minify
   * step), for diagnosing a signature mismatch. Default `true`, the SNAP rule. Ignored for
   * `kind: 'access-token'`.
   */
  readonly minify?: boolean | undefined;
};

async function build(caller: string, input: SnapStringToSignInput, raw: boolean): Promise<SnapStringToSignParts> {
  if (input === null || typeof input !== 'object') {
    throw new TypeError(`[@org/snap-auth] ${caller}: expected an object with a kind`);
  }
  if (input.kind === 'access-token') return accessTokenParts(input.clientId, input.timestamp);
  if (input.kind !== 'service' && input.kind !== 'notification' && input.kind !== 'ifortepay-notify') {
    throw new TypeError(
      `[@org/snap-auth] ${caller}: kind must be 'access-token', 'service', 'notification' or 'ifortepay-notify', received ${JSON.stringify((input as { kind?: unknown }).kind)}`,
    );
  }
  const body = {
    bodyHash: raw ? await snapRawBodyHash(input.body) : await snapBodyHash(input.body),
    ...(raw ? { bodyHashLabel: RAW_BODY_HASH } : {}),
  };
  if (input.kind === 'service') {
    return serviceParts({
      method: input.method,
      path: input.path,
      accessToken: tokenText(input.accessToken),
      ...body,
      timestamp: input.timestamp,
    });
  }
  if (input.kind === 'ifortepay-notify') {
    return ifortepayNotifyParts({
      notifyUrl: input.notifyUrl,
      version: input.version,
      ...body,
      timestamp: input.timestamp,
    });
  }
  return notificationParts({ method: input.method, path: input.path, ...body, timestamp: input.timestamp });
}

/**
 * The exact string a SNAP signature is computed over, for debugging a signature mismatch
 * (compare it with the provider's) and for tools that explain signatures. It contains the
 * access token for `kind: 'service'`: treat it as a secret.
 *
 * @throws {InputError} `ERR_INVALID_JSON` for a body that is not JSON; `ERR_INVALID_INPUT` for an empty field.
 * @throws {TypeError} for a field of the wrong type or an unknown `kind`.
 */
export async function snapStringToSign(input: SnapStringToSignInput): Promise<string> {
  return (await build('snapStringToSign', input, false)).stringToSign;
}

/**
 * The string to sign of {@link snapStringToSign} with its labelled parts (the method, path,
 * access token, body hash and X-TIMESTAMP, or the client id and X-TIMESTAMP), for tools that
 * explain a signature part by part. With `minify: false` the body is hashed exactly as given,
 * as senders that skip the minify step do. It contains the access token for
 * `kind: 'service'`: treat it as a secret.
 *
 * @throws {InputError} `ERR_INVALID_JSON` for a body that is not JSON (unless `minify: false`);
 *   `ERR_INVALID_INPUT` for an empty field.
 * @throws {TypeError} for a field of the wrong type or an unknown `kind`.
 */
export function snapStringToSignParts(input: SnapStringToSignPartsInput): Promise<SnapStringToSignParts> {
  return build('snapStringToSignParts', input, input !== null && typeof input === 'object' && input.minify === false);
}
