/**
 * An access token as handed to callers: the token text is reachable through `.token` (and
 * `authorization`) but is not an own enumerable property, so `JSON.stringify`, `util.inspect`
 * and string conversion show `[REDACTED]` instead of the bearer credential.
 */
import { REDACTED } from '../secret/secret.js';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** Extra, non-secret fields a provider keeps with a token (e.g. SNAP's `tokenType`). */
export type TokenData = Readonly<Record<string, string | number | boolean | null>>;

/** What a token store keeps. Plain JSON, so any store can serialise it. */
export interface StoredToken {
  readonly token: string;
  /** Epoch milliseconds at which the provider stops accepting the token. */
  readonly expiresAt: number;
  /** Epoch milliseconds at which the token was obtained. */
  readonly obtainedAt: number;
  readonly tokenType?: string;
  readonly data?: TokenData;
}

/**
 * A token handed to callers. `D` types the provider's non-secret extras in `data`
 * (SNAP: `{ expiresIn }`, Finnet: `{ tokenExpiry }`).
 */
export class AccessToken<D extends TokenData = TokenData> {
  /** The scheme to use with it, `Bearer` unless the provider says otherwise. */
  readonly tokenType: string;
  /** When the provider stops accepting it. */
  readonly expiresAt: Date;
  /** When it was obtained. */
  readonly obtainedAt: Date;
  /** Non-secret extras the provider returned with it. */
  readonly data: D;
  readonly #token: string;

  constructor(stored: StoredToken) {
    this.#token = stored.token;
    this.tokenType = stored.tokenType ?? 'Bearer';
    this.expiresAt = new Date(stored.expiresAt);
    this.obtainedAt = new Date(stored.obtainedAt);
    this.data = Object.freeze({ ...(stored.data ?? {}) }) as D;
    Object.freeze(this);
  }

  /** The token itself. */
  get token(): string {
    return this.#token;
  }

  /** `"<tokenType> <token>"`, ready for an `Authorization` header. */
  get authorization(): string {
    return `${this.tokenType} ${this.#token}`;
  }

  /** Seconds left until expiry at `now` (epoch ms), never negative. */
  secondsLeft(now: number = Date.now()): number {
    return Math.max(0, Math.floor((this.expiresAt.getTime() - now) / 1000));
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): Record<string, unknown> {
    return {
      token: REDACTED,
      tokenType: this.tokenType,
      expiresAt: this.expiresAt.toISOString(),
      obtainedAt: this.obtainedAt.toISOString(),
      data: this.data,
    };
  }

  [inspectSymbol](): string {
    return `AccessToken { token: '${REDACTED}', tokenType: '${this.tokenType}', expiresAt: ${this.expiresAt.toISOString()} }`;
  }
}
