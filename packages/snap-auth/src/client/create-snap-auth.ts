/**
 * `createSnapAuth(options)`: the SNAP authentication layer of a merchant.
 *
 * - `getAccessToken()`: the B2B token through the core token manager (cached, refreshed
 *   ahead of expiry in the background, one request for any number of concurrent callers);
 * - `getCustomerToken()`: B2B2C tokens, per customer, never cached here;
 * - `signRequest()`, `ky` and `fetch`: signed service calls, re-signed on every attempt, with
 *   one refresh-and-retry when the provider rejects the token (`401xx01` / `401xx03`);
 * - `verifyNotification()`: incoming notifications, asymmetric or symmetric.
 */
import {
  type AccessToken,
  ConfigError,
  createTokenManager,
  type GetTokenOptions,
  importHmacKey,
  importRsaPrivateKey,
  type RequestSigningAuth,
  type RetryOptions,
  SecretSet,
} from '@org/signing-core';
import {
  clockCorrectionOf,
  createHttpClient,
  eventHandlerOf,
  httpClientOptionsOf,
  tokenManagerOptionsOf,
  tokenRequestRetry,
} from '@org/signing-core/provider-kit';
import type { KyInstance } from 'ky';
import {
  DEFAULT_CUSTOMER_TOKEN_PATH,
  DEFAULT_TOKEN_PATH,
  DEFAULT_TOKEN_REQUEST_BODY,
  PROVIDER,
} from '../protocol/constants.js';
import type { GetCustomerTokenOptions, SnapCustomerToken, SnapCustomerTokenGrant } from '../protocol/customer-token.js';
import { describeSnapError, describeSnapSuccessFailure } from '../protocol/describe-error.js';
import { DEFAULT_EXTERNAL_ID_RULE, externalIdGenerator } from '../protocol/external-id.js';
import { relativeUrlAsSent } from '../protocol/relative-url.js';
import { timestampWriter } from '../protocol/timestamp.js';
import { type SnapAuthOptions, validateSnapAuthOptions } from './options.js';
import { createServiceSigner, type SignedSnapRequest, type SnapRequest } from './service-signer.js';
import { createSignedTransport, type SnapFetch } from './signed-transport.js';
import { createTokenRequester, type SnapTokenData } from './token-requests.js';
import {
  type VerifiedSnapNotification,
  type VerifySnapNotificationOptions,
  verifySnapNotification,
} from './verify-notification.js';

/** What `createSnapAuth` returns: the core's provider shape (`TokenAuth`), plus SNAP's own calls. */
export interface SnapAuth extends RequestSigningAuth<SnapRequest, SignedSnapRequest> {
  /** The configured client id (X-CLIENT-KEY). */
  readonly clientId: string;
  /** The configured base URL, without trailing slash. */
  readonly baseUrl: string;
  /** The B2B access token: cached, refreshed ahead of expiry, fetched once for all concurrent callers. */
  getToken(options?: GetTokenOptions): Promise<AccessToken<SnapTokenData>>;
  /** Drops a B2B token the provider rejected (pass it, so a newer token is kept). */
  invalidateToken(token?: AccessToken | string): Promise<void>;
  /** {@link SnapAuth.getToken} under SNAP's name for it (the access token). */
  getAccessToken(options?: GetTokenOptions): Promise<AccessToken<SnapTokenData>>;
  /** {@link SnapAuth.invalidateToken} under SNAP's name. */
  invalidateAccessToken(token?: AccessToken | string): Promise<void>;
  /** A B2B2C (customer) token from an auth code or a refresh token. Not cached: keep it with the customer. */
  getCustomerToken(grant: SnapCustomerTokenGrant, options?: GetCustomerTokenOptions): Promise<SnapCustomerToken>;
  /** The body to send and every header of a signed service call (for your own HTTP client). */
  signRequest(request: SnapRequest): Promise<SignedSnapRequest>;
  /**
   * ky, signing every attempt. Paths are appended to `baseUrl` (`auth.ky.post('v1.0/…', { json })`);
   * pass a `URL` object for an absolute URL. Non-2xx answers throw `ProviderError`.
   */
  readonly ky: KyInstance;
  /** A `fetch` that signs every attempt; resolves with the provider's response whatever its status. */
  readonly fetch: SnapFetch;
  /**
   * Verifies an incoming notification. Defaults: `providerPublicKey` (asymmetric) when
   * configured, else `clientSecret` (symmetric); `notificationToleranceMs`; `replayStore`; the
   * client's `onEvent` and `telemetry` (`notification.verify`, `signature.failed`), unless the
   * call gives its own.
   */
  verifyNotification(request: Request, options?: VerifySnapNotificationOptions): Promise<VerifiedSnapNotification>;
}

