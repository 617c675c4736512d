/**
 * The result of `signRequest`: everything needed to send one request to DOKU, with the
 * credential-bearing headers (`Signature`, `Authorization`) kept out of `JSON.stringify` and
 * `util.inspect`. `headers` hands them out on purpose; the object itself never prints them.
 */
import { REDACTED, redactHeaders } from '@org/signing-core';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** What `signRequest` hands the constructor: the public fields, and the headers to keep private. */
export type DokuSignedRequestInit = Pick<
  DokuSignedRequest,
  'method' | 'url' | 'target' | 'requestTarget' | 'clientId' | 'requestId' | 'timestamp' | 'body'
> & { readonly headers: Readonly<Record<string, string>> };

/** One signed request: send `body` with `headers` to `url` using `method`, once. */
export class DokuSignedRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Absolute URL: the base URL followed by `target`. */
  readonly url: string;
  /** The target as given (path, and query if any). */
  readonly target: string;
  /** The `Request-Target` that was signed (path only, unless `requestTarget: 'path-and-query'`). */
  readonly requestTarget: string;
  readonly clientId: string;
  /** The `Request-Id` of this request (fresh for every signRequest call). */
  readonly requestId: string;
  /** The `Request-Timestamp` of this request (the same string in the header and the signature). */
  readonly timestamp: string;
  /** The exact body bytes that were hashed: send these, unchanged. `null` when there is no body (as `fetch` expects). */
  readonly body: Uint8Array<ArrayBuffer> | null;
  readonly #headers: Readonly<Record<string, string>>;

  constructor(init: DokuSignedRequestInit) {
    this.method = init.method;
    this.url = init.url;
    this.target = init.target;
    this.requestTarget = init.requestTarget;
    this.clientId = init.clientId;
    this.requestId = init.requestId;
    this.timestamp = init.timestamp;
    this.body = init.body;
    this.#headers = Object.freeze({ ...init.headers });
    Object.freeze(this);
  }

  /**
   * The headers to send: `Client-Id`, `Request-Id`, `Request-Timestamp`, `Signature`, plus
   * `Authorization: Bearer …` when the token was requested and `Content-Type` when known.
   * A fresh copy on every read.
   */
  get headers(): Record<string, string> {
    return { ...this.#headers };
  }

  /** A secret-free description (`Signature` and `Authorization` redacted, body as its length). */
  toJSON(): Record<string, unknown> {
    return {
      method: this.method,
      url: this.url,
      target: this.target,
      requestTarget: this.requestTarget,
      clientId: this.clientId,
      requestId: this.requestId,
      timestamp: this.timestamp,
      bodyLength: this.body?.length ?? 0,
      headers: redactHeaders(this.#headers),
    };
  }

  toString(): string {
    return `DokuSignedRequest ${this.method} ${this.target} (Signature ${REDACTED})`;
  }

  [inspectSymbol](): string {
    return `DokuSignedRequest ${JSON.stringify(this.toJSON(), null, 2)}`;
  }
}
