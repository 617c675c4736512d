/**
 * Headers of a signed SNAP service call (protocols.md §2.3), computed once per attempt:
 *
 *   Content-Type, [Authorization: Bearer <B2B token>], [Authorization-Customer: Bearer <B2B2C token>],
 *   X-TIMESTAMP, X-SIGNATURE, X-PARTNER-ID, X-EXTERNAL-ID, [CHANNEL-ID], [ORIGIN]
 *
 * in the profile's signature mode: `'symmetric'` (HMAC-SHA512 with the client secret, over a
 * string with the token), `'asymmetric'` (SHA256withRSA with the private key over
 * `METHOD:path:bodyHash:timestamp`, no token, no `Authorization`) or `'asymmetric-with-token'`
 * (the same RSA signature over the same string, with `Authorization: Bearer`: Bank Neo Commerce).
 * The X-TIMESTAMP string is formatted once and used verbatim in the header and the string to
 * sign; the body hashed is the canonical body that is sent.
 */
import {
  type AccessToken,
  ConfigError,
  type HmacKey,
  hmac,
  InputError,
  type RsaPrivateKey,
  rsaSign,
  type TokenManager,
  toBase64,
} from '@org/signing-core';
import { createSignedRequest, type SignedRequestOf, withProvider } from '@org/signing-core/provider-kit';
import { EMPTY_BODY_HASH, minifyBody, type SnapBodyCanonicalization, sha256Hex } from '../protocol/body-hash.js';
import { PROVIDER } from '../protocol/constants.js';
import type { SnapCustomerToken } from '../protocol/customer-token.js';
import { checkedExternalId, type SnapExternalIdRule } from '../protocol/external-id.js';
import { methodText, notificationStringToSign, serviceStringToSign } from '../protocol/string-to-sign.js';
import type { SnapServiceSignatureMode } from './options.js';

/** A customer (B2B2C) token: its text, the core `AccessToken`, or the result of `getCustomerToken`. */
export type SnapCustomerTokenInput = string | AccessToken | SnapCustomerToken;