function retryOptions(retry: RetryOptions | number | undefined): RetryOptions {
  return typeof retry === 'number' ? { limit: retry } : { ...(retry ?? {}) };
}

/** `…/b2b` → `…/b2b2c`; anything else → the default B2B2C path. */
function customerPathFor(tokenPath: string): string {
  return /\/b2b$/.test(tokenPath) ? `${tokenPath}2c` : DEFAULT_CUSTOMER_TOKEN_PATH;
}

/**
 * Creates the SNAP authentication layer for one client of one provider.
 *
 * @throws {ConfigError} listing every invalid option.
 * @throws {KeyFormatError} when `privateKey` or `providerPublicKey` cannot be used as that RSA
 *   key (the message names the option).
 */
export function createSnapAuth(options: SnapAuthOptions): SnapAuth {
  const config = validateSnapAuthOptions(options);
  const { baseUrl, clientId } = config;
  const clock = config.clock ?? Date.now;
  // X-TIMESTAMP is written with the corrected clock: a provider that rejects it (`400xx01`
  // Invalid Field Format [X-TIMESTAMP]) teaches the offset through its Date header (the core).
  const corrected = clockCorrectionOf(config, PROVIDER);
  const tokenUrl = config.tokenUrl ?? config.tokenPath ?? DEFAULT_TOKEN_PATH;
  const customerTokenUrl = config.customerTokenUrl ?? config.customerTokenPath ?? customerPathFor(tokenUrl);
  const serviceSignature = config.serviceSignature ?? 'symmetric';
  const externalIdRule = config.externalIdRule ?? DEFAULT_EXTERNAL_ID_RULE;
  const canonicalization = config.bodyCanonicalization ?? 'minify';
  const channelOn = config.channelIdOnTokenRequests ?? 'none';
  const tokenHeaders = (kind: 'b2b' | 'b2b2c'): Readonly<Record<string, string>> => {
    const headers: Record<string, string> = { ...(config.tokenRequestHeaders ?? {}) };
    if (channelOn === 'all' || channelOn === kind) {
      if (config.channelId === undefined) {
        const expected = `the channel id: this profile sends CHANNEL-ID on ${kind === 'b2b' ? 'B2B' : 'B2B2C'} token requests`;
        throw new ConfigError(
          `[@org/snap-auth] invalid option:\n  - channelId: expected ${expected}, received undefined`,
          [{ path: 'channelId', expected, received: 'undefined' }],
          { provider: PROVIDER },
        );
      }
      headers['CHANNEL-ID'] = config.channelId;
    }
    return headers;
  };

  // Both keys were parsed by the validation above; the private key is imported once, now, and
  // reused (a key the runtime still refuses surfaces on first use as KeyFormatError).
  const privateKey = importRsaPrivateKey(config.privateKey);
  privateKey.catch(() => undefined);
  const hmacKey = config.clientSecret === undefined ? undefined : importHmacKey('SHA-512', config.clientSecret);
  hmacKey?.catch(() => undefined);

  const userRetry = retryOptions(config.retry);
  // Service calls keep the idempotent-methods rule (the core keeps the one token-rejected retry
  // even with `retry: 0`); token requests are retried as the core's policy says.
  const tokenRetry = tokenRequestRetry(userRetry);

  // The core scrubs a failed request's own Authorization* values; the client secret and the B2B
  // tokens handed out lately are listed too, for the errors of requests that did not carry them
  // (B2B2C token requests, a 2xx body read by `.json()`), where a provider may still echo them.
  const secrets = () => new SecretSet([config.clientSecret], tokens.recentTokens());
  const transportOptions = {
    provider: PROVIDER,
    baseUrl,
    ...httpClientOptionsOf(config),
    retry: userRetry,
    describeError: describeSnapError,
    secrets,
    clockCorrection: corrected,
  };
  // One client: `auth.ky` treats a failure code inside a 2xx body as a failure, token requests
  // (their own `describeFailure`) any code that is not 2xx; `auth.fetch` hands every response
  // back as it came.
  const http = createHttpClient({ ...transportOptions, describeSuccessFailure: describeSnapSuccessFailure });

  const requester = createTokenRequester({
    http,
    clientId,
    privateKey: () => privateKey,
    tokenUrl,
    customerTokenUrl,
    tokenHeaders: tokenHeaders('b2b'),
    customerTokenHeaders: () => tokenHeaders('b2b2c'),
    timestamp: timestampWriter(corrected.now, config.tokenTimestampFormat ?? config.timestampFormat),
    clock,
    grantTypeCase: config.grantTypeCase ?? 'upper',
    tokenRequestBody:
      config.tokenRequestBody ??
      (config.grantTypeField === 'grant_type' ? { grant_type: 'client_credentials' } : DEFAULT_TOKEN_REQUEST_BODY),
    retry: tokenRetry,
    secrets,
  });

  const tokens = createTokenManager({
    key: `${PROVIDER}:${baseUrl}:${clientId}`,
    fetchToken: () => requester.fetchB2bToken(),
    ...tokenManagerOptionsOf(config),
    clock,
    provider: PROVIDER,
  });

  // The client's onEvent and telemetry report its notification verifications too, unless a
  // verifyNotification call gives its own.
  const clientEvents = eventHandlerOf(config);

  const externalId = config.externalId ?? externalIdGenerator(clock, externalIdRule);
  const signer = createServiceSigner({
    mode: serviceSignature,
    privateKey: () => privateKey,
    canonicalization,
    externalIdRule,
    tokens,
    hmacKey: hmacKey === undefined ? undefined : () => hmacKey,
    baseUrl,
    partnerId: config.partnerId ?? clientId,
    channelId: config.channelId,
    origin: config.origin,
    timestamp: timestampWriter(corrected.now, config.timestampFormat),
    externalId,
    relativeUrl: config.relativeUrl ?? relativeUrlAsSent,
  });
  const transport = createSignedTransport({
    http,
    fetchOptions: {
      provider: PROVIDER,
      baseUrl,
      ...httpClientOptionsOf(config),
      retry: userRetry,
      clockCorrection: corrected,
      isTimestampRejected: (answer: { status: number; body: unknown }) =>
        describeSnapError(answer).timestampRejected === true,
    },
    signer,
    tokens,
    baseUrl,
    externalId,
    externalIdRule,
    canonicalization,
    sendsToken: serviceSignature !== 'asymmetric',
  });

  return Object.freeze({
    clientId,
    baseUrl,
    getToken: (getOptions?: GetTokenOptions) => tokens.getToken(getOptions),
    invalidateToken: (token?: AccessToken | string) => tokens.invalidate(token),
    getAccessToken: (getOptions?: GetTokenOptions) => tokens.getToken(getOptions),
    invalidateAccessToken: (token?: AccessToken | string) => tokens.invalidate(token),
    getCustomerToken: (grant: SnapCustomerTokenGrant, grantOptions?: GetCustomerTokenOptions) =>
      requester.fetchCustomerToken(grant, grantOptions),
    signRequest: (request: SnapRequest) => signer.signRequest(request),
    ky: transport.ky,
    fetch: transport.fetch,
    verifyNotification: (request: Request, verifyOptions: VerifySnapNotificationOptions = {}) => {
      // The format: the caller's, else the profile's, else the form of the key configured.
      const format =
        verifyOptions.format ??
        (verifyOptions.publicKey !== undefined
          ? 'asymmetric'
          : (config.notificationFormat ??
            (verifyOptions.clientSecret !== undefined
              ? 'symmetric'
              : config.providerPublicKey !== undefined
                ? 'asymmetric'
                : config.clientSecret !== undefined
                  ? 'symmetric'
                  : undefined)));
      const { publicKey, clientSecret, ...rest } = verifyOptions;
      const key =
        format === undefined
          ? { publicKey, clientSecret }
          : format === 'asymmetric'
            ? { publicKey: publicKey ?? config.providerPublicKey }
            : { clientSecret: clientSecret ?? config.clientSecret };
      return verifySnapNotification(request, {
        clock,
        ...(config.notificationToleranceMs === undefined ? {} : { toleranceMs: config.notificationToleranceMs }),
        ...(config.replayStore === undefined ? {} : { replayStore: config.replayStore }),
        ...(config.notifyUrl === undefined ? {} : { notifyUrl: config.notifyUrl }),
        ...(format === undefined ? {} : { format }),
        ...(config.bodyCanonicalization === undefined ? {} : { bodyCanonicalization: config.bodyCanonicalization }),
        ...(clientEvents === undefined || rest.onEvent !== undefined || rest.telemetry !== undefined
          ? {}
          : { onEvent: clientEvents }),
        ...rest,
        ...Object.fromEntries(Object.entries(key).filter(([, value]) => value !== undefined)),
      });
    },
  });
}
