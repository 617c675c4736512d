/**
 * `createFinnetAuth(options)`: Finnet's getToken with a cached, single-flight token, and the
 * widget calls that use it (Widget Top Up, …), every body signed in one place.
 *
 * Per attempt, one clock reading gives `reqDtime` (GMT+7) and the transNumber, and the same
 * strings go into the body and the signature. The core's `requestJson` builds the body afresh
 * for every attempt, so a retried attempt gets a fresh reqDtime, transNumber and signature (and,
 * for widget calls, the current token). Success is `statusCode === "000"` whatever the HTTP status.
 */
import {
  type AccessToken,
  createTokenManager,
  decodeUtf8,
  encodeUtf8,
  formatCompactTimestamp,
  type HmacKey,
  InputError,
  isRecord,
  JAKARTA_OFFSET,
  log,
  ResponseFormatError,
  redactText,
  SecretSet,
  toBase64,
} from '@org/signing-core';
import {
  clockCorrectionOf,
  createHttpClient,
  createSignedRequest,
  createSigningFetch,
  type FailureDescriber,
  httpClientOptionsOf,
  type JsonResponse,
  tokenManagerOptionsOf,
  tokenRequestRetry,
  validateOptions,
} from '@org/signing-core/provider-kit';
import { statusFields } from '../protocol/answers.js';
import { bodyWith, definedFields } from '../protocol/body-fields.js';
import { FINNET_EXPIRY_FORMAT, parseFinnetExpiry } from '../protocol/expiry.js';
import { assertTransNumber, validateFields } from '../protocol/fields.js';
import {
  FINNET_DEVELOPMENT_URL,
  FINNET_REQUEST_HEADERS,
  FINNET_TOKEN_PATH,
  PACKAGE_NAME,
  PROVIDER,
} from '../protocol/provider.js';
import { type FinnetParams, hexKeyText, importFinnetKey, signWithKey } from '../protocol/signature.js';
import { type FinnetAnswer, isFinnetTokenRejected } from '../protocol/token-rejection.js';
import { defaultTransNumber } from '../protocol/trans-number.js';
import { type FinnetAuthOptions, finnetAuthOptionsSchema } from './options.js';
import type {
  FinnetAuth,
  FinnetRequestOptions,
  FinnetRequestParams,
  FinnetResponse,
  FinnetResponseBody,
  FinnetSignedRequest,
} from './types.js';

/** Fields the client computes: a caller passing them is told so. */
const COMPUTED_FIELDS = ['signature', 'reqDtime', 'tokenID'] as const;

const HEX_64 = /^[0-9A-Fa-f]{64}$/;

