/**
 * A Web `Response` written to a Node `ServerResponse`: status, every header (each `Set-Cookie`
 * on its own line), and the body streamed with backpressure. A client that goes away mid-body
 * cancels the body stream and ends the write quietly: the promise resolves, nothing is left
 * unhandled.
 */
import type { ServerResponse } from 'node:http';

const NO_BODY_STATUSES = new Set([204, 205, 304]);

/** Resolves on 'drain' or 'close', whichever comes first, and removes both listeners. */
function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Copies status and headers onto `res` and sends them (headers other code already set are kept). */
function writeHead(res: ServerResponse, response: Response): void {
  const cookies = response.headers.getSetCookie();
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (response.statusText.length > 0) res.statusMessage = response.statusText;
  res.writeHead(response.status);
}

/**
 * Writes `response` to `res` and resolves once it is sent or the client went away.
 *
 * The body is streamed chunk by chunk, waiting for `drain` when the socket is full; a HEAD
 * request, a 204/205/304 or an answer with no body sends headers only (the body stream is
 * cancelled). When the body stream itself fails mid-way, the connection is destroyed (the status
 * is already sent) and the promise rejects with that failure.
 *
 * @throws {TypeError} when `response` is not a `Response` or its headers were already sent.
 */
export async function writeWebResponse(res: ServerResponse, response: Response): Promise<void> {
  if (!(response instanceof Response)) {
    throw new TypeError('[@org/signing-core] writeWebResponse: the handler must return a Response');
  }
  if (res.headersSent) {
    throw new TypeError('[@org/signing-core] writeWebResponse: headers were already sent on this response');
  }
  const body = response.body;
  const method = res.req?.method?.toUpperCase();
  if (body === null || method === 'HEAD' || NO_BODY_STATUSES.has(response.status)) {
    writeHead(res, response);
    res.end();
    if (body !== null) await body.cancel().catch(() => {});
    return;
  }
  if (res.destroyed) {
    await body.cancel().catch(() => {});
    return;
  }
  writeHead(res, response);
  const reader = body.getReader();
  const onClose = () => {
    if (!res.writableFinished) reader.cancel().catch(() => {});
  };
  res.on('close', onClose);
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        res.destroy();
        throw error;
      }
      if (chunk.done) break;
      if (res.destroyed) {
        await reader.cancel().catch(() => {});
        return;
      }
      if (!res.write(chunk.value)) await drainOrClose(res);
    }
    if (!res.destroyed) {
      await new Promise<void>((resolve) => {
        res.once('close', resolve);
        res.end(resolve);
      });
    }
  } finally {
    res.off('close', onClose);
    reader.releaseLock();
  }
}
