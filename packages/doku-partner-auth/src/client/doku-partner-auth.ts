/**
 * `createDokuPartnerAuth(options)`: the DOKU Partner API token (Generate Token), cached and
 * refreshed by the core token manager, and DOKU's non-SNAP signature on every request,
 * computed per attempt over the exact bytes sent.
 */
import {
  type AccessToken,
  type AuthFetch,
  createTokenManager,
  describeType,
  formatUtcTimestamp,
  type GetTokenOptions,
  type HmacKey,
  InputError,
  importHmacKey,
  type RequestSigningAuth,
  randomUuid,
  redactText,
  SecretSet,
  type TokenResult,
} from '@org/signing-core';
import {
  createHttpClient,
  createSignedRequest,
  createSigningFetch,
  readJson,
  type SignedRequestOf,
  type SigningContext,
  tokenRequestRetry,
} from '@org/signing-core/provider-kit';
import type { KyInstance, Options } from 'ky';
import { DOKU_PARTNER_TOKEN_PATH, MAX_REQUEST_ID_LENGTH, PROVIDER } from '../protocol/constants.js';
import { describeDokuError } from '../protocol/describe-error.js';
import { dokuSignedHeaders } from '../protocol/headers.js';
import { type DokuRequestBody, serializeBody } from '../protocol/request-body.js';
import { dokuSignature } from '../protocol/signature.js';
import { parseDokuTokenResponse } from '../protocol/token-response.js';
import {
  type DokuRequestIdentity,
  type DokuResponseSignatureMode,
  verifyDokuResponse,
} from '../protocol/verify-response.js';
import { type DokuPartnerAuthOptions, type DokuRequestTargetMode, resolveOptions } from './options.js';
import {
  type DokuNotification,
  type VerifyDokuNotificationOptions,
  verifyDokuNotification,
} from './verify-notification.js';

export interface DokuSignRequestOptions {
  /** HTTP method, e.g. `POST` or `GET`. */
  readonly method: string;
  /** Path (and query) relative to the base URL, starting with `/`, e.g. `/adv-core-api/partner/v1.0/file`. */
  readonly target: string;
  /** The body, serialised once; omit it for GET/DELETE (then there is no `Digest` line). */
  readonly body?: DokuRequestBody | undefined;
  /** Add `Authorization: Bearer <Partner API token>` (fetching the token if needed). Default `false`. */
  readonly withToken?: boolean | undefined;
  /**
   * The `Request-Id` to sign. Default: a new one. Pass the `requestId` of the first signing to
   * re-sign a retry of the same call (fresh timestamp and signature, same id), so DOKU can tell
   * the retry from a new request.
   */
  readonly requestId?: string | undefined;
}

/**
 * The `Request-Id` of one logical call, kept in its per-call context: every attempt (retries,
 * and the re-send after a rejected token) is signed over the same id, with a fresh timestamp
 * and signature. DOKU's Request-Id is there "to protect duplicate request": a new id on a
 * retried call would make the retry look like a second request.
 */
const CALL_REQUEST_ID = Symbol('dokuCallRequestId');

function callIdOf(context: Readonly<Record<string | symbol, unknown>> | undefined): string | undefined {
  const id = context?.[CALL_REQUEST_ID];
  return typeof id === 'string' ? id : undefined;
}

/** The public fields of a {@link DokuSignedRequest}, besides `method`, `headers` and `body`. */
export interface DokuSignedRequestInfo {
  /** Absolute URL: the base URL followed by `target`. */
  readonly url: string;
  /** The target as given (path, and query if any). */
  readonly target: string;
  /** The `Request-Target` that was signed (path only, unless `requestTarget: 'path-and-query'`). */
  readonly requestTarget: string;
  readonly clientId: string;
  /** The `Request-Id` of this request (the `requestId` given, else a new one). */
  readonly requestId: string;
  /** The `Request-Timestamp` of this request (the same string in the header and the signature). */
  readonly timestamp: string;
}

/**
 * One signed request: send `body` with `headers` to `url` using `method`, once. The core's
 * `SignedRequest`: `Signature` and `Authorization` never print (`JSON.stringify`,
 * `util.inspect`, `String`), neither from the request nor from its `headers`.
 */
export type DokuSignedRequest = SignedRequestOf<DokuSignedRequestInfo> & {
  /** The exact body bytes that were hashed: send these, unchanged. `null` when there is no body (as `fetch` expects). */
  readonly body: Uint8Array<ArrayBuffer> | null;
};

