/**
 * Warnings the store reports through the `logger` hook (`logger.warn(message, fields)`).
 * `fields` is a `RedisTokenStoreWarning`: switch on `fields.warning`. Neither the message nor
 * the fields ever contain a token, a stored value or key material.
 */
import { type Logger, log } from '@org/signing-core';

export type RedisTokenStoreWarningCode =
  /** The value did not decrypt: a wrong key with the same id, or a tampered or moved value. */
  | 'decrypt-failed'
  /** The value was encrypted with a key id this store does not have. */
  | 'unknown-key-id'
  /** Encryption is on, but the stored value is plain JSON (written by a store without `encryptionKey`). */
  | 'unencrypted-value'
  /** The stored value is encrypted, but this store has no `encryptionKey`. */
  | 'encrypted-value-without-key'
  /** The stored value is not a token this package wrote. */
  | 'malformed-value'
  /** The pub/sub `subscriber` failed; waits fall back to short sleeps until it works again. */
  | 'subscriber-unavailable';

/** The `fields` of a warning. */
export interface RedisTokenStoreWarning {
  readonly source: '@org/token-store-redis';
  readonly warning: RedisTokenStoreWarningCode;
  /** The token manager's key (`<provider>:<baseUrl>:<clientId>`; `*` for `subscriber-unavailable`); no secret. */
  readonly key: string;
  /** The Redis key involved (`<prefix>:changed:*` for `subscriber-unavailable`). */
  readonly redisKey: string;
  /** For `decrypt-failed` and `unknown-key-id`: the key id written in the value. */
  readonly keyId?: number;
  /** For `subscriber-unavailable`: the error's name and message. */
  readonly error?: string;
}

const MESSAGES: Record<RedisTokenStoreWarningCode, string> = {
  'decrypt-failed':
    'stored token could not be decrypted (wrong encryption key or tampered value); treated as a cache miss',
  'unknown-key-id':
    'stored token was encrypted with a key id this store does not have (add it to previousEncryptionKeys); treated as a cache miss',
  'unencrypted-value': 'stored token is not encrypted but encryption is on; treated as a cache miss',
  'encrypted-value-without-key':
    'stored token is encrypted but this store has no encryptionKey; treated as a cache miss',
  'malformed-value': 'stored value is not a token written by @org/token-store-redis; treated as a cache miss',
  'subscriber-unavailable': 'redis subscriber failed; waiting for other processes without notifications',
};

export function warn(logger: Logger | undefined, warning: Omit<RedisTokenStoreWarning, 'source'>): void {
  const fields: RedisTokenStoreWarning = { source: '@org/token-store-redis', ...warning };
  log(logger, 'warn', `@org/token-store-redis: ${MESSAGES[warning.warning]}`, { ...fields });
}