/** A service call to sign with {@link SnapAuth.signRequest}. */
export interface SnapRequest {
  /** HTTP method, e.g. `POST`. */
  readonly method: string;
  /** Path (and query) appended to `baseUrl`, e.g. `/v1.0/transfer-va/inquiry`; or an absolute URL. */
  readonly path: string;
  /** JSON text (canonicalised, by default minified, before hashing and sending) or a value to serialise as JSON. */
  readonly body?: string | Readonly<Record<string, unknown>> | readonly unknown[] | null | undefined;
  /** B2B2C token of the customer, for `Authorization-Customer`. */
  readonly customerToken?: SnapCustomerTokenInput | undefined;
  /**
   * Extra headers (e.g. X-DEVICE-ID, X-IP-ADDRESS). Your X-EXTERNAL-ID, X-PARTNER-ID,
   * CHANNEL-ID or ORIGIN replace the generated/configured ones; the signature headers cannot
   * be replaced.
   */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** What to send: the exact body text and every header. Prints and serialises with credentials redacted. */
/**
 * A signed SNAP service call: the core's `SignedRequest`. `headers` is a fresh record on every
 * read that prints (`JSON.stringify`, `util.inspect`) with `Authorization`, `X-SIGNATURE` and
 * the customer token redacted, as does the request itself.
 */
export type SignedSnapRequest = SignedRequestOf<{
  /** Absolute URL of the call. */
  readonly url: string;
}> & {
  /** The canonical (by default minified) JSON body to send byte for byte (what was hashed), or `null` for none (as `fetch` takes it). */
  readonly body: string | null;
};

export interface ServiceSignerConfig {
  readonly mode: SnapServiceSignatureMode;
  readonly tokens: TokenManager;
  readonly hmacKey: (() => Promise<HmacKey>) | undefined;
  readonly privateKey: () => Promise<RsaPrivateKey>;
  readonly canonicalization: SnapBodyCanonicalization;
  readonly externalIdRule: SnapExternalIdRule;
  readonly baseUrl: string;
  readonly partnerId: string;
  readonly channelId: string | undefined;
  readonly origin: string | undefined;
  readonly timestamp: () => string;
  readonly externalId: () => string;
  readonly relativeUrl: (url: URL) => string;
}

/** Headers only the signer sets (the caller's X-EXTERNAL-ID, X-PARTNER-ID, CHANNEL-ID and ORIGIN win). */
const OWN = ['content-type', 'authorization', 'x-timestamp', 'x-signature'];

function customerTokenText(token: SnapCustomerTokenInput): string {
  if (typeof token === 'string') {
    if (token.length === 0) {
      throw new InputError(
        'ERR_INVALID_INPUT',
        'customerToken is empty',
        { field: 'customerToken' },
        {
          provider: PROVIDER,
        },
      );
    }
    return token;
  }
  if (token !== null && typeof token === 'object') {
    if ('accessToken' in token && token.accessToken !== null && typeof token.accessToken === 'object') {
      return token.accessToken.token;
    }
    if ('token' in token && typeof token.token === 'string') return token.token;
  }
  throw new TypeError(
    '[@org/snap-auth] customerToken must be the token text, an AccessToken or the result of getCustomerToken()',
  );
}

function resolveUrl(baseUrl: string, path: string): URL {
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError('[@org/snap-auth] path must be a non-empty string such as "/v1.0/balance-inquiry"');
  }
  if (/^https?:\/\//i.test(path)) return new URL(path);
  return new URL(`${baseUrl}/${path.replace(/^\/+/, '')}`);
}

export interface ServiceSigner {
  /** The signature headers for one attempt over the exact body bytes (already minified). */
  attemptHeaders(attempt: {
    method: string;
    url: URL;
    body: Uint8Array | string;
    has: (name: string) => boolean;
  }): Promise<Record<string, string>>;
  signRequest(request: SnapRequest): Promise<SignedSnapRequest>;
}

export function createServiceSigner(config: ServiceSignerConfig): ServiceSigner {
  async function key(): Promise<HmacKey> {
    if (!config.hmacKey) {
      throw new ConfigError(
        '[@org/snap-auth] clientSecret is required to sign service calls (HMAC-SHA512 key of X-SIGNATURE)',
        [{ path: 'clientSecret', expected: 'the client secret (a non-empty string)', received: 'undefined' }],
        { provider: PROVIDER },
      );
    }
    return config.hmacKey();
  }

  function attemptHeaders(attempt: {
    method: string;
    url: URL;
    body: Uint8Array | string;
    has: (name: string) => boolean;
  }): Promise<Record<string, string>> {
    return signAttempt(attempt).catch((error: unknown) => {
      throw withProvider(error, PROVIDER);
    });
  }

  async function signAttempt(attempt: {
    method: string;
    url: URL;
    body: Uint8Array | string;
    has: (name: string) => boolean;
  }): Promise<Record<string, string>> {
    const { mode } = config;
    const hmacKey = mode === 'symmetric' ? await key() : undefined;
    const method = methodText(attempt.method);
    const token = mode === 'asymmetric' ? undefined : (await config.tokens.getToken()).token;
    const bodyHash = attempt.body.length === 0 ? EMPTY_BODY_HASH : await sha256Hex(attempt.body);
    const timestamp = config.timestamp();
    const path = config.relativeUrl(attempt.url);
    // Only the symmetric string covers the token: BNC's "asymmetric with access token" sends it
    // in Authorization alone and signs the asymmetric string (docs/snap-profiles.md §6).
    const stringToSign =
      mode === 'symmetric'
        ? serviceStringToSign({ method, path, accessToken: token as string, bodyHash, timestamp })
        : notificationStringToSign({ method, path, bodyHash, timestamp });
    const signature =
      hmacKey === undefined
        ? await rsaSign(await config.privateKey(), stringToSign)
        : await hmac('SHA-512', hmacKey, stringToSign);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    headers['X-TIMESTAMP'] = timestamp;
    headers['X-SIGNATURE'] = toBase64(signature);
    if (!attempt.has('x-partner-id')) headers['X-PARTNER-ID'] = config.partnerId;
    if (config.channelId !== undefined && !attempt.has('channel-id')) headers['CHANNEL-ID'] = config.channelId;
    if (config.origin !== undefined && !attempt.has('origin')) headers.ORIGIN = config.origin;
    return headers;
  }

  return {
    attemptHeaders,

    async signRequest(request: SnapRequest): Promise<SignedSnapRequest> {
      if (request === null || typeof request !== 'object') {
        throw new TypeError('[@org/snap-auth] signRequest: expected { method, path, body?, customerToken?, headers? }');
      }
      const method = methodText(request.method);
      const url = resolveUrl(config.baseUrl, request.path);
      const raw = request.body;
      const text =
        raw === undefined || raw === null || typeof raw === 'string'
          ? minifyBody(raw, 'body', config.canonicalization)
          : config.canonicalization === 'minify'
            ? JSON.stringify(raw)
            : minifyBody(JSON.stringify(raw), 'body', config.canonicalization);
      const caller: Record<string, string> = {};
      const callerNames = new Set<string>();
      for (const [name, value] of Object.entries(request.headers ?? {})) {
        const lower = name.toLowerCase();
        if (OWN.includes(lower) || lower === 'authorization-customer') continue;
        if (typeof value !== 'string')
          throw new TypeError(`[@org/snap-auth] signRequest: header ${name} must be a string`);
        caller[name] = value;
        callerNames.add(lower);
      }
      const signed = await attemptHeaders({ method, url, body: text, has: (name) => callerNames.has(name) });
      const headers: Record<string, string> = { ...signed };
      if (request.customerToken !== undefined) {
        headers['Authorization-Customer'] = `Bearer ${customerTokenText(request.customerToken)}`;
      }
      for (const [name, value] of Object.entries(caller)) headers[name] = value;
      const own = Object.entries(caller).find(([name]) => name.toLowerCase() === 'x-external-id');
      if (own === undefined) headers['X-EXTERNAL-ID'] = nextExternalId(config.externalId, config.externalIdRule);
      else checkedExternalId(own[1], config.externalIdRule, 'header');
      return createSignedRequest({
        kind: 'SignedSnapRequest',
        method,
        headers,
        body: text === '' ? null : text,
        info: { url: url.href },
        secrets: [signed['X-SIGNATURE'], token(signed.Authorization), token(headers['Authorization-Customer'])],
      }) as SignedSnapRequest;
    },
  };
}

/** A value from the X-EXTERNAL-ID generator, checked against the profile's rule. */
export function nextExternalId(generate: () => string, rule: SnapExternalIdRule): string {
  return checkedExternalId(generate(), rule, 'generator');
}

/** The credential after a `Bearer ` scheme, for scrubbing. */
function token(header: string | undefined): string | undefined {
  return header?.slice(header.indexOf(' ') + 1);
}