/**
 * Per-request options of {@link DokuPartnerAuth.ky}, given as ky's `context`:
 * `doku.ky.get(path, { context: { withToken: false } })`.
 */
export interface DokuKyOptions {
  /** Add the Partner API bearer token (and refresh it once on 401). Default `true`. */
  readonly withToken?: boolean | undefined;
  /** Override the factory's `responseSignature` for this instance. */
  readonly responseSignature?: DokuResponseSignatureMode | undefined;
}

/** What `createDokuPartnerAuth` returns: the core's provider shape (`TokenAuth`), plus DOKU's own calls. */
export interface DokuPartnerAuth extends RequestSigningAuth<DokuSignRequestOptions, DokuSignedRequest> {
  /** The Client-Id every request carries. */
  readonly clientId: string;
  /** The resolved base URL (`test`/`production` presets expanded). */
  readonly baseUrl: string;
  /** A valid Partner API token: cached, refreshed ahead of expiry, one request for all concurrent callers. */
  getToken(options?: GetTokenOptions): Promise<AccessToken>;
  /** Drops a token DOKU rejected (only if it is still the current one); the next call fetches a new one. */
  invalidateToken(token?: AccessToken | string): Promise<void>;
  /** Signs one request: exact body bytes and the headers to send with them. Call it again for a retry. */
  signRequest(options: DokuSignRequestOptions): Promise<DokuSignedRequest>;
  /**
   * Verifies DOKU's signature on a response to `request` (e.g. a `DokuSignedRequest`).
   * `required` defaults to `true` (a response without `Signature` is refused).
   */
  verifyResponse(response: Response, request: DokuRequestIdentity, options?: { required?: boolean }): Promise<boolean>;
  /**
   * Verifies a notification DOKU sent to you, with this client's secret key, checking that
   * `Client-Id` is this client's; see {@link verifyDokuNotification}. Reported to the client's
   * `onEvent` and `telemetry` (`notification.verify`, `signature.failed`) unless the call gives its own.
   */
  verifyNotification(
    request: Request,
    options?: Omit<VerifyDokuNotificationOptions, 'secretKey'>,
  ): Promise<DokuNotification>;
  /**
   * A ky instance for Partner API calls: signs every attempt afresh (new Request-Timestamp,
   * Digest over that attempt's bytes, the call's one Request-Id), adds the bearer token, fetches a new
   * token and retries once on 401, and verifies DOKU's response signature per `responseSignature`.
   */
  readonly ky: KyInstance;
  /**
   * A `fetch` for Partner API calls, signed like {@link DokuPartnerAuth.ky} (per-request
   * `context: { withToken, responseSignature }` in `init`), with one refresh and retry on a 401
   * to a call that carried the token. It resolves with DOKU's answer whatever its status, after
   * checking the response signature per `responseSignature` (a bad one is a `SignatureError`).
   */
  readonly fetch: AuthFetch;
  /**
   * {@link DokuPartnerAuth.ky} with other defaults for its per-request `context`, e.g.
   * `createKy({ withToken: false })`: the same as passing that `context` on every call.
   */
  createKy(options?: DokuKyOptions): KyInstance;
}

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
const NO_BODY_METHODS = new Set(['GET', 'HEAD']);

/**
 * Creates the DOKU Partner API client. Options are validated at once.
 *
 * @throws {ConfigError} listing every invalid option.
 */
