/**
 * DOKU's non-SNAP signature, built in this one place for requests, responses and
 * notifications:
 *
 * ```
 * Client-Id:<Client-Id>
 * Request-Id:<Request-Id>
 * Request-Timestamp:<Request-Timestamp>      (Response-Timestamp:<…> for a DOKU response)
 * Request-Target:<path>
 * Digest:<base64(SHA-256(body bytes))>       (only when there is a body)
 * ```
 *
 * joined by `\n` with no trailing newline, then `"HMACSHA256=" + base64(HMAC-SHA256(secretKey,
 * components))`.
 */
import {
  describeType,
  fromBase64,
  HmacKey,
  hmac,
  InputError,
  revealSecret,
  Secret,
  timingSafeEqual,
  toBase64,
} from '@org/signing-core';
import { type DokuBodyInput, exactBytes } from './body.js';
import { DOKU_HEADERS, PROVIDER } from './constants.js';
import { dokuDigest } from './digest.js';

/** The HMAC secret: DOKU's Secret Key as text, a core `Secret`, or an imported SHA-256 `HmacKey`. */
export type DokuSecretKey = string | Secret | HmacKey;

/**
 * Which timestamp line the component string carries: `request` (`Request-Timestamp:`, for
 * requests to DOKU and DOKU's notifications to you) or `response` (`Response-Timestamp:`, for
 * DOKU's responses).
 */
export type DokuSignatureKind = 'request' | 'response';

/** The components of a DOKU signature. */
export interface DokuSignatureComponents {
  /** `Client-Id` header (the Brand/Client ID DOKU gave you). */
  readonly clientId: string;
  /** `Request-Id` header of the request (also for the response to it). */
  readonly requestId: string;
  /** `Request-Timestamp` (or, with `kind: 'response'`, `Response-Timestamp`) exactly as in the header. */
  readonly timestamp: string;
  /**
   * `Request-Target`: the path of the endpoint, e.g. `/adv-core-api/partner/v1.0/token`; for a
   * notification, the path of *your* notification URL. Used exactly as given.
   */
  readonly target: string;
  /** The exact body text (hashed as UTF-8) or bytes. Absent or empty: no `Digest` line. */
  readonly body?: DokuBodyInput | undefined;
  /** Default `request`. */
  readonly kind?: DokuSignatureKind | undefined;
}

export interface DokuSignatureParams extends DokuSignatureComponents {
  readonly secretKey: DokuSecretKey;
}

export interface VerifyDokuSignatureParams extends DokuSignatureParams {
  /** The received `Signature` header: `HMACSHA256=<base64>`, padded or not. */
  readonly signature: string;
}

/** The scheme prefix of DOKU's `Signature` header value: `HMACSHA256=<base64>`. */
export const DOKU_SIGNATURE_PREFIX = 'HMACSHA256=';
const PREFIX = DOKU_SIGNATURE_PREFIX;
const MAC_LENGTH = 32;

function component(caller: string, field: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(
      `[@org/doku-partner-auth] ${caller}: ${field} must be a string, received ${describeType(value)}`,
    );
  }
  if (value.length === 0 || value.includes('\n') || value.includes('\r')) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      `${caller}: ${field} must be a non-empty single line (a line break would change the signed components)`,
      { field },
      { provider: PROVIDER },
    );
  }
  return value;
}

/** One labelled line of DOKU's component string, in order. */
export interface DokuStringToSignPart {
  /** Which component the line is. */
  readonly name: 'clientId' | 'requestId' | 'timestamp' | 'target' | 'digest';
  /** The line's name, as signed before the colon: `Client-Id`, `Request-Id`, `Request-Timestamp`, … */
  readonly label: string;
  /** The value after the colon, exactly as signed. */
  readonly value: string;
}

/** DOKU's component string with its labelled lines. */
export interface DokuStringToSignParts {
  /** `label:value` of each part, joined by `\n`: the exact string that is signed. */
  readonly stringToSign: string;
  readonly parts: readonly DokuStringToSignPart[];
}

/** How {@link dokuStringToSignParts} writes the lines, for diagnosing another signer's string. */
export interface DokuStringToSignOptions {
  /** Write the `Digest` value without its base64 `=` padding, as some signers do. Default false. */
  readonly unpaddedDigest?: boolean | undefined;
}

