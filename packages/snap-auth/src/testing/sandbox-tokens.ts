/**
 * What the sandbox hands out and remembers: B2B access tokens, B2B2C access and refresh tokens,
 * auth codes, and the random values they are made of.
 */
import { randomBytes, randomInt } from 'node:crypto';

export interface TokenRecord {
  readonly clientId: string;
  expiresAt: number;
}

export interface CustomerTokenRecord extends TokenRecord {
  readonly customerId: string;
}

/** A random bearer value (32 bytes, base64url). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A random string of `length` decimal digits. */
export function randomNumeric(length: number): string {
  let out = '';
  while (out.length < length) out += String(randomInt(0, 1_000_000_000)).padStart(9, '0');
  return out.slice(0, length);
}

/** The tokens and codes issued so far, with their lifetimes. */
export class TokenLedger {
  /** B2B access tokens. */
  readonly tokens = new Map<string, TokenRecord>();
  /** B2B2C access tokens. */
  readonly customerTokens = new Map<string, CustomerTokenRecord>();
  /** B2B2C refresh tokens (single use: each refresh rotates it). */
  readonly refreshTokens = new Map<string, CustomerTokenRecord>();
  /** Auth codes from `issueAuthCode()` (single use). */
  readonly authCodes = new Map<string, CustomerTokenRecord>();
  /** How many B2B tokens were issued. */
  issuedTokenCount = 0;
  #earlyExpiryMs: number | undefined;
  readonly #clock: () => number;

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  /** When an access token issued now stops working: its lifetime, or sooner under `expireTokensEarly`. */
  expiryOf(ttlMs: number): number {
    return this.#clock() + (this.#earlyExpiryMs === undefined ? ttlMs : Math.min(ttlMs, this.#earlyExpiryMs));
  }

  /** Every access token issued so far (B2B and B2B2C) expires now. */
  expireAll(): void {
    const now = this.#clock();
    for (const record of this.tokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
    for (const record of this.customerTokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
  }

  /** Access tokens issued from now on stop working after `afterMs`; `undefined` restores normal lifetimes. */
  expireEarly(afterMs: number | undefined): void {
    if (afterMs !== undefined && (!Number.isFinite(afterMs) || afterMs < 0)) {
      throw new TypeError('expireTokensEarly: afterMs must be a non-negative number or undefined');
    }
    this.#earlyExpiryMs = afterMs;
  }
}
