/**
 * Fastify: a plugin that keeps every request body as its exact bytes, and a route handler that
 * runs a Web handler on them.
 *
 * Fastify reads bodies itself (its JSON parser leaves no bytes behind), so the plugin replaces
 * the content-type parsers of the scope it is registered in with one that keeps the bytes as a
 * `Buffer` in `request.body`, bounded in size and time like {@link toWebRequest}. It is not
 * encapsulated (like a `fastify-plugin` plugin): register it inside the plugin that holds your
 * webhook routes, and the app's other routes keep their JSON parser.
 *
 * The types below are the few members used, written out so that this package needs no
 * dependency on fastify; Fastify 5's own instance, request and reply fit them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AuthError, isAuthError } from '../errors/errors.js';
import { type NodeHandlerOptions, reportError, type WebHandler } from './handler.node.js';
import {
  buildRequest,
  consumedBodyError,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  positiveInteger,
  readBodyStream,
  requestUrl,
  type ToWebRequestOptions,
  tooLarge,
} from './request.node.js';

/** What the plugin uses of a Fastify instance. */
export interface FastifyInstanceLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    parser: (request: unknown, payload: IncomingMessage, done: (error: Error | null, body?: unknown) => void) => void,
  ): void;
}

/** What the helpers use of a Fastify request. */
export interface FastifyRequestLike {
  readonly raw: IncomingMessage;
  readonly body?: unknown;
}

/** What the helpers use of a Fastify reply. */
export interface FastifyReplyLike {
  readonly raw: ServerResponse;
  code(statusCode: number): unknown;
  type(contentType: string): unknown;
  send(payload?: unknown): unknown;
}

export interface FastifyRawBodyOptions {
  /** Largest body accepted, in bytes (default 1 MiB); over it Fastify answers 413. */
  maxBodyBytes?: number;
  /** Deadline for the whole body, in ms (default 10 000); past it Fastify answers 408. */
  bodyTimeoutMs?: number;
}

/** The HTTP status Fastify's error handler answers a body failure with (not enumerable: not in toJSON). */
function withStatus(error: AuthError): AuthError {
  // readBodyStream fails with one of these three codes only.
  const status = error.code === 'ERR_RESPONSE_TOO_LARGE' ? 413 : error.code === 'ERR_TIMEOUT' ? 408 : 400;
  Object.defineProperty(error, 'statusCode', { value: status, enumerable: false, configurable: true });
  return error;
}

/**
 * Fastify plugin: every content type of the scope it is registered in is kept as raw bytes
 * (`request.body` is a `Buffer`, `undefined` for a request without a body), so
 * {@link toFastifyHandler} / {@link fastifyToWebRequest} can hand the exact bytes to a Web handler.
 *
 * ```ts
 * await app.register(async (webhooks) => {
 *   await webhooks.register(fastifyRawBody, { maxBodyBytes: 64 * 1024 });
 *   webhooks.post('/webhooks/snap', toFastifyHandler(handleWebhook));
 * });
 * ```
 *
 * @throws {TypeError} (through `done`) for an invalid option.
 */
