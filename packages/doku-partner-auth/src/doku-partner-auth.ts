/**
 * `createDokuPartnerAuth(options)`: the DOKU Partner API token (Generate Token), cached and
 * refreshed by the core token manager, and DOKU's non-SNAP signature on every request,
 * computed per attempt over the exact bytes sent.
 */
import {
  type AccessToken,
  createHttpClient,
  createTokenManager,
  describeType,
  formatUtcTimestamp,
  type GetTokenOptions,
  type HmacKey,
  type HttpClient,
  type HttpClientOptions,
  InputError,
  importHmacKey,
  randomUuid,
  readJson,
  redactText,
  type SigningContext,
  type TokenResult,
} from '@org/signing-core';
import type { KyInstance } from 'ky';
import { DOKU_PARTNER_TOKEN_PATH, MAX_REQUEST_ID_LENGTH, PROVIDER } from './constants.js';
import { describeDokuError } from './describe-error.js';
import { type DokuPartnerAuthOptions, type DokuRequestTargetMode, resolveOptions } from './options.js';
import { type DokuRequestBody, serializeBody } from './request-body.js';
import { dokuSignature } from './signature.js';
import { DokuSignedRequest } from './signed-request.js';
import { parseDokuTokenResponse } from './token-response.js';
import {
  type DokuNotification,
  type VerifyDokuNotificationOptions,
  verifyDokuNotification,
} from './verify-notification.js';
import { type DokuRequestIdentity, type DokuResponseSignatureMode, verifyDokuResponse } from './verify-response.js';

export interface DokuSignRequestOptions {
  /** HTTP method, e.g. `POST` or `GET`. */
  readonly method: string;
  /** Path (and query) relative to the base URL, starting with `/`, e.g. `/adv-core-api/partner/v1.0/file`. */
  readonly target: string;
  /** The body, serialised once; omit it for GET/DELETE (then there is no `Digest` line). */
  readonly body?: DokuRequestBody | undefined;
  /** Add `Authorization: Bearer <Partner API token>` (fetching the token if needed). Default `false`. */
  readonly withToken?: boolean | undefined;
}

export interface DokuKyOptions {
  /** Add the Partner API bearer token (and refresh it once on 401). Default `true`. */
  readonly withToken?: boolean | undefined;
  /** Override the factory's `responseSignature` for this instance. */
  readonly responseSignature?: DokuResponseSignatureMode | undefined;
}

export interface DokuPartnerAuth {
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
   * `Client-Id` is this client's; see {@link verifyDokuNotification}.
   */
  verifyNotification(
    request: Request,
    options?: Omit<VerifyDokuNotificationOptions, 'secretKey'>,
  ): Promise<DokuNotification>;
  /**
   * A ky instance for Partner API calls: signs every attempt afresh (new Request-Id and
   * Request-Timestamp, Digest over that attempt's bytes), adds the bearer token, fetches a new
   * token and retries once on 401, and verifies DOKU's response signature per `responseSignature`.
   */
  readonly ky: KyInstance;
  /**
   * A ky instance like {@link DokuPartnerAuth.ky}, e.g. without the bearer token (`withToken: false`).
   * One instance per mode rather than a per-request `context`: see "Why `createKy`" in the README.
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
   * token included, also for a 2xx answer that is not JSON): the secret key.
   */
  const secrets = () => [o.secretKey];
  const client = (retry: typeof o.retry, describeError: HttpClientOptions['describeError']): HttpClient =>
    createHttpClient({
      provider: PROVIDER,
      baseUrl,
      ...o.transport,
      retry,
      describeError,
      secrets,
    });
  // Token requests are POSTs that are safe to repeat: retried like idempotent calls.
  const tokenHttp = client({ ...o.retry, methods: ['post'] }, describeDokuError);
  // Calls that carry the token: a 401 means "token rejected" (DOKU documents no finer signal).
  const bearerHttp = client(o.retry, (r) => ({ ...describeDokuError(r), tokenRejected: r.status === 401 }));
  const plainHttp = client(o.retry, describeDokuError);

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

