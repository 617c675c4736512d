/**
 * What `#sandbox-serve` resolves to off Node (Workers, browsers, and any bundle built without
 * the `node` condition): `listen()` needs node:http, and a bundle for those runtimes must not
 * pull it in. Bun and Deno resolve the `node` condition and get serve.node.ts.
 */
import type { RunningSandbox } from './sandbox.js';

export async function serveOnLoopback(
  _handler: (request: Request) => Promise<Response>,
  _port: number,
): Promise<RunningSandbox> {
  throw new Error(
    "[@org/signing-core/testing] listen() serves the sandbox with node:http, which this runtime does not have: pass sandbox.handler to the runtime's own server (Bun.serve, Deno.serve, a Worker's fetch) instead",
  );
}
