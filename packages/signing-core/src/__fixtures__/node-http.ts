// Test helpers for the Node adapters: a loopback server around any request listener, a raw
// HTTP client (exact bytes, repeated headers, dripped bodies, aborts) and the echo handler.
import { createServer, type IncomingMessage, type RequestListener, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { digest } from '../crypto/crypto.js';
import { toBase64, toHex } from '../encoding/encoding.js';

export interface Listening {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/** Serves `listener` (a node:http handler, an Express app, …) on 127.0.0.1 and a free port. */
export async function listen(
  listener: RequestListener,
  options: { requireHostHeader?: boolean } = {},
): Promise<Listening> {
  const server = createServer({ requireHostHeader: options.requireHostHeader ?? true }, listener);
  return listenOn(server);
}

export async function listenOn(server: Server): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface Sent {
  readonly status: number;
  readonly statusMessage: string;
  readonly headers: IncomingMessage['headers'];
  readonly rawHeaders: string[];
  readonly body: Buffer;
}

export interface SendOptions {
  method?: string;
  path?: string;
  /** Header pairs, repeated names allowed, sent in this order. */
  headers?: Array<[string, string]>;
  body?: Uint8Array | string;
  /** Sent one after the other, `delayMs` apart; the request stays open when `end` is false. */
  chunks?: Uint8Array[];
  delayMs?: number;
  end?: boolean;
  /** HTTP/1.0 style: no Host header (the server must not require one). */
  noHost?: boolean;
  /** Abort the request (destroy the socket) this long after sending. */
  abortAfterMs?: number;
  /** Destroy the connection once this many response bytes arrived. */
  abortAfterBytes?: number;
}

/** One request with node:http, returning the raw answer. Rejects when the connection breaks. */
export function send(url: string, options: SendOptions = {}): Promise<Sent> {
  const target = new URL(url);
  return new Promise<Sent>((resolve, reject) => {
    const headers: string[] = [];
    const given = options.headers ?? [];
    if (options.noHost !== true && !given.some(([name]) => name.toLowerCase() === 'host')) {
      headers.push('Host', target.host);
    }
    for (const [name, value] of given) headers.push(name, value);
    const declared = given.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name));
    if (options.body !== undefined && !declared)
      headers.push('Content-Length', String(Buffer.byteLength(options.body)));
    const req = request({
      host: target.hostname,
      port: target.port,
      method: options.method ?? 'POST',
      path: options.path ?? '/',
      headers,
      setHost: false,
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.byteLength;
        if (options.abortAfterBytes !== undefined && received >= options.abortAfterBytes) {
          res.destroy();
          req.destroy();
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          });
        }
      });
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks),
        }),
      );
    });
    if (options.abortAfterMs !== undefined) {
      setTimeout(() => {
        req.destroy();
        reject(new Error('aborted by the test'));
      }, options.abortAfterMs);
    }
    if (options.chunks !== undefined) {
      const chunks = options.chunks;
      let i = 0;
      const next = () => {
        if (i < chunks.length) {
          req.write(chunks[i++]);
          setTimeout(next, options.delayMs ?? 0);
        } else if (options.end !== false) {
          req.end();
        }
      };
      next();
      return;
    }
    if (options.body !== undefined) req.write(options.body);
    if (options.end !== false) req.end();
  });
}

export interface Echo {
  method: string;
  url: string;
  length: number;
  sha256: string;
  base64: string;
  hasBody: boolean;
  headers: Record<string, string>;
}

/** The trivial Web handler of the tests: says what it received, hashing the body with the core's SHA-256. */
export async function echo(request: Request): Promise<Response> {
  const hasBody = request.body !== null;
  const bytes = new Uint8Array(await request.arrayBuffer());
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const answer: Echo = {
    method: request.method,
    url: request.url,
    length: bytes.byteLength,
    sha256: toHex(await digest('SHA-256', bytes)),
    base64: toBase64(bytes),
    hasBody,
    headers,
  };
  return Response.json(answer);
}

export const sha256Hex = async (bytes: Uint8Array | string) => toHex(await digest('SHA-256', bytes));

export const parseEcho = (sent: Sent): Echo => JSON.parse(sent.body.toString('utf8')) as Echo;

/** Bodies whose bytes a re-encoding would change: not UTF-8, a BOM, CRLF, pretty JSON, trailing spaces. */
export const trickyBodies: Record<string, Uint8Array> = {
  'not UTF-8': new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x7b, 0x22, 0xed, 0xa0, 0x80, 0x0a]),
  'pretty JSON with CRLF and a BOM': new TextEncoder().encode(
    '\uFEFF{\r\n  "amount" : 10.00 ,\r\n\t"note": "caf\\u00e9 \u00e9 \\/"  \r\n}\r\n\r\n   ',
  ),
  'form encoded': new TextEncoder().encode('a=1&b=%E2%82%AC+x&b=2&empty=&%F0=raw'),
  'only whitespace': new TextEncoder().encode(' \n\t \r\n'),
};

/** A promise with its resolve function (Promise.withResolvers is ES2024, the libs here are ES2023). */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** The message of an error the tests caught (or the text of anything else). */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
