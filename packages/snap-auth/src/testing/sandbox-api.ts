/**
 * The public shape of the SNAP sandbox: its options, the clients it knows, the notifications it
 * sends and the object `createSnapSandbox` returns.
 */
import type { KeyObject } from 'node:crypto';
import type { TokenSandbox } from '@org/signing-core/testing';

/** A client registered with the sandbox. */
export interface SnapSandboxClient {
  readonly clientId: string;
  /** Verifies the client's token-request signatures: SPKI / PKCS#1 PEM, a private key PEM (its public half is used) or a `KeyObject`. */
  readonly publicKey: string | KeyObject;
  /** HMAC-SHA512 key of the client's service-call signatures. */
  readonly clientSecret: string;
  /** X-PARTNER-ID the client must send. Default: the client id. */
  readonly partnerId?: string;
}

/**
 * The provider-specific values the sandbox plays. A preset from `snapPresets` fits as it is
 * (its other fields are ignored); an option given directly to `createSnapSandbox` wins over the
 * profile's value.
 */
export interface SnapSandboxProfile {
  /** Token path, or an absolute URL whose path the sandbox serves. */
  readonly tokenPath?: string | undefined;
  /** B2B2C token path or absolute URL. Default: `tokenPath` with its trailing `/b2b` as `/b2b2c`. */
  readonly customerTokenPath?: string | undefined;
  readonly serviceSignature?: 'symmetric' | 'asymmetric' | 'asymmetric-with-token' | undefined;
  readonly grantTypeField?: 'grantType' | 'grant_type' | undefined;
  /** The grant-type case the profile's clients send; the sandbox then accepts only that case (B2B2C). */
  readonly grantTypeCase?: 'upper' | 'lower' | undefined;
  readonly externalIdRule?: SnapSandboxOptions['externalIdRule'];
  /** How `sendNotification` signs by default. */
  readonly notificationFormat?: 'asymmetric' | 'symmetric' | 'ifortepay-notify' | undefined;
}

