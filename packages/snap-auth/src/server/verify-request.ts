/**
 * Verifying a SNAP service call a partner sends to the merchant (protocols.md §2.3, §2.4, §2.6),
 * in this order, each failure with its SNAP case:
 *
 * 1. X-TIMESTAMP, X-SIGNATURE, X-PARTNER-ID, X-EXTERNAL-ID and CHANNEL-ID are present
 *    (`400xx02 Invalid Mandatory Field [name]`); X-TIMESTAMP is ISO-8601 with an offset and
 *    X-EXTERNAL-ID at most 36 letters, digits or `-` (`400xx01 Invalid Field Format [name]`);
 * 2. `Authorization: Bearer <token>` carries a token this server issued, still valid, to a
 *    partner it still knows (`401xx01 Invalid Token (B2B)`);
 * 3. the X-PARTNER-ID is the partner's, when its `partnerId` is configured (`401xx00`);
 * 4. X-TIMESTAMP is within the window (`401xx00 Unauthorized. [Timestamp]`);
 * 5. the body is JSON (`400xx00 Bad Request`) and the X-SIGNATURE verifies over the raw bytes
 *    received: HMAC-SHA512 with the client secret over `METHOD:path:token:bodyHash:X-TIMESTAMP`,
 *    or SHA256withRSA with any of the partner's public keys over `METHOD:path:bodyHash:X-TIMESTAMP`
 *    (`401xx00 Unauthorized. [Signature]`). `bodyHash` is of the minified body (the SNAP rule),
 *    else of the bytes as sent; both come from the bytes received, never a re-serialisation.
 */
import { isAuthError, parseIsoTimestamp, SignatureError } from '@org/signing-core';
import { readBodyBounded } from '@org/signing-core/provider-kit';
import { decodeBase64 } from '../protocol/access-token-signature.js';
import { EMPTY_BODY_HASH, minifyBody, sha256Hex } from '../protocol/body-hash.js';
import { PROVIDER } from '../protocol/constants.js';
import { SNAP_HEADERS } from '../protocol/headers.js';
import { type VerifySnapSignatureInput, verifyOverBodyHash } from '../protocol/verify-signature.js';
import type { PartnerKeys } from './options.js';

/** A service call that passed every check. Holds no token, signature or secret. */
export interface VerifiedSnapCall {
  /** The partner, as identified by the token it was issued. */
  readonly clientId: string;
  /** X-PARTNER-ID. */
  readonly partnerId: string;
  /** X-EXTERNAL-ID. */
  readonly externalId: string;
  /** CHANNEL-ID. */
  readonly channelId: string;
  /** X-TIMESTAMP, as received. */
  readonly timestamp: string;
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The relative URL that was verified. */
  readonly path: string;
  /** The raw body text (the verified bytes as UTF-8). */
  readonly body: string;
  /** The body parsed as JSON; undefined for an empty body. */
  readonly json: unknown;
  /** `lowerhex(sha256(minify(body)))`: the same for every copy of the same body. */
  readonly bodyHash: string;
}

/** Why a call was refused: the SNAP answer to give, and the typed error behind it. */
export interface SnapRejection {
  readonly httpStatus: 400 | 401;
  readonly caseCode: '00' | '01' | '02';
  /** E.g. `Unauthorized. [Signature]` or `Invalid Mandatory Field [X-EXTERNAL-ID]`. */
  readonly responseMessage: string;
  /** `check` says which step failed: `header`, `timestamp` or `signature`. */
  readonly error: SignatureError;
}

/** What `verifyRequest` resolves to. */
export type SnapRequestVerification =
  | { readonly ok: true; readonly call: VerifiedSnapCall; readonly signature: Uint8Array }
  | { readonly ok: false; readonly rejection: SnapRejection };

/** What the verifier needs from the server. */
export interface VerifyContext {
  readonly findPartner: (clientId: string) => Promise<PartnerKeys | undefined>;
  readonly checkToken: (token: string) => Promise<string | undefined>;
  readonly toleranceMs: number;
  readonly clock: () => number;
  readonly maxBodyBytes: number;
}

const EXTERNAL_ID = /^[A-Za-z0-9-]{1,36}$/;
const decoder = new TextDecoder();

function refuse(
  httpStatus: 400 | 401,
  caseCode: '00' | '01' | '02',
  responseMessage: string,
  check: 'header' | 'timestamp' | 'signature',
  message: string,
): { ok: false; rejection: SnapRejection } {
  const code = check === 'timestamp' ? 'ERR_TIMESTAMP_OUT_OF_WINDOW' : 'ERR_SIGNATURE_MISMATCH';
  return {
    ok: false,
    rejection: {
      httpStatus,
      caseCode,
      responseMessage,
      error: new SignatureError(code, `SNAP call refused: ${message}`, check, { provider: PROVIDER }),
    },
  };
}

function header(request: Request, name: string): string | undefined {
  const value = request.headers.get(name);
  return value === null || value.trim().length === 0 ? undefined : value.trim();
}

/**
 * Runs the checks of the module comment. Reads the request body (up to `maxBodyBytes`).
 *
 * @throws whatever `findPartner` or the token store throw, and `ResponseFormatError`
 *   (`ERR_RESPONSE_TOO_LARGE`) for a body over the limit; the server answers those itself.
 */
