/**
 * A local SNAP provider for tests and demos (Node: it verifies with node:crypto, independently
 * of the library's own signing code).
 *
 * - B2B token endpoint: `4007302` missing header, `4007301` bad or out-of-window X-TIMESTAMP,
 *   `4017300` unknown client or bad X-SIGNATURE, `2007300` with a bearer token and `expiresIn`.
 * - B2B2C token endpoint: auth codes (issued by `issueAuthCode()`, single use) and rotating
 *   refresh tokens; same header checks with service code 74.
 * - A sample service endpoint (balance inquiry, service code 11): bearer token (`4017301`
 *   unknown or expired), symmetric signature (`4017300`), customer token (`4017302`), and
 *   X-EXTERNAL-ID unique per day (`4091100`).
 * - A notification sender, asymmetric (the sandbox's own RSA key) or symmetric.
 * - Fault injection and request recording from `@org/signing-core/testing`, plus
 *   `expireTokens()` and `expireTokensEarly()`.
 *
 * Error answers use the SNAP envelope `{ responseCode, responseMessage }` with the HTTP status
 * of the code's first three digits.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  randomInt,
  sign as rsaSign,
  verify as rsaVerify,
  timingSafeEqual,
} from 'node:crypto';
import { formatIsoTimestamp, isRecord, JAKARTA_OFFSET, minifyJson, parseIsoTimestamp } from '@org/signing-core';
import { createSandboxCore, jsonResponse, type RecordedRequest, type SandboxCore } from '@org/signing-core/testing';

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

export interface SnapSandboxOptions {
  readonly clients: readonly SnapSandboxClient[];
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
  /** Path of the sample service. Default `/v1.0/balance-inquiry`. */
  readonly servicePath?: string;
  /** Service code of the sample service. Default `11` (balance inquiry). */
  readonly serviceCode?: string;
  /** Allowed X-TIMESTAMP skew either way. Default 300 000 ms. */
  readonly timestampToleranceMs?: number;
  /** `expiresIn` as `"900"` (default, as most providers) or `900` (Onebrick). */
  readonly expiresInFormat?: 'string' | 'number';
  /** B2B2C expiry fields as ISO-8601 +07:00 timestamps (default) or seconds. */
  readonly customerExpiryFormat?: 'iso' | 'seconds';
  /** Accepted case of B2B2C grantType values. Default `'any'`. */
  readonly grantTypeCase?: 'upper' | 'lower' | 'any';
  /** Require CHANNEL-ID on service calls. Default true. */
  readonly requireChannelId?: boolean;
  /** The relative URL the sandbox signs/verifies for service calls. Default: path and query as received. */
  readonly relativeUrl?: (url: URL) => string;
  /** RSA private key the sandbox signs asymmetric notifications with. Default: a fresh RSA-2048 key. */
  readonly providerPrivateKey?: string | KeyObject;
  /** Epoch-ms clock (timestamps, windows, expiry). Default `Date.now`. */
  readonly clock?: () => number;
  /** `fetch` used by `sendNotification`. Default: the global one. */
  readonly fetch?: typeof globalThis.fetch;
}

