/**
 * One error hierarchy for every package of the toolkit, so one `catch` works everywhere.
 *
 * - Every class has a literal `name` and every instance a stable `code` from a closed union
 *   (changing one is a breaking change; each is documented in the README).
 * - `isAuthError()` and the `is…Error()` guards use a `Symbol.for` brand, so they keep working
 *   when two copies of this package are loaded (the approach ky takes with `isHTTPError`).
 * - Messages and enumerable properties never carry a private key, client secret, token or full
 *   signature. `cause` is only ever set by this toolkit, to an error that carries none of them
 *   (never a raw ky `HTTPError` or `Request`, which hold `Authorization`).
 */

/** Every error code the toolkit throws. Closed: adding or renaming one is a semver decision. */
export type AuthErrorCode =
  | 'ERR_CONFIG'
  | 'ERR_KEY_FORMAT'
  | 'ERR_INVALID_INPUT'
  | 'ERR_INVALID_JSON'
  | 'ERR_SIGNING_FAILED'
  | 'ERR_SIGNATURE_MISMATCH'
  | 'ERR_TIMESTAMP_OUT_OF_WINDOW'
  | 'ERR_REPLAYED'
  | 'ERR_PROVIDER'
  | 'ERR_TOKEN_REJECTED'
  | 'ERR_RATE_LIMITED'
  | 'ERR_CLOCK_SKEW'
  | 'ERR_NETWORK'
  | 'ERR_TIMEOUT'
  | 'ERR_ABORTED'
  | 'ERR_REDIRECT'
  | 'ERR_RESPONSE_FORMAT'
  | 'ERR_RESPONSE_TOO_LARGE'
  | 'ERR_STORE';

/** The literal `name` of every error class. */
export type AuthErrorName =
  | 'AuthError'
  | 'ConfigError'
  | 'KeyFormatError'
  | 'InputError'
  | 'SignatureError'
  | 'ProviderError'
  | 'TransportError'
  | 'ResponseFormatError'
  | 'StoreError';

const BRAND = Symbol.for('@org/signing-core/AuthError');

export interface AuthErrorOptions {
  /** The provider this error is about, e.g. `snap`, `finnet`, `doku`, `fondy`. */
  provider?: string | undefined;
  /** The underlying failure. Never a request, a response or anything holding a secret. */
  cause?: unknown;
}

/** Base class of every error the toolkit throws. */
export class AuthError extends Error {
  override name: AuthErrorName = 'AuthError';
  readonly code: AuthErrorCode;
  readonly provider: string | undefined;

  constructor(code: AuthErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.provider = options.provider;
  }

  /** A plain, secret-free description, also used by `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    if (this.provider !== undefined) out.provider = this.provider;
    for (const [key, value] of Object.entries(this)) {
      if (key === 'name' || key === 'code' || key === 'provider' || value === undefined) continue;
      out[key] = value;
    }
    return out;
  }
}
Object.defineProperty(AuthError.prototype, BRAND, { value: true });

/** One invalid option: where it is and what was expected. Never the value itself. */
export interface ConfigIssue {
  /** Dotted path of the option, e.g. `privateKey` or `retry.limit`. */
  readonly path: string;
  /** What was expected, e.g. `a non-empty string`. */
  readonly expected: string;
  /** The type that was received (`string`, `number`, `undefined`, …), never the value. */
  readonly received: string;
  /** For an unknown option: the known option it most likely meant (`timestampFormat` for `timestampFromat`). */
  readonly suggestion?: string;
}

/** Options are missing or malformed. Lists every bad field. */
export class ConfigError extends AuthError {
  override name = 'ConfigError' as const;
  declare readonly code: 'ERR_CONFIG';
  readonly issues: readonly ConfigIssue[];

  constructor(message: string, issues: readonly ConfigIssue[] = [], options: AuthErrorOptions = {}) {
    super('ERR_CONFIG', message, options);
    this.issues = issues;
  }
}

/** A key could not be used: says what was found and what is accepted. */
export class KeyFormatError extends AuthError {
  override name = 'KeyFormatError' as const;
  declare readonly code: 'ERR_KEY_FORMAT';
  /** What the input looked like, e.g. `an encrypted PKCS#8 PEM` or `an EC private key`. */
  readonly found: string;

  constructor(message: string, found: string, options: AuthErrorOptions = {}) {
    super('ERR_KEY_FORMAT', message, options);
    this.found = found;
  }
}

/** A value handed to a signing or parsing function is malformed (not an option). */
export class InputError extends AuthError {
  override name = 'InputError' as const;
  declare readonly code: 'ERR_INVALID_INPUT' | 'ERR_INVALID_JSON';
  /** The parameter or field at fault, when there is one. */
  readonly field: string | undefined;
  /** For `ERR_INVALID_JSON`: the 0-based character offset of the first error. */
  readonly position: number | undefined;

