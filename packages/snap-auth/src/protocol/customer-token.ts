/**
 * B2B2C (customer) tokens: obtained per customer from an auth code (account binding) or a
 * refresh token, and sent as `Authorization-Customer: Bearer …` next to the B2B token.
 *
 * They are not cached by the package: each belongs to one customer, so they must be kept with
 * that customer's record (encrypted at rest), not in a cache shared by every caller.
 */
import { type AccessToken, InputError, type Secret } from '@org/signing-core';
import { PROVIDER } from './constants.js';

/** How to get a customer token: exchange an auth code, or refresh an earlier one. */
export type SnapCustomerTokenGrant = { readonly authCode: string } | { readonly refreshToken: string | Secret };

/** A B2B2C token. Prints and serialises without the token texts. */
export interface SnapCustomerToken {
  /** The customer access token (`.token`, not enumerable). Pass it as `customerToken` to `signRequest`. */
  readonly accessToken: AccessToken;
  /** When the access token expires. */
  readonly accessTokenExpiresAt: Date;
  /** The refresh token, when the provider issued one: `refreshToken.reveal()` gives the text. */
  readonly refreshToken: Secret | undefined;
  /** When the refresh token expires, when the provider said. */
  readonly refreshTokenExpiresAt: Date | undefined;
  /** `Bearer` unless the provider said otherwise. */
  readonly tokenType: string;
  /** The provider's `additionalInfo`, with secret-named fields redacted. */
  readonly additionalInfo: unknown;
}

/** Options of one `getCustomerToken` call. */
export interface GetCustomerTokenOptions {
  /** Sent as `additionalInfo` in the request body. */
  readonly additionalInfo?: Readonly<Record<string, unknown>> | undefined;
  /** Aborts the request. */
  readonly signal?: AbortSignal | undefined;
}

/** The `grantType` value and grant field of a B2B2C request. */
export function grantBody(
  grant: SnapCustomerTokenGrant,
  grantTypeCase: 'upper' | 'lower',
): { grantType: string; field: 'authCode' | 'refreshToken'; value: string } {
  if (grant === null || typeof grant !== 'object') {
    throw new TypeError('[@org/snap-auth] getCustomerToken: expected { authCode } or { refreshToken }');
  }
  const hasCode = 'authCode' in grant && grant.authCode !== undefined;
  const hasRefresh = 'refreshToken' in grant && grant.refreshToken !== undefined;
  if (hasCode === hasRefresh) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'getCustomerToken: give exactly one of authCode and refreshToken',
      { field: hasCode ? 'refreshToken' : 'authCode' },
      { provider: PROVIDER },
    );
  }
  const field = hasCode ? 'authCode' : 'refreshToken';
  const raw = hasCode ? (grant as { authCode: unknown }).authCode : (grant as { refreshToken: unknown }).refreshToken;
  const value =
    typeof raw === 'object' && raw !== null && typeof (raw as Secret).reveal === 'function'
      ? (raw as Secret).reveal()
      : raw;
  if (typeof value !== 'string') {
    throw new TypeError(`[@org/snap-auth] getCustomerToken: ${field} must be a string, received ${typeof value}`);
  }
  if (value.length === 0) {
    throw new InputError('ERR_INVALID_INPUT', `getCustomerToken: ${field} is empty`, { field }, { provider: PROVIDER });
  }
  const base = hasCode ? 'authorization_code' : 'refresh_token';
  return { grantType: grantTypeCase === 'upper' ? base.toUpperCase() : base, field, value };
}