  /** Headers for one attempt: token first (it may take a while), then a fresh id and timestamp. */
  async function signParts(input: { requestTarget: string; body: Uint8Array | undefined; withToken: boolean }) {
    let authorization: string | undefined;
    if (input.withToken) {
      authorization = (await tokens.getToken()).authorization;
    }
    const requestId = nextRequestId();
    const timestamp = formatUtcTimestamp(clock());
    const signature = await dokuSignature({
      clientId,
      requestId,
      timestamp,
      target: input.requestTarget,
      body: input.body,
      secretKey: await secretKey(),
    });
    const headers: Record<string, string> = {
      'Client-Id': clientId,
      'Request-Id': requestId,
      'Request-Timestamp': timestamp,
      Signature: signature,
    };
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
    const ky = tokenHttp.signed({
      sign: async (context: SigningContext) => {
        const requestTarget = requestTargetOf(context.url);
        const parts = await signParts({ requestTarget, body: context.body, withToken: false });
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
    return parseDokuTokenResponse(json.data, {
      requestedAt,
      now: clock(),
      validTimeMinutes: o.validTimeMinutes,
      text: json.text,
      secrets: secrets(),
    });
  }

  function createKy(kyOptions: DokuKyOptions = {}): KyInstance {
    if (kyOptions === null || typeof kyOptions !== 'object') {
      throw new TypeError(`createKy: options must be an object, received ${describeType(kyOptions)}`);
    }
    const withToken = kyOptions.withToken ?? true;
    const mode = kyOptions.responseSignature ?? o.responseSignature;
    if (mode !== 'off' && mode !== 'verify-if-present' && mode !== 'require') {
      throw new TypeError("createKy: responseSignature must be 'off', 'verify-if-present' or 'require'");
    }
    const http = withToken ? bearerHttp : plainHttp;
    const signed = http.signed({
      sign: async (context) =>
        (await signParts({ requestTarget: requestTargetOf(context.url), body: context.body, withToken })).headers,
      // A 401 is "token rejected" through bearerHttp's describeError; the plain client never says so.
      ...(withToken
        ? {
            onTokenRejected: async (request: Request) => {
              const header = request.headers.get('Authorization') ?? '';
              const rejected = header.startsWith('Bearer ') ? header.slice(7) : undefined;
              await tokens.invalidate(rejected);
            },
          }
        : {}),
    });
    if (mode === 'off') return signed;
    return signed.extend({
      hooks: {
        afterResponse: [
          async ({ request, response }) => {
            const requestId = request.headers.get('Request-Id');
            if (requestId === null) return;
            await checkResponse(
              response,
              { clientId, requestId, requestTarget: requestTargetOf(new URL(request.url)) },
              mode,
            );
          },
        ],
      },
    });
  }

  async function signRequest(request: DokuSignRequestOptions): Promise<DokuSignedRequest> {
    if (request === null || typeof request !== 'object') {
      throw new TypeError(`signRequest: expected an options object, received ${describeType(request)}`);
    }
    const { method, target } = request;
    if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) {
      throw new TypeError('signRequest: method must be an HTTP method name such as "POST"');
    }
    if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || /[\s#]/.test(target)) {
      throw new TypeError('signRequest: target must be a path (and query) starting with "/", without spaces or #');
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
    const parts = await signParts({ requestTarget, body: serialized?.bytes, withToken: request.withToken === true });
    const headers = { ...parts.headers };
    if (serialized?.contentType !== undefined) headers['Content-Type'] = serialized.contentType;
    return new DokuSignedRequest({
      method: upper,
      url: url.href,
      target,
      requestTarget,
      clientId,
      requestId: parts.requestId,
      timestamp: parts.timestamp,
      body: serialized?.bytes ?? null,
      headers,
    });
  }

  const defaultKy = createKy();

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
        ...notifyOptions,
        secretKey: await secretKey(),
      });
    },
    ky: defaultKy,
    createKy,
  });
}