export function createDokuPartnerAuth(options: DokuPartnerAuthOptions): DokuPartnerAuth {
  const o = resolveOptions(options);
  const { clientId, baseUrl, clock } = o;
  let hmacKey: Promise<HmacKey> | undefined;
  const secretKey = (): Promise<HmacKey> => {
    hmacKey ??= importHmacKey('SHA-256', o.secretKey.reveal());
    return hmacKey;
  };

  const tokens = createTokenManager({
    key: `${PROVIDER}:${baseUrl}:${clientId}`,
    fetchToken: () => fetchToken(),
    ...o.lifecycle,
    clock,
    provider: PROVIDER,
  });

  /**
   * Secrets the core client scrubs from provider texts (body excerpts, provider code and message)
   * on top of what it finds itself (the credentials of every attempt of a call, the rejected
   * token included): the secret key, and the tokens handed out lately.
   */
  const secrets = () => new SecretSet([o.secretKey], tokens.recentTokens());
  const http = createHttpClient({
    provider: PROVIDER,
    baseUrl,
    ...o.transport,
    retry: o.retry,
    describeError: describeDokuError,
    secrets,
    clockCorrection: o.clockCorrection,
  });

  function requestTargetOf(url: URL, mode: DokuRequestTargetMode = o.requestTarget): string {
    return mode === 'path-and-query' ? url.pathname + url.search : url.pathname;
  }

  function nextRequestId(): string {
    const id = o.requestId ? o.requestId() : randomUuid();
    if (typeof id !== 'string' || id.length > MAX_REQUEST_ID_LENGTH || !VISIBLE_ASCII.test(id)) {
      throw new InputError(
        'ERR_INVALID_INPUT',
        `the requestId option must return 1 to ${MAX_REQUEST_ID_LENGTH} visible ASCII characters`,
        { field: 'requestId' },
        { provider: PROVIDER },
      );
    }
    return id;
  }

  /** A caller's own Request-Id header, checked like a generated one. */
  function ownRequestId(id: string): string {
    if (id.length === 0 || id.length > MAX_REQUEST_ID_LENGTH || !VISIBLE_ASCII.test(id)) {
      throw new InputError(
        'ERR_INVALID_INPUT',
        `a Request-Id header must be 1 to ${MAX_REQUEST_ID_LENGTH} visible ASCII characters`,
        { field: 'Request-Id' },
        { provider: PROVIDER },
      );
    }
    return id;
  }

  /** The Request-Id of one logical call: the caller's own header, else a new one. */
  function callRequestId(own: string | null | undefined): string {
    return own === null || own === undefined ? nextRequestId() : ownRequestId(own);
  }

  /**
   * Headers for one attempt: token first (it may take a while), then a fresh timestamp and
   * signature over the call's one Request-Id.
   */
  async function signParts(input: {
    requestTarget: string;
    body: Uint8Array | undefined;
    withToken: boolean;
    requestId: string;
  }) {
    let authorization: string | undefined;
    if (input.withToken) {
      authorization = (await tokens.getToken()).authorization;
    }
    const { requestId } = input;
    // The corrected clock: a Request-Timestamp the provider refused taught it its offset.
    const timestamp = formatUtcTimestamp(o.clockCorrection.now());
    const signature = await dokuSignature({
      clientId,
      requestId,
      timestamp,
      target: input.requestTarget,
      body: input.body,
      secretKey: await secretKey(),
    });
    const headers = dokuSignedHeaders({ clientId, requestId, timestamp, signature });
    if (authorization !== undefined) headers.Authorization = authorization;
    return { headers, requestId, timestamp };
  }

  async function checkResponse(
    response: Response,
    identity: DokuRequestIdentity,
    mode: DokuResponseSignatureMode,
  ): Promise<void> {
    if (mode === 'off') return;
    const signed = response.headers.get('Signature') !== null;
    // `require` applies to successful answers; an unsigned error (a proxy's 502) stays a ProviderError.
    if (!signed && (mode === 'verify-if-present' || !response.ok)) return;
    await verifyDokuResponse(response, { secretKey: await secretKey(), request: identity, required: true });
  }

  async function fetchToken(): Promise<TokenResult> {
    const body = JSON.stringify(
      o.validTimeMinutes === undefined
        ? { grant_type: 'client_credentials' }
        : { grant_type: 'client_credentials', valid_time: String(o.validTimeMinutes) },
    );
    const requestedAt = clock();
    let identity: DokuRequestIdentity | undefined;
    // One Request-Id for the token request and all its retries.
    const requestId = nextRequestId();
    const ky = http.signed({
      retry: tokenRequestRetry(o.retry),
      sign: async (context: SigningContext) => {
        const requestTarget = requestTargetOf(context.url);
        const parts = await signParts({ requestTarget, body: context.body, withToken: false, requestId });
        identity = { clientId, requestId: parts.requestId, requestTarget };
        return parts.headers;
      },
    });
    const response = await ky.post(DOKU_PARTNER_TOKEN_PATH.slice(1), {
      body,
      headers: { 'Content-Type': 'application/json' },
    });
    if (identity) await checkResponse(response, identity, o.responseSignature);
    // The core's `readJson` redacts secret-named fields; this package's secrets are added here.
    const json = await readJson(response, PROVIDER, (text) => redactText(text, { secrets: secrets() }));
    // An absolute expiry (`expires_at`, the JWT's `exp`) is on the provider's clock: it is read
    // on the corrected clock and handed to the token manager on this machine's.
    const offset = o.clockCorrection.offsetMs();
    const parsed = parseDokuTokenResponse(json.data, {
      requestedAt: requestedAt + offset,
      now: clock() + offset,
      validTimeMinutes: o.validTimeMinutes,
      text: json.text,
      secrets: secrets(),
    });
    return offset === 0 ? parsed : { ...parsed, expiresAt: parsed.expiresAt - offset };
  }

  /** Checks the per-request options (ky's `context`) of a DOKU call. */
  function callOptions(context: Readonly<Record<string, unknown>>, where: string) {
    const withToken = context.withToken ?? true;
    const mode = context.responseSignature ?? o.responseSignature;
    const invalid = (field: string, expected: string) =>
      new InputError('ERR_INVALID_INPUT', `${where}: ${field} must be ${expected}`, { field }, { provider: PROVIDER });
    if (typeof withToken !== 'boolean') throw invalid('withToken', 'a boolean');
    if (mode !== 'off' && mode !== 'verify-if-present' && mode !== 'require') {
      throw invalid('responseSignature', "'off', 'verify-if-present' or 'require'");
    }
    return { withToken, mode: mode as DokuResponseSignatureMode };
  }

  // One instance for every call: whether a call carries the token, and so what its 401 means,
  // is the per-request `context` (`{ withToken: false }`), which the core hands to the signer
  // and to the token-rejected test.
  const defaultKy = http
    .signed({
      sign: async (context) =>
        (
          await signParts({
            requestTarget: requestTargetOf(context.url),
            body: context.body,
            withToken: callOptions(context.context, 'doku.ky').withToken,
            requestId: callIdOf(context.context) ?? callRequestId(context.headers.get('Request-Id')),
          })
        ).headers,
      // DOKU documents no finer signal than a 401 on a call that carried the token. On a call sent
      // without one, a 401 refuses the signature or the client: an ERR_PROVIDER, token kept.
      // A 401 for the Request-Timestamp is the clock, not the token (the core corrects it).
      isTokenRejected: ({ status, body }, { context }) =>
        status === 401 && context.withToken !== false && !describeDokuError({ status, body }).timestampRejected,
      onTokenRejected: async (request: Request) => {
        const header = request.headers.get('Authorization') ?? '';
        await tokens.invalidate(header.startsWith('Bearer ') ? header.slice(7) : undefined);
      },
    })
    .extend({
      hooks: {
        init: [
          (kyOptions: Options) => {
            const own = new Headers(kyOptions.headers as HeadersInit | undefined).get('Request-Id');
            kyOptions.context = { ...kyOptions.context, [CALL_REQUEST_ID]: callRequestId(own) };
          },
        ],
        afterResponse: [
          async ({ request, response, options: kyOptions }) => {
            const { mode } = callOptions(kyOptions.context, 'doku.ky');
            const requestId = request.headers.get('Request-Id');
            if (requestId === null || mode === 'off') return;
            await checkResponse(
              response,
              { clientId, requestId, requestTarget: requestTargetOf(new URL(request.url)) },
              mode,
            );
          },
        ],
      },
    });

  /** Per call: the identity of the attempt that got the answer, for the response signature check. */
  const SENT = Symbol('sent');
  const signingFetch = createSigningFetch({
    provider: PROVIDER,
    baseUrl,
    ...o.transport,
    retry: o.retry,
    sign: async ({ url, body, context, headers }) => {
      const requestTarget = requestTargetOf(url);
      const { withToken } = callOptions(context, 'doku.fetch');
      const requestId = callIdOf(context) ?? callRequestId(headers.get('Request-Id'));
      const parts = await signParts({ requestTarget, body, withToken, requestId });
      const sent = (context as Record<symbol, unknown>)[SENT] as { identity?: DokuRequestIdentity } | undefined;
      if (sent) sent.identity = { clientId, requestId: parts.requestId, requestTarget };
      return parts.headers;
    },
    isTokenRejected: ({ status, body }, { context }) =>
      status === 401 && context.withToken !== false && !describeDokuError({ status, body }).timestampRejected,
    clockCorrection: o.clockCorrection,
    isTimestampRejected: (answer) => describeDokuError(answer).timestampRejected === true,
    onTokenRejected: async (headers) => {
      const header = headers.get('Authorization') ?? '';
      await tokens.invalidate(header.startsWith('Bearer ') ? header.slice(7) : undefined);
    },
  });
  const dokuFetch: AuthFetch = async (input, init) => {
    const given = (init as { context?: Record<string, unknown> } | undefined)?.context ?? {};
    const { mode } = callOptions(given, 'doku.fetch');
    const sent: { identity?: DokuRequestIdentity } = {};
    // One Request-Id for the whole call, every retry and the re-send after a rejected token.
    const own =
      new Headers(init?.headers).get('Request-Id') ??
      (input instanceof Request ? input.headers.get('Request-Id') : null);
    const requestId = callRequestId(own);
    const response = await signingFetch(input, {
      ...init,
      context: { ...given, [SENT]: sent, [CALL_REQUEST_ID]: requestId },
    });
    if (sent.identity) await checkResponse(response, sent.identity, mode);
    return response;
  };

  function createKy(kyOptions: DokuKyOptions = {}): KyInstance {
    if (kyOptions === null || typeof kyOptions !== 'object') {
      throw new TypeError(
        `[@org/doku-partner-auth] createKy: options must be an object, received ${describeType(kyOptions)}`,
      );
    }
    const context = {
      ...(kyOptions.withToken === undefined ? {} : { withToken: kyOptions.withToken }),
      ...(kyOptions.responseSignature === undefined ? {} : { responseSignature: kyOptions.responseSignature }),
    };
    callOptions(context, 'createKy');
    return defaultKy.extend({ context });
  }

  async function signRequest(request: DokuSignRequestOptions): Promise<DokuSignedRequest> {
    if (request === null || typeof request !== 'object') {
      throw new TypeError(
        `[@org/doku-partner-auth] signRequest: expected an options object, received ${describeType(request)}`,
      );
    }
    const { method, target } = request;
    if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) {
      throw new TypeError('[@org/doku-partner-auth] signRequest: method must be an HTTP method name such as "POST"');
    }
    if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || /[\s#]/.test(target)) {
      throw new TypeError(
        '[@org/doku-partner-auth] signRequest: target must be a path (and query) starting with "/", without spaces or #',
      );
    }
    const upper = method.toUpperCase();
    const serialized = request.body === undefined ? undefined : await serializeBody(request.body);
    if (serialized !== undefined && NO_BODY_METHODS.has(upper)) {
      throw new InputError(
        'ERR_INVALID_INPUT',
        `signRequest: a ${upper} request cannot carry a body`,
        {
          field: 'body',
        },
        { provider: PROVIDER },
      );
    }
    const url = new URL(baseUrl + target);
    const requestTarget = requestTargetOf(url);
    const parts = await signParts({
      requestTarget,
      body: serialized?.bytes,
      withToken: request.withToken === true,
      requestId: request.requestId === undefined ? nextRequestId() : ownRequestId(request.requestId),
    });
    const headers = { ...parts.headers };
    if (serialized?.contentType !== undefined) headers['Content-Type'] = serialized.contentType;
    return createSignedRequest({
      kind: 'DokuSignedRequest',
      method: upper,
      headers,
      body: serialized?.bytes ?? null,
      info: {
        url: url.href,
        target,
        requestTarget,
        clientId,
        requestId: parts.requestId,
        timestamp: parts.timestamp,
      },
      secrets: [parts.headers.Signature, parts.headers.Authorization?.slice('Bearer '.length)],
    }) as DokuSignedRequest;
  }

  // The client's onEvent and telemetry (combined once) report its notification verifications too.
  const clientEvents = o.transport.onEvent;

  return Object.freeze({
    clientId,
    baseUrl,
    getToken: (getOptions?: GetTokenOptions) => tokens.getToken(getOptions),
    invalidateToken: (token?: AccessToken | string) => tokens.invalidate(token),
    signRequest,
    async verifyResponse(response: Response, request: DokuRequestIdentity, verifyOptions: { required?: boolean } = {}) {
      return verifyDokuResponse(response, {
        secretKey: await secretKey(),
        request,
        required: verifyOptions.required ?? true,
      });
    },
    async verifyNotification(request: Request, notifyOptions: Omit<VerifyDokuNotificationOptions, 'secretKey'> = {}) {
      return verifyDokuNotification(request, {
        clientId,
        clock,
        // The client's onEvent and telemetry, unless the call gives its own.
        ...(clientEvents === undefined || notifyOptions.onEvent !== undefined || notifyOptions.telemetry !== undefined
          ? {}
          : { onEvent: clientEvents }),
        ...notifyOptions,
        secretKey: await secretKey(),
      });
    },
    ky: defaultKy,
    fetch: dokuFetch,
    createKy,
  });
}
