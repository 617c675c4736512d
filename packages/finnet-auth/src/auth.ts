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
  createHttpClient,
  createTokenManager,
  encodeUtf8,
  formatCompactTimestamp,
  type GetTokenOptions,
  type HmacKey,
  type HttpClient,
  httpClientOptionsOf,
  InputError,
  isProviderError,
  isRecord,
  JAKARTA_OFFSET,
  type JsonResponse,
  log,
  ProviderError,
  type ProviderErrorDescription,
  ResponseFormatError,
  type RetryOptions,
  redactText,
  toBase64,
  tokenManagerOptionsOf,
  validateOptions,
} from '@org/signing-core';
import { bodyWith, definedFields } from './body-fields.js';
import { FINNET_EXPIRY_FORMAT, parseFinnetExpiry } from './expiry.js';
import { assertTransNumber, validateFields } from './fields.js';
import { type FinnetAuthOptions, finnetAuthOptionsSchema } from './options.js';
import { FINNET_DEVELOPMENT_URL, FINNET_TOKEN_PATH, PACKAGE_NAME, PROVIDER } from './provider.js';
import { hexKeyText, importFinnetKey, signWithKey } from './signature.js';
import { type FinnetSignedRequest, SignedFinnetRequest } from './signed-request.js';
import { type FinnetAnswer, isFinnetTokenRejected } from './token-rejection.js';
import { defaultTransNumber } from './trans-number.js';

/** The caller's fields of a widget call: `requestType` plus the call's own fields (e.g. `phoneNumber`). */
export interface FinnetRequestParams {
  /** e.g. `widgetTopUp`. */
  readonly requestType: string;
  /** Optional: your own transNumber (1 to 100 letters or digits); by default one is generated. */
  readonly transNumber?: string | undefined;
  readonly [field: string]: string | undefined;
}

/** A successful Finnet answer (`statusCode` `"000"`). */
export interface FinnetResponseBody {
  readonly statusCode: string;
  readonly statusDesc?: string;
  readonly processingTime?: number;
  readonly [field: string]: unknown;
}

/** What `request()` resolves to. */
export interface FinnetResponse<T extends FinnetResponseBody = FinnetResponseBody> {
  /** HTTP status. */
  readonly status: number;
  /** The answer's JSON body, as received. */
  readonly data: T;
  readonly requestType: string;
  /** The `reqDtime` of the attempt that succeeded. */
  readonly reqDtime: string;
  /** The `transNumber` of the attempt that succeeded (keep it for reconciliation). */
  readonly transNumber: string;
}

export interface FinnetRequestOptions {
  /** Aborts the call (and this caller's wait for a token). */
  signal?: AbortSignal | undefined;
}

export interface FinnetAuth {
  /** A valid tokenID (`.token`): cached until `tokenExpiry` minus a margin, refreshed ahead, one fetch at a time. */
  getToken(options?: GetTokenOptions): Promise<AccessToken>;
  /**
   * Completes and signs a widget-call body for your own HTTP client: adds `tokenID`,
   * `reqDtime`, `transNumber` (unless given) and `signature`, after checking the fields.
   */
  sign(params: FinnetRequestParams): Promise<FinnetSignedRequest>;
  /**
   * Signs and POSTs a widget call (e.g. `'/apicobrand/widget/topup'`). When the answer says the
   * tokenID is invalid (`isTokenRejected`), fetches a new token and sends once more.
   */
  request<T extends FinnetResponseBody = FinnetResponseBody>(
    path: string,
    params: FinnetRequestParams,
    options?: FinnetRequestOptions,
  ): Promise<FinnetResponse<T>>;
  /** Drops a token Finnet rejected (pass it, so a newer token is kept), for callers using `sign()`. */
  invalidateToken(token?: AccessToken | string): Promise<void>;
}

/** Fields the client computes: a caller passing them is told so. */
const COMPUTED_FIELDS = ['signature', 'reqDtime', 'tokenID'] as const;

function tokenRetryPolicy(retry: RetryOptions | number | undefined): RetryOptions {
  if (typeof retry === 'number') return { limit: retry, methods: ['post'] };
  return { methods: ['post'], ...(retry ?? {}) };
}

function statusFields(body: unknown): { statusCode: string | undefined; statusDesc: string | undefined } {
  if (!isRecord(body)) return { statusCode: undefined, statusDesc: undefined };
  const { statusCode, statusDesc } = body;
  return {
    statusCode: typeof statusCode === 'string' ? statusCode : undefined,
    statusDesc: typeof statusDesc === 'string' ? statusDesc : undefined,
  };
}

const HEX_64 = /^[0-9A-Fa-f]{64}$/;

