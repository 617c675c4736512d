/**
 * A ky instance for Fondy APIs that take the application token (the Company Reports API),
 * on the core's signed transport:
 *
 * - every attempt carries `Authorization: Token <token>` from the token manager (cached,
 *   single-flight), set per attempt so a retry uses the current token;
 * - an answer saying `Invalid auth token` (the `{ error, err_code }` shape, whatever the HTTP
 *   status) drops the token that request carried, fetches a new one and retries once;
 * - any other `{ error, err_code }` answer, even on HTTP 200, becomes a `ProviderError` (the
 *   docs say the request "is not completed" whenever one of these keys is present): the API
 *   client is created with `describeSuccessFailure: describeFondySuccessFailure`;
 * - `.json()` of a body that is not JSON is a `ResponseFormatError` (the core's client does it).
 */
import type { TokenManager } from '@org/signing-core';
import type { HttpClient } from '@org/signing-core/provider-kit';
import type { KyInstance } from 'ky';
import { TOKEN_SCHEME } from '../protocol/constants.js';

/** The token text of the `Authorization: Token …` header a request was sent with. */
function tokenOfRequest(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  const match = header === null ? null : /^Token\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function createAuthorizedKy(http: HttpClient, tokens: TokenManager): KyInstance {
  return http.signed({
    sign: async () => ({ authorization: `${TOKEN_SCHEME} ${(await tokens.getToken()).token}` }),
    onTokenRejected: async (request) => {
      // Without the token that was sent, dropping "the current one" could drop a fresh token.
      const rejected = tokenOfRequest(request);
      if (rejected === undefined) return;
      await tokens.invalidate(rejected);
    },
  });
}
