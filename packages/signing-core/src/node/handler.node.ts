/**
 * A Web handler `(request: Request) => Response | Promise<Response>` as a Node
 * `(req, res, next?) => void`: an Express route, a Next.js Pages API route (with
 * `bodyParser: false`) or a plain `node:http` request listener.
 *
 * What the client gets when something fails:
 *
 * | failure                                             | answer                                |
 * | --------------------------------------------------- | ------------------------------------- |
 * | body over `maxBodyBytes` (declared or counted)      | 413                                   |
 * | body not complete within `bodyTimeoutMs`            | 408                                   |
 * | Host header or request target not a URL part        | 400                                   |
 * | the client went away                                | nothing (the handler's `request.signal` aborts) |
 * | the body was already read by a parser, the handler threw or returned no Response | 500 `Internal Server Error`, no details |
 *
 * The 4xx answers carry `Connection: close`: the rest of the body is never read.
 * Every failure but a client going away goes to `onError(error, req)` first. With
 * `forwardErrors: true` and a `next` function (Express, Connect), the 500 cases are handed to
 * `next(error)` instead, for the app's error middleware to answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAuthError } from '../errors/errors.js';
import { buildRequest, type NodeRequest, readNodeBody, requestUrl, type ToWebRequestOptions } from './request.node.js';
import { writeWebResponse } from './response.node.js';

/** A Web-standard request handler, as Hono, Next.js App Router, Bun, Deno and Workers take it. */
export type WebHandler = (request: Request) => Response | Promise<Response>;

export interface NodeHandlerOptions extends Omit<ToWebRequestOptions, 'signal'> {
  /** Told about every failure except a client going away (to log it; the answer is already decided). */
  onError?: (error: unknown, req: IncomingMessage) => void;
  /** Hand 500-class failures to Express's `next(error)` instead of answering 500 (default `false`). */
  forwardErrors?: boolean;
}

/** A Node request listener that also mounts as Express middleware. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** A short text answer. Throws when headers were already sent (another middleware answered). */
function plain(res: ServerResponse, status: number, text: string, close: boolean): void {
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  };
  if (close) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(text);
}

/** The answer for a failure of reading the request, or undefined for a server-side failure (500). */
function clientFailure(error: unknown): { status: number; text: string } | 'gone' | undefined {
  if (isAuthError(error, 'ERR_RESPONSE_TOO_LARGE')) return { status: 413, text: 'Payload Too Large' };
  if (isAuthError(error, 'ERR_TIMEOUT')) return { status: 408, text: 'Request Timeout' };
  if (isAuthError(error, 'ERR_ABORTED')) return 'gone';
  if (isAuthError(error, 'ERR_INVALID_INPUT') && (error.field === 'host' || error.field === 'url')) {
    return { status: 400, text: 'Bad Request' };
  }
  return undefined;
}

/** Calls `onError`, never letting a throwing hook escape. */
export function reportError(options: NodeHandlerOptions, error: unknown, req: IncomingMessage): void {
  try {
    options.onError?.(error, req);
  } catch {
    // A failing error hook must not turn into an unhandled rejection.
  }
}

/** Validates the options now, so a bad one fails when the route is mounted, not per request. */
function checkOptions(options: NodeHandlerOptions): void {
  for (const name of ['maxBodyBytes', 'bodyTimeoutMs'] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0)) {
      throw new TypeError(`[@org/signing-core] ${name} must be a positive integer`);
    }
  }
  if (options.origin !== undefined) {
    try {
      new URL(options.origin);
    } catch {
      throw new TypeError('[@org/signing-core] origin must be an absolute URL such as https://shop.example');
    }
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError('[@org/signing-core] onError must be a function');
  }
}

/** Runs a Web handler for a Node request and writes its answer; failures are answered as in the module comment. */
async function serveWebHandler(
  handler: WebHandler,
  req: NodeRequest,
  res: ServerResponse,
  options: NodeHandlerOptions,
  next: ((error?: unknown) => void) | undefined,
): Promise<void> {
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) controller.abort();
  };
  // Kept after the answer: a client that leaves while the body streams still aborts the signal.
  res.once('close', onClose);
  let request: Request;
  try {
    const url = requestUrl(req, options);
    const body = await readNodeBody(req, { ...options, signal: controller.signal });
    request = buildRequest(req, url, body, controller.signal);
  } catch (error) {
    const failure = clientFailure(error);
    if (failure === 'gone') {
      res.destroy();
      return;
    }
    reportError(options, error, req);
    if (failure !== undefined) {
      plain(res, failure.status, failure.text, true);
      return;
    }
    fail(error);
    return;
  }
  let response: Response;
  try {
    response = await handler(request);
    if (!(response instanceof Response)) throw new TypeError('[@org/signing-core] the handler must return a Response');
  } catch (error) {
    if (controller.signal.aborted) return; // the client left; nobody is waiting for an answer
    reportError(options, error, req);
    fail(error);
    return;
  }
  try {
    await writeWebResponse(res, response);
  } catch (error) {
    // The status went out already (or another middleware had answered): end the connection.
    reportError(options, error, req);
    res.destroy();
  }

  function fail(error: unknown): void {
    if (options.forwardErrors === true && typeof next === 'function') {
      next(error);
      return;
    }
    plain(res, 500, 'Internal Server Error', false);
  }
}

/**
 * A Node handler for `webHandler`: mount it as an Express route (`app.post(path, handler)`, before
 * `express.json()`), export it from a Next.js Pages API route (with `bodyParser: false`) or pass
 * it to `http.createServer`. The handler sees a Web `Request` with the exact body bytes (see
 * {@link toWebRequest} for the URL, headers and limits) and a `signal` that aborts when the
 * client goes away.
 *
 * @throws {TypeError} when `webHandler` is not a function or an option is invalid.
 */
export function toNodeHandler(webHandler: WebHandler, options: NodeHandlerOptions = {}): NodeHandler {
  if (typeof webHandler !== 'function') {
    throw new TypeError('[@org/signing-core] toNodeHandler: webHandler must be a function (request) => Response');
  }
  checkOptions(options);
  return (req, res, next) => {
    serveWebHandler(webHandler, req, res, options, next).catch((error: unknown) => {
      // Only writing the fallback answer can fail here: another middleware had already answered.
      reportError(options, error, req);
      res.destroy();
    });
  };
}
