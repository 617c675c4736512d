/**
 * The sandbox as the provider calling a merchant's SNAP server (DOKU SNAP, BRI, BCA, Bank Neo
 * Commerce virtual accounts): it gets a B2B token from the merchant's token endpoint
 * (SHA256withRSA over `clientId|X-TIMESTAMP`, §2.1), sends inquiries, payments and notifications
 * signed symmetrically over that token (§2.3), and redelivers after a non-2xx answer or a
 * timeout, verbatim or re-signed with a new timestamp, as providers do (the sending is the core's
 * `deliver`). Every signature is the sandbox's own, on node:crypto.
 */
import type { KeyObject } from 'node:crypto';
import { formatIsoTimestamp, JAKARTA_OFFSET, minifyJson } from '@org/signing-core';
import { deliver } from '@org/signing-core/testing';
import { parseJsonBody } from './sandbox-answers.js';
import type {
  SnapSandboxMerchant,
  SnapSandboxMerchantAttempt,
  SnapSandboxMerchantCall,
  SnapSandboxMerchantDelivery,
  SnapSandboxMerchantSession,
} from './sandbox-api.js';
import { sha256Hex, symmetricSignature, tokenSignature, toPrivateKey } from './sandbox-signature.js';
import { randomNumeric } from './sandbox-tokens.js';

