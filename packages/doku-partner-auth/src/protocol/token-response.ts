/**
 * Reading DOKU's Generate Token response, which DOKU does not document (the "Response"
 * section of the page is empty; its only sample is `{"token": "<JWT>"}`), so defensively:
 *
 * - the token: the first non-empty string among `token`, `access_token`, `accessToken`, at
 *   the top level, else inside a `data` object;
 * - the expiry, first match wins:
 *   1. an explicit field (top level, then `data`): `expires_in` / `expiresIn` (seconds, a
 *      number or a numeric string), or `expires_at` / `expiresAt` (an ISO-8601 timestamp with
 *      an offset, or epoch seconds);
 *   2. the `exp` claim of the token when it is a JWT (payload decoded from base64url; the
 *      JWT signature is NOT checked: the token came straight from DOKU over TLS, and only
 *      DOKU can validate it);
 *   3. `valid_time` as requested (`validTimeMinutes`), counted from when the request was sent;
 *   4. otherwise `ResponseFormatError`.
 */
import {
  decodeUtf8,
  fromBase64Url,
  isRecord,
  parseIsoTimestamp,
  ResponseFormatError,
  redactText,
  type Secret,
  type TokenResult,
} from '@org/signing-core';
import { PROVIDER } from './constants.js';

/** Where the expiry of a token came from. */
export type DokuTokenExpirySource = 'expires_in' | 'expires_at' | 'jwt-exp' | 'valid_time';

export interface ParseTokenContext {
  /** Epoch ms when the token request was sent (the start of `valid_time`). */
  readonly requestedAt: number;
  /** Epoch ms now, to refuse a token that is already expired. */
  readonly now: number;
  readonly validTimeMinutes?: number | undefined;
  /** The raw body text, for a redacted excerpt in errors. */
  readonly text: string;
  /** Secrets to scrub from excerpts. */
  readonly secrets: Iterable<string | Secret | undefined>;
}

/** The largest epoch ms a `Date` can hold. */
const MAX_DATE_MS = 8.64e15;
const TOKEN_FIELDS = ['token', 'access_token', 'accessToken'] as const;

function containers(data: unknown): Record<string, unknown>[] {
  if (!isRecord(data)) return [];
  return isRecord(data.data) ? [data, data.data] : [data];
}

function positiveNumber(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Epoch ms of an `expires_at` value: ISO-8601 with an offset, or epoch seconds. */
function absoluteExpiry(value: unknown): number | undefined {
  if (typeof value === 'string' && /^\d{4}-/.test(value)) {
    try {
      return parseIsoTimestamp(value.trim());
    } catch {
      return undefined;
    }
  }
  const seconds = positiveNumber(value);
  return seconds === undefined ? undefined : seconds * 1000;
}

/** The `exp` claim (epoch seconds) of a JWT-shaped token, unverified; undefined when not a JWT. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(decodeUtf8(fromBase64Url(parts[1])));
    if (!isRecord(payload)) return undefined;
    const exp = payload.exp;
    return typeof exp === 'number' && Number.isFinite(exp) && exp > 0 ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function formatError(message: string, context: ParseTokenContext, token?: string): ResponseFormatError {
  return new ResponseFormatError(
    message,
    { bodyExcerpt: redactText(context.text, { secrets: [...context.secrets, token] }) },
    { provider: PROVIDER },
  );
}

/** A token and its expiry from DOKU's (parsed) Generate Token response. */
export function parseDokuTokenResponse(data: unknown, context: ParseTokenContext): TokenResult {
  const boxes = containers(data);
  if (boxes.length === 0) {
    throw formatError("DOKU's token response is not a JSON object", context);
  }
  let token: string | undefined;
  for (const box of boxes) {
    for (const field of TOKEN_FIELDS) {
      const value = box[field];
      // Taken as sent: a token with spaces or control characters is refused by the core (it could
      // not travel in a header), never trimmed into a token DOKU did not issue.
      if (token === undefined && typeof value === 'string' && value.trim().length > 0) token = value;
    }
  }
  if (token === undefined) {
    throw formatError(
      `DOKU's token response has no token: looked for a non-empty string in ${TOKEN_FIELDS.join(', ')} (also inside "data")`,
      context,
    );
  }

  let expiresAt: number | undefined;
  let source: DokuTokenExpirySource | undefined;
  for (const box of boxes) {
    if (expiresAt !== undefined) break;
    const seconds = positiveNumber(box.expires_in ?? box.expiresIn);
    if (seconds !== undefined) {
      expiresAt = context.requestedAt + seconds * 1000;
      source = 'expires_in';
      break;
    }
    const at = absoluteExpiry(box.expires_at ?? box.expiresAt);
    if (at !== undefined) {
      expiresAt = at;
      source = 'expires_at';
    }
  }
  if (expiresAt === undefined) {
    const exp = jwtExpiry(token);
    if (exp !== undefined) {
      expiresAt = exp;
      source = 'jwt-exp';
    }
  }
  if (expiresAt === undefined && context.validTimeMinutes !== undefined) {
    expiresAt = context.requestedAt + context.validTimeMinutes * 60_000;
    source = 'valid_time';
  }
  if (expiresAt === undefined || source === undefined) {
    throw formatError(
      "DOKU's token response says nothing about expiry: no expires_in/expiresIn/expires_at/expiresAt field, the token is not a JWT with an exp claim, and validTimeMinutes is not set",
      context,
      token,
    );
  }
  if (!(expiresAt <= MAX_DATE_MS)) {
    throw formatError(`DOKU's token expiry (from ${source}) is not a representable date`, context, token);
  }
  if (expiresAt <= context.now) {
    throw formatError(
      `DOKU's token is already expired by its ${source} (${new Date(expiresAt).toISOString()}); check this machine's clock`,
      context,
      token,
    );
  }
  return { token, expiresAt, tokenType: 'Bearer', data: { expirySource: source }, fields: { lifetime: source } };
}