export function fastifyRawBody(
  instance: FastifyInstanceLike,
  options: FastifyRawBodyOptions,
  done: (error?: Error) => void,
): void {
  let maxBytes: number;
  let timeoutMs: number;
  try {
    maxBytes = positiveInteger(options?.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes');
    timeoutMs = positiveInteger(options?.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS, 'bodyTimeoutMs');
  } catch (error) {
    done(error as Error);
    return;
  }
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (_request, payload, parsed) => {
    const declared = Number(payload.headers?.['content-length']);
    const read =
      Number.isFinite(declared) && declared > maxBytes
        ? Promise.reject(tooLarge(maxBytes))
        : readBodyStream(payload, maxBytes, timeoutMs, undefined);
    read.then(
      (bytes) => parsed(null, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
      (error: AuthError) => parsed(withStatus(error)),
    );
  });
  done();
}
// Not encapsulated: the parsers apply to the scope that registers it (what fastify-plugin does).
Object.defineProperty(fastifyRawBody, Symbol.for('skip-override'), { value: true });
Object.defineProperty(fastifyRawBody, Symbol.for('fastify.display-name'), { value: 'fastifyRawBody' });

/**
 * The Web `Request` for a Fastify request whose body {@link fastifyRawBody} kept as bytes
 * (URL and headers as in {@link toWebRequest}).
 *
 * @throws {InputError} `ERR_INVALID_INPUT`: `field: 'body'` when another parser turned the body
 *   into an object or text (register `fastifyRawBody` in the route's scope), `'host'` / `'url'`
 *   as in `toWebRequest`.
 */
export function fastifyToWebRequest(
  request: FastifyRequestLike,
  options: Omit<ToWebRequestOptions, 'maxBodyBytes' | 'bodyTimeoutMs'> = {},
): Request {
  const raw = request.raw;
  const url = requestUrl(raw, options);
  const body = request.body;
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  if (body instanceof Uint8Array) {
    bytes = new Uint8Array(body);
  } else if (body !== undefined && body !== null) {
    throw consumedBodyError("Fastify's JSON or text parser (register fastifyRawBody in this route's scope)");
  }
  const method = (raw.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD') bytes = undefined;
  return buildRequest(raw, url, bytes, options.signal);
}

/**
 * A Fastify route handler for a Web handler: the handler gets {@link fastifyToWebRequest}'s
 * `Request` (with a `signal` that aborts when the client goes away) and its `Response` is sent
 * with `reply.send(response)`, so Fastify's hooks and logging still see it. A bad Host header or
 * target is answered 400; a body another parser read, a throwing handler or one that returns no
 * `Response` a detail-free 500. Every failure goes to `onError(error, req)` first; with
 * `forwardErrors: true` the 500-class ones are thrown instead, for Fastify's error handler.
 * Register {@link fastifyRawBody} in the route's scope.
 *
 * @throws {TypeError} when `webHandler` is not a function.
 */
export function toFastifyHandler<Reply extends FastifyReplyLike>(
  webHandler: WebHandler,
  options: Omit<NodeHandlerOptions, 'maxBodyBytes' | 'bodyTimeoutMs'> = {},
): (request: FastifyRequestLike, reply: Reply) => Promise<Reply> {
  if (typeof webHandler !== 'function') {
    throw new TypeError('[@org/signing-core] toFastifyHandler: webHandler must be a function (request) => Response');
  }
  const text = (reply: Reply, status: number, body: string): Reply => {
    reply.code(status);
    reply.type('text/plain; charset=utf-8');
    reply.send(body);
    return reply;
  };
  return async (request, reply) => {
    const controller = new AbortController();
    const res = reply.raw;
    const onClose = () => {
      if (!res.writableFinished) controller.abort();
    };
    res.once('close', onClose);
    let webRequest: Request;
    try {
      webRequest = fastifyToWebRequest(request, { ...options, signal: controller.signal });
    } catch (error) {
      reportError(options, error, request.raw);
      if (isAuthError(error, 'ERR_INVALID_INPUT') && (error.field === 'host' || error.field === 'url')) {
        return text(reply, 400, 'Bad Request');
      }
      if (options.forwardErrors === true) throw error;
      return text(reply, 500, 'Internal Server Error');
    }
    let response: Response;
    try {
      response = await webHandler(webRequest);
      if (!(response instanceof Response))
        throw new TypeError('[@org/signing-core] the handler must return a Response');
    } catch (error) {
      if (controller.signal.aborted) return reply;
      reportError(options, error, request.raw);
      if (options.forwardErrors === true) throw error;
      return text(reply, 500, 'Internal Server Error');
    }
    reply.send(response);
    return reply;
  };
}
