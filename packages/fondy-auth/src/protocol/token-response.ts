/**
 * Reads the Generate Access Token answer: success when `token` is present
 * (`{"request_id":"…","token":"…","expires_in":3602}`), anything else a `ResponseFormatError`.
 * An answer with `error_code` / `error_message` and no token (the documented 403 shape, also
 * honoured on a 200) never gets here: the core client turns it into a `ProviderError` through
 * `describeFondyTokenFailure`.
 */
import { ResponseFormatError, redactText, type Secret, type TokenResult } from '@org/signing-core';
import { DEFAULT_TOKEN_LIFETIME_SECONDS, PROVIDER, TOKEN_SCHEME } from './constants.js';
import { hasToken } from './provider-errors.js';

export interface TokenAnswer {
  readonly status: number;
  readonly data: unknown;
  /** The body as received (for a redacted excerpt). */
  readonly text: string;
}

/** The lifetime in seconds: a positive number (or numeric string); missing means the documented hour. */
function lifetimeSeconds(value: unknown): number | undefined {
  if (value === undefined || value === null) return DEFAULT_TOKEN_LIFETIME_SECONDS;
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * Turns a 2xx answer of the token endpoint into a token result.
 *
 * @param obtainedAt epoch ms when the request was sent: the lifetime counts from then.
 */
export function parseTokenAnswer(
  answer: TokenAnswer,
  obtainedAt: number,
  secrets: Iterable<string | Secret | undefined> = [],
): TokenResult {
  const { data, status } = answer;
  const excerpt = () => redactText(answer.text, { secrets });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ResponseFormatError(
      `${PROVIDER} answered HTTP ${status} with JSON that is not an object`,
      { status, bodyExcerpt: excerpt() },
      { provider: PROVIDER },
    );
  }
  if (hasToken(data)) {
    const seconds = lifetimeSeconds(data.expires_in);
    if (seconds === undefined) {
      throw new ResponseFormatError(
        `${PROVIDER} answered with a token but an unusable expires_in (expected a positive number of seconds)`,
        { status, bodyExcerpt: excerpt() },
        { provider: PROVIDER },
      );
    }
    return {
      token: data.token,
      expiresAt: obtainedAt + seconds * 1000,
      tokenType: TOKEN_SCHEME,
      fields: { token: 'token', lifetime: 'expires_in' },
      ...(typeof data.request_id === 'string' ? { data: { requestId: data.request_id } } : {}),
    };
  }
  throw new ResponseFormatError(
    `${PROVIDER} answered HTTP ${status} without a token and without error_code/error_message`,
    { status, bodyExcerpt: excerpt() },
    { provider: PROVIDER },
  );
}
