/**
 * A `fetch` that adds `Authorization: Token <token>` and, when the answer says
 * `Invalid auth token`, drops that token, fetches a new one and sends the request once more.
 * Everything else is plain `fetch`: every answer (including other `{ error, err_code }` bodies)
 * is returned as it is; a failed connection is a `TransportError`.
 */
import { isAuthError, type TokenManager, TransportError } from '@org/signing-core';
import { PROVIDER, TOKEN_SCHEME } from './constants.js';
import { readApiErrorResponse } from './provider-errors.js';

/** `fetch` with Fondy's token. Relative URLs resolve against `apiBaseUrl`. */
export type FondyFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const ABSOLUTE = /^[a-z][a-z\d+.-]*:/i;

function toTransportError(error: unknown): TransportError {
  // The core's bounded fetch already types its deadline, size limit, redirect and mid-body failures.
  if (isAuthError(error)) return error as TransportError;
  const name = error instanceof Error ? error.name : '';
  if (name === 'AbortError') {
    return new TransportError('ERR_ABORTED', `the request to ${PROVIDER} was aborted`, { provider: PROVIDER });
  }
  if (name === 'TimeoutError') {
    return new TransportError('ERR_TIMEOUT', `the request to ${PROVIDER} timed out`, { provider: PROVIDER });
  }
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const reason = typeof cause?.code === 'string' ? cause.code : 'network error';
  return new TransportError('ERR_NETWORK', `could not reach ${PROVIDER}: ${reason}`, {
    provider: PROVIDER,
    cause: error,
  });
}

export function createAuthorizedFetch(deps: {
  tokens: TokenManager;
  apiBaseUrl: string;
  fetch: typeof globalThis.fetch | undefined;
}): FondyFetch {
  const { tokens, apiBaseUrl } = deps;
  const send = async (request: Request, token: string): Promise<Response> => {
    request.headers.set('authorization', `${TOKEN_SCHEME} ${token}`);
    try {
      return await (deps.fetch ?? globalThis.fetch)(request);
    } catch (error) {
      throw toTransportError(error);
    }
  };

  return async function fondyFetch(input, init) {
    const target = typeof input === 'string' && !ABSOLUTE.test(input) ? new URL(input, `${apiBaseUrl}/`) : input;
    const request = new Request(target, init);
    const spare = request.clone();
    const signal = init?.signal ?? undefined;
    const tokenOptions = signal ? { signal } : undefined;
    const token = await tokens.getToken(tokenOptions);
    const response = await send(request, token.token);
    const rejection = await readApiErrorResponse(response.clone());
    if (!rejection?.error.tokenRejected) {
      spare.body?.cancel().catch(() => undefined);
      return response;
    }
    response.body?.cancel().catch(() => undefined);
    await tokens.invalidate(token);
    return send(spare, (await tokens.getToken(tokenOptions)).token);
  };
}
