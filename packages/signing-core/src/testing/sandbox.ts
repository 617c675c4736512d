/**
 * Building blocks for the provider sandboxes: a Web-standard handler wrapper that records
 * every request and can be told to misbehave (delay, dropped connection, 5xx, 429 with
 * Retry-After, HTML body, truncated JSON), plus a server helper for Node (`listen`).
 * Each provider package builds its own sandbox (`@org/<provider>/testing`) on top of this.
 */

/** One recorded request, as the sandbox received it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v1.0/access-token/b2b`. */
  readonly path: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text (UTF-8). */
  readonly body: string;
  /** The exact body bytes (for binary bodies such as multipart uploads). */
  readonly bytes: Uint8Array;
  /** Epoch ms when it arrived (sandbox clock). */
  readonly at: number;
}

/** A way to misbehave. */
export type Fault =
  | { readonly type: 'delay'; readonly ms: number }
  | { readonly type: 'drop' }
  | { readonly type: 'status'; readonly status: number; readonly body?: string; readonly contentType?: string }
  | { readonly type: 'rate-limit'; readonly retryAfterSeconds: number; readonly body?: string }
  | { readonly type: 'html'; readonly status?: number }
  | {
      readonly type: 'truncated-json';
      readonly status?: number /** the cut-off body; default SNAP-shaped */;
      readonly body?: string;
    };

export interface FaultOptions {
  /** How many matching requests get the fault. Default 1. `Infinity` for all. */
  times?: number;
  /** Only requests to this path or under it (default: every request); see {@link pathMatches}. */
  path?: string;
}

interface PlannedFault {
  fault: Fault;
  remaining: number;
  path: string | undefined;
}

/**
 * True when `path` is `prefix` or lies under it, segment-wise: `/token` matches `/token`,
 * `/token?x=1` and `/token/refresh`, but not `/token2` (so `/b2b` never counts `/b2b2c`).
 */
export function pathMatches(path: string, prefix: string): boolean {
  if (path === prefix || prefix === '/' || prefix === '') return true;
  const under = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return path.startsWith(under) || path.startsWith(`${prefix}?`) || path === prefix.replace(/\/$/, '');
}

/** Queues faults for the next matching requests. */
export class FaultInjector {
  readonly #planned: PlannedFault[] = [];

  /** The next `times` requests (matching `path`) get `fault` instead of a normal answer. */
  inject(fault: Fault, options: FaultOptions = {}): this {
    this.#planned.push({ fault, remaining: options.times ?? 1, path: options.path });
    return this;
  }

  /** Removes every queued fault. */
  clear(): void {
    this.#planned.length = 0;
  }

  /** @internal The fault for this request, if any (consumes one use). */
  take(path: string): Fault | undefined {
    const index = this.#planned.findIndex(
      (p) => p.remaining > 0 && (p.path === undefined || pathMatches(path, p.path)),
    );
    if (index < 0) return undefined;
    const planned = this.#planned[index] as PlannedFault;
    planned.remaining -= 1;
    if (planned.remaining <= 0) this.#planned.splice(index, 1);
    return planned.fault;
  }
}

/** Everything the sandbox received, for assertions. */
export class RequestRecorder {
  readonly #requests: RecordedRequest[] = [];

  get all(): readonly RecordedRequest[] {
    return this.#requests;
  }

  /** @internal */
  add(request: RecordedRequest): void {
    this.#requests.push(request);
  }

  /** Requests to `path` or under it, with any query (see {@link pathMatches}). */
  to(path: string): RecordedRequest[] {
    return this.#requests.filter((r) => pathMatches(r.path, path));
  }

  /** How many requests went to `path`. */
  count(path: string): number {
    return this.to(path).length;
  }

  clear(): void {
    this.#requests.length = 0;
  }
}

/** Responses that tell the Node server helper to destroy the connection without answering. */
const dropped = new WeakSet<Response>();

/** True for a response that stands for "drop the connection". */
export function isDropResponse(response: Response): boolean {
  return dropped.has(response);
}

