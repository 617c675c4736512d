// @org/signing-core — the public API, by name.

// Crypto
export {
  checkRsaPrivateKey,
  checkRsaPublicKey,
  cryptoBackendName,
  type DigestAlgorithm,
  digest,
  type HmacAlgorithm,
  HmacKey,
  hmac,
  importHmacKey,
  importRsaPrivateKey,
  importRsaPublicKey,
  RsaPrivateKey,
  type RsaPrivateKeyInput,
  RsaPublicKey,
  type RsaPublicKeyInput,
  type RsaSigner,
  rsaSign,
  rsaVerify,
  timingSafeEqual,
} from './crypto/crypto.js';
// Encodings
export {
  decodeUtf8,
  encodeUtf8,
  fromBase64,
  fromBase64Url,
  fromHex,
  toBase64,
  toBase64Url,
  toBytes,
  toHex,
} from './encoding/encoding.js';
// Errors
export {
  type AnyAuthError,
  AuthError,
  type AuthErrorCode,
  type AuthErrorFor,
  type AuthErrorName,
  type AuthErrorOptions,
  ConfigError,
  type ConfigIssue,
  InputError,
  isAuthError,
  isConfigError,
  isInputError,
  isKeyFormatError,
  isProviderError,
  isResponseFormatError,
  isSignatureError,
  isTransportError,
  KeyFormatError,
  ProviderError,
  type ProviderErrorDetails,
  ResponseFormatError,
  type SignatureCheck,
  SignatureError,
  StoreError,
  TransportError,
} from './errors/errors.js';
// HTTP
export type { RedirectPolicy } from './http/bounded-fetch.js';

export type { RetryOptions } from './http/retry-policy.js';
// JSON

export { minifyJson } from './json/minify-json.js';
export { type PhpJsonEncodeOptions, phpJsonEncode } from './json/php-json-encode.js';
// Logging
export {
  type Logger,
  log,
  silentLogger,
} from './logger/logger.js';
// Options
export type { AuthEventOptions, TokenClientOptions } from './options/validate.js';
// The provider shape
export type { AuthFetch, RequestSigningAuth, TokenAuth } from './provider/token-auth.js';
// Random identifiers
export {
  randomAlphanumeric,
  randomDigits,
  randomUuid,
} from './random/random.js';
// Secrets
export {
  isSecretName,
  REDACTED,
  redactHeaders,
  redactJson,
  redactText,
  revealSecret,
  Secret,
} from './secret/secret.js';
export {
  MIN_SCRUBBED_LENGTH,
  SecretSet,
  type SecretValue,
} from './secret/secret-set.js';
export { SignedRequest } from './secret/signed-request.js';
// Telemetry: typed events, and OpenTelemetry on top of them
export type {
  AuthEvent,
  AuthEventHandler,
  ClockCorrectedEvent,
  ClockRefusedEvent,
  NotificationVerifiedEvent,
  RequestAttemptEvent,
  RetryCause,
  ServerHandleEvent,
  SignatureFailedEvent,
  TokenCacheEvent,
  TokenFetchEvent,
  TokenRefreshFailedEvent,
  TokenWaitEvent,
} from './telemetry/events.js';
export {
  openTelemetryHandler,
  type TelemetryAttributes,
  type TelemetryMeter,
  type TelemetryOptions,
  type TelemetrySpan,
  type TelemetryTracer,
} from './telemetry/otel.js';
// Time
export {
  type Clock,
  systemClock,
} from './time/clock.js';
export { type ClockCorrection, type ClockVerdict, DEFAULT_MAX_CLOCK_SKEW_MS } from './time/clock-correction.js';
export {
  formatCompactTimestamp,
  formatIsoTimestamp,
  formatUtcTimestamp,
  JAKARTA_OFFSET,
  parseIsoTimestamp,
  parseUtcOffset,
  type UtcOffset,
} from './time/format.js';
// Tokens
export {
  AccessToken,
  type StoredToken,
  type TokenData,
} from './token/access-token.js';
export {
  createTokenManager,
  DEFAULT_FETCH_TIMEOUT_MS,
  DEFAULT_MAX_LIFETIME_MS,
  DEFAULT_MIN_LIFETIME_MS,
  type GetTokenOptions,
  type TokenFetchReason,
  type TokenManager,
  type TokenManagerOptions,
  type TokenResult,
} from './token/token-manager.js';
export {
  type MemoryTokenStoreOptions,
  memoryTokenStore,
  type TokenStore,
  type TokenStoreLock,
} from './token/token-store.js';
export {
  describeType,
  isRecord,
} from './values/values.js';

// Verification helpers
export {
  type IdempotencyClaim,
  type IdempotencyStore,
  type MemoryIdempotencyStoreOptions,
  memoryIdempotencyStore,
} from './verify/idempotency.js';
export {
  assertTimestampWithinWindow,
  memoryReplayStore,
  type ReplayStore,
} from './verify/replay.js';