export function createFinnetAuth(options: FinnetAuthOptions): FinnetAuth {
  const parsed = validateOptions(PACKAGE_NAME, finnetAuthOptionsSchema, options);
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

  // Everything that must never show up in an error: handed to the core (`secrets`), which scrubs
  // the codes, messages and excerpts of the errors it builds, and used for the errors built here.
  // The Basic credentials are listed although the core also scrubs a request's Authorization
  // value: it does that only for the errors it builds from a response, not for the 2xx failures
  // and format errors built here from `secrets` alone (the secrets test echoes them in one).
  // Tokens and signatures travel in the body, where the core cannot see them: each attempt's
  // body builder hands its signature and tokenID to the core with the body (per call, at any
  // concurrency), and the errors built here scrub those of their own call. Tokens handed out
  // are also remembered, for errors of calls that did not carry them.
  const fixedSecrets = [
    secretKey,
    hexKeyText(secretKey, 'lower'),
    hexKeyText(secretKey, 'upper'),
    password,
    basic?.slice('Basic '.length),
  ].filter((value): value is string => value !== undefined);
  const recent: string[] = [];
  const remember = (value: string) => {
    recent.push(value);
    if (recent.length > 32) recent.shift();
  };
  const secrets = () => [...fixedSecrets, ...recent];
  /** The in-body secrets of one attempt: its signature and the tokenID it carried. */
  const secretsOf = (sent: SignedFinnetRequest): string[] =>
    [sent.signature, sent.fields.tokenID].filter((value): value is string => typeof value === 'string');
  /** A provider text with every secret of the client and of the attempt `sent` scrubbed. */
  const scrubbed = (text: string, sent: SignedFinnetRequest, limit?: number) =>
    redactText(text, { secrets: [...secrets(), ...secretsOf(sent)], ...(limit === undefined ? {} : { limit }) });

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

  /**
   * A failed answer as `statusCode`, `statusDesc` and "is the tokenID rejected", or `undefined`
   * when the body has neither field. The one place that reads a failure: the core calls it for
   * non-2xx answers (`describeError`; it scrubs code and message itself), `check()` for 2xx ones.
   */
  const describe =
    (carriesToken: boolean) =>
    ({ status, body }: { status: number; body: unknown }): ProviderErrorDescription | undefined => {
      const { statusCode, statusDesc } = statusFields(body);
      if (statusCode === undefined && statusDesc === undefined) return undefined;
      return {
        providerCode: statusCode,
        providerMessage: statusDesc,
        tokenRejected: carriesToken && tokenRejected({ status, statusCode, statusDesc, body }),
      };
    };
  const describeToken = describe(false);
  const describeCall = describe(true);

  const common = {
    provider: PROVIDER,
    baseUrl,
    ...httpClientOptionsOf(parsed),
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(basic === undefined ? {} : { authorization: basic }),
    },
    secrets,
  };
  const tokenHttp = createHttpClient({
    ...common,
    retry: tokenRetryPolicy(parsed.tokenRetry),
    describeError: describeToken,
  });
  const requestHttp = createHttpClient({ ...common, retry: parsed.requestRetry, describeError: describeCall });

  /** One attempt's body: one clock reading, one reqDtime, one transNumber, signed over exactly these fields. */
  async function build(
    fields: Readonly<Record<string, string>>,
    token: string | undefined,
    fixedTransNumber: string | undefined,
    context: string,
  ): Promise<SignedFinnetRequest> {
    const now = clock();
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
    return new SignedFinnetRequest({ ...body, signature });
  }

  /** POSTs a body the core builds afresh for every attempt; returns the JSON answer and the attempt that got it. */
  async function post(
    http: HttpClient,
    path: string,
    make: () => Promise<SignedFinnetRequest>,
    signal: AbortSignal | undefined,
  ): Promise<{ json: JsonResponse; request: SignedFinnetRequest }> {
    let sent: SignedFinnetRequest | undefined;
    const json = await http.requestJson({
      method: 'POST',
      path,
      body: async () => {
        sent = await make();
        return { body: sent.body, secrets: secretsOf(sent) };
      },
      signal,
    });
    // requestJson has built at least the first attempt's body before it resolves.
    return { json, request: sent as SignedFinnetRequest };
  }

  /** Why the expected signature a (dev) server put in its answer differs from ours, without showing it. */
  async function signatureHint(body: Record<string, unknown>, sent: SignedFinnetRequest): Promise<string | undefined> {
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

  /** Success is statusCode "000"; anything else is a ProviderError carrying statusCode and statusDesc. */
  async function check(
    json: JsonResponse,
    sent: SignedFinnetRequest,
    carriesToken: boolean,
  ): Promise<Record<string, unknown>> {
    const data = json.data;
    if (!isRecord(data) || typeof data.statusCode !== 'string') {
      throw new ResponseFormatError(
        `finnet ${sent.requestType} answered HTTP ${json.status} with JSON that has no statusCode string`,
        { status: json.status, contentType: json.headers.get('content-type'), bodyExcerpt: scrubbed(json.text, sent) },
        { provider: PROVIDER },
      );
    }
    const body = data;
    const statusCode = data.statusCode;
    if (statusCode === '000') return body;
    const { providerMessage: statusDesc, tokenRejected: rejected } =
      (carriesToken ? describeCall : describeToken)({ status: json.status, body }) ?? {};
    const hint = await signatureHint(body, sent);
    // This error is built here, not by the core, so its code and message are scrubbed here.
    const code = scrubbed(statusCode, sent, 100);
    const desc = statusDesc === undefined ? undefined : scrubbed(statusDesc, sent, 100);
    throw new ProviderError(
      `finnet ${sent.requestType} failed: statusCode ${code}${desc === undefined ? '' : ` (${desc})`}${
        rejected ? '; the tokenID was rejected' : ''
      }${hint === undefined ? '' : `; ${hint}`}`,
      {
        status: json.status,
        providerCode: code,
        providerMessage: desc,
        bodyExcerpt: scrubbed(json.text, sent),
        details: {
          requestType: sent.requestType,
          reqDtime: sent.reqDtime,
          transNumber: sent.transNumber,
          ...(hint === undefined ? {} : { signatureHint: hint }),
        },
      },
      { provider: PROVIDER, code: rejected ? 'ERR_TOKEN_REJECTED' : 'ERR_PROVIDER' },
    );
  }

  const tokens = createTokenManager({
    key: parsed.cacheKey ?? `${PROVIDER}:${baseUrl}:${username ?? '-'}`,
    ...tokenManagerOptionsOf(parsed),
    clock,
    logger,
    provider: PROVIDER,
    async fetchToken() {
      const context = 'finnet getToken';
      const { json, request } = await post(
        tokenHttp,
        tokenPath,
        () => build({ requestType: 'getToken' }, undefined, undefined, context),
        undefined,
      );
      const body = await check(json, request, false);
      const formatError = (what: string, cause?: unknown) =>
        new ResponseFormatError(
          `finnet getToken answered statusCode 000 ${what}`,
          {
            status: json.status,
            contentType: json.headers.get('content-type'),
            bodyExcerpt: scrubbed(json.text, request),
          },
          { provider: PROVIDER, ...(cause === undefined ? {} : { cause }) },
        );
      const { tokenID, tokenExpiry } = body;
      if (typeof tokenID !== 'string' || tokenID.length === 0) throw formatError('without a tokenID string');
      remember(tokenID);
      if (typeof tokenExpiry !== 'string') throw formatError('without a tokenExpiry string');
      let expiresAt: number;
      try {
        expiresAt = parseFinnetExpiry(tokenExpiry).getTime();
      } catch (cause) {
        throw formatError(
          `with a tokenExpiry (${JSON.stringify(redactText(tokenExpiry, { secrets: secrets(), limit: 40 }))}) that is not ${FINNET_EXPIRY_FORMAT}`,
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
    },
  });

  /** Checks the caller's fields; returns them without transNumber, and the transNumber if given. */
  function prepare(
    method: 'sign' | 'request',
    params: FinnetRequestParams,
    path?: string,
  ): { fields: Record<string, string>; transNumber: string | undefined; context: string } {
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      throw new TypeError(`FinnetAuth.${method}: params must be an object of string fields`);
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

  return {
    getToken: (getOptions) => tokens.getToken(getOptions),

    async sign(params) {
      const { fields, transNumber, context } = prepare('sign', params);
      const token = await tokens.getToken();
      remember(token.token);
      return build(fields, token.token, transNumber, context);
    },

    async request<T extends FinnetResponseBody = FinnetResponseBody>(
      path: string,
      params: FinnetRequestParams,
      requestOptions: FinnetRequestOptions = {},
    ): Promise<FinnetResponse<T>> {
      if (typeof path !== 'string') throw new TypeError('FinnetAuth.request: path must be a string');
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
      // after a rejection) reads the token manager and signs over the token it gets.
      let token: AccessToken | undefined;
      const send = async (): Promise<FinnetResponse<T>> => {
        const { json, request } = await post(
          requestHttp,
          path,
          async () => {
            token = await tokens.getToken(tokenOptions);
            remember(token.token);
            return build(fields, token.token, transNumber, context);
          },
          signal,
        );
        const data = (await check(json, request, true)) as T;
        return {
          status: json.status,
          data,
          requestType: request.requestType,
          reqDtime: request.reqDtime,
          transNumber: request.transNumber,
        };
      };

      try {
        return await send();
      } catch (error) {
        // The core's refresh-and-retry-once lives in `signed()`, which re-signs headers but resends
        // the same body; Finnet's tokenID is in the body, so the re-send is done here.
        if (!isProviderError(error) || error.code !== 'ERR_TOKEN_REJECTED' || token === undefined) throw error;
        log(logger, 'info', 'finnet rejected the tokenID: fetching a new token and sending once more', {
          requestType: fields.requestType,
          statusCode: error.providerCode,
        });
        await tokens.invalidate(token);
        return send();
      }
    },

    invalidateToken: (token) => tokens.invalidate(token),
  };
}