export async function verifySnapCall(
  request: Request,
  context: VerifyContext,
  path: string | undefined,
): Promise<SnapRequestVerification> {
  const values: Record<string, string> = {};
  for (const name of [
    SNAP_HEADERS.timestamp,
    SNAP_HEADERS.signature,
    SNAP_HEADERS.partnerId,
    SNAP_HEADERS.externalId,
    SNAP_HEADERS.channelId,
  ]) {
    const value = header(request, name);
    if (value === undefined) {
      return refuse(400, '02', `Invalid Mandatory Field [${name}]`, 'header', `the ${name} header is missing`);
    }
    values[name] = value;
  }
  const timestamp = values[SNAP_HEADERS.timestamp] as string;
  const externalId = values[SNAP_HEADERS.externalId] as string;
  const partnerId = values[SNAP_HEADERS.partnerId] as string;
  let timestampMs: number;
  try {
    timestampMs = parseIsoTimestamp(timestamp);
  } catch {
    return refuse(400, '01', 'Invalid Field Format [X-TIMESTAMP]', 'header', 'X-TIMESTAMP is not ISO-8601');
  }
  if (!EXTERNAL_ID.test(externalId)) {
    return refuse(
      400,
      '01',
      'Invalid Field Format [X-EXTERNAL-ID]',
      'header',
      'X-EXTERNAL-ID is not 1 to 36 letters, digits or "-"',
    );
  }

  const token = /^Bearer\s+(\S+)$/i.exec(header(request, SNAP_HEADERS.authorization) ?? '')?.[1];
  const clientId = token === undefined ? undefined : await context.checkToken(token);
  const partner = clientId === undefined ? undefined : await context.findPartner(clientId);
  if (token === undefined || partner === undefined) {
    return refuse(
      401,
      '01',
      'Invalid Token (B2B)',
      'header',
      token === undefined
        ? 'the Authorization: Bearer header is missing'
        : 'the access token was not issued by this server, has expired, or its partner is gone',
    );
  }
  if (partner.partnerId !== undefined && partner.partnerId !== partnerId) {
    return refuse(401, '00', 'Unauthorized. [X-PARTNER-ID]', 'header', "X-PARTNER-ID is not the partner's");
  }

  const skew = timestampMs - context.clock();
  if (Math.abs(skew) > context.toleranceMs) {
    return refuse(
      401,
      '00',
      'Unauthorized. [Timestamp]',
      'timestamp',
      `X-TIMESTAMP is ${Math.round(Math.abs(skew) / 1000)} s ${skew < 0 ? 'in the past' : 'in the future'}, outside the allowed ±${Math.round(context.toleranceMs / 1000)} s`,
    );
  }

  let bytes: Uint8Array;
  try {
    bytes = await readRequestBody(request, context.maxBodyBytes);
  } catch (error) {
    if (!isAuthError(error, 'ERR_RESPONSE_TOO_LARGE')) throw error;
    return refuse(400, '00', 'Bad Request', 'header', `the body is larger than ${context.maxBodyBytes} bytes`);
  }
  const body = decoder.decode(bytes);
  let minified: string;
  try {
    minified = minifyBody(body);
  } catch (error) {
    if (!isAuthError(error, 'ERR_INVALID_JSON')) throw error;
    return refuse(400, '00', 'Bad Request', 'header', 'the body is not JSON');
  }
  const bodyHash = minified === '' ? EMPTY_BODY_HASH : await sha256Hex(minified);
  const signature = decodeBase64(values[SNAP_HEADERS.signature] as string);
  const method = request.method.toUpperCase();
  const url = new URL(request.url);
  const signedPath = path ?? url.pathname + url.search;
  const inputs: VerifySnapSignatureInput[] =
    partner.signature === 'asymmetric'
      ? partner.publicKeys.map((publicKey) => ({ method, path: signedPath, timestamp, signature: '', publicKey }))
      : [
          {
            method,
            path: signedPath,
            timestamp,
            signature: '',
            clientSecret: partner.clientSecret as NonNullable<PartnerKeys['clientSecret']>,
            accessToken: token,
          },
        ];
  let verified = false;
  if (signature !== undefined) {
    const hashes = minified === body || bytes.length === 0 ? [bodyHash] : [bodyHash, await sha256Hex(bytes)];
    search: for (const hash of hashes) {
      for (const input of inputs) {
        if (await verifyOverBodyHash(input, hash, signature)) {
          verified = true;
          break search;
        }
      }
    }
  }
  if (!verified || signature === undefined) {
    return refuse(
      401,
      '00',
      'Unauthorized. [Signature]',
      'signature',
      `X-SIGNATURE does not verify (${partner.signature} form over ${method} ${signedPath})`,
    );
  }
  let json: unknown;
  if (minified !== '') json = JSON.parse(minified);
  return {
    ok: true,
    signature,
    call: Object.freeze({
      clientId: partner.clientId,
      partnerId,
      externalId,
      channelId: values[SNAP_HEADERS.channelId] as string,
      timestamp,
      method,
      path: signedPath,
      body,
      json,
      bodyHash,
    }),
  };
}

/**
 * The request body, at most `maxBytes` (a declared Content-Length over it is refused before reading).
 *
 * @throws {ResponseFormatError} `ERR_RESPONSE_TOO_LARGE` past the limit.
 */
export function readRequestBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const length = request.headers.get('content-length');
  return readBodyBounded(
    new Response(request.body, { headers: length === null ? {} : { 'content-length': length } }),
    maxBytes,
    PROVIDER,
  );
}