export function createFinnetAuth(options: FinnetAuthOptions): FinnetAuth {
  const parsed = validateOptions(PACKAGE_NAME, finnetAuthOptionsSchema, options, { provider: PROVIDER });
  const baseUrl = parsed.baseUrl ?? FINNET_DEVELOPMENT_URL;
  const tokenPath = parsed.tokenPath ?? FINNET_TOKEN_PATH;
  const hexKeyCase = parsed.hexKeyCase ?? 'lower';
  const clock = parsed.clock ?? Date.now;
  const generateTransNumber = parsed.transNumber ?? defaultTransNumber;
  const isTokenRejected = parsed.isTokenRejected ?? isFinnetTokenRejected;
  const { secretKey, username, password, logger } = parsed;

  // Imported once, reused for every signature.
  const key = importFinnetKey(secretKey, hexKeyCase);
  key.catch(() => undefined);
  let otherCaseKey: Promise<HmacKey> | undefined;

  const basic =
    username !== undefined && password !== undefined
      ? `Basic ${toBase64(encodeUtf8(`${username}:${password}`))}`
      : undefined;

  // The client's own secrets, which the core scrubs from every error it builds. A call's
  // tokenID and signatures travel in its body: each attempt's builder hands them to the core
  // with the body, which scrubs them from that call's errors (per call, at any concurrency).
  const clientSecrets = new SecretSet([
    secretKey,
    hexKeyText(secretKey, 'lower'),
    hexKeyText(secretKey, 'upper'),
    password,
    basic?.slice('Basic '.length),
  ]);

  /** The fixed headers of every call (and Basic credentials when given). */
  const callHeaders: Readonly<Record<string, string>> = Object.freeze({
    ...FINNET_REQUEST_HEADERS,
    ...(basic === undefined ? {} : { Authorization: basic }),
  });

  /**
   * Whether a failed answer says the tokenID was rejected, by the `isTokenRejected` option: never
   * for a success (`"000"` on a 2xx), a 2xx without a statusCode, or an answer with neither field.
   */
  function rejectsToken(status: number, body: unknown): boolean {
    const { statusCode, statusDesc } = statusFields(body);
    const ok = status >= 200 && status < 300;
    if (ok ? statusCode === undefined || statusCode === '000' : statusCode === undefined && statusDesc === undefined) {
      return false;
    }
    return tokenRejected({ status, statusCode, statusDesc, body });
  }

  function tokenRejected(answer: FinnetAnswer): boolean {
    try {
      return isTokenRejected(answer) === true;
    } catch (error) {
      log(logger, 'warn', 'finnet: the isTokenRejected option threw; treating the answer as not token-related', {
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return false;
    }
  }

  // reqDtime is written with the corrected clock: an answer that refuses it teaches the offset
  // through its Date header (the core), within maxClockSkewMs.
  const corrected = clockCorrectionOf(parsed, PROVIDER);
  const http = createHttpClient({
    provider: PROVIDER,
    baseUrl,
    ...httpClientOptionsOf(parsed),
    retry: parsed.requestRetry,
    clockCorrection: corrected,
    headers: callHeaders,
    // Also the tokens handed out lately: a provider may quote a replaced token in a later error.
    secrets: () => [...clientSecrets, ...tokens.recentTokens()],
  });

  /** One attempt's body: one clock reading, one reqDtime, one transNumber, signed over exactly these fields. */
  async function build(
    fields: Readonly<Record<string, string>>,
    token: string | undefined,
    fixedTransNumber: string | undefined,
    context: string,
  ): Promise<FinnetSignedRequest> {
    const now = corrected.now();
    const reqDtime = formatCompactTimestamp(now, { offset: JAKARTA_OFFSET });
    const requestType = fields.requestType as string;
    let transNumber = fixedTransNumber;
    if (transNumber === undefined) {
      transNumber = generateTransNumber({ requestType, now });
      assertTransNumber(transNumber, context, 'made by the transNumber option ');
    }
    let body: Record<string, string>;
    if (requestType === 'getToken') {
      // Exactly the documented body, in the documented order.
      body = { reqDtime, requestType, transNumber };
    } else {
      // The order of the Widget Top Up sample; the signature does not depend on it.
      body = bodyWith(
        { requestType, reqDtime, ...(token === undefined ? {} : { tokenID: token }), transNumber },
        fields,
      );
    }
    const signature = await signWithKey(await key, body, context);
    const signed: FinnetParams = Object.freeze({ ...body, signature });
    return createSignedRequest({
      kind: 'FinnetSignedRequest',
      method: 'POST',
      body: JSON.stringify(signed),
      info: { requestType, reqDtime, transNumber },
      sensitive: { fields: signed, signature },
      secrets: [signature, token],
    }) as FinnetSignedRequest;
  }

  /** Why the expected signature a (dev) server put in its answer differs from ours, without showing it. */
  async function signatureHint(body: Record<string, unknown>, sent: FinnetSignedRequest): Promise<string | undefined> {
    const offered = Object.values(body).filter(
      (value): value is string =>
        typeof value === 'string' && HEX_64.test(value) && value.toUpperCase() !== sent.signature,
    );
    if (offered.length === 0) return undefined;
    const other = hexKeyCase === 'lower' ? 'upper' : 'lower';
    otherCaseKey ??= importFinnetKey(secretKey, other);
    const { signature: _sent, ...fields } = sent.fields;
    const alternative = await signWithKey(await otherCaseKey, fields);
    return offered.some((value) => value.toUpperCase() === alternative)
      ? `the answer carries an expected signature that matches hexKeyCase '${other}': set hexKeyCase: '${other}'`
      : 'the answer carries an expected signature that matches neither hex key case: check secretKey and the fields sent';
  }

  /**
   * Finnet's answers, of any status: success is `statusCode` `"000"` on a 2xx; any other
   * `statusCode` is a failure with its `statusDesc` (and, for calls that carry a tokenID, maybe
   * "token rejected"); a 2xx without a `statusCode` string is malformed. `sent()` is the attempt
   * that got the answer.
   */
  const describeAnswers =
    (carriesToken: boolean, sent: () => FinnetSignedRequest | undefined): FailureDescriber =>
    async ({ status, body }) => {
      const request = sent();
      const subject = request?.requestType;
      const ok = status >= 200 && status < 300;
      const { statusCode, statusDesc } = statusFields(body);
      if (statusCode === undefined) {
        if (ok) return { subject, malformed: 'JSON that has no statusCode string' };
        if (statusDesc === undefined) return undefined;
      }
      if (ok && statusCode === '000') return undefined;
      const hint = ok && request && isRecord(body) ? await signatureHint(body, request) : undefined;
      return {
        subject,
        providerCode: statusCode,
        providerMessage: statusDesc,
        tokenRejected: carriesToken && rejectsToken(status, body),
        timestampRejected: rejectsReqDtime(statusDesc),
        hint,
        details: request && {
          requestType: request.requestType,
          reqDtime: request.reqDtime,
          transNumber: request.transNumber,
          ...(hint === undefined ? {} : { signatureHint: hint }),
        },
      };
    };

  const tokens = createTokenManager({
    key: parsed.cacheKey ?? `${PROVIDER}:${baseUrl}:${username ?? '-'}`,
    ...tokenManagerOptionsOf(parsed),
    clock,
    logger,
    provider: PROVIDER,
    async fetchToken({ signal }) {
      let sent: FinnetSignedRequest | undefined;
      const json = await http.requestJson({
        method: 'POST',
        path: tokenPath,
        retry: tokenRequestRetry(parsed.tokenRetry),
        signal,
        build: async () => {
          sent = await build({ requestType: 'getToken' }, undefined, undefined, 'finnet getToken');
          return { body: sent.body, secrets: [sent.signature] };
        },
        describeFailure: describeAnswers(false, () => sent),
      });
      return tokenOf(json, sent as FinnetSignedRequest);
    },
  });

  /** The tokenID and expiry of a successful getToken answer. */
  function tokenOf(json: JsonResponse, sent: FinnetSignedRequest) {
    const body = json.data as Record<string, unknown>;
    const { tokenID, tokenExpiry } = body;
    const secrets = new SecretSet(clientSecrets, [sent.signature, typeof tokenID === 'string' ? tokenID : undefined]);
    const formatError = (what: string, cause?: unknown) =>
      new ResponseFormatError(
        `finnet getToken answered statusCode 000 ${what}`,
        {
          status: json.status,
          contentType: json.headers.get('content-type'),
          bodyExcerpt: redactText(json.text, { secrets }),
        },
        { provider: PROVIDER, ...(cause === undefined ? {} : { cause }) },
      );
    if (typeof tokenID !== 'string' || tokenID.length === 0) throw formatError('without a tokenID string');
    if (typeof tokenExpiry !== 'string') throw formatError('without a tokenExpiry string');
    let expiresAt: number;
    try {
      // tokenExpiry is on Finnet's clock: handed to the token manager on this machine's.
      expiresAt = parseFinnetExpiry(tokenExpiry).getTime() - corrected.offsetMs();
    } catch (cause) {
      throw formatError(
        `with a tokenExpiry (${JSON.stringify(redactText(tokenExpiry, { secrets, limit: 40 }))}) that is not ${FINNET_EXPIRY_FORMAT}`,
        cause,
      );
    }
    // The core refuses a tokenExpiry already past, or too far ahead, naming the field.
    return {
      token: tokenID,
      expiresAt,
      data: { tokenExpiry },
      fields: { token: 'tokenID', lifetime: 'tokenExpiry' },
    };
  }

  async function sign(params: FinnetRequestParams): Promise<FinnetSignedRequest> {
    const { fields, transNumber, context } = prepare('sign', params);
    const token = await tokens.getToken();
    return build(fields, token.token, transNumber, context);
  }

  /** Checks the caller's fields; returns them without transNumber, and the transNumber if given. */
  function prepare(
    method: 'sign' | 'request',
    params: FinnetRequestParams,
    path?: string,
  ): { fields: Record<string, string>; transNumber: string | undefined; context: string } {
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      throw new TypeError(`[@org/finnet-auth] FinnetAuth.${method}: params must be an object of string fields`);
    }
    // A field explicitly set to undefined counts as absent (e.g. `transNumber: maybeId`).
    const given = definedFields(params);
    const { requestType } = given;
    if (typeof requestType !== 'string' || requestType.length === 0) {
      throw new InputError(
        'ERR_INVALID_INPUT',
        `FinnetAuth.${method}: field "requestType" must be a non-empty string (e.g. 'widgetTopUp')`,
        { field: 'requestType' },
        { provider: PROVIDER },
      );
    }
    const context = `finnet ${requestType}`;
    if (requestType === 'getToken') {
      throw new InputError(
        'ERR_INVALID_INPUT',
        `${context}: getToken is sent by getToken(), not by ${method}()`,
        { field: 'requestType' },
        { provider: PROVIDER },
      );
    }
    for (const field of COMPUTED_FIELDS) {
      if (Object.hasOwn(given, field)) {
        throw new InputError(
          'ERR_INVALID_INPUT',
          `${context}: field "${field}" is computed by the client; do not pass it`,
          { field },
          { provider: PROVIDER },
        );
      }
    }
    validateFields(given, requestType, context, path);
    const { transNumber, ...fields } = given as Record<string, string>;
    return { fields, transNumber, context };
  }

  /**
   * One attempt of a `ky` or `fetch` widget call: the caller's JSON fields, checked, completed
   * with the current token, a fresh reqDtime and transNumber, and signed.
   */
  async function buildCall({ url, body }: { url: URL; body: Uint8Array }) {
    let params: unknown;
    try {
      params = JSON.parse(decodeUtf8(body));
    } catch {
      params = undefined;
    }
    if (!isRecord(params)) {
      throw new InputError(
        'ERR_INVALID_INPUT',
        'finnet: the body of a ky or fetch widget call must be a JSON object of the call fields, e.g. { requestType, phoneNumber }',
        { field: 'body' },
        { provider: PROVIDER },
      );
    }
    const { fields, transNumber, context } = prepare('request', params as FinnetRequestParams, url.pathname);
    const token = await tokens.getToken();
    const sent = await build(fields, token.token, transNumber, context);
    return { body: sent.body, secrets: [sent.signature, token.token], token: token.token };
  }
  const dropToken = async (_rejected: unknown, built: { token?: string | undefined }) => {
    log(logger, 'info', 'finnet rejected the tokenID: fetching a new token and sending once more');
    await tokens.invalidate(built.token);
  };
  const describeCallAnswers = describeAnswers(true, () => undefined);
  const ky = http.signed({
    build: buildCall,
    sign: () => ({}),
    describeFailure: describeCallAnswers,
    onTokenRejected: dropToken,
  });
  const fetch = createSigningFetch({
    provider: PROVIDER,
    baseUrl,
    ...httpClientOptionsOf(parsed),
    retry: parsed.requestRetry,
    build: buildCall,
    sign: () => callHeaders,
    checkSuccessBodies: true,
    isTokenRejected: ({ status, body }) => rejectsToken(status, body),
    clockCorrection: corrected,
    isTimestampRejected: ({ body }) => rejectsReqDtime(statusFields(body).statusDesc),
    onTokenRejected: dropToken,
  });

  return {
    getToken: (getOptions) => tokens.getToken(getOptions),
    ky,
    fetch,
    signRequest: (params) => sign(params),

    sign: (params) => sign(params),

    async request<T extends FinnetResponseBody = FinnetResponseBody>(
      path: string,
      params: FinnetRequestParams,
      requestOptions: FinnetRequestOptions = {},
    ): Promise<FinnetResponse<T>> {
      if (typeof path !== 'string') throw new TypeError('[@org/finnet-auth] FinnetAuth.request: path must be a string');
      if (!path.startsWith('/')) {
        throw new InputError(
          'ERR_INVALID_INPUT',
          'FinnetAuth.request: path must start with "/" (e.g. /apicobrand/widget/topup)',
          { field: 'path' },
          { provider: PROVIDER },
        );
      }
      const { fields, transNumber, context } = prepare('request', params, path);
      const signal = requestOptions.signal;
      const tokenOptions = signal === undefined ? undefined : { signal };

      // The token goes in the body, so every attempt (an ordinary retry, and the one re-send
      // after a rejection, both done by the core) reads the token manager and signs over the
      // token it gets.
      let token: AccessToken | undefined;
      let sent: FinnetSignedRequest | undefined;
      const json = await http.requestJson({
        method: 'POST',
        path,
        signal,
        build: async () => {
          token = await tokens.getToken(tokenOptions);
          sent = await build(fields, token.token, transNumber, context);
          return { body: sent.body, secrets: [sent.signature, token.token] };
        },
        describeFailure: describeAnswers(true, () => sent),
        onTokenRejected: async () => {
          log(logger, 'info', 'finnet rejected the tokenID: fetching a new token and sending once more', {
            requestType: fields.requestType,
          });
          await tokens.invalidate(token);
        },
      });
      const request = sent as FinnetSignedRequest;
      return {
        status: json.status,
        data: json.data as T,
        requestType: request.requestType,
        reqDtime: request.reqDtime,
        transNumber: request.transNumber,
      };
    },

    invalidateToken: (token) => tokens.invalidate(token),
  };
}

/**
 * Finnet publishes no error codes: a refused `reqDtime` is recognised by its description naming
 * the field (or the request time) with a word for "out of its window" (the sandbox's `E05`
 * "reqDtime outside the allowed window"). A `reqDtime` in the wrong format is not one.
 */
function rejectsReqDtime(statusDesc: string | undefined): boolean {
  if (statusDesc === undefined || !/reqDtime|request (date ?)?time/i.test(statusDesc)) return false;
  return /window|expired|stale|skew|outside|too old|too far|out of range|late|early/i.test(statusDesc);
}