  constructor(
    code: 'ERR_INVALID_INPUT' | 'ERR_INVALID_JSON',
    message: string,
    details: { field?: string; position?: number } = {},
    options: AuthErrorOptions = {},
  ) {
    super(code, message, options);
    this.field = details.field;
    this.position = details.position;
  }
}

/** Which check of an incoming signed message failed. */
export type SignatureCheck = 'signature' | 'timestamp' | 'replay' | 'header' | 'signer';

/** Signing failed, or an incoming signature did not verify. */
export class SignatureError extends AuthError {
  override name = 'SignatureError' as const;
  declare readonly code:
    | 'ERR_SIGNING_FAILED'
    | 'ERR_SIGNATURE_MISMATCH'
    | 'ERR_TIMESTAMP_OUT_OF_WINDOW'
    | 'ERR_REPLAYED';
  readonly check: SignatureCheck;

  constructor(
    code: 'ERR_SIGNING_FAILED' | 'ERR_SIGNATURE_MISMATCH' | 'ERR_TIMESTAMP_OUT_OF_WINDOW' | 'ERR_REPLAYED',
    message: string,
    check: SignatureCheck,
    options: AuthErrorOptions = {},
  ) {
    super(code, message, options);
    this.check = check;
  }
}

export interface ProviderErrorDetails {
  /** HTTP status of the provider's answer. */
  status: number;
  /** The provider's own response/status code, e.g. SNAP `4017300`, Finnet `001`, Fondy `403`. */
  providerCode?: string | undefined;
  /** The provider's own message, e.g. `Unauthorized. [Signature]`. */
  providerMessage?: string | undefined;
  /** Start of the response body with secrets redacted, at most 512 characters. */
  bodyExcerpt?: string | undefined;
  /** For 429/503: how long the provider asked us to wait, in milliseconds. */
  retryAfterMs?: number | undefined;
  /** Provider-specific parsed details (e.g. a parsed SNAP response code). Secret-free. */
  details?: Readonly<Record<string, unknown>> | undefined;
}

/** The provider answered, but not with success. */
export class ProviderError extends AuthError {
  override name = 'ProviderError' as const;
  declare readonly code: 'ERR_PROVIDER' | 'ERR_TOKEN_REJECTED' | 'ERR_RATE_LIMITED' | 'ERR_CLOCK_SKEW';
  readonly status: number;
  readonly providerCode: string | undefined;
  readonly providerMessage: string | undefined;
  readonly bodyExcerpt: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    message: string,
    details: ProviderErrorDetails,
    options: AuthErrorOptions & {
      code?: 'ERR_PROVIDER' | 'ERR_TOKEN_REJECTED' | 'ERR_RATE_LIMITED' | 'ERR_CLOCK_SKEW';
    } = {},
  ) {
    super(options.code ?? (details.status === 429 ? 'ERR_RATE_LIMITED' : 'ERR_PROVIDER'), message, options);
    this.status = details.status;
    this.providerCode = details.providerCode;
    this.providerMessage = details.providerMessage;
    this.bodyExcerpt = details.bodyExcerpt;
    this.retryAfterMs = details.retryAfterMs;
    this.details = details.details;
  }
}

/**
 * The request never got a usable answer: network failure (also a connection broken mid-body),
 * timeout, abort, or a redirect that was not followed (`ERR_REDIRECT`, with its target origin).
 */
export class TransportError extends AuthError {
  override name = 'TransportError' as const;
  declare readonly code: 'ERR_NETWORK' | 'ERR_TIMEOUT' | 'ERR_ABORTED' | 'ERR_REDIRECT';
  /** How many attempts were made before giving up. */
  readonly attempts: number | undefined;
  /** For `ERR_REDIRECT`: the 3xx status and the origin it pointed to (never the path or query). */
  readonly redirect: { readonly status: number; readonly origin: string } | undefined;

  constructor(
    code: 'ERR_NETWORK' | 'ERR_TIMEOUT' | 'ERR_ABORTED' | 'ERR_REDIRECT',
    message: string,
    options: AuthErrorOptions & { attempts?: number; redirect?: { status: number; origin: string } } = {},
  ) {
    super(code, message, options);
    this.attempts = options.attempts;
    this.redirect = options.redirect;
  }
}

/**
 * The provider answered with something that is not the expected JSON (HTML page, truncated
 * body, wrong shape, a token or lifetime out of range), or a body over the size limit
 * (`ERR_RESPONSE_TOO_LARGE`).
 */
export class ResponseFormatError extends AuthError {
  override name = 'ResponseFormatError' as const;
  declare readonly code: 'ERR_RESPONSE_FORMAT' | 'ERR_RESPONSE_TOO_LARGE';
  readonly status: number | undefined;
  readonly contentType: string | undefined;
  readonly bodyExcerpt: string | undefined;

