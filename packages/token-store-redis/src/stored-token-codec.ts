/**
 * The plain (unencrypted) form of a stored token: JSON with exactly the `StoredToken` fields.
 * Decoding checks every field, so anything that is not a token this package wrote reads as
 * "no token" instead of reaching the token manager.
 */
import type { StoredToken, TokenData } from '@org/signing-core';

export function encodeStoredToken(value: StoredToken): string {
  const plain: Record<string, unknown> = {
    token: value.token,
    expiresAt: value.expiresAt,
    obtainedAt: value.obtainedAt,
  };
  if (value.tokenType !== undefined) plain.tokenType = value.tokenType;
  if (value.data !== undefined) plain.data = value.data;
  return JSON.stringify(plain);
}

function isTokenData(value: unknown): value is TokenData {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every(
    (item) =>
      item === null ||
      typeof item === 'string' ||
      typeof item === 'boolean' ||
      (typeof item === 'number' && Number.isFinite(item)),
  );
}

/** The token in `text`, or undefined when `text` is not a well-formed stored token. */
export function decodeStoredToken(text: string): StoredToken | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const { token, expiresAt, obtainedAt, tokenType, data } = parsed as Record<string, unknown>;
  if (typeof token !== 'string' || token.length === 0) return undefined;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
  if (typeof obtainedAt !== 'number' || !Number.isFinite(obtainedAt)) return undefined;
  if (tokenType !== undefined && typeof tokenType !== 'string') return undefined;
  if (data !== undefined && !isTokenData(data)) return undefined;
  return {
    token,
    expiresAt,
    obtainedAt,
    ...(tokenType === undefined ? {} : { tokenType }),
    ...(data === undefined ? {} : { data: { ...data } }),
  };
}
