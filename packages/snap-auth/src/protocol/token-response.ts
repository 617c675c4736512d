/**
 * Reading SNAP token responses (protocols.md §2.1, §2.2).
 *
 * - B2B: `{ responseCode: "2007300", accessToken, tokenType: "Bearer", expiresIn: "900" }`;
 *   `expiresIn` is a string (Paycloud, Finpay, ifortepay) or a number (Onebrick): both are
 *   accepted, and an absent one means 900 s.
 * - B2B2C: `{ responseCode: "2007400", accessToken, accessTokenExpiryTime, refreshToken,
 *   refreshTokenExpiryTime }`; the expiry fields are ISO-8601 timestamps with an offset or
 *   (some providers) seconds; `expiresIn` is used when `accessTokenExpiryTime` is absent.
 * - A `responseCode` that is not 2xx is a failure even when the HTTP status was 200.
 */
import { isRecord, parseIsoTimestamp, ResponseFormatError, redactJson } from '@org/signing-core';
import { DEFAULT_EXPIRES_IN_SECONDS, PROVIDER } from './constants.js';
import { providerErrorFromEnvelope, type SnapOperation } from './describe-error.js';
import { parseSnapResponseCode } from './response-code.js';

const MAX_SECONDS = 10 * 365 * 24 * 60 * 60;

function formatError(message: string, status: number, bodyExcerpt: string | undefined): ResponseFormatError {
  return new ResponseFormatError(
    message,
    { status, ...(bodyExcerpt === undefined ? {} : { bodyExcerpt }) },
    { provider: PROVIDER },
  );
}

/**
 * A lifetime in seconds from a number or a decimal string (`900`, `"900"`, `" 900 "`).
 * Undefined when the value is not one.
 */
export function parseSeconds(value: unknown): number | undefined {
  let seconds: number;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) seconds = Number(value);
  else return undefined;
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_SECONDS) return undefined;
  return seconds;
}

/**
 * An expiry as epoch ms: an ISO-8601 timestamp with offset (`2024-08-21T14:27:50+07:00`), or a
 * lifetime in seconds from `now` (number or decimal string). Undefined when it is neither.
 */
export function parseExpiry(value: unknown, now: number): number | undefined {
  const seconds = parseSeconds(value);
  if (seconds !== undefined) return now + Math.round(seconds * 1000);
  if (typeof value !== 'string') return undefined;
  try {
    return parseIsoTimestamp(value.trim());
  } catch {
    return undefined;
  }
}

function asObject(
  data: unknown,
  operation: SnapOperation,
  status: number,
  bodyExcerpt: string | undefined,
): Record<string, unknown> {
  if (!isRecord(data)) {
    throw formatError(`the SNAP ${operation} response is not a JSON object`, status, bodyExcerpt);
  }
  const record = data;
  const code = record.responseCode;
  if (code !== undefined && code !== null && code !== '') {
    if (typeof code !== 'string' && typeof code !== 'number') {
      throw formatError(`the SNAP ${operation} response has a responseCode that is not a string`, status, bodyExcerpt);
    }
    if (!parseSnapResponseCode(code).success) {
      throw providerErrorFromEnvelope(operation, status, record, bodyExcerpt);
    }
  }
  return record;
}

function requireToken(
  record: Record<string, unknown>,
  field: string,
  operation: SnapOperation,
  status: number,
  bodyExcerpt: string | undefined,
): string {
  const value = record[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw formatError(`the SNAP ${operation} response has no ${field}`, status, bodyExcerpt);
  }
  return value;
}

function tokenType(record: Record<string, unknown>): string {
  return typeof record.tokenType === 'string' && record.tokenType.length > 0 ? record.tokenType : 'Bearer';
}

/** A B2B token response, read. */
export interface B2bTokenResponse {
  readonly token: string;
  readonly tokenType: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** The `expiresIn` the provider sent, in seconds (900 when absent). */
  readonly expiresInSeconds: number;
}

/**
 * Reads a B2B access-token response.
 *
 * @throws {ProviderError} when `responseCode` is not 2xx.
 * @throws {ResponseFormatError} when there is no `accessToken` or `expiresIn` is not a lifetime.
 */
export function readB2bTokenResponse(
  data: unknown,
  context: { now: number; status: number; bodyExcerpt?: string | undefined },
): B2bTokenResponse {
  const operation = 'B2B access token';
  const record = asObject(data, operation, context.status, context.bodyExcerpt);
  const token = requireToken(record, 'accessToken', operation, context.status, context.bodyExcerpt);
  const rawExpiresIn = record.expiresIn;
  const expiresInSeconds =
    rawExpiresIn === undefined || rawExpiresIn === null || rawExpiresIn === ''
      ? DEFAULT_EXPIRES_IN_SECONDS
      : parseSeconds(rawExpiresIn);
  if (expiresInSeconds === undefined) {
    throw formatError(
      'the SNAP B2B access token response has an expiresIn that is not a number of seconds',
      context.status,
      context.bodyExcerpt,
    );
  }
  return {
    token,
    tokenType: tokenType(record),
    expiresAt: context.now + Math.round(expiresInSeconds * 1000),
    expiresInSeconds,
  };
}

/** A B2B2C token response, read. */
export interface B2b2cTokenResponse {
  readonly token: string;
  readonly tokenType: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  readonly refreshToken: string | undefined;
  /** Epoch ms, when the provider sent it. */
  readonly refreshTokenExpiresAt: number | undefined;
  /** `additionalInfo`, with secret-named fields redacted. */
  readonly additionalInfo: unknown;
}

/**
 * Reads a B2B2C (customer) access-token response.
 *
 * @throws {ProviderError} when `responseCode` is not 2xx.
 * @throws {ResponseFormatError} when there is no `accessToken` or an expiry cannot be read.
 */
export function readB2b2cTokenResponse(
  data: unknown,
  context: { now: number; status: number; bodyExcerpt?: string | undefined },
): B2b2cTokenResponse {
  const operation = 'B2B2C access token';
  const record = asObject(data, operation, context.status, context.bodyExcerpt);
  const token = requireToken(record, 'accessToken', operation, context.status, context.bodyExcerpt);
  const expiry = (field: string): number | undefined => {
    const value = record[field];
    if (value === undefined || value === null || value === '') return undefined;
    const parsed = parseExpiry(value, context.now);
    if (parsed === undefined) {
      throw formatError(
        `the SNAP B2B2C access token response has a ${field} that is neither an ISO-8601 timestamp with offset nor a number of seconds`,
        context.status,
        context.bodyExcerpt,
      );
    }
    return parsed;
  };
  const expiresAt =
    expiry('accessTokenExpiryTime') ?? expiry('expiresIn') ?? context.now + DEFAULT_EXPIRES_IN_SECONDS * 1000;
  const refreshToken =
    typeof record.refreshToken === 'string' && record.refreshToken.length > 0 ? record.refreshToken : undefined;
  return {
    token,
    tokenType: tokenType(record),
    expiresAt,
    refreshToken,
    refreshTokenExpiresAt: expiry('refreshTokenExpiryTime'),
    additionalInfo: record.additionalInfo === undefined ? undefined : redactJson(record.additionalInfo),
  };
}
