/**
 * A local stand-in for DOKU's Partner API (Generate Token, Upload File, File Requirements)
 * that checks DOKU's non-SNAP signature exactly as documented, issues JWT-shaped tokens with
 * `exp`, signs its responses, sends signed notifications, and misbehaves on request (the
 * core kit's faults).
 *
 * DOKU publishes no error body for these APIs: the sandbox's error shape,
 * `{"error":{"code":"…","message":"…"}}`, and its codes are the sandbox's own.
 */
import { randomUUID } from 'node:crypto';
import { createSandboxCore, type RecordedRequest, type TokenSandbox } from '@org/signing-core/testing';
import { sameValue, sandboxSignature } from './sandbox-signature.js';
import { type IssuedToken, SandboxTokens } from './sandbox-tokens.js';

export interface DokuSandboxClient {
  readonly clientId: string;
  readonly secretKey: string;
}

/** What the sandbox tells `tokenResponse` about a token it issued. */
export interface DokuSandboxIssuedToken {
  readonly token: string;
  readonly clientId: string;
  /** Epoch seconds. */
  readonly iat: number;
  /** Epoch seconds. */
  readonly exp: number;
  /** Lifetime in seconds (`valid_time` × 60, or `tokenLifetimeSeconds`). */
  readonly lifetimeSeconds: number;
}

export interface DokuSandboxOptions {
  /** The clients the sandbox knows. */
  readonly clients: readonly DokuSandboxClient[];
  /** Epoch-ms clock. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
  /**
   * A provider whose clock is off by this many ms (positive: ahead of `clock`): it checks
   * Request-Timestamp against its own skewed time, and its `Date` header says that time. Default 0.
   */
  readonly clockSkewMs?: number | undefined;
  /** How far `Request-Timestamp` may be from the sandbox clock. Default 5 minutes. */
  readonly timestampToleranceMs?: number | undefined;
  /** Token lifetime when the request has no `valid_time`. Default 300 s (DOKU's sample JWT). */
  readonly tokenLifetimeSeconds?: number | undefined;
  /**
   * The body of a successful Generate Token answer. Default `{ token }` (DOKU's only sample).
   * Use it to test other shapes (`access_token`, `expires_in`, a `data` wrapper…).
   */
  readonly tokenResponse?: ((issued: DokuSandboxIssuedToken) => unknown) | undefined;
  /** Sign responses (`Response-Timestamp` + `Signature`). Default `true`. */
  readonly signResponses?: boolean | undefined;
  /** What `Request-Target` covers: `path` (default) or `path-and-query`. */
  readonly requestTarget?: 'path' | 'path-and-query' | undefined;
}

/** An upload the sample Upload File endpoint accepted. */
export interface DokuSandboxUpload {
  readonly id: string;
  readonly clientId: string;
  readonly category: string;
  readonly code: string | undefined;
  readonly fileName: string | undefined;
  readonly fileSize: number | undefined;
  readonly fileUrl: string | undefined;
}

export interface DokuSandboxNotification {
  /** The merchant's notification URL. */
  readonly url: string;
  /** JSON text (sent byte for byte) or a value to `JSON.stringify`. */
  readonly body: string | Readonly<Record<string, unknown>>;
  /** Which client's key signs it. Default: the first client. */
  readonly clientId?: string | undefined;
  /** Default: a new UUID. */
  readonly requestId?: string | undefined;
  /** Default: the sandbox clock, `yyyy-MM-ddTHH:mm:ssZ`. */
  readonly timestamp?: string | undefined;
  /** Signed `Request-Target`. Default: the path of `url`. */
  readonly target?: string | undefined;
}

export interface DokuSandbox extends TokenSandbox {
  /** Every token issued so far is refused from now on (as if it had expired). */
  expireTokens(): void;
  /** How many tokens the sandbox has issued. */
  readonly tokensIssued: number;
  /** Uploads the sample Upload File endpoint accepted. */
  readonly uploads: readonly DokuSandboxUpload[];
  /** A signed notification as a Web `Request`, without sending it (for handler tests). */
  createNotification(notification: DokuSandboxNotification): Request;
  /** Signs and POSTs a notification to the merchant URL; resolves with the merchant's answer. */
  sendNotification(
    notification: DokuSandboxNotification,
  ): Promise<{ readonly status: number; readonly body: string; readonly requestId: string }>;
}

