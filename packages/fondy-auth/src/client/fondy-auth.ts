/**
 * `createFondyAuth(options)`: the Fondy / Flitt application access token, fetched with a
 * SHA-512 signature, cached for `expires_in` (minus a margin), refreshed ahead of expiry,
 * fetched once for any number of concurrent callers; and clients that send it as
 * `Authorization: Token <token>` and refresh it once when the API says `Invalid auth token`.
 */
import {
  type AccessToken,
  createTokenManager,
  type GetTokenOptions,
  isProviderError,
  SecretSet,
  type TokenAuth,
  type TokenResult,
} from '@org/signing-core';
import {
  createHttpClient,
  createSigningFetch,
  rewordProviderError,
  tokenRequestRetry,
} from '@org/signing-core/provider-kit';
import type { KyInstance } from 'ky';

/** `fetch` with Fondy's token. Relative paths are appended to `apiBaseUrl`. */
export type FondyFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

import { FONDY_REQUEST_HEADERS, PROVIDER, TOKEN_PATH, TOKEN_SCHEME } from '../protocol/constants.js';
import { formatFondyDate } from '../protocol/date-format.js';
import {
  describeFondyError,
  describeFondySuccessFailure,
  describeFondyTokenFailure,
  readApiError,
} from '../protocol/provider-errors.js';
import { fondyTokenRequestBody } from '../protocol/token-request.js';
import { parseTokenAnswer } from '../protocol/token-response.js';
import { fondyTokenSignature } from '../protocol/token-signature.js';
import { createAuthorizedKy } from './authorized-ky.js';
import { type FondyAuthOptions, resolveOptions } from './options.js';

/** What `createFondyAuth` returns: the core's provider shape (`TokenAuth`), plus Fondy's own fields. */
export interface FondyAuth extends TokenAuth {
  /** The application id, as sent (a string). */
  readonly applicationId: string;
  /** The token host. */
  readonly baseUrl: string;
  /** The base URL of `ky` and `fetch`. */
  readonly apiBaseUrl: string;
  /**
   * A valid application token: cached, or fetched once for all concurrent callers. Its
   * `tokenType` is `Token`, so `token.authorization` is the header value.
   */
  getToken(options?: GetTokenOptions): Promise<AccessToken>;
  /** `Token <token>`: the value of the `Authorization` header Fondy expects. */
  authorizationHeader(options?: GetTokenOptions): Promise<string>;
  /**
   * Drops a token the API rejected, so the next call fetches a new one. Pass the rejected token
   * (or its text): a token another caller already replaced is then kept.
   */
  invalidateToken(token?: AccessToken | string): Promise<void>;
  /**
   * ky for the API host (`apiBaseUrl`): adds the token to every attempt, refreshes it once on
   * `Invalid auth token`, and throws typed errors (also for `{ error, err_code }` on HTTP 200).
   */
  readonly ky: KyInstance;
  /** `fetch` with the token; refreshes once on `Invalid auth token`; returns every other answer as is. */
  readonly fetch: FondyFetch;
}

/**
 * Creates a Fondy / Flitt application-token client.
 *
 * @throws {ConfigError} listing every invalid option.
 */
export function createFondyAuth(options: FondyAuthOptions): FondyAuth {
  const resolved = resolveOptions(options);
  const { applicationId, secretKey, baseUrl, apiBaseUrl } = resolved;
  const clock = resolved.clock ?? Date.now;
  const formatDate = resolved.formatDate ?? formatFondyDate;
  /**
   * Secrets the core client scrubs from provider texts (body excerpts, provider code and message)
   * on top of what it finds itself (the `Authorization` of every attempt of a call, the rejected
   * token included, also for a 2xx answer that is not JSON):
   * - the secret key, and the tokens handed out lately.
   * A token request's signature travels in its body, not in a header: it is that request's own
   * `secrets` (scrubbed per call, at any concurrency).
   */
  const secrets = () => new SecretSet([secretKey], tokens.recentTokens());
  const http = {
    provider: PROVIDER,
    ...resolved.transport,
    retry: resolved.retry,
    describeError: describeFondyError,
    secrets,
  };
  const tokenHttp = createHttpClient({ ...http, baseUrl, describeSuccessFailure: describeFondyTokenFailure });
  const apiHttp = createHttpClient({
    ...http,
    baseUrl: apiBaseUrl,
    describeSuccessFailure: describeFondySuccessFailure,
  });
  const tokenRetry = tokenRequestRetry(resolved.retry);

  async function fetchToken(): Promise<TokenResult> {
    const obtainedAt = clock();
    const date = formatDate(new Date(obtainedAt));
    const signature = await fondyTokenSignature({ secretKey, applicationId, date });
    try {
      const answer = await tokenHttp.requestJson({
        method: 'POST',
        path: TOKEN_PATH,
        body: fondyTokenRequestBody({ applicationId, date, signature }),
        headers: FONDY_REQUEST_HEADERS,
        retry: tokenRetry,
        secrets: [signature],
      });
      return parseTokenAnswer(answer, obtainedAt, secrets().add(signature));
    } catch (error) {
      throw withCredentialsHint(error, baseUrl);
    }
  }

  const tokens = createTokenManager({
    key: `${PROVIDER}:${baseUrl}:${applicationId}`,
    fetchToken,
    ...resolved.lifecycle,
    clock,
    provider: PROVIDER,
  });

  const getToken = (getOptions?: GetTokenOptions) => tokens.getToken(getOptions);

  return Object.freeze({
    applicationId,
    baseUrl,
    apiBaseUrl,
    getToken,
    async authorizationHeader(getOptions?: GetTokenOptions) {
      return `${TOKEN_SCHEME} ${(await getToken(getOptions)).token}`;
    },
    invalidateToken: (token?: AccessToken | string) => tokens.invalidate(token),
    ky: createAuthorizedKy(apiHttp, tokens),
    // The core's signing fetch: Fondy's part is the header and what "Invalid auth token" looks
    // like (Fondy reports it inside a 200 as well). Every answer is handed back as it came.
    fetch: createSigningFetch({
      provider: PROVIDER,
      baseUrl: apiBaseUrl,
      ...resolved.transport,
      retry: resolved.retry,
      sign: async () => ({ authorization: `${TOKEN_SCHEME} ${(await tokens.getToken()).token}` }),
      isTokenRejected: ({ body }) => readApiError(body)?.tokenRejected === true,
      checkSuccessBodies: true,
      onTokenRejected: async (headers) => {
        const rejected = (headers.get('authorization') ?? '').slice(TOKEN_SCHEME.length + 1);
        await tokens.invalidate(rejected.length > 0 ? rejected : undefined);
      },
    }) as FondyFetch,
  });
}

/** A 403 from the token endpoint nearly always means wrong credentials or the wrong host: say so. */
function withCredentialsHint(error: unknown, baseUrl: string): unknown {
  if (!isProviderError(error) || (error.status !== 403 && error.providerCode !== '403')) return error;
  return rewordProviderError(
    error,
    `${error.message}: check applicationId and secretKey, and that the application is registered with ${baseUrl}`,
  );
}
