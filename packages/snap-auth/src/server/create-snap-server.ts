/**
 * The merchant as a SNAP server: it issues B2B access tokens to its partners (providers such as
 * DOKU SNAP, BRI or BCA calling the merchant's own `…/v1.0/access-token/b2b`), verifies the
 * service calls and notifications they then send, and answers them with SNAP response codes,
 * once per call however often the partner redelivers it (see `redelivery.ts`).
 */
import {
  type Clock,
  type IdempotencyStore,
  isAuthError,
  log,
  memoryIdempotencyStore,
  parseIsoTimestamp,
} from '@org/signing-core';
import {
  type EventTimer,
  emitServerHandle,
  emitSignatureFailed,
  eventHandlerOf,
  type Refusal,
  startTimer,
} from '@org/signing-core/provider-kit';
import { verifySnapAccessTokenSignature } from '../protocol/access-token-signature.js';
import { DEFAULT_NOTIFICATION_TOLERANCE_MS, DEFAULT_REPLAY_TTL_MS, PROVIDER } from '../protocol/constants.js';
import { SNAP_HEADERS } from '../protocol/headers.js';
import { ACCESS_TOKEN_SERVICE, describeFailure, type SnapAnswer, snapAnswer, toResponse } from './answers.js';
import { checkServerOptions, partnerResolver, type SnapServerOptions } from './options.js';
import { answerOnce, type SnapServiceHandler } from './redelivery.js';
import { memorySnapIssuedTokenStore, opaqueTokens, statelessTokens, type TokenIssuer } from './tokens.js';
import {
  readRequestBody,
  type SnapRejection,
  type SnapRequestVerification,
  type VerifiedSnapCall,
  verifySnapCall,
} from './verify-request.js';

/** Per-call options of `handle()`. */
export interface SnapHandleOptions {
  /** The two-digit SNAP service code of the endpoint, e.g. `'24'` (VA inquiry) or `'25'` (VA payment). */
  readonly serviceCode: string;
  /** The relative URL the partner signed. Default: the request URL's path and query. */
  readonly path?: string | undefined;
}

/** Options of `verifyRequest()`. */
export interface SnapVerifyRequestOptions {
  /** The relative URL the partner signed. Default: the request URL's path and query. */
  readonly path?: string | undefined;
}

/** What `verifyRequest()` resolves to: the verified call, or the SNAP answer to refuse it with. */
export type SnapVerifyResult =
  | { readonly ok: true; readonly call: VerifiedSnapCall }
  | { readonly ok: false; readonly rejection: SnapRejection };

/** The merchant's SNAP endpoints as Web `Request` → `Response` functions. */
export interface SnapServer {
  /**
   * The B2B access-token endpoint (`POST …/v1.0/access-token/b2b`): `2007300` with
   * `accessToken`, `tokenType: "Bearer"` and `expiresIn`, or `4007302` (a header or `grantType`
   * missing), `4007301` (X-TIMESTAMP or `grantType` malformed, body not JSON), `4017300`
   * (unknown client, bad signature, timestamp out of the window), `5007300` (a lookup failed).
   */
  handleAccessToken(request: Request): Promise<Response>;
  /**
   * A service endpoint: verifies the call, runs `handler` once per call (redeliveries get the
   * stored answer) and answers `200xx00` with the reply, or the SNAP code of what failed.
   */
  handle(request: Request, options: SnapHandleOptions, handler: SnapServiceHandler): Promise<Response>;
  /**
   * The checks of `handle()` without the handler, the answer or de-duplication, for merchants who
   * build their own responses. Reads the request body.
   */
  verifyRequest(request: Request, options?: SnapVerifyRequestOptions): Promise<SnapVerifyResult>;
}

/** An answer of the token endpoint, with the check that refused the request when one did (for telemetry). */
type TokenAnswer = SnapAnswer & { readonly refused?: Refusal };

const REFUSED_HEADER: Refusal = { check: 'header', code: 'ERR_SIGNATURE_MISMATCH' };
const REFUSED_TIMESTAMP: Refusal = { check: 'timestamp', code: 'ERR_TIMESTAMP_OUT_OF_WINDOW' };
const REFUSED_SIGNER: Refusal = { check: 'signer', code: 'ERR_SIGNATURE_MISMATCH' };
const REFUSED_SIGNATURE: Refusal = { check: 'signature', code: 'ERR_SIGNATURE_MISMATCH' };

function refusedToken(status: number, caseCode: string, message: string, refused: Refusal): TokenAnswer {
  return { ...snapAnswer(status, ACCESS_TOKEN_SERVICE, caseCode, message), refused };
}

