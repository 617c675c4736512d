/**
 * Fondy's two error shapes:
 *
 * - token endpoint: `{"error_code":403,"error_message":"Incorrect signature","request_id":"…"}`
 *   (HTTP 403; `error_code` is a number);
 * - report API: `{"error":"Invalid auth token","err_code":"Invalid auth token"}`. "If the
 *   `err_code` or `error` key is present, the request is not completed", whatever the HTTP
 *   status (which the docs do not give).
 */
import { isRecord } from '@org/signing-core';
import type { ProviderErrorDescription } from '@org/signing-core/provider-kit';
import { INVALID_AUTH_TOKEN } from './constants.js';

/** A report API error body, read. */
export interface FondyApiError {
  readonly providerCode: string | undefined;
  readonly providerMessage: string | undefined;
  /** True for `Invalid auth token` (invalid or outdated token). */
  readonly tokenRejected: boolean;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

const isInvalidToken = (value: string | undefined) =>
  value !== undefined && value.trim().toLowerCase() === INVALID_AUTH_TOKEN.toLowerCase();

/** The `{ error, err_code }` shape of the report API, or undefined for any other body. */
export function readApiError(body: unknown): FondyApiError | undefined {
  if (!isRecord(body) || !(Object.hasOwn(body, 'err_code') || Object.hasOwn(body, 'error'))) return undefined;
  const providerCode = text(body.err_code);
  const providerMessage = text(body.error);
  return {
    providerCode: providerCode ?? providerMessage,
    providerMessage: providerMessage ?? providerCode,
    tokenRejected: isInvalidToken(providerCode) || isInvalidToken(providerMessage),
  };
}

/** The token endpoint's `{ error_code, error_message, request_id }` shape, or undefined. */
export function readTokenError(body: unknown): ProviderErrorDescription | undefined {
  if (!isRecord(body) || !(Object.hasOwn(body, 'error_code') || Object.hasOwn(body, 'error_message'))) {
    return undefined;
  }
  const requestId = text(body.request_id);
  return {
    providerCode: text(body.error_code),
    providerMessage: text(body.error_message),
    ...(requestId === undefined ? {} : { details: { requestId } }),
  };
}

/** `describeError` for the core HTTP client: both shapes, and "Invalid auth token" as a token rejection. */
export function describeFondyError(response: { status: number; body: unknown }): ProviderErrorDescription | undefined {
  return readTokenError(response.body) ?? readApiError(response.body);
}

/**
 * `describeSuccessFailure` for the report API client: a `{ error, err_code }` body on a 2xx
 * is a failure too ("the request is not completed"), and `Invalid auth token` a rejected token.
 */
export function describeFondySuccessFailure(response: {
  status: number;
  body: unknown;
}): ProviderErrorDescription | undefined {
  return readApiError(response.body);
}

/**
 * `describeSuccessFailure` for the token client: an answer without a token that carries
 * `error_code` / `error_message` is a failure on a 2xx too (a token wins over error fields).
 */
export function describeFondyTokenFailure(response: {
  status: number;
  body: unknown;
}): ProviderErrorDescription | undefined {
  return hasToken(response.body) ? undefined : readTokenError(response.body);
}

/** True for a token answer: an object with a non-empty string `token`. */
export function hasToken(body: unknown): body is { token: string } & Record<string, unknown> {
  return isRecord(body) && typeof body.token === 'string' && body.token.length > 0;
}

/** A report API error read from a response, with the body text it came from. */
export interface FondyApiErrorResponse {
  readonly error: FondyApiError;
  readonly text: string;
}

/**
 * Reads a response (pass a clone: its body is consumed) and returns the report API error it
 * carries, if any. Bodies larger than an error body could be are not parsed. Used by the
 * plain `fetch` wrapper, which hands every other answer back untouched.
 */
export async function readApiErrorResponse(response: Response): Promise<FondyApiErrorResponse | undefined> {
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(length) && length > MAX_ERROR_BODY) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    return undefined;
  }
  if (text.length > MAX_ERROR_BODY || !/^\s*\{/.test(text) || !text.includes('"err')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const error = readApiError(body);
  return error ? { error, text } : undefined;
}

/** Error bodies are small; anything longer is a real answer and is not parsed twice. */
const MAX_ERROR_BODY = 16 * 1024;
