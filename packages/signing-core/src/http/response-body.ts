/**
 * Reading bodies: request bodies as bytes (without teeing the stream when ky was handed them),
 * answers as JSON, and the one format error for a 2xx answer that is not JSON.
 */
import { ResponseFormatError, TransportError } from '../errors/errors.js';
import { redactText } from '../secret/secret.js';

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

export interface JsonResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON body. */
  readonly data: T;
  /** The body text as received. */
  readonly text: string;
}

/** The bytes of a request body (read from a clone). */
export async function bodyBytes(request: Request): Promise<Uint8Array> {
  if (request.body === null) return EMPTY;
  return new Uint8Array(await request.clone().arrayBuffer());
}

/** Parsed JSON, or the text itself when it is not JSON (`undefined` for an empty body). */
export function parseBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The bytes of a request body given as a string or bytes, without reading the request's stream
 * (a clone tees it): what ky was handed is what it sends. `undefined` for anything else.
 */
export function knownBody(request: Request, body: unknown): Uint8Array | undefined {
  if (request.body === null) return EMPTY;
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return undefined;
}

/**
 * Reads a 2xx response that must be JSON. HTML pages, empty, truncated or otherwise invalid
 * bodies become `ResponseFormatError`; a connection dropped mid-body becomes `TransportError`.
 */
export async function readJson<T = unknown>(
  response: Response,
  provider: string,
  excerpt: (text: string) => string = (text) => redactText(text),
): Promise<JsonResponse<T>> {
  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    throw new TransportError('ERR_NETWORK', `the connection to ${provider} broke while reading the response`, {
      provider,
      cause,
    });
  }
  // A 2xx labelled as an HTML page is one, even if its text happens to parse.
  if (/text\/html/i.test(response.headers.get('content-type') ?? '')) {
    throw notJsonError(provider, response, text, excerpt(text));
  }
  try {
    return { status: response.status, headers: response.headers, data: JSON.parse(text) as T, text };
  } catch {
    throw notJsonError(provider, response, text, excerpt(text));
  }
}

/**
 * The one format error for a 2xx answer that is not JSON, for `readJson` and for ky's `.json()`:
 * it says whether the body is an HTML page (by its Content-Type or its first character), empty,
 * or truncated or otherwise invalid JSON.
 */
export function notJsonError(
  provider: string,
  response: Response,
  text: string,
  bodyExcerpt: string,
): ResponseFormatError {
  const contentType = response.headers.get('content-type');
  const what =
    /text\/html/i.test(contentType ?? '') || /^\s*</.test(text)
      ? 'an HTML page'
      : text.trim().length === 0
        ? 'an empty body'
        : 'a truncated or invalid JSON body';
  return new ResponseFormatError(
    `${provider} answered HTTP ${response.status} with ${what} instead of JSON`,
    { status: response.status, contentType, bodyExcerpt },
    { provider },
  );
}