const SANDBOX_TOKEN_PATH = '/adv-core-api/partner/v1.0/token';
const SANDBOX_FILE_PATH = '/adv-core-api/partner/v1.0/file';

const UPLOAD_CATEGORIES = new Set([
  'OWNER_LIVENESS',
  'PHOTO_PROOF',
  'LOGO',
  'DOCUMENT',
  'SERVICE_AGREEMENT',
  'BANK_ACCOUNT',
]);
const REQUIREMENT_PARAMS = ['businessType', 'businessLegalEntity', 'brandBusinessLine', 'businessContactNationality'];
const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

interface Caller {
  readonly client: DokuSandboxClient;
  readonly requestId: string;
  readonly target: string;
}

class Refusal {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    /** Set when the request identified a known client: the refusal is signed too. */
    readonly caller?: Caller,
  ) {}
}

function formatUtc(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function createDokuSandbox(options: DokuSandboxOptions): DokuSandbox {
  if (!options || !Array.isArray(options.clients) || options.clients.length === 0) {
    throw new TypeError('createDokuSandbox: clients must be a non-empty array of { clientId, secretKey }');
  }
  const clients = new Map<string, DokuSandboxClient>();
  for (const client of options.clients) {
    if (typeof client?.clientId !== 'string' || typeof client.secretKey !== 'string' || !client.secretKey) {
      throw new TypeError('createDokuSandbox: every client needs a clientId and a non-empty secretKey');
    }
    clients.set(client.clientId, client);
  }
  const baseClock = options.clock ?? Date.now;
  const skewMs = options.clockSkewMs ?? 0;
  if (typeof skewMs !== 'number' || !Number.isFinite(skewMs)) {
    throw new TypeError('createDokuSandbox: clockSkewMs must be a finite number of milliseconds');
  }
  const clock = skewMs === 0 ? baseClock : () => baseClock() + skewMs;
  const tolerance = options.timestampToleranceMs ?? 5 * 60_000;
  const defaultLifetime = options.tokenLifetimeSeconds ?? 300;
  const signResponses = options.signResponses ?? true;
  const tokens = new SandboxTokens();
  const seenRequestIds = new Map<string, number>();
  const uploads: DokuSandboxUpload[] = [];

  function respond(status: number, body: unknown, caller?: Caller): Response {
    const text = JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signResponses && caller) {
      const timestamp = formatUtc(clock());
      headers['Client-Id'] = caller.client.clientId;
      headers['Request-Id'] = caller.requestId;
      headers['Response-Timestamp'] = timestamp;
      headers.Signature = sandboxSignature(caller.client.secretKey, {
        clientId: caller.client.clientId,
        requestId: caller.requestId,
        timestampName: 'Response-Timestamp',
        timestamp,
        target: caller.target,
        body: Buffer.from(text, 'utf8'),
      });
    }
    return new Response(text, { status, headers });
  }

  function refuse(refusal: Refusal): Response {
    return respond(refusal.status, { error: { code: refusal.code, message: refusal.message } }, refusal.caller);
  }

  /** Checks DOKU's request signature, and that its Request-Id was not carried out before. */
  function authenticate(request: Request, body: Uint8Array): Caller {
    const header = (name: string) => request.headers.get(name)?.trim() ?? '';
    for (const name of ['Client-Id', 'Request-Id', 'Request-Timestamp', 'Signature']) {
      if (!header(name)) throw new Refusal(400, 'MISSING_HEADER', `the ${name} header is required`);
    }
    const client = clients.get(header('Client-Id'));
    if (!client) throw new Refusal(401, 'UNKNOWN_CLIENT', 'the Client-Id is not known to this sandbox');
    const url = new URL(request.url);
    const requestId = header('Request-Id');
    const caller: Caller = {
      client,
      requestId,
      target: options.requestTarget === 'path-and-query' ? url.pathname + url.search : url.pathname,
    };
    if (requestId.length > 128) {
      throw new Refusal(400, 'INVALID_HEADER', 'Request-Id must be at most 128 characters', caller);
    }
    const timestamp = header('Request-Timestamp');
    if (!UTC_SECONDS.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
      throw new Refusal(400, 'INVALID_HEADER', 'Request-Timestamp must be UTC as yyyy-MM-ddTHH:mm:ssZ', caller);
    }
    const now = clock();
    if (Math.abs(Date.parse(timestamp) - now) > tolerance) {
      throw new Refusal(401, 'STALE_TIMESTAMP', 'Request-Timestamp is outside the allowed window', caller);
    }
    const expected = sandboxSignature(client.secretKey, {
      clientId: client.clientId,
      requestId,
      timestampName: 'Request-Timestamp',
      timestamp,
      target: caller.target,
      body,
    });
    if (!sameValue(header('Signature'), expected)) {
      throw new Refusal(401, 'INVALID_SIGNATURE', 'the Signature does not match the request', caller);
    }
    for (const [id, until] of seenRequestIds) if (until <= now) seenRequestIds.delete(id);
    if (seenRequestIds.has(seenKeyOf(caller))) {
      throw new Refusal(409, 'DUPLICATE_REQUEST_ID', 'this Request-Id was already used', caller);
    }
    return caller;
  }

  function seenKeyOf(caller: Caller): string {
    return `${caller.client.clientId}\u0000${caller.requestId}`;
  }

  function bearer(request: Request, caller: Caller): IssuedToken {
    const value = request.headers.get('Authorization') ?? '';
    const match = /^Bearer (\S+)$/.exec(value);
    const issued = match?.[1] ? tokens.check(match[1], clock()) : undefined;
    if (!issued || issued.clientId !== caller.client.clientId) {
      throw new Refusal(401, 'INVALID_TOKEN', 'the bearer token is missing, invalid or expired', caller);
    }
    return issued;
  }

  function generateToken(body: string, caller: Caller): Response {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new Refusal(400, 'INVALID_REQUEST', 'the body must be JSON', caller);
    }
    const input = parsed as { grant_type?: unknown; valid_time?: unknown } | null;
    if (input === null || typeof input !== 'object' || input.grant_type !== 'client_credentials') {
      throw new Refusal(400, 'INVALID_REQUEST', 'grant_type must be "client_credentials"', caller);
    }
    let lifetime = defaultLifetime;
    if (input.valid_time !== undefined) {
      if (typeof input.valid_time !== 'string' || !/^[1-9]\d{0,5}$/.test(input.valid_time)) {
        throw new Refusal(400, 'INVALID_REQUEST', 'valid_time must be a string of minutes', caller);
      }
      lifetime = Number(input.valid_time) * 60;
    }
    const issued = tokens.issue(caller.client.clientId, clock(), lifetime);
    const shape = options.tokenResponse ?? ((t: DokuSandboxIssuedToken) => ({ token: t.token }));
    return respond(200, shape({ ...issued, lifetimeSeconds: lifetime }), caller);
  }

  async function uploadFile(request: Request, body: Uint8Array, caller: Caller): Promise<Response> {
    bearer(request, caller);
    const contentType = request.headers.get('content-type') ?? '';
    if (!contentType.startsWith('multipart/form-data')) {
      throw new Refusal(400, 'INVALID_REQUEST', 'the Upload File API takes multipart/form-data', caller);
    }
    let form: FormData;
    try {
      form = await new Request(request.url, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: Buffer.from(body),
      }).formData();
    } catch {
      throw new Refusal(400, 'INVALID_REQUEST', 'the multipart body cannot be parsed', caller);
    }
    const category = form.get('category');
    if (typeof category !== 'string' || !UPLOAD_CATEGORIES.has(category)) {
      throw new Refusal(400, 'INVALID_REQUEST', `category must be one of ${[...UPLOAD_CATEGORIES].join(', ')}`, caller);
    }
    const code = form.get('code');
    if (category === 'DOCUMENT' && (typeof code !== 'string' || !code)) {
      throw new Refusal(400, 'INVALID_REQUEST', 'code is required when category is DOCUMENT', caller);
    }
    const file = form.get('file');
    const fileUrl = form.get('file_url');
    if (!(file instanceof Blob) && (typeof fileUrl !== 'string' || !fileUrl)) {
      throw new Refusal(400, 'INVALID_REQUEST', 'either file or file_url is required', caller);
    }
    const id = `CNT-${caller.client.clientId.replace(/\D/g, '').slice(0, 4).padStart(4, '0')}-${clock()}${uploads.length}`;
    uploads.push({
      id,
      clientId: caller.client.clientId,
      category,
      code: typeof code === 'string' ? code : undefined,
      fileName: file instanceof File ? file.name : undefined,
      fileSize: file instanceof Blob ? file.size : undefined,
      fileUrl: typeof fileUrl === 'string' ? fileUrl : undefined,
    });
    return respond(200, { id, link: `${new URL(request.url).origin}/sandbox-files/${id}`, category }, caller);
  }

  function fileRequirements(request: Request, caller: Caller): Response {
    const query = new URL(request.url).searchParams;
    const missing = REQUIREMENT_PARAMS.filter((name) => !query.get(name));
    if (missing.length > 0) {
      throw new Refusal(400, 'INVALID_REQUEST', `missing query parameters: ${missing.join(', ')}`, caller);
    }
    return respond(
      200,
      {
        business: {
          brand: {
            photo_proof: {
              code: 'PHOTO_PROOF',
              name: 'Brand Photo Proof',
              extensions: ['PNG', 'JPG', 'JPEG'],
              max_size: 15,
            },
          },
        },
      },
      caller,
    );
  }

  /**
   * `recorded.bytes` are the exact body bytes received: the signature (its `Digest`) is checked
   * over them, so binary multipart uploads verify byte for byte; `recorded.body` (UTF-8 text,
   * lossy for binary) only feeds the JSON parser of Generate Token.
   */
  async function route(request: Request, recorded: RecordedRequest): Promise<Response> {
    const { pathname } = new URL(request.url);
    const method = request.method.toUpperCase();
    const allowed = pathname === SANDBOX_TOKEN_PATH ? ['POST'] : pathname === SANDBOX_FILE_PATH ? ['POST', 'GET'] : [];
    if (allowed.length === 0) return refuse(new Refusal(404, 'NOT_FOUND', 'no such endpoint in the DOKU sandbox'));
    if (!allowed.includes(method)) {
      return refuse(new Refusal(405, 'METHOD_NOT_ALLOWED', `use ${allowed.join(' or ')} on ${pathname}`));
    }
    try {
      const caller = authenticate(request, recorded.bytes);
      const response =
        pathname === SANDBOX_TOKEN_PATH
          ? generateToken(recorded.body, caller)
          : method === 'POST'
            ? await uploadFile(request, recorded.bytes, caller)
            : fileRequirements(request, caller);
      // A Request-Id is used up once its request was carried out ("to protect duplicate
      // request"): a request refused (bad token, bad body) may be sent again with the same id.
      if (response.ok) seenRequestIds.set(seenKeyOf(caller), clock() + 2 * tolerance);
      return response;
    } catch (error) {
      if (error instanceof Refusal) return refuse(error);
      throw error;
    }
  }

  const core = createSandboxCore(route, { clock });

  function createNotification(notification: DokuSandboxNotification): Request {
    const client = notification.clientId === undefined ? options.clients[0] : clients.get(notification.clientId);
    if (!client) throw new TypeError('createNotification: clientId is not one of the sandbox clients');
    const url = new URL(notification.url);
    const text = typeof notification.body === 'string' ? notification.body : JSON.stringify(notification.body);
    const body = Buffer.from(text, 'utf8');
    const requestId = notification.requestId ?? randomUUID();
    const timestamp = notification.timestamp ?? formatUtc(clock());
    const signature = sandboxSignature(client.secretKey, {
      clientId: client.clientId,
      requestId,
      timestampName: 'Request-Timestamp',
      timestamp,
      target: notification.target ?? url.pathname,
      body,
    });
    return new Request(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Client-Id': client.clientId,
        'Request-Id': requestId,
        'Request-Timestamp': timestamp,
        Signature: signature,
      },
      body,
    });
  }

  return {
    handler: core.handler,
    faults: core.faults,
    requests: core.requests,
    listen: (listenOptions) => core.listen(listenOptions),
    expireTokens: () => tokens.expireAll(),
    get tokensIssued() {
      return tokens.issued;
    },
    get issuedTokens() {
      return tokens.issued;
    },
    get activeTokens() {
      return tokens.active(clock());
    },
    get uploads() {
      return [...uploads];
    },
    createNotification,
    async sendNotification(notification) {
      const request = createNotification(notification);
      const requestId = request.headers.get('Request-Id') ?? '';
      const response = await fetch(request);
      return { status: response.status, body: await response.text(), requestId };
    },
  };
}