/**
 * The exact component string that is signed, for logs and debugging (it holds no secret).
 *
 * @throws {TypeError} when a component is not a string or `body` is neither text nor bytes.
 * @throws {InputError} `ERR_INVALID_INPUT` when a component is empty or contains a line break,
 *   or `target` does not start with `/`.
 */
export async function dokuStringToSign(params: DokuSignatureComponents): Promise<string> {
  return stringToSign('dokuStringToSign', params);
}

/**
 * The component string of {@link dokuStringToSign} line by line, each with its label, for tools
 * that explain a signature. It holds no secret. The `Digest` line is there only when there is a
 * body; `unpaddedDigest` writes it without `=` padding (a signer's mistake, for diagnosis).
 *
 * @throws {TypeError} when a component is not a string or `body` is neither text nor bytes.
 * @throws {InputError} `ERR_INVALID_INPUT` when a component is empty or contains a line break,
 *   or `target` does not start with `/`.
 */
export function dokuStringToSignParts(
  params: DokuSignatureComponents,
  options: DokuStringToSignOptions = {},
): Promise<DokuStringToSignParts> {
  return componentParts('dokuStringToSignParts', params, options?.unpaddedDigest === true);
}

async function stringToSign(caller: string, params: DokuSignatureComponents): Promise<string> {
  return (await componentParts(caller, params, false)).stringToSign;
}

async function componentParts(
  caller: string,
  params: DokuSignatureComponents,
  unpaddedDigest: boolean,
): Promise<DokuStringToSignParts> {
  if (params === null || typeof params !== 'object') {
    throw new TypeError(
      `[@org/doku-partner-auth] ${caller}: expected an object of signature components, received ${describeType(params)}`,
    );
  }
  const clientId = component(caller, 'clientId', params.clientId);
  const requestId = component(caller, 'requestId', params.requestId);
  const timestamp = component(caller, 'timestamp', params.timestamp);
  const target = component(caller, 'target', params.target);
  if (!target.startsWith('/')) {
    throw new InputError('ERR_INVALID_INPUT', `${caller}: target must be a path starting with "/"`, {
      field: 'target',
    });
  }
  const kind = params.kind ?? 'request';
  if (kind !== 'request' && kind !== 'response') {
    throw new TypeError(`[@org/doku-partner-auth] ${caller}: kind must be 'request' or 'response'`);
  }
  const body = exactBytes(params.body, caller);
  const parts: DokuStringToSignPart[] = [
    { name: 'clientId', label: DOKU_HEADERS.clientId, value: clientId },
    { name: 'requestId', label: DOKU_HEADERS.requestId, value: requestId },
    {
      name: 'timestamp',
      label: kind === 'response' ? DOKU_HEADERS.responseTimestamp : DOKU_HEADERS.requestTimestamp,
      value: timestamp,
    },
    { name: 'target', label: 'Request-Target', value: target },
  ];
  if (body !== undefined && body.length > 0) {
    const digest = await dokuDigest(body);
    parts.push({ name: 'digest', label: 'Digest', value: unpaddedDigest ? digest.replace(/=+$/, '') : digest });
  }
  return { stringToSign: parts.map((part) => `${part.label}:${part.value}`).join('\n'), parts };
}

function secretOf(caller: string, secretKey: unknown): string | HmacKey {
  if (secretKey instanceof HmacKey) return secretKey;
  if (secretKey instanceof Secret || typeof secretKey === 'string') {
    const value = revealSecret(secretKey);
    if (value.length === 0) throw new TypeError(`[@org/doku-partner-auth] ${caller}: secretKey must not be empty`);
    return value;
  }
  throw new TypeError(
    `[@org/doku-partner-auth] ${caller}: secretKey must be a string, a Secret or an HmacKey, received ${describeType(secretKey)}`,
  );
}

async function mac(caller: string, params: DokuSignatureParams): Promise<Uint8Array> {
  const key = secretOf(caller, params?.secretKey);
  return hmac('SHA-256', key, await stringToSign(caller, params));
}

