/**
 * The one shape every provider client has. Whatever the protocol, a client made by
 * `createSnapAuth`, `createDokuPartnerAuth`, `createFinnetAuth` or `createFondyAuth` gives:
 *
 * - `getToken(options?)`: the provider's token, cached, refreshed ahead of expiry, one fetch for
 *   all concurrent callers; `invalidateToken(token?)` drops one the provider rejected;
 * - `fetch` and `ky`: calls to the provider with the same bounds (per-attempt and total
 *   deadline, body-size limit, no redirects), the same retries (idempotent methods unless told
 *   otherwise), each attempt signed afresh, and one refresh-and-retry when the token is rejected.
 *   `fetch` hands every answer back as it came; `ky` throws typed errors for failures;
 * - `signRequest(input)`, where the protocol signs requests, for callers with their own HTTP
 *   client: the headers and exact body to send once.
 */
import type { KyInstance } from 'ky';
import type { AccessToken } from '../token/access-token.js';
import type { GetTokenOptions } from '../token/token-manager.js';

/** A `fetch` that signs (and bounds) every attempt; relative paths go to the client's base URL. */
export type AuthFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface TokenAuth {
  /** A valid token: cached, refreshed ahead of expiry, fetched once for all concurrent callers. */
  getToken(options?: GetTokenOptions): Promise<AccessToken>;
  /** Drops a token the provider rejected (pass it, so a token another caller already replaced is kept). */
  invalidateToken(token?: AccessToken | string): Promise<void>;
  /** Signed, bounded `fetch`: every answer is handed back as it came. */
  readonly fetch: AuthFetch;
  /** Signed, bounded ky: failures are typed errors. */
  readonly ky: KyInstance;
}

/** A {@link TokenAuth} whose protocol signs requests: `signRequest(input)` for your own HTTP client. */
export interface RequestSigningAuth<Input, Signed> extends TokenAuth {
  signRequest(input: Input): Promise<Signed>;
}