/** A notification for {@link SnapSandbox.sendNotification}. */
export interface SnapSandboxNotification {
  /** The merchant's notification URL. */
  readonly url: string;
  /** JSON text (sent exactly as given; the signature covers its minified form) or a value to serialise. */
  readonly body: string | Readonly<Record<string, unknown>>;
  /** Default `'asymmetric'` (sandbox RSA key); `'symmetric'` uses a client secret and an access token. */
  readonly mode?: 'asymmetric' | 'symmetric';
  /** Symmetric: the client whose secret signs; also sets X-PARTNER-ID. Default: the first client. */
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
  /** Symmetric: sign with this secret instead of the client's. */
  readonly clientSecret?: string;
  /** The relative URL to sign. Default: the URL's path and query. */
  readonly path?: string;
  /** Changes the body after signing (a tampered body). */
  readonly tamperBody?: (body: string) => string;
  /** Extra headers. */
  readonly headers?: Readonly<Record<string, string>>;
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

export interface SnapSandbox extends SandboxCore {
  readonly tokenPath: string;
  readonly customerTokenPath: string;
  readonly servicePath: string;
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
  /** Signs and sends a notification to a merchant URL. */
  sendNotification(notification: SnapSandboxNotification): Promise<SnapSandboxDelivery>;
  /** How many B2B tokens were issued. */
  readonly issuedTokenCount: number;
}

interface ClientRecord {
  readonly clientId: string;
  readonly publicKey: KeyObject;
  readonly clientSecret: string;
  readonly partnerId: string;
}

interface TokenRecord {
  readonly clientId: string;
  expiresAt: number;
}

interface CustomerTokenRecord extends TokenRecord {
  readonly customerId: string;
}

function toPublicKey(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key.type === 'private' ? createPublicKey(key) : key;
  return /PRIVATE KEY/.test(key) ? createPublicKey(createPrivateKey(key)) : createPublicKey(key);
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

function randomNumeric(length: number): string {
  let out = '';
  while (out.length < length) out += String(randomInt(0, 1_000_000_000)).padStart(9, '0');
  return out.slice(0, length);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function snapResponse(status: number, serviceCode: string, caseCode: string, message: string): Response {
  return jsonResponse(status, { responseCode: `${status}${serviceCode}${caseCode}`, responseMessage: message });
}

export function createSnapSandbox(options: SnapSandboxOptions): SnapSandbox {
  if (!options || !Array.isArray(options.clients) || options.clients.length === 0) {
    throw new TypeError(
      'createSnapSandbox: clients must be a non-empty array of { clientId, publicKey, clientSecret }',
    );
  }
  const clock = options.clock ?? Date.now;
  const tokenPath = options.tokenPath ?? '/v1.0/access-token/b2b';
  const customerTokenPath = options.customerTokenPath ?? '/v1.0/access-token/b2b2c';
  const servicePath = options.servicePath ?? '/v1.0/balance-inquiry';
  const serviceCode = options.serviceCode ?? '11';
  const toleranceMs = options.timestampToleranceMs ?? 5 * 60_000;
  const tokenTtlMs = (options.tokenTtlSeconds ?? 900) * 1000;
  const customerTtlMs = (options.customerTokenTtlSeconds ?? 900) * 1000;
  const refreshTtlMs = (options.refreshTokenTtlSeconds ?? 86_400) * 1000;
  const authCodeTtlMs = (options.authCodeTtlSeconds ?? 300) * 1000;
  const grantCase = options.grantTypeCase ?? 'any';
  const requireChannelId = options.requireChannelId ?? true;
  const relativeUrl = options.relativeUrl ?? ((url: URL) => url.pathname + url.search);

  const clients = new Map<string, ClientRecord>();
  for (const client of options.clients) {
    clients.set(client.clientId, {
      clientId: client.clientId,
      publicKey: toPublicKey(client.publicKey),
      clientSecret: client.clientSecret,
      partnerId: client.partnerId ?? client.clientId,
    });
  }
  const firstClient = clients.values().next().value as ClientRecord;

  const tokens = new Map<string, TokenRecord>();
  const customerTokens = new Map<string, CustomerTokenRecord>();
  const refreshTokens = new Map<string, CustomerTokenRecord>();
  const authCodes = new Map<string, CustomerTokenRecord>();
  const externalIds = new Set<string>();
  let earlyExpiryMs: number | undefined;
  let issuedTokenCount = 0;

  let providerKey: KeyObject | undefined =
    options.providerPrivateKey === undefined
      ? undefined
      : typeof options.providerPrivateKey === 'string'
        ? createPrivateKey(options.providerPrivateKey)
        : options.providerPrivateKey;
  const providerPrivateKey = (): KeyObject => {
    providerKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    return providerKey;
  };

  const lifetime = (ttlMs: number) => clock() + (earlyExpiryMs === undefined ? ttlMs : Math.min(ttlMs, earlyExpiryMs));

  /** Checks shared by both token endpoints. Returns the client, or the error response. */
  function checkTokenRequest(recorded: RecordedRequest, code: string): ClientRecord | Response {
    const h = recorded.headers;
    for (const name of ['X-TIMESTAMP', 'X-CLIENT-KEY', 'X-SIGNATURE']) {
      if (!h[name.toLowerCase()]) return snapResponse(400, code, '02', `Invalid Mandatory Field [${name}]`);
    }
    const timestamp = h['x-timestamp'] as string;
    if (!timestampOk(timestamp)) return snapResponse(400, code, '01', 'Invalid Field Format [X-TIMESTAMP]');
    const client = clients.get(h['x-client-key'] as string);
    if (!client) return snapResponse(401, code, '00', 'Unauthorized. [Unknown client]');
    let valid = false;
    try {
      valid = rsaVerify(
        'sha256',
        Buffer.from(`${client.clientId}|${timestamp}`, 'utf8'),
        client.publicKey,
        Buffer.from(h['x-signature'] as string, 'base64'),
      );
    } catch {
      valid = false;
    }
    if (!valid) return snapResponse(401, code, '00', 'Unauthorized. [Signature]');
    return client;
  }

  function timestampOk(timestamp: string): boolean {
    try {
      return Math.abs(parseIsoTimestamp(timestamp) - clock()) <= toleranceMs;
    } catch {
      return false;
    }
  }

  function parseJsonBody(text: string): Record<string, unknown> | undefined {
    try {
      const value: unknown = JSON.parse(text);
      return isRecord(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  function responseHeaders(clientId: string): Record<string, string> {
    return { 'X-TIMESTAMP': formatIsoTimestamp(clock(), { offset: JAKARTA_OFFSET }), 'X-CLIENT-KEY': clientId };
  }

  function b2bToken(recorded: RecordedRequest): Response {
    const checked = checkTokenRequest(recorded, '73');
    if (checked instanceof Response) return checked;
    const body = parseJsonBody(recorded.body);
    if (!body) return snapResponse(400, '73', '00', 'Bad Request');
    if (body.grantType === undefined) return snapResponse(400, '73', '02', 'Invalid Mandatory Field [grantType]');
    if (body.grantType !== 'client_credentials')
      return snapResponse(400, '73', '01', 'Invalid Field Format [grantType]');
    const accessToken = randomToken();
    tokens.set(accessToken, { clientId: checked.clientId, expiresAt: lifetime(tokenTtlMs) });
    issuedTokenCount += 1;
    const expiresIn = String(tokenTtlMs / 1000);
    return jsonResponse(
      200,
      {
        responseCode: '2007300',
        responseMessage: 'Successful',
        accessToken,
        tokenType: 'Bearer',
        expiresIn: options.expiresInFormat === 'number' ? Number(expiresIn) : expiresIn,
        additionalInfo: {},
      },
      responseHeaders(checked.clientId),
    );
  }

  function grantMatches(value: unknown, expected: 'authorization_code' | 'refresh_token'): boolean {
    if (typeof value !== 'string') return false;
    if (grantCase === 'upper') return value === expected.toUpperCase();
    if (grantCase === 'lower') return value === expected;
    return value.toLowerCase() === expected;
  }

  function expiryField(at: number): string | number {
    return options.customerExpiryFormat === 'seconds'
      ? Math.round((at - clock()) / 1000)
      : formatIsoTimestamp(at, { offset: JAKARTA_OFFSET });
  }

  function b2b2cToken(recorded: RecordedRequest): Response {
    const checked = checkTokenRequest(recorded, '74');
    if (checked instanceof Response) return checked;
    const body = parseJsonBody(recorded.body);
    if (!body) return snapResponse(400, '74', '00', 'Bad Request');
    if (body.grantType === undefined) return snapResponse(400, '74', '02', 'Invalid Mandatory Field [grantType]');
    let customerId: string;
    if (grantMatches(body.grantType, 'authorization_code')) {
      if (typeof body.authCode !== 'string' || body.authCode.length === 0) {
        return snapResponse(400, '74', '02', 'Invalid Mandatory Field [authCode]');
      }
      const code = authCodes.get(body.authCode);
      authCodes.delete(body.authCode);
      if (!code || code.clientId !== checked.clientId || code.expiresAt <= clock()) {
        return snapResponse(401, '74', '00', 'Unauthorized. [Invalid authCode]');
      }
      customerId = code.customerId;
    } else if (grantMatches(body.grantType, 'refresh_token')) {
      if (typeof body.refreshToken !== 'string' || body.refreshToken.length === 0) {
        return snapResponse(400, '74', '02', 'Invalid Mandatory Field [refreshToken]');
      }
      const refresh = refreshTokens.get(body.refreshToken);
      refreshTokens.delete(body.refreshToken);
      if (!refresh || refresh.clientId !== checked.clientId || refresh.expiresAt <= clock()) {
        return snapResponse(401, '74', '00', 'Unauthorized. [Invalid refreshToken]');
      }
      customerId = refresh.customerId;
    } else {
      return snapResponse(400, '74', '01', 'Invalid Field Format [grantType]');
    }
    const accessToken = randomToken();
    const refreshToken = randomToken();
    const accessExpiresAt = clock() + customerTtlMs;
    const refreshExpiresAt = clock() + refreshTtlMs;
    customerTokens.set(accessToken, { clientId: checked.clientId, customerId, expiresAt: lifetime(customerTtlMs) });
    refreshTokens.set(refreshToken, { clientId: checked.clientId, customerId, expiresAt: refreshExpiresAt });
    return jsonResponse(
      200,
      {
        responseCode: '2007400',
        responseMessage: 'Successful',
        tokenType: 'Bearer',
        accessToken,
        accessTokenExpiryTime: expiryField(accessExpiresAt),
        refreshToken,
        refreshTokenExpiryTime: expiryField(refreshExpiresAt),
        additionalInfo: { customerId },
      },
      responseHeaders(checked.clientId),
    );
  }

  function service(request: Request, recorded: RecordedRequest): Response {
    const h = recorded.headers;
    const required = ['Authorization', 'X-TIMESTAMP', 'X-SIGNATURE', 'X-PARTNER-ID', 'X-EXTERNAL-ID'];
    if (requireChannelId) required.push('CHANNEL-ID');
    for (const name of required) {
      if (!h[name.toLowerCase()]) return snapResponse(400, serviceCode, '02', `Invalid Mandatory Field [${name}]`);
    }
    const timestamp = h['x-timestamp'] as string;
    if (!timestampOk(timestamp)) return snapResponse(400, serviceCode, '01', 'Invalid Field Format [X-TIMESTAMP]');
    const externalId = h['x-external-id'] as string;
    if (externalId.length > 36) return snapResponse(400, serviceCode, '01', 'Invalid Field Format [X-EXTERNAL-ID]');
    const bearer = /^Bearer (\S+)$/.exec(h.authorization as string)?.[1];
    const token = bearer === undefined ? undefined : tokens.get(bearer);
    if (bearer === undefined || token === undefined || token.expiresAt <= clock()) {
      return snapResponse(401, '73', '01', 'Invalid Token (B2B)');
    }
    const client = clients.get(token.clientId) as ClientRecord;
    if (h['x-partner-id'] !== client.partnerId) return snapResponse(401, '73', '00', 'Unauthorized. [Unknown client]');
    let minified = '';
    if (recorded.body.length > 0) {
      try {
        minified = minifyJson(recorded.body);
      } catch {
        return snapResponse(400, serviceCode, '00', 'Bad Request');
      }
    }
    const url = new URL(request.url);
    const stringToSign = `${request.method.toUpperCase()}:${relativeUrl(url)}:${bearer}:${sha256Hex(minified)}:${timestamp}`;
    const expected = createHmac('sha512', client.clientSecret).update(stringToSign, 'utf8').digest('base64');
    if (!safeEqual(expected, h['x-signature'] as string)) {
      return snapResponse(401, '73', '00', 'Unauthorized. [Signature]');
    }
    let customerId: string | undefined;
    const customerHeader = h['authorization-customer'];
    if (customerHeader !== undefined) {
      const customerBearer = /^Bearer (\S+)$/.exec(customerHeader)?.[1];
      const customer = customerBearer === undefined ? undefined : customerTokens.get(customerBearer);
      if (!customer || customer.clientId !== client.clientId || customer.expiresAt <= clock()) {
        return snapResponse(401, '73', '02', 'Invalid Customer Token');
      }
      customerId = customer.customerId;
    }
    const day = formatIsoTimestamp(clock(), { offset: JAKARTA_OFFSET }).slice(0, 10);
    const key = `${client.partnerId}:${day}:${externalId}`;
    if (externalIds.has(key)) return snapResponse(409, serviceCode, '00', 'Conflict');
    externalIds.add(key);
    const body = minified === '' ? undefined : parseJsonBody(minified);
    return jsonResponse(200, {
      responseCode: `200${serviceCode}00`,
      responseMessage: 'Successful',
      referenceNo: randomNumeric(12),
      partnerReferenceNo: typeof body?.partnerReferenceNo === 'string' ? body.partnerReferenceNo : undefined,
      accountNo: typeof body?.accountNo === 'string' ? body.accountNo : '1234567890',
      ...(customerId === undefined ? {} : { customerId }),
      accountInfos: [{ balanceType: 'Cash', amount: { value: '1000000.00', currency: 'IDR' } }],
    });
  }

  const core = createSandboxCore(
    (request, recorded) => {
      const { pathname } = new URL(request.url);
      if (pathname === tokenPath || pathname === customerTokenPath) {
        if (request.method !== 'POST') {
          return snapResponse(405, pathname === tokenPath ? '73' : '74', '00', 'Requested Function Is Not Supported');
        }
        return pathname === tokenPath ? b2bToken(recorded) : b2b2cToken(recorded);
      }
      if (pathname === servicePath) return service(request, recorded);
      return snapResponse(404, '00', '02', 'Invalid Routing');
    },
    { clock },
  );

  async function sendNotification(notification: SnapSandboxNotification): Promise<SnapSandboxDelivery> {
    const mode = notification.mode ?? 'asymmetric';
    const method = (notification.method ?? 'POST').toUpperCase();
    const body = typeof notification.body === 'string' ? notification.body : JSON.stringify(notification.body);
    const url = new URL(notification.url);
    const path = notification.path ?? url.pathname + url.search;
    const timestamp = notification.timestamp ?? formatIsoTimestamp(clock(), { offset: JAKARTA_OFFSET });
    const externalId = notification.externalId ?? randomNumeric(32);
    const bodyHash = sha256Hex(body.length === 0 ? '' : minifyJson(body));
    const client =
      notification.clientId === undefined ? firstClient : (clients.get(notification.clientId) ?? firstClient);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-TIMESTAMP': timestamp,
      'X-PARTNER-ID': client.partnerId,
      'X-EXTERNAL-ID': externalId,
      'CHANNEL-ID': '95221',
    };
    if (mode === 'asymmetric') {
      const key =
        notification.privateKey === undefined
          ? providerPrivateKey()
          : typeof notification.privateKey === 'string'
            ? createPrivateKey(notification.privateKey)
            : notification.privateKey;
      headers['X-SIGNATURE'] = rsaSign(
        'sha256',
        Buffer.from(`${method}:${path}:${bodyHash}:${timestamp}`),
        key,
      ).toString('base64');
    } else {
      const accessToken = notification.accessToken ?? randomToken();
      headers.Authorization = `Bearer ${accessToken}`;
      headers['X-SIGNATURE'] = createHmac('sha512', notification.clientSecret ?? client.clientSecret)
        .update(`${method}:${path}:${accessToken}:${bodyHash}:${timestamp}`, 'utf8')
        .digest('base64');
    }
    Object.assign(headers, notification.headers ?? {});
    const sent = notification.tamperBody ? notification.tamperBody(body) : body;
    const response = await (options.fetch ?? globalThis.fetch)(url, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: sent }),
    });
    return { status: response.status, responseBody: await response.text(), headers, body: sent, timestamp, externalId };
  }

  return {
    handler: core.handler,
    faults: core.faults,
    requests: core.requests,
    listen: core.listen,
    tokenPath,
    customerTokenPath,
    servicePath,
    get providerPublicKey() {
      return createPublicKey(providerPrivateKey()).export({ type: 'spki', format: 'pem' }).toString();
    },
    get issuedTokenCount() {
      return issuedTokenCount;
    },
    issueAuthCode(codeOptions = {}) {
      const clientId = codeOptions.clientId ?? firstClient.clientId;
      if (!clients.has(clientId)) throw new TypeError(`issueAuthCode: unknown client ${clientId}`);
      const code = randomToken();
      authCodes.set(code, {
        clientId,
        customerId: codeOptions.customerId ?? `customer-${randomNumeric(6)}`,
        expiresAt: clock() + authCodeTtlMs,
      });
      return code;
    },
    expireTokens() {
      const now = clock();
      for (const record of tokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
      for (const record of customerTokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
    },
    expireTokensEarly(afterMs) {
      if (afterMs !== undefined && (!Number.isFinite(afterMs) || afterMs < 0)) {
        throw new TypeError('expireTokensEarly: afterMs must be a non-negative number or undefined');
      }
      earlyExpiryMs = afterMs;
    },
    sendNotification,
  };
}
