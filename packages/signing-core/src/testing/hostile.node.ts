/**
 * A hostile HTTP server on 127.0.0.1 for fault tests (Node only): every request, on any path,
 * is answered by the current `handle`, which may stall, drip, send an endless body, reset the
 * connection, redirect elsewhere or quote the request back. Swap `handle` between steps; the
 * provider packages point their `baseUrl` (or token URL) at it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Answers one request; `body` is the request body as text. */
export type HostileHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface HostileServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Requests received since the last `reset()`. */
  readonly requests: number;
  /** The answer to every request from now on. Default: `200 {}`. */
  handle: HostileHandler;
  /** Zeroes `requests` and restores the default answer. */
  reset(): void;
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const fallback: HostileHandler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  };
  const server: Server = createServer((req, res) => {
    requests += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => state.handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state: HostileServer = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests;
    },
    handle: fallback,
    reset() {
      requests = 0;
      state.handle = fallback;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return state;
}

/** The faults, ready to assign to `handle`. */
export const hostile = {
  /** Status and headers, then silence. */
  stallAfterHeaders: ((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
  }) as HostileHandler,
  /** One space every `everyMs`, forever (valid JSON whitespace, so only a deadline ends it). */
  drip: (everyMs = 50): HostileHandler => {
    return (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), everyMs);
      res.on('close', () => clearInterval(timer));
    };
  },
  /** Spaces as fast as the socket takes them, forever. */
  endlessBody: ((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) {
        /* fill the socket buffer, then wait for 'drain' */
      }
    };
    res.on('drain', pump);
    pump();
  }) as HostileHandler,
  /** Announces 100 bytes, sends a few, then destroys the socket. */
  resetMidBody: ((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"data":"');
    setTimeout(() => res.socket?.destroy(), 10);
  }) as HostileHandler,
  /** A redirect with `status` to `location`. */
  redirect:
    (status: number, location: string): HostileHandler =>
    (_req, res) => {
      res.writeHead(status, { location });
      res.end();
    },
  /** JSON with the given status and body. */
  json:
    (status: number, body: unknown, headers: Record<string, string> = {}): HostileHandler =>
    (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    },
};

/** Each fault of a body-bounded request, with the code it must end in: `[name, code, handler]`. */
export const hostileFaults: readonly (readonly [name: string, code: string, handler: HostileHandler])[] = [
  ['stalls after the headers', 'ERR_TIMEOUT', hostile.stallAfterHeaders],
  ['drips one byte at a time', 'ERR_TIMEOUT', hostile.drip(50)],
  ['sends an endless body', 'ERR_RESPONSE_TOO_LARGE', hostile.endlessBody],
  ['resets the connection mid-body', 'ERR_NETWORK', hostile.resetMidBody],
];

/** Requests whose path starts with `tokenPath` go to `token`, the rest to `service`; both counted. */
export function routeTokenAndService(tokenPath: string, token: HostileHandler, service: HostileHandler) {
  const counts = { token: 0, service: 0 };
  const handle: HostileHandler = (req, res, body) => {
    if (req.url?.startsWith(tokenPath)) {
      counts.token += 1;
      token(req, res, body);
    } else {
      counts.service += 1;
      service(req, res, body);
    }
  };
  return { handle, counts };
}

/**
 * Races `promise` against `ms`: resolves with its value or error and the time it took, and
 * rejects (failing the test) only when it did not settle at all within the bound.
 */
export async function settlesWithin<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ value?: T; error?: unknown; ms: number }> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  try {
    const value = await Promise.race([promise, bound]);
    return { value, ms: performance.now() - started };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('did not settle')) throw error;
    return { error, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/** Collects unhandled rejections between `start()` and `stop()`; `take()` returns and clears them. */
export function trackUnhandledRejections() {
  const seen: unknown[] = [];
  const onUnhandled = (reason: unknown) => seen.push(reason);
  return {
    start: () => process.on('unhandledRejection', onUnhandled),
    stop: () => process.off('unhandledRejection', onUnhandled),
    take: () => seen.splice(0),
  };
}
