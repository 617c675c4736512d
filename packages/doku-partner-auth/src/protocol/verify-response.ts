/**
 * Verifying the signature DOKU puts on its responses: `Client-Id` and `Request-Id` of *your*
 * request, the `Response-Timestamp` header, your request's `Request-Target`, and the Digest
 * of the response body bytes.
 */
import { describeType, isAuthError, SignatureError, TransportError } from '@org/signing-core';
import { PROVIDER } from './constants.js';
import { type DokuSecretKey, verifyDokuSignature } from './signature.js';

/**
 * What to do with DOKU's response signature: `off` (ignore it), `verify-if-present` (verify
 * when the response carries a `Signature` header), `require` (a successful response without
 * one is refused too).
 */
export type DokuResponseSignatureMode = 'off' | 'verify-if-present' | 'require';

/** The parts of your request a response signature is bound to (a `DokuSignedRequest` has them). */
export interface DokuRequestIdentity {
  readonly clientId: string;
  readonly requestId: string;
  /** The `Request-Target` your request was signed with. */
  readonly requestTarget: string;
}

export interface VerifyDokuResponseOptions {
  readonly secretKey: DokuSecretKey;
  /** The request this response answers. */
  readonly request: DokuRequestIdentity;
  /** Refuse a response without a `Signature` header. Default `true`. */
  readonly required?: boolean | undefined;
}

function headerError(message: string): SignatureError {
  return new SignatureError('ERR_SIGNATURE_MISMATCH', message, 'header', { provider: PROVIDER });
}

/**
 * Verifies DOKU's signature on `response` (the body is read from a clone, so the response stays
 * readable). Resolves `true` when the signature verified, `false` when the response carries no
 * `Signature` header and `required` is `false`.
 *
 * @throws {SignatureError} `check: 'header'` when the signature (with `required`) or
 *   `Response-Timestamp` is missing, or the response names another Client-Id / Request-Id;
 *   `check: 'signature'` when the signature does not match.
 * @throws {TypeError} for a non-Response or malformed options.
 */
export async function verifyDokuResponse(response: Response, options: VerifyDokuResponseOptions): Promise<boolean> {
  if (!(response instanceof Response)) {
    throw new TypeError(
      `[@org/doku-partner-auth] verifyDokuResponse: response must be a Response, received ${describeType(response)}`,
    );
  }
  if (
    options === null ||
    typeof options !== 'object' ||
    options.request === null ||
    typeof options.request !== 'object'
  ) {
    throw new TypeError(
      '[@org/doku-partner-auth] verifyDokuResponse: options must be an object with secretKey and request',
    );
  }
  const { request } = options;
  if (response.bodyUsed) {
    throw new TypeError(
      '[@org/doku-partner-auth] verifyDokuResponse: the response body was already read; verify before reading it',
    );
  }
  const signature = response.headers.get('Signature');
  if (signature === null || signature.trim().length === 0) {
    if (options.required === false) return false;
    throw headerError(`DOKU's response (HTTP ${response.status}) carries no Signature header`);
  }
  const timestamp = response.headers.get('Response-Timestamp')?.trim();
  if (!timestamp)
    throw headerError(`DOKU's signed response (HTTP ${response.status}) has no Response-Timestamp header`);
  const echoedClientId = response.headers.get('Client-Id')?.trim();
  if (echoedClientId && echoedClientId !== request.clientId) {
    throw headerError("the Client-Id header of DOKU's response is not the request's");
  }
  const echoedRequestId = response.headers.get('Request-Id')?.trim();
  if (echoedRequestId && echoedRequestId !== request.requestId) {
    throw headerError("the Request-Id header of DOKU's response is not the request's");
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(await response.clone().arrayBuffer());
  } catch (cause) {
    throw new TransportError('ERR_NETWORK', `the connection to ${PROVIDER} broke while reading the response`, {
      provider: PROVIDER,
      cause,
    });
  }
  let valid: boolean;
  try {
    valid = await verifyDokuSignature({
      kind: 'response',
      clientId: request.clientId,
      requestId: request.requestId,
      timestamp,
      target: request.requestTarget,
      body,
      secretKey: options.secretKey,
      signature,
    });
  } catch (error) {
    if (isAuthError(error, 'ERR_INVALID_INPUT')) throw headerError("DOKU's response has a malformed signature header");
    throw error;
  }
  if (!valid) {
    throw new SignatureError(
      'ERR_SIGNATURE_MISMATCH',
      `the Signature of DOKU's response (HTTP ${response.status}) does not match its components and body`,
      'signature',
      { provider: PROVIDER },
    );
  }
  return true;
}
