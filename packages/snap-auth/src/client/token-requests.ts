/**
 * The two SNAP token requests (B2B `…/access-token/b2b` and B2B2C `…/access-token/b2b2c`):
 * headers X-TIMESTAMP, X-CLIENT-KEY and X-SIGNATURE = SHA256withRSA(`clientId|X-TIMESTAMP`),
 * signed afresh for every attempt (a retry gets a new timestamp and signature).
 *
 * The B2B2C grant (auth code or refresh token) is passed to the core as the request's
 * `secrets`, so the core scrubs it from every error of that request, including a provider
 * that echoes it in its message or in a failure `responseCode` inside HTTP 200.
 */
import {
  AccessToken,
  type Clock,
  type RetryOptions,
  type RsaPrivateKey,
  redactText,
  rsaSign,
  Secret,
  type SecretValue,
  type TokenResult,
  toBase64,
} from '@org/signing-core';
import { type HttpClient, withProvider } from '@org/signing-core/provider-kit';
import { PROVIDER } from '../protocol/constants.js';
import {
  type GetCustomerTokenOptions,
  grantBody,
  type SnapCustomerToken,
  type SnapCustomerTokenGrant,
} from '../protocol/customer-token.js';
import { describeSnapTokenAnswer, type SnapOperation, withSnapMessage } from '../protocol/describe-error.js';
import { accessTokenStringToSign } from '../protocol/string-to-sign.js';
import { readB2b2cTokenResponse, readB2bTokenResponse } from '../protocol/token-response.js';

/** What a SNAP B2B token keeps in `data`: the provider's `expiresIn`, in seconds. */
export type SnapTokenData = { readonly expiresIn: number };

export interface TokenRequesterConfig {
  /** The client's one core HTTP client; token answers are read per request ({@link describeSnapTokenAnswer}). */
  readonly http: HttpClient;
  readonly clientId: string;
  readonly privateKey: () => Promise<RsaPrivateKey>;
  /** The B2B token endpoint: a path appended to the base URL, or an absolute URL. */
  readonly tokenUrl: string;
  /** The B2B2C token endpoint, the same way. */
  readonly customerTokenUrl: string;
  /** Extra headers of B2B token requests (e.g. CHANNEL-ID). */
  readonly tokenHeaders: Readonly<Record<string, string>>;
  /** Extra headers of B2B2C token requests; throws `ConfigError` when the profile needs one that is not configured. */
  readonly customerTokenHeaders: () => Readonly<Record<string, string>>;
  readonly timestamp: () => string;
  readonly clock: Clock;
  readonly grantTypeCase: 'upper' | 'lower';
  readonly tokenRequestBody: Readonly<Record<string, unknown>>;
  readonly retry: RetryOptions;
  readonly secrets: () => Iterable<SecretValue>;
}

export interface TokenRequester {
  /** `fetchToken` for the core token manager. */
  fetchB2bToken(): Promise<TokenResult<SnapTokenData>>;
  fetchCustomerToken(grant: SnapCustomerTokenGrant, options?: GetCustomerTokenOptions): Promise<SnapCustomerToken>;
}

export function createTokenRequester(config: TokenRequesterConfig): TokenRequester {
  const { http, clientId } = config;

  const sign = async (): Promise<Record<string, string>> => {
    const timestamp = config.timestamp();
    const signature = toBase64(await rsaSign(await config.privateKey(), accessTokenStringToSign(clientId, timestamp)));
    return { 'X-TIMESTAMP': timestamp, 'X-CLIENT-KEY': clientId, 'X-SIGNATURE': signature };
  };

  async function post(
    operation: SnapOperation,
    path: string,
    body: Record<string, unknown>,
    grantSecrets: readonly string[],
    extraHeaders: Readonly<Record<string, string>>,
    signal?: AbortSignal,
  ) {
    try {
      const response = await http.requestJson({
        method: 'POST',
        path,
        body: JSON.stringify(body),
        headers: { ...extraHeaders, 'Content-Type': 'application/json' },
        sign,
        retry: config.retry,
        describeFailure: describeSnapTokenAnswer,
        secrets: grantSecrets,
        ...(signal ? { signal } : {}),
      });
      // For the shape checks of a 2xx answer (no accessToken, an unreadable expiry).
      const excerpt = redactText(response.text, { secrets: [...config.secrets(), ...grantSecrets] });
      return { response, excerpt };
    } catch (error) {
      throw withProvider(withSnapMessage(error, operation), PROVIDER);
    }
  }

  return {
    async fetchB2bToken() {
      const { response, excerpt } = await post(
        'B2B access token',
        config.tokenUrl,
        { ...config.tokenRequestBody },
        [],
        config.tokenHeaders,
      );
      const read = readB2bTokenResponse(response.data, {
        now: config.clock(),
        status: response.status,
        bodyExcerpt: excerpt,
      });
      return {
        token: read.token,
        expiresAt: read.expiresAt,
        fields: { token: 'accessToken', lifetime: 'expiresIn' },
        tokenType: read.tokenType,
        data: { expiresIn: read.expiresInSeconds },
      };
    },

    async fetchCustomerToken(grant, options = {}) {
      const { grantType, field, value } = grantBody(grant, config.grantTypeCase);
      const body: Record<string, unknown> = { grantType, [field]: value };
      if (options.additionalInfo !== undefined) body.additionalInfo = options.additionalInfo;
      const headers = config.customerTokenHeaders();
      const obtainedAt = config.clock();
      const { response, excerpt } = await post(
        'B2B2C access token',
        config.customerTokenUrl,
        body,
        [value],
        headers,
        options.signal,
      );
      const read = readB2b2cTokenResponse(response.data, {
        now: obtainedAt,
        status: response.status,
        bodyExcerpt: excerpt,
      });
      const accessToken = new AccessToken({
        token: read.token,
        expiresAt: read.expiresAt,
        obtainedAt,
        tokenType: read.tokenType,
      });
      return Object.freeze({
        accessToken,
        accessTokenExpiresAt: new Date(read.expiresAt),
        refreshToken: read.refreshToken === undefined ? undefined : new Secret(read.refreshToken),
        refreshTokenExpiresAt:
          read.refreshTokenExpiresAt === undefined ? undefined : new Date(read.refreshTokenExpiresAt),
        tokenType: read.tokenType,
        additionalInfo: read.additionalInfo,
      });
    },
  };
}