  constructor(
    message: string,
    details: { status?: number; contentType?: string | null; bodyExcerpt?: string } = {},
    options: AuthErrorOptions & { code?: 'ERR_RESPONSE_FORMAT' | 'ERR_RESPONSE_TOO_LARGE' } = {},
  ) {
    super(options.code ?? 'ERR_RESPONSE_FORMAT', message, options);
    this.status = details.status;
    this.contentType = details.contentType ?? undefined;
    this.bodyExcerpt = details.bodyExcerpt;
  }
}

/** A token store (e.g. Redis) failed. The token manager reports it and carries on without the store. */
export class StoreError extends AuthError {
  override name = 'StoreError' as const;
  declare readonly code: 'ERR_STORE';

  constructor(message: string, options: AuthErrorOptions = {}) {
    super('ERR_STORE', message, options);
  }
}

/**
 * The same provider error with a better message (e.g. a hint about which credential to check),
 * keeping its code, status, provider fields, details and provider.
 */
export function rewordProviderError(error: ProviderError, message: string): ProviderError {
  const offset = error.details?.clockOffsetMs;
  const bound = error.details?.maxClockSkewMs;
  const skew =
    error.code === 'ERR_CLOCK_SKEW' && typeof offset === 'number' && typeof bound === 'number'
      ? clockSkewNote(offset, bound)
      : '';
  return new ProviderError(
    `${message}${skew}`,
    {
      status: error.status,
      providerCode: error.providerCode,
      providerMessage: error.providerMessage,
      bodyExcerpt: error.bodyExcerpt,
      retryAfterMs: error.retryAfterMs,
      details: error.details,
    },
    { provider: error.provider, code: error.code, cause: error.cause },
  );
}

/**
 * What an `ERR_CLOCK_SKEW` message adds: by how much and which way the clock is off, and the bound.
 * `offsetMs` is provider time minus this machine's clock.
 */
export function clockSkewNote(offsetMs: number, maxOffsetMs: number): string {
  const way = offsetMs < 0 ? 'ahead of' : 'behind';
  return `; the provider rejected the request's timestamp and its Date header says this machine's clock is ${duration(Math.abs(offsetMs))} ${way} it, more than the ${duration(maxOffsetMs)} a correction may move it (maxClockSkewMs): the clock was not corrected; check this machine's time sync (NTP)`;
}

/** `2 h 0 min`, `10 min 3 s`, `45 s`. */
function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s} s`;
  return `${s} s`;
}

/**
 * Sets `provider` on a toolkit error that has none (errors from shared helpers such as key
 * import, `minifyJson` or a signer function don't know which provider called them), and
 * returns it, so a provider package can write `catch (e) { throw withProvider(e, 'snap') }`.
 * Anything else is returned unchanged.
 */
export function withProvider<T>(error: T, provider: string): T {
  if (hasBrand(error) && error.provider === undefined) {
    Object.defineProperty(error, 'provider', {
      value: provider,
      enumerable: true,
      configurable: true,
      writable: false,
    });
  }
  return error;
}

function hasBrand(error: unknown): error is AuthError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[BRAND] === true &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/**
 * True for any error thrown by the toolkit, even from another copy of this package.
 * With `code`, also checks the code: `isAuthError(e, 'ERR_TOKEN_REJECTED')`.
 */
/** Every error class of the toolkit, as a union that narrows by `code` (and by `name`). */
export type AnyAuthError =
  | ConfigError
  | KeyFormatError
  | InputError
  | SignatureError
  | ProviderError
  | TransportError
  | ResponseFormatError
  | StoreError;

/** The error class that carries `code`: `AuthErrorFor<'ERR_RATE_LIMITED'>` is `ProviderError`. */
export type AuthErrorFor<C extends AuthErrorCode> = ErrorWithCode<AnyAuthError, C> & { readonly code: C };
/** Distributes over the union: the classes whose `code` type includes `C`. */
type ErrorWithCode<E, C> = E extends { readonly code: infer K } ? (C extends K ? E : never) : never;

export function isAuthError(error: unknown): error is AnyAuthError;
export function isAuthError<C extends AuthErrorCode>(error: unknown, code: C): error is AuthErrorFor<C>;
export function isAuthError(error: unknown, code?: AuthErrorCode): error is AnyAuthError {
  return hasBrand(error) && (code === undefined || error.code === code);
}

const guard =
  <T extends AuthError>(name: AuthErrorName) =>
  (error: unknown): error is T =>
    hasBrand(error) && error.name === name;

export const isConfigError: (error: unknown) => error is ConfigError = guard('ConfigError');
export const isKeyFormatError: (error: unknown) => error is KeyFormatError = guard('KeyFormatError');
export const isInputError: (error: unknown) => error is InputError = guard('InputError');
export const isSignatureError: (error: unknown) => error is SignatureError = guard('SignatureError');
export const isProviderError: (error: unknown) => error is ProviderError = guard('ProviderError');
export const isTransportError: (error: unknown) => error is TransportError = guard('TransportError');
export const isResponseFormatError: (error: unknown) => error is ResponseFormatError = guard('ResponseFormatError');
