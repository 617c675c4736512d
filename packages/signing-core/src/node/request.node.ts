/**
 * A Node `IncomingMessage` as a Web `Request`, keeping the exact body bytes.
 *
 * - The body is read into memory, bounded by `maxBodyBytes` (a declared `Content-Length` over it
 *   is refused before anything is read) and by `bodyTimeoutMs` for the whole body, so a client
 *   that drips bytes cannot hold the handler. The bytes are handed to `Request` as they arrived:
 *   no decoding, no re-serialising.
 * - A body something else already read (a JSON, form or text parser mounted first) is refused
 *   with an `InputError` whose message says what to change. A `Buffer` left in `req.body` by a
 *   raw parser (`express.raw()`) is used as the bytes.
 * - The URL is `origin` + the request target. The origin is the `origin` option when given;
 *   otherwise `http` or `https` from the socket and the `Host` header. `X-Forwarded-Proto` and
 *   `X-Forwarded-Host` are read only with `trustProxy: true` (anyone can send them).
 * - Headers keep every value of a repeated header, in order (from `rawHeaders`).
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { InputError, ResponseFormatError, TransportError } from '../errors/errors.js';

/** The default body limit of {@link toWebRequest}: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** The default deadline for reading a whole request body: 10 s. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

export interface ToWebRequestOptions {
  /** Largest body accepted, in bytes (default 1 MiB). Past it: `ResponseFormatError` `ERR_RESPONSE_TOO_LARGE`. */
  maxBodyBytes?: number;
  /** Deadline for the whole body, in ms (default 10 000). Past it: `TransportError` `ERR_TIMEOUT`. */
  bodyTimeoutMs?: number;
  /**
   * Take the scheme and host from `X-Forwarded-Proto` / `X-Forwarded-Host` (their first value).
   * Default `false`: only set it behind a proxy that overwrites both headers.
   */
  trustProxy?: boolean;
  /** A fixed origin (`https://shop.example`) for the URL, instead of the socket and `Host` header. */
  origin?: string;
  /** Passed on as the Request's `signal`; aborting it also stops reading the body (`ERR_ABORTED`). */
  signal?: AbortSignal;
}

/** What the adapter reads from a request; Express, Next.js and Fastify requests all have it. */
export type NodeRequest = IncomingMessage & { body?: unknown; originalUrl?: unknown };

const NO_BODY_METHODS = new Set(['GET', 'HEAD']);
// reg-name or IPv4 (letters, digits, '.', '-', '_', '~') or a bracketed IPv6 literal, then an optional port.
const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

function inputError(field: string, message: string): InputError {
  return new InputError('ERR_INVALID_INPUT', message, { field });
}

export function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`[@org/signing-core] ${name} must be a positive integer`);
  }
  return value;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const first = text?.split(',')[0]?.trim();
  return first === undefined || first.length === 0 ? undefined : first;
}

function originOf(req: IncomingMessage, options: ToWebRequestOptions): string {
  if (options.origin !== undefined) {
    let url: URL;
    try {
      url = new URL(options.origin);
    } catch {
      throw new TypeError('[@org/signing-core] origin must be an absolute URL such as https://shop.example');
    }
    return url.origin;
  }
  const socket = req.socket as { encrypted?: boolean; localAddress?: string; localPort?: number } | null;
  let scheme = socket?.encrypted === true ? 'https' : 'http';
  let host = firstValue(req.headers.host) ?? firstValue(req.headers[':authority']);
  if (options.trustProxy === true) {
    const proto = firstValue(req.headers['x-forwarded-proto'])?.toLowerCase();
    if (proto === 'http' || proto === 'https') scheme = proto;
    host = firstValue(req.headers['x-forwarded-host']) ?? host;
  }
  if (host === undefined) {
    // HTTP/1.0 without Host: the address the request arrived on.
    const address = socket?.localAddress ?? '127.0.0.1';
    host = `${address.includes(':') ? `[${address}]` : address}:${socket?.localPort ?? 80}`;
  }
  if (!HOST.test(host)) {
    throw inputError('host', 'the Host header is not a host name or address with an optional port');
  }
  return `${scheme}://${host}`;
}

function targetOf(req: NodeRequest): string {
  // Express strips the mount path from req.url; originalUrl keeps what the client sent.
  const target = typeof req.originalUrl === 'string' ? req.originalUrl : (req.url ?? '/');
  if (target.startsWith('/')) return target;
  if (target === '*') return '/';
  try {
    // Absolute form (`POST http://host/path`), as sent to proxies: keep the path and query only.
    const url = new URL(target);
    return url.pathname + url.search;
  } catch {
    throw inputError('url', 'the request target is neither a path nor an absolute URL');
  }
}

/** The URL of a request as the client addressed it (see the module comment for the origin). */
export function requestUrl(req: NodeRequest, options: ToWebRequestOptions = {}): URL {
  const origin = originOf(req, options);
  // Concatenated, never resolved: a target such as `//evil.example/x` stays a path.
  return new URL(origin + targetOf(req));
}

/** Every header of the request, repeated ones once per value, in the order they arrived. */
function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    // HTTP/2 pseudo-headers (`:path`, `:authority`) are not headers of a Request.
    if (!name.startsWith(':')) headers.append(name, raw[i + 1] as string);
  }
  return headers;
}

/** The error for a body that something read before the adapter; the message says what to change. */
export function consumedBodyError(kind: string): InputError {
  return inputError(
    'body',
    `the request body was already read by ${kind} before this handler, so its exact bytes are gone ` +
      '(a signature over them cannot be checked). Mount this route before express.json() / ' +
      'express.urlencoded() / express.text(), or give it express.raw({ type: "*/*" }) instead; in a ' +
      'Next.js Pages API route export `config = { api: { bodyParser: false } }`; in Fastify register ' +
      "fastifyRawBody in the route's scope.",
  );
}