/** A verified service call, as a {@link SnapSandboxService} reply function receives it. */
export interface SnapSandboxCall {
  /** The request body parsed as a JSON object; undefined when empty or not an object. */
  readonly body: Readonly<Record<string, unknown>> | undefined;
  /** The body text as received. */
  readonly rawBody: string;
  readonly method: string;
  readonly path: string;
  readonly clientId: string;
  readonly partnerId: string;
  readonly externalId: string;
  /** The customer of the B2B2C token in `Authorization-Customer`, when one was sent. */
  readonly customerId: string | undefined;
  /** Request headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A service endpoint the sandbox serves. Every call is checked as a SNAP service call (headers,
 * token, signature in the profile's mode, timestamp window, external-id rule and uniqueness per
 * day); then the reply is merged into `{ responseCode: "200" + serviceCode + "00", responseMessage: "Successful" }`.
 */
export interface SnapSandboxService {
  /** The path served, exactly as the provider documents it (query strings are ignored for routing). */
  readonly path: string;
  /** Two-digit SNAP service code of the endpoint (e.g. `'27'` create VA, `'11'` balance inquiry). */
  readonly serviceCode: string;
  /** Accepted method. Default `POST`. */
  readonly method?: string;
  /**
   * The reply fields: an object, or a function of the verified call returning the fields or a
   * whole `Response` (sent as it is, e.g. to play a provider error). Default: no extra fields.
   */
  readonly reply?:
    | Readonly<Record<string, unknown>>
    | ((
        call: SnapSandboxCall,
      ) => Readonly<Record<string, unknown>> | Response | Promise<Readonly<Record<string, unknown>> | Response>);
}

export interface SnapSandboxOptions {
  readonly clients: readonly SnapSandboxClient[];
  /** The SNAP profile played, e.g. `snapPresets.midtrans.sandbox`. Default: the standard one. */
  readonly profile?: SnapSandboxProfile;
  /**
   * The service endpoints served. Default: one sample balance inquiry at `servicePath` (service
   * code `serviceCode`, any method). When given, these replace the sample.
   */
  readonly services?: readonly SnapSandboxService[];
  /** `expiresIn` of B2B tokens. Default 900. */
  readonly tokenTtlSeconds?: number;
  /** Lifetime of B2B2C access tokens. Default 900. */
  readonly customerTokenTtlSeconds?: number;
  /** Lifetime of refresh tokens. Default 86 400. */
  readonly refreshTokenTtlSeconds?: number;
  /** Lifetime of auth codes. Default 300. */
  readonly authCodeTtlSeconds?: number;
  /** Default `/v1.0/access-token/b2b`. */
  readonly tokenPath?: string;
  /** Default `/v1.0/access-token/b2b2c`. */
  readonly customerTokenPath?: string;
  /** Path of the sample service (without `services`). Default `/v1.0/balance-inquiry`. */
  readonly servicePath?: string;
  /** Service code of the sample service (without `services`). Default `11` (balance inquiry). */
  readonly serviceCode?: string;
  /** Allowed X-TIMESTAMP skew either way. Default 300 000 ms. */
  readonly timestampToleranceMs?: number;
  /** `expiresIn` as `"900"` (default, as most providers) or `900` (Onebrick). */
  readonly expiresInFormat?: 'string' | 'number';
  /** B2B2C expiry fields as ISO-8601 +07:00 timestamps (default) or seconds. */
  readonly customerExpiryFormat?: 'iso' | 'seconds';
  /** Accepted case of B2B2C grantType values. Default `'any'`. */
  readonly grantTypeCase?: 'upper' | 'lower' | 'any';
  /**
   * How service calls must be signed: `'symmetric'` (default; HMAC-SHA512 with the client secret
   * and the bearer token), `'asymmetric'` (SHA256withRSA with the client's key, no token) or
   * `'asymmetric-with-token'` (the same RSA signature, with a bearer token).
   */
  readonly serviceSignature?: 'symmetric' | 'asymmetric' | 'asymmetric-with-token';
  /** The grant-type field the B2B token endpoint reads: `'grantType'` (default) or `'grant_type'`. */
  readonly grantTypeField?: 'grantType' | 'grant_type';
  /** X-EXTERNAL-ID rule of service calls. Default: 1–36 visible ASCII characters. */
  readonly externalIdRule?:
    | {
        readonly lengths?: readonly number[] | undefined;
        readonly maxLength?: number | undefined;
        readonly charset?: 'numeric' | 'alphanumeric' | 'ascii' | undefined;
      }
    | undefined;
  /** Require CHANNEL-ID on service calls. Default true. */
  readonly requireChannelId?: boolean;
  /** The relative URL the sandbox signs/verifies for service calls. Default: path and query as received. */
  readonly relativeUrl?: (url: URL) => string;
  /** RSA private key the sandbox signs asymmetric notifications with. Default: a fresh RSA-2048 key. */
  readonly providerPrivateKey?: string | KeyObject;
  /** Epoch-ms clock (timestamps, windows, expiry). Default `Date.now`. */
  readonly clock?: () => number;
  /**
   * A provider whose clock is off by this many ms (positive: ahead of `clock`): it checks
   * X-TIMESTAMP against its own skewed time, and its `Date` header says that time. Default 0.
   */
  readonly clockSkewMs?: number;
  /** `fetch` used by `sendNotification`. Default: the global one. */
  readonly fetch?: typeof globalThis.fetch;
}

/** A notification for {@link SnapSandbox.sendNotification}. */
export interface SnapSandboxNotification {
  /** The merchant's notification URL. */
  readonly url: string;
  /** JSON text (sent exactly as given; the signature covers its minified form) or a value to serialise. */
  readonly body: string | Readonly<Record<string, unknown>>;
  /**
   * `'asymmetric'` (sandbox RSA key), `'symmetric'` (a client secret and an access token) or
   * `'ifortepay-notify'` (HMAC-SHA512 with the client secret over
   * `url:X-VERSION:bodyHash:X-TIMESTAMP`, the complete URL). Default: the profile's
   * `notificationFormat`, else `'asymmetric'`.
   */
  readonly mode?: 'asymmetric' | 'symmetric' | 'ifortepay-notify';
  /** `'ifortepay-notify'`: the X-VERSION sent and signed. Default `v1`. */
  readonly version?: string;
  /** `'ifortepay-notify'`: the URL signed. Default: `url` as given. */
  readonly notifyUrl?: string;
  /** Symmetric and ifortepay-notify: the client whose secret signs; also sets X-PARTNER-ID. Default: the first client. */
  readonly clientId?: string;
  /** Symmetric: the access token signed and sent as `Authorization: Bearer`. Default: a random one. */
  readonly accessToken?: string;
  /** Default `POST`. */
  readonly method?: string;
  /** X-TIMESTAMP to send (e.g. a stale one). Default: now, +07:00. */
  readonly timestamp?: string;
  /** X-EXTERNAL-ID to send (e.g. a repeated one). Default: a fresh 32-digit id. */
  readonly externalId?: string;
  /** Sign with this RSA private key instead of the sandbox's (a "wrong key"). */
  readonly privateKey?: string | KeyObject;
  /** Symmetric and ifortepay-notify: sign with this secret instead of the client's. */
  readonly clientSecret?: string;
  /** The relative URL to sign. Default: the URL's path and query. */
  readonly path?: string;
  /** Changes the body after signing (a tampered body). */
  readonly tamperBody?: (body: string) => string;
  /** Extra headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Deadline over the merchant's answer, head and body. Default 10 000 ms; past it
   * `sendNotification` rejects with `TransportError` `ERR_TIMEOUT` (`ERR_NETWORK` when the
   * merchant cannot be reached).
   */
  readonly timeoutMs?: number;
}

/** What the sandbox sent and what the merchant answered. */
export interface SnapSandboxDelivery {
  readonly status: number;
  /** The merchant's response body. */
  readonly responseBody: string;
  /** The headers sent. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body sent. */
  readonly body: string;
  readonly timestamp: string;
  readonly externalId: string;
}

/**
 * A merchant's SNAP server the sandbox calls as the provider (see {@link SnapSandbox.merchant}).
 * Register the sandbox there as a partner: `clientId`, the sandbox's `providerPublicKey` (or the
 * public half of `privateKey`) and `clientSecret`.
 */
export interface SnapSandboxMerchant {
  /** The merchant's base URL; paths are appended to it, prefix included. */
  readonly baseUrl: string;
  /** The client id the merchant knows the sandbox by (X-CLIENT-KEY; the default X-PARTNER-ID). */
  readonly clientId: string;
  /** The shared secret of the symmetric service-call signature. */
  readonly clientSecret: string;
  /** RSA key that signs token requests. Default: the sandbox's own key (`providerPublicKey`). */
  readonly privateKey?: string | KeyObject;
  /** X-PARTNER-ID sent. Default: `clientId`. */
  readonly partnerId?: string;
  /** CHANNEL-ID sent. Default `95221`. */
  readonly channelId?: string;
  /** The merchant's token path. Default `/v1.0/access-token/b2b`. */
  readonly tokenPath?: string;
  /** Deadline of one attempt, the body included. Default 10 000 ms (BRI's limit for BRIVA). */
  readonly timeoutMs?: number;
  /** Redelivery of calls not answered 2xx. Default: 3 attempts, re-signed, no delay. */
  readonly redelivery?: SnapSandboxRedelivery;
}

/** How the sandbox redelivers a call that got no 2xx answer (a non-2xx status, a timeout, a network error). */
export interface SnapSandboxRedelivery {
  /** Attempts in all, the first included (1–20). Default 3. */
  readonly attempts?: number;
  /** `'verbatim'`: the same headers and bytes again; `'re-signed'` (default): a new X-TIMESTAMP and X-SIGNATURE, the same X-EXTERNAL-ID and body. */
  readonly mode?: 'verbatim' | 're-signed';
  /** Wait between attempts. Default 0. */
  readonly delayMs?: number;
}

/** One call to the merchant (an inquiry, a payment, a notification). */
export interface SnapSandboxMerchantCall {
  /** JSON text (sent exactly as given; the signature covers its minified form) or a value to serialise. */
  readonly body?: string | Readonly<Record<string, unknown>>;
  /** Default `POST`. */
  readonly method?: string;
  /** X-EXTERNAL-ID of the call, kept by every redelivery. Default: a fresh 32-digit id. */
  readonly externalId?: string;
  /** Sign with this token instead of the one the merchant issued (a forged call). */
  readonly accessToken?: string;
  /** Sign with this secret instead of `clientSecret` (a forged call). */
  readonly clientSecret?: string;
  /** Extra or replaced headers (after signing: e.g. a changed X-EXTERNAL-ID on a replay). */
  readonly headers?: Readonly<Record<string, string>>;
  /** This call's redelivery, overriding the session's. */
  readonly redelivery?: SnapSandboxRedelivery;
  /** Stops the call (and the token request it may need): `call` rejects with `TransportError` `ERR_ABORTED`. */
  readonly signal?: AbortSignal;
}

/** One attempt of a call: what was sent and what came back. */
export interface SnapSandboxMerchantAttempt {
  /** HTTP status; undefined when the attempt timed out or failed on the network. */
  readonly status: number | undefined;
  readonly responseBody: string;
  /** The answer's `responseCode`, when it has one. */
  readonly responseCode: string | undefined;
  readonly timedOut: boolean;
  /** The headers sent. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: string;
}

/** What the merchant answered to a call, after the redeliveries. */
export interface SnapSandboxMerchantDelivery {
  /** Every attempt, in order. */
  readonly attempts: readonly SnapSandboxMerchantAttempt[];
  /** The last attempt's status (undefined: no answer). */
  readonly status: number | undefined;
  readonly responseBody: string;
  /** The last answer parsed as a JSON object, when it is one. */
  readonly json: Readonly<Record<string, unknown>> | undefined;
  readonly responseCode: string | undefined;
  /** Whether the last answer is a SNAP response: `{ responseCode, responseMessage }` with a 7-digit code that starts with the HTTP status. */
  readonly validSnapResponse: boolean;
  readonly externalId: string;
  /** The body sent. */
  readonly body: string;
}

/** The sandbox's session with one merchant. */
export interface SnapSandboxMerchantSession {
  /** A B2B token from the merchant's token endpoint, cached until it expires. Throws when the merchant refuses. */
  getToken(): Promise<string>;
  /** Sends a signed call (with the merchant's token) and redelivers it until a 2xx or the attempts run out. */
  call(path: string, call?: SnapSandboxMerchantCall): Promise<SnapSandboxMerchantDelivery>;
  /** Drops the cached token: the next call asks for a new one. */
  forgetToken(): void;
}

export interface SnapSandbox extends TokenSandbox {
  readonly tokenPath: string;
  readonly customerTokenPath: string;
  /** The path of the first service served. */
  readonly servicePath: string;
  /** Every service path served. */
  readonly servicePaths: readonly string[];
  /** SPKI PEM of the key that signs asymmetric notifications: configure it as `providerPublicKey`. */
  readonly providerPublicKey: string;
  /** Issues a single-use auth code, as if the customer completed account binding. */
  issueAuthCode(options?: { clientId?: string; customerId?: string }): string;
  /** Every access token issued so far (B2B and B2B2C) expires now. */
  expireTokens(): void;
  /**
   * Tokens issued from now on stop working after `afterMs` while still advertising their full
   * `expiresIn` ("tokens that expire early"). `undefined` restores normal lifetimes.
   */
  expireTokensEarly(afterMs: number | undefined): void;
  /**
   * Plays the provider against a merchant's SNAP server: token from the merchant, signed calls,
   * redelivery (DOKU SNAP, BRI, BCA and Bank Neo Commerce virtual accounts work this way).
   */
  merchant(options: SnapSandboxMerchant): SnapSandboxMerchantSession;
  /** Signs and sends a notification to a merchant URL. */
  sendNotification(notification: SnapSandboxNotification): Promise<SnapSandboxDelivery>;
  /** How many B2B tokens were issued. */
  readonly issuedTokenCount: number;
}