/**
 * `"HMACSHA256=" + base64(HMAC-SHA256(secretKey, components))`: the value of DOKU's
 * `Signature` header. No `Digest` line when there is no body (GET, DELETE).
 *
 * @throws {TypeError} for a missing/mistyped component or secret.
 * @throws {InputError} `ERR_INVALID_INPUT` for an empty component, a line break in one, or a
 *   target that is not a path.
 */
export async function dokuSignature(params: DokuSignatureParams): Promise<string> {
  return PREFIX + toBase64(await mac('dokuSignature', params));
}

/**
 * The 32 MAC bytes of a `Signature` header value, or undefined when it is not
 * `HMACSHA256=<base64 of 32 bytes>` (padding optional, surrounding whitespace ignored, the
 * prefix matched without regard to case).
 */
export function parseDokuSignatureValue(signature: string): Uint8Array | undefined {
  const value = signature.trim();
  if (value.length <= PREFIX.length || value.slice(0, PREFIX.length).toUpperCase() !== PREFIX) return undefined;
  try {
    const bytes = fromBase64(value.slice(PREFIX.length));
    return bytes.length === MAC_LENGTH ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `signature` is DOKU's signature over these components. The comparison is
 * constant-time over the decoded MAC bytes, so padded and unpadded base64 both verify. A
 * malformed signature value verifies as `false`; malformed *components* throw, as in
 * {@link dokuSignature}.
 *
 * For a DOKU response pass `kind: 'response'`, the `Response-Timestamp` header as `timestamp`,
 * your request's `Client-Id`, `Request-Id` and target, and the response body. For a
 * notification pass the path of your notification URL as `target` and the raw received body.
 */
export async function verifyDokuSignature(params: VerifyDokuSignatureParams): Promise<boolean> {
  if (params === null || typeof params !== 'object') {
    throw new TypeError(
      `[@org/doku-partner-auth] verifyDokuSignature: expected an object, received ${describeType(params)}`,
    );
  }
  if (typeof params.signature !== 'string') {
    throw new TypeError(
      `[@org/doku-partner-auth] verifyDokuSignature: signature must be a string, received ${describeType(params.signature)}`,
    );
  }
  const expected = await mac('verifyDokuSignature', params);
  const received = parseDokuSignatureValue(params.signature);
  return received !== undefined && timingSafeEqual(expected, received);
}

/** What {@link verifyDokuStringToSign} checks. */
export interface VerifyDokuStringToSignParams {
  /** The exact component string, e.g. from {@link dokuStringToSignParts}. */
  readonly stringToSign: string;
  readonly secretKey: DokuSecretKey;
  /** The received `Signature` header: `HMACSHA256=<base64>`, padded or not. */
  readonly signature: string;
}

/**
 * True when `signature` is `HMACSHA256=` + base64 HMAC-SHA256 of exactly `stringToSign`,
 * compared in constant time. For checking a string built by {@link dokuStringToSignParts} (e.g.
 * with `unpaddedDigest`) while diagnosing a mismatch; to verify a message, use
 * {@link verifyDokuSignature}. A malformed signature value verifies as `false`.
 *
 * @throws {TypeError} for a `stringToSign`, `signature` or secret of the wrong type.
 */
export async function verifyDokuStringToSign(params: VerifyDokuStringToSignParams): Promise<boolean> {
  const caller = 'verifyDokuStringToSign';
  if (params === null || typeof params !== 'object') {
    throw new TypeError(`[@org/doku-partner-auth] ${caller}: expected an object, received ${describeType(params)}`);
  }
  if (typeof params.stringToSign !== 'string') {
    throw new TypeError(
      `[@org/doku-partner-auth] ${caller}: stringToSign must be a string, received ${describeType(params.stringToSign)}`,
    );
  }
  if (typeof params.signature !== 'string') {
    throw new TypeError(
      `[@org/doku-partner-auth] ${caller}: signature must be a string, received ${describeType(params.signature)}`,
    );
  }
  const expected = await hmac('SHA-256', secretOf(caller, params.secretKey), params.stringToSign);
  const received = parseDokuSignatureValue(params.signature);
  return received !== undefined && timingSafeEqual(expected, received);
}
