/**
 * The access tokens the merchant issues to its partners, in one of two forms:
 *
 * - opaque (default): 48 random characters from `A–Z a–z 0–9` (about 285 bits), remembered in an
 *   issued-token store by their SHA-256 only, so a dump of the store cannot be replayed;
 * - stateless: `v1.<base64url(payload)>.<base64url(HMAC-SHA256(merchant secret, "v1." + payload))>`,
 *   where the payload is `{"c":clientId,"e":expiry ms,"n":nonce}`; any replica holding the secret
 *   checks it without a shared store. Several secrets rotate: the first signs, all verify.
 */
import {
  type Clock,
  decodeUtf8,
  encodeUtf8,
  fromBase64Url,
  type HmacKey,
  hmac,
  importHmacKey,
  isRecord,
  randomAlphanumeric,
  timingSafeEqual,
  toBase64Url,
} from '@org/signing-core';
import { sha256Hex } from '../protocol/body-hash.js';

/** What an issued-token store keeps per token: never the token itself. */
export interface SnapIssuedToken {
  /** The partner the token was issued to. */
  readonly clientId: string;
  /** Epoch ms after which the token is refused. */
  readonly expiresAt: number;
}

/**
 * Where opaque tokens are remembered, keyed by the lower-case hex SHA-256 of the token. A shared
 * implementation (e.g. Redis `SET <hash> <record> PX <ttl>`) lets replicas accept each other's tokens.
 */
export interface SnapIssuedTokenStore {
  /** Records a token hash for `ttlMs`. */
  save(tokenHash: string, token: SnapIssuedToken, ttlMs: number): Promise<void>;
  /** The record of a token hash, when one was saved and has not expired. */
  find(tokenHash: string): Promise<SnapIssuedToken | undefined>;
}

/** Options of {@link memorySnapIssuedTokenStore}. */
export interface MemorySnapIssuedTokenStoreOptions {
  /** Most tokens kept; past it, the oldest are dropped (with one TTL, the first to expire). Default 100 000. */
  readonly maxEntries?: number | undefined;
  /** Epoch-ms clock. Default `Date.now`. */
  readonly clock?: Clock | undefined;
}

/** An in-process {@link SnapIssuedTokenStore} (one process; use a shared store with replicas). */
export function memorySnapIssuedTokenStore(options: MemorySnapIssuedTokenStoreOptions = {}): SnapIssuedTokenStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('[@org/snap-auth] memorySnapIssuedTokenStore: maxEntries must be a positive whole number');
  }
  const clock = options.clock ?? Date.now;
  const tokens = new Map<string, { token: SnapIssuedToken; until: number }>();
  return {
    async save(tokenHash, token, ttlMs) {
      const now = clock();
      // Insertion order is issue order: with one TTL, the first tokens are the first to expire.
      for (const key of tokens.keys()) {
        if (tokens.size < maxEntries) break;
        tokens.delete(key);
      }
      tokens.set(tokenHash, { token: { clientId: token.clientId, expiresAt: token.expiresAt }, until: now + ttlMs });
    },
    async find(tokenHash) {
      const entry = tokens.get(tokenHash);
      if (entry === undefined) return undefined;
      if (entry.until > clock()) return entry.token;
      tokens.delete(tokenHash);
      return undefined;
    },
  };
}

/** Issues and checks tokens in one of the two forms. */
export interface TokenIssuer {
  issue(clientId: string, ttlMs: number): Promise<string>;
  /** The client id the token was issued to, when it is one of ours and still valid. */
  check(token: string): Promise<string | undefined>;
}

const TOKEN_LENGTH = 48;
const OPAQUE = /^[A-Za-z0-9]{48}$/;

export function opaqueTokens(store: SnapIssuedTokenStore, clock: Clock): TokenIssuer {
  return {
    async issue(clientId, ttlMs) {
      const token = randomAlphanumeric(TOKEN_LENGTH);
      await store.save(await sha256Hex(token), { clientId, expiresAt: clock() + ttlMs }, ttlMs);
      return token;
    },
    async check(token) {
      if (!OPAQUE.test(token)) return undefined;
      const record = await store.find(await sha256Hex(token));
      return record !== undefined && record.expiresAt > clock() ? record.clientId : undefined;
    },
  };
}

const PREFIX = 'v1.';

export function statelessTokens(secrets: readonly string[], clock: Clock): TokenIssuer {
  const keys = Promise.all(secrets.map((secret) => importHmacKey('SHA-256', secret)));
  const mac = async (key: HmacKey, payload: string) => hmac('SHA-256', key, PREFIX + payload);
  return {
    async issue(clientId, ttlMs) {
      const payload = toBase64Url(
        encodeUtf8(JSON.stringify({ c: clientId, e: clock() + ttlMs, n: randomAlphanumeric(16) })),
      );
      const [key] = await keys;
      return `${PREFIX}${payload}.${toBase64Url(await mac(key as HmacKey, payload))}`;
    },
    async check(token) {
      if (!token.startsWith(PREFIX) || token.length > 1024) return undefined;
      const [payload, tag, extra] = token.slice(PREFIX.length).split('.');
      if (payload === undefined || tag === undefined || extra !== undefined) return undefined;
      let given: Uint8Array;
      let claims: unknown;
      try {
        given = fromBase64Url(tag);
      } catch {
        return undefined;
      }
      let valid = false;
      for (const key of await keys) if (timingSafeEqual(await mac(key, payload), given)) valid = true;
      if (!valid) return undefined;
      try {
        claims = JSON.parse(decodeUtf8(fromBase64Url(payload)));
      } catch {
        return undefined;
      }
      if (!isRecord(claims) || typeof claims.c !== 'string' || typeof claims.e !== 'number') return undefined;
      return claims.e > clock() ? claims.c : undefined;
    },
  };
}