export interface MerchantContext {
  readonly clock: () => number;
  /** The sandbox's own RSA key (created on first use): the default token-request key. */
  readonly providerPrivateKey: () => KeyObject;
  readonly fetch: typeof globalThis.fetch | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Whether a merchant's answer is a SNAP response: JSON `{ responseCode, responseMessage }` whose code starts with the HTTP status. */
function snapAnswer(status: number | undefined, text: string): { valid: boolean; responseCode: string | undefined } {
  const json = parseJsonBody(text);
  const code = typeof json?.responseCode === 'string' ? json.responseCode : undefined;
  const valid =
    code !== undefined &&
    /^\d{7}$/.test(code) &&
    code.slice(0, 3) === String(status) &&
    typeof json?.responseMessage === 'string';
  return { valid, responseCode: code };
}

export function merchantSession(context: MerchantContext, options: SnapSandboxMerchant): SnapSandboxMerchantSession {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('snapSandbox.merchant: expected { baseUrl, clientId, clientSecret }');
  }
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw new TypeError('snapSandbox.merchant: baseUrl must be an absolute URL, e.g. http://127.0.0.1:3000');
  }
  for (const field of ['clientId', 'clientSecret'] as const) {
    if (typeof options[field] !== 'string' || options[field].length === 0) {
      throw new TypeError(`snapSandbox.merchant: ${field} must be a non-empty string`);
    }
  }
  const fetchImpl = context.fetch ?? globalThis.fetch;
  const tokenPath = options.tokenPath ?? '/v1.0/access-token/b2b';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const key = options.privateKey === undefined ? undefined : toPrivateKey(options.privateKey);
  let cached: { token: string; until: number } | undefined;
  // The merchant's paths are appended to its base URL, prefix included.
  const url = (path: string) => new URL(base.href.replace(/\/$/, '') + path);

  /**
   * Sends one call and redelivers it (the core's `deliver`: a deadline over each answer, a size
   * limit, no redirect followed); `headersOf(n)` gives the headers of attempt n.
   */
  async function send(
    target: URL,
    method: string,
    body: string | undefined,
    headersOf: (attempt: number) => Record<string, string>,
    redelivery: { attempts: number; delayMs: number } = { attempts: 1, delayMs: 0 },
    signal?: AbortSignal,
  ): Promise<SnapSandboxMerchantAttempt[]> {
    const sent: Record<string, string>[] = [];
    const delivered = await deliver({
      request: (n) => {
        const headers = headersOf(n);
        sent.push(headers);
        return new Request(target, { method, headers, ...(body === undefined ? {} : { body }) });
      },
      ...redelivery,
      timeoutMs,
      signal,
      fetch: fetchImpl,
      name: 'snapSandbox.merchant',
      provider: 'snap',
    });
    return delivered.map((attempt, k) => {
      const headers = sent[k] as Record<string, string>;
      const answered = attempt.outcome === 'answered';
      const code = answered ? parseJsonBody(attempt.answer)?.responseCode : undefined;
      return {
        status: answered ? attempt.status : undefined,
        responseBody: attempt.answer,
        responseCode: typeof code === 'string' ? code : undefined,
        timedOut: attempt.outcome === 'timeout',
        headers,
        timestamp: headers['X-TIMESTAMP'] as string,
      };
    });
  }

  async function getToken(signal?: AbortSignal): Promise<string> {
    const now = context.clock();
    if (cached !== undefined && now < cached.until) return cached.token;
    const timestamp = formatIsoTimestamp(now, { offset: JAKARTA_OFFSET });
    const headers = {
      'Content-Type': 'application/json',
      'X-TIMESTAMP': timestamp,
      'X-CLIENT-KEY': options.clientId,
      'X-SIGNATURE': tokenSignature(key ?? context.providerPrivateKey(), options.clientId, timestamp),
    };
    const [answer] = (await send(
      url(tokenPath),
      'POST',
      JSON.stringify({ grantType: 'client_credentials' }),
      () => headers,
      undefined,
      signal,
    )) as [SnapSandboxMerchantAttempt];
    const json = parseJsonBody(answer.responseBody);
    if (answer.status !== 200 || json?.responseCode !== '2007300' || typeof json.accessToken !== 'string') {
      const why = answer.timedOut
        ? `no answer within ${timeoutMs} ms`
        : `HTTP ${answer.status ?? 'error'} ${String(json?.responseCode ?? '')}`;
      throw new Error(`snapSandbox.merchant: the merchant's token endpoint refused the sandbox (${why.trim()})`);
    }
    const expiresIn = Number(json.expiresIn ?? 900);
    cached = {
      token: json.accessToken,
      until: now + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 900) * 1000 - 1000,
    };
    return json.accessToken;
  }

  async function call(path: string, call: SnapSandboxMerchantCall = {}): Promise<SnapSandboxMerchantDelivery> {
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new TypeError('snapSandbox.merchant.call: path must start with "/", e.g. /v1.0/transfer-va/payment');
    }
    const method = (call.method ?? 'POST').toUpperCase();
    const body =
      call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
    const externalId = call.externalId ?? randomNumeric(32);
    const attempts = Math.max(1, Math.min(call.redelivery?.attempts ?? options.redelivery?.attempts ?? 3, 20));
    const mode = call.redelivery?.mode ?? options.redelivery?.mode ?? 're-signed';
    const delayMs = call.redelivery?.delayMs ?? options.redelivery?.delayMs ?? 0;
    const accessToken = call.accessToken ?? (await getToken(call.signal));
    const bodyHash = sha256Hex(body === undefined || body.length === 0 ? '' : minifyJson(body));
    const target = url(path);
    // What the merchant sees and verifies: the path (base URL prefix included) and query.
    const signedPath = target.pathname + target.search;
    const sign = (): Record<string, string> => {
      const timestamp = formatIsoTimestamp(context.clock(), { offset: JAKARTA_OFFSET });
      return {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        Authorization: `Bearer ${accessToken}`,
        'X-TIMESTAMP': timestamp,
        'X-SIGNATURE': symmetricSignature(call.clientSecret ?? options.clientSecret, accessToken, {
          method,
          path: signedPath,
          bodyHash,
          timestamp,
        }),
        'X-PARTNER-ID': options.partnerId ?? options.clientId,
        'X-EXTERNAL-ID': externalId,
        'CHANNEL-ID': options.channelId ?? '95221',
        ...call.headers,
      };
    };
    // A verbatim redelivery sends the first attempt's headers again; a re-signed one signs anew.
    let headers: Record<string, string> | undefined;
    const sent = await send(
      target,
      method,
      body,
      () => {
        if (headers === undefined || mode === 're-signed') headers = sign();
        return headers;
      },
      { attempts, delayMs },
      call.signal,
    );
    const last = sent[sent.length - 1] as SnapSandboxMerchantAttempt;
    const { valid, responseCode } = snapAnswer(last.status, last.responseBody);
    return {
      attempts: sent,
      status: last.status,
      responseBody: last.responseBody,
      json: parseJsonBody(last.responseBody),
      responseCode,
      validSnapResponse: valid,
      externalId,
      body: body ?? '',
    };
  }

  return {
    getToken: () => getToken(),
    call,
    forgetToken() {
      cached = undefined;
    },
  };
}