/** A JSON response. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function faultResponse(fault: Fault): Response | undefined {
  switch (fault.type) {
    case 'delay':
      return undefined;
    case 'drop': {
      const response = new Response(null, { status: 599 });
      dropped.add(response);
      return response;
    }
    case 'status':
      return new Response(fault.body ?? JSON.stringify({ error: 'sandbox fault', status: fault.status }), {
        status: fault.status,
        headers: { 'content-type': fault.contentType ?? 'application/json' },
      });
    case 'rate-limit':
      return new Response(fault.body ?? JSON.stringify({ error: 'Too Many Requests' }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds) },
      });
    case 'html':
      return new Response(
        '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
        {
          status: fault.status ?? 502,
          headers: { 'content-type': 'text/html; charset=utf-8' },
        },
      );
    case 'truncated-json':
      return new Response(fault.body ?? '{"responseCode":"2007300","accessToken":"eyJhbGciOiJSUzI1NiJ9.', {
        status: fault.status ?? 200,
        headers: { 'content-type': 'application/json' },
      });
  }
}

/** A running sandbox server. */
export interface RunningSandbox {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface SandboxCore {
  /** The Web-standard handler: use it with any server (Node helper below, Bun.serve, Deno.serve, Workers). */
  readonly handler: (request: Request) => Promise<Response>;
  readonly faults: FaultInjector;
  readonly requests: RequestRecorder;
  /** Serves the handler on 127.0.0.1 (Node). Port 0 (default) picks a free port. */
  listen(options?: { port?: number }): Promise<RunningSandbox>;
}

/**
 * The token controls of every provider sandbox, under one set of names (each sandbox adds its
 * own: uploads, notifications, revocation…).
 */
export interface TokenSandbox extends SandboxCore {
  /** How many tokens the sandbox has issued so far. */
  readonly issuedTokens: number;
  /** How many of them still work now (not expired, not revoked). */
  readonly activeTokens: number;
  /** Expires every token issued so far: a call that carries one is refused as the provider would. */
  expireTokens(): void;
}

/**
 * Sets `Date` (RFC 9110 IMF-fixdate) from the sandbox clock, as a provider's server does from
 * its own: a sandbox with a skewed clock (`clockSkewMs`) says so in every answer, which is what
 * a client's clock-skew correction reads. A route's own `Date` wins.
 */
function withDate(response: Response, now: number): Response {
  if (isDropResponse(response) || response.headers.has('date')) return response;
  try {
    response.headers.set('date', new Date(now).toUTCString());
    return response;
  } catch {
    // Immutable headers (a response passed through from elsewhere): copied.
    const headers = new Headers(response.headers);
    headers.set('date', new Date(now).toUTCString());
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/**
 * Wraps a provider's routing function with recording and fault injection.
 * `route` sees the request (body still unread) and the recorded copy (body as text).
 */
export function createSandboxCore(
  route: (request: Request, recorded: RecordedRequest) => Promise<Response> | Response,
  options: { clock?: () => number } = {},
): SandboxCore {
  const clock = options.clock ?? Date.now;
  const faults = new FaultInjector();
  const requests = new RequestRecorder();

  async function handler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname + url.search;
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const bytes = request.body === null ? new Uint8Array(0) : new Uint8Array(await request.clone().arrayBuffer());
    const body = new TextDecoder().decode(bytes);
    const recorded: RecordedRequest = { method: request.method, path, headers, body, bytes, at: clock() };
    requests.add(recorded);
    const fault = faults.take(url.pathname);
    if (fault) {
      if (fault.type === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
      const response = faultResponse(fault);
      if (response) return withDate(response, clock());
    }
    let response: Response;
    try {
      response = await route(request, recorded);
    } catch (error) {
      response = jsonResponse(500, {
        error: 'sandbox internal error',
        message: error instanceof Error ? error.message : String(error),
      });
    }
    return withDate(response, clock());
  }

  return {
    handler,
    faults,
    requests,
    async listen(listenOptions = {}) {
      const { serveOnLoopback } = await import('#sandbox-serve');
      return serveOnLoopback(handler, listenOptions.port ?? 0);
    },
  };
}
