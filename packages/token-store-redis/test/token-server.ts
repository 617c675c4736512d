/**
 * A small provider stand-in for the multi-process tests: `POST /token` answers a new random
 * token each time and counts requests (through `@org/signing-core/testing`), on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { createSandboxCore, jsonResponse, type RunningSandbox, type SandboxCore } from '@org/signing-core/testing';

export const TOKEN_PATH = '/token';

export interface TokenServer {
  readonly sandbox: SandboxCore;
  readonly url: string;
  /** Tokens issued so far, in order. */
  readonly issued: readonly string[];
  /** How many token requests arrived (including ones still being answered). */
  count(): number;
  close(): Promise<void>;
}

export async function startTokenServer(options: { lifetimeSeconds?: number } = {}): Promise<TokenServer> {
  const lifetimeSeconds = options.lifetimeSeconds ?? 900;
  const issued: string[] = [];
  const sandbox = createSandboxCore((request) => {
    const path = new URL(request.url).pathname;
    if (request.method !== 'POST' || path !== TOKEN_PATH) return jsonResponse(404, { error: 'not found' });
    const token = `tok_${randomBytes(24).toString('base64url')}`;
    issued.push(token);
    return jsonResponse(200, { access_token: token, token_type: 'Bearer', expires_in: lifetimeSeconds });
  });
  const running: RunningSandbox = await sandbox.listen();
  return {
    sandbox,
    url: running.url,
    issued,
    count: () => sandbox.requests.count(TOKEN_PATH),
    close: () => running.close(),
  };
}