/** The SNAP response code of an answer, for telemetry. */
function responseCodeOf(answer: SnapAnswer): string | undefined {
  const code = answer.body.responseCode;
  return typeof code === 'string' ? code : undefined;
}

const RETRY_LATER: Readonly<Record<string, string>> = Object.freeze({ 'retry-after': '1' });
const DEFAULT_TOKEN_TTL_SECONDS = 900;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_DUPLICATE_WAIT_MS = 10_000;

function assertRequest(request: unknown, caller: string): asserts request is Request {
  if (
    request === null ||
    typeof request !== 'object' ||
    typeof (request as Partial<Request>).headers?.get !== 'function' ||
    typeof (request as Partial<Request>).url !== 'string'
  ) {
    throw new TypeError(`[@org/snap-auth] ${caller}: expected a Web Request`);
  }
  if ((request as Request).bodyUsed) {
    throw new TypeError(
      `[@org/snap-auth] ${caller}: the request body was already read; pass the request before parsing it (the raw bytes are needed)`,
    );
  }
}

/**
 * Creates the merchant's SNAP server. Options are checked now (`ConfigError` naming the field,
 * `KeyFormatError` for an unusable public key); nothing is imported or fetched until the first call.
 */
export function createSnapServer(options: SnapServerOptions): SnapServer {
  const config = checkServerOptions(options);
  const clock: Clock = config.clock ?? Date.now;
  const toleranceMs = config.toleranceMs ?? DEFAULT_NOTIFICATION_TOLERANCE_MS;
  const tokenTtlSeconds = config.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const findPartner = partnerResolver(config);
  const secrets = config.tokenSecret === undefined ? undefined : [config.tokenSecret].flat();
  const tokens: TokenIssuer =
    secrets === undefined
      ? opaqueTokens(config.tokenStore ?? memorySnapIssuedTokenStore({ clock }), clock)
      : statelessTokens(secrets, clock);
  const idempotencyStore: IdempotencyStore = config.idempotencyStore ?? memoryIdempotencyStore({ clock });
  const verifyContext = { findPartner, checkToken: tokens.check, toleranceMs, clock, maxBodyBytes };
  // Telemetry: undefined without onEvent and telemetry, and then nothing is timed or reported.
  const events = eventHandlerOf(config);

  /** `server.handle` for an answered request, when events are on (`timer` is set only then). */
  function reportAnswer(
    timer: EventTimer | undefined,
    request: Request,
    answer: SnapAnswer,
    serviceCode: string,
    refused: Refusal | undefined,
  ): void {
    if (timer === undefined) return;
    emitServerHandle(events, PROVIDER, timer, {
      method: request.method,
      url: request.url,
      status: answer.status,
      responseCode: responseCodeOf(answer),
      serviceCode,
      refused,
    });
  }

  async function issueToken(request: Request): Promise<TokenAnswer> {
    for (const name of [SNAP_HEADERS.clientKey, SNAP_HEADERS.timestamp, SNAP_HEADERS.signature]) {
      if (!request.headers.get(name)?.trim()) {
        return refusedToken(400, '02', `Invalid Mandatory Field [${name}]`, REFUSED_HEADER);
      }
    }
    const clientId = (request.headers.get(SNAP_HEADERS.clientKey) as string).trim();
    const timestamp = (request.headers.get(SNAP_HEADERS.timestamp) as string).trim();
    const signature = (request.headers.get(SNAP_HEADERS.signature) as string).trim();
    let timestampMs: number;
    try {
      timestampMs = parseIsoTimestamp(timestamp);
    } catch {
      return refusedToken(400, '01', 'Invalid Field Format [X-TIMESTAMP]', REFUSED_HEADER);
    }
    if (Math.abs(timestampMs - clock()) > toleranceMs) {
      return refusedToken(401, '00', 'Unauthorized. [Timestamp]', REFUSED_TIMESTAMP);
    }
    const partner = await findPartner(clientId);
    if (partner === undefined) return refusedToken(401, '00', 'Unauthorized. [Unknown client]', REFUSED_SIGNER);
    let verified = false;
    for (const publicKey of partner.publicKeys) {
      if (await verifySnapAccessTokenSignature({ clientId, timestamp, signature, publicKey })) {
        verified = true;
        break;
      }
    }
    if (!verified) return refusedToken(401, '00', 'Unauthorized. [Signature]', REFUSED_SIGNATURE);
    let bytes: Uint8Array;
    try {
      bytes = await readRequestBody(request, maxBodyBytes);
    } catch (error) {
      if (!isAuthError(error, 'ERR_RESPONSE_TOO_LARGE')) throw error;
      return snapAnswer(400, ACCESS_TOKEN_SERVICE, '00', 'Bad Request');
    }
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return snapAnswer(400, ACCESS_TOKEN_SERVICE, '01', 'Invalid Field Format [body]');
    }
    const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
    // grant_type: Onebrick's and Midtrans's SDK's spelling of the same field.
    const grantType = (fields as Record<string, unknown>).grantType ?? (fields as Record<string, unknown>).grant_type;
    if (grantType === undefined || grantType === null || grantType === '') {
      return snapAnswer(400, ACCESS_TOKEN_SERVICE, '02', 'Invalid Mandatory Field [grantType]');
    }
    if (grantType !== 'client_credentials') {
      return snapAnswer(400, ACCESS_TOKEN_SERVICE, '01', 'Invalid Field Format [grantType]');
    }
    const accessToken = await tokens.issue(clientId, tokenTtlSeconds * 1000);
    return snapAnswer(200, ACCESS_TOKEN_SERVICE, '00', 'Successful', {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: String(tokenTtlSeconds),
      additionalInfo: {},
    });
  }

  /** `handle()`'s answer to a call: verified, then answered once (see `redelivery.ts`). */
  async function answerCall(
    request: Request,
    serviceCode: string,
    path: string | undefined,
    handler: SnapServiceHandler,
  ): Promise<{ answer: SnapAnswer; headers?: Readonly<Record<string, string>>; refused?: Refusal }> {
    let verified: SnapRequestVerification;
    try {
      verified = await verifySnapCall(request, verifyContext, path);
    } catch (error) {
      log(config.logger, 'error', '[@org/snap-auth] server: a call could not be verified', {
        serviceCode,
        error: describeFailure(error),
      });
      return { answer: snapAnswer(500, serviceCode, '00', 'General Error') };
    }
    if (!verified.ok) {
      const { httpStatus, caseCode, responseMessage, error } = verified.rejection;
      return { answer: snapAnswer(httpStatus, serviceCode, caseCode, responseMessage), refused: error };
    }
    const answer = await answerOnce({
      call: verified.call,
      signature: verified.signature,
      serviceCode,
      handler,
      store: idempotencyStore,
      clock,
      recordTtlMs: config.idempotencyTtlMs ?? DEFAULT_REPLAY_TTL_MS,
      // A signature is accepted only while its X-TIMESTAMP is in the window: twice the tolerance.
      signatureTtlMs: 2 * toleranceMs + 60_000,
      timeoutMs: config.timeoutMs,
      duplicateWaitMs: config.duplicateWaitMs ?? DEFAULT_DUPLICATE_WAIT_MS,
      logger: config.logger,
    });
    return answer.status === 429 ? { answer, headers: RETRY_LATER } : { answer };
  }

  return Object.freeze({
    async handleAccessToken(request: Request): Promise<Response> {
      assertRequest(request, 'handleAccessToken');
      const timer = events === undefined ? undefined : startTimer();
      let answer: TokenAnswer;
      try {
        answer = await issueToken(request);
      } catch (error) {
        log(config.logger, 'error', '[@org/snap-auth] server: the access-token request could not be answered', {
          error: describeFailure(error),
        });
        answer = snapAnswer(500, ACCESS_TOKEN_SERVICE, '00', 'General Error');
      }
      reportAnswer(timer, request, answer, ACCESS_TOKEN_SERVICE, answer.refused);
      return toResponse(answer);
    },

    async verifyRequest(request: Request, verifyOptions: SnapVerifyRequestOptions = {}): Promise<SnapVerifyResult> {
      assertRequest(request, 'verifyRequest');
      const result = await verifySnapCall(request, verifyContext, pathOption(verifyOptions?.path));
      if (result.ok) return { ok: true, call: result.call };
      emitSignatureFailed(events, PROVIDER, result.rejection.error);
      return result;
    },

    async handle(request: Request, handleOptions: SnapHandleOptions, handler: SnapServiceHandler): Promise<Response> {
      assertRequest(request, 'handle');
      const serviceCode = handleOptions?.serviceCode;
      if (typeof serviceCode !== 'string' || !/^\d{2}$/.test(serviceCode)) {
        throw new TypeError('[@org/snap-auth] handle: serviceCode must be the two-digit SNAP service code, e.g. "25"');
      }
      if (typeof handler !== 'function') throw new TypeError('[@org/snap-auth] handle: handler must be a function');
      const path = pathOption(handleOptions.path);
      const timer = events === undefined ? undefined : startTimer();
      const { answer, headers, refused } = await answerCall(request, serviceCode, path, handler);
      reportAnswer(timer, request, answer, serviceCode, refused);
      return toResponse(answer, headers);
    },
  });
}

function pathOption(path: unknown): string | undefined {
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError('[@org/snap-auth] path must be the relative URL the partner signed, starting with "/"');
  }
  return path;
}