/** Whether a request announces a body (Content-Length > 0 or Transfer-Encoding). */
function announcesBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/** The error for a body over the limit. */
export function tooLarge(maxBytes: number): ResponseFormatError {
  return new ResponseFormatError(
    `the request body is larger than ${maxBytes} bytes (maxBodyBytes)`,
    {},
    { code: 'ERR_RESPONSE_TOO_LARGE' },
  );
}

/**
 * Reads the body of `req`, bounded in size and time. `undefined` for a GET or HEAD and for a
 * request without a body.
 */
export function readNodeBody(
  req: NodeRequest,
  options: ToWebRequestOptions = {},
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const maxBytes = positiveInteger(options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes');
  const timeoutMs = positiveInteger(options.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS, 'bodyTimeoutMs');
  const method = (req.method ?? 'GET').toUpperCase();

  const parsed = req.body;
  if (parsed !== undefined && parsed !== null) {
    if (parsed instanceof Uint8Array) {
      if (parsed.byteLength > maxBytes) return Promise.reject(tooLarge(maxBytes));
      if (NO_BODY_METHODS.has(method) || (parsed.byteLength === 0 && !announcesBody(req))) {
        return Promise.resolve(undefined);
      }
      return Promise.resolve(new Uint8Array(parsed));
    }
    return Promise.reject(
      consumedBodyError(
        typeof parsed === 'string'
          ? 'a text parser (express.text(), or Next.js reading it as text)'
          : "a JSON or form parser (express.json(), express.urlencoded(), Next.js's default bodyParser)",
      ),
    );
  }
  if (NO_BODY_METHODS.has(method)) {
    // A GET or HEAD carries no body a Request could hold; drop anything sent anyway.
    if (!req.readableEnded) req.resume();
    return Promise.resolve(undefined);
  }
  if (!announcesBody(req)) {
    if (!req.readableEnded) req.resume();
    return Promise.resolve(undefined);
  }
  if (req.readableEnded || req.readableDidRead || req.readableEncoding !== null) {
    return Promise.reject(consumedBodyError('something mounted earlier (the stream has been read)'));
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return readBodyStream(req, maxBytes, timeoutMs, options.signal);
}

/**
 * Reads a body stream to its end into one `Uint8Array`, failing past `maxBytes`, past
 * `timeoutMs`, when the stream closes or errors before its end, or when `signal` aborts. On a
 * failure the stream is paused and left unread.
 */
export function readBodyStream(
  stream: Readable,
  maxBytes: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise<Uint8Array<ArrayBuffer>>((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const timer = setTimeout(() => {
      finish(
        new TransportError('ERR_TIMEOUT', `the request body did not arrive within ${timeoutMs} ms (bodyTimeoutMs)`),
      );
    }, timeoutMs);
    const onData = (chunk: Uint8Array | string) => {
      const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
      total += bytes.byteLength;
      if (total > maxBytes) {
        finish(tooLarge(maxBytes));
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => {
      const body = new Uint8Array(total);
      let offset = 0;
      for (const chunk of chunks) {
        body.set(chunk, offset);
        offset += chunk.byteLength;
      }
      finish(undefined, body);
    };
    const onClose = () => {
      finish(new TransportError('ERR_ABORTED', 'the client closed the connection mid-body'));
    };
    const onError = () => {
      finish(new TransportError('ERR_ABORTED', 'the request body broke off'));
    };
    const onAbort = () => {
      finish(new TransportError('ERR_ABORTED', 'reading the request body was aborted'));
    };
    function finish(error: Error | undefined, body?: Uint8Array<ArrayBuffer>): void {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onClose);
      stream.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) {
        resolve(body as Uint8Array<ArrayBuffer>);
        return;
      }
      // Stop reading what is left; the caller answers and closes the connection.
      stream.pause();
      reject(error);
    }
    if (signal?.aborted === true) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('close', onClose);
    stream.on('error', onError);
  });
}

/**
 * The Web `Request` for a Node request: method, URL, every header and the exact body bytes.
 *
 * @throws {InputError} `ERR_INVALID_INPUT`: `field: 'body'` when a parser already read the body
 *   (the message says what to change), `field: 'host'` / `'url'` for a Host header or target
 *   that is not a URL part.
 * @throws {ResponseFormatError} `ERR_RESPONSE_TOO_LARGE` for a body over `maxBodyBytes`.
 * @throws {TransportError} `ERR_TIMEOUT` past `bodyTimeoutMs`, `ERR_ABORTED` when the client
 *   went away mid-body or `signal` fired.
 * @throws {TypeError} for an invalid option.
 */
export async function toWebRequest(req: NodeRequest, options: ToWebRequestOptions = {}): Promise<Request> {
  const url = requestUrl(req, options);
  const body = await readNodeBody(req, options);
  return buildRequest(req, url, body, options.signal);
}

/** A Request from parts already read (Fastify hands the body over itself). */
export function buildRequest(
  req: IncomingMessage,
  url: URL,
  body: Uint8Array<ArrayBuffer> | undefined,
  signal: AbortSignal | undefined,
): Request {
  const init: RequestInit = { method: req.method ?? 'GET', headers: requestHeaders(req) };
  // An empty body is no body: `request.body` is null, as for a request that sent none.
  if (body !== undefined && body.byteLength > 0) init.body = body;
  if (signal !== undefined) init.signal = signal;
  return new Request(url, init);
}
