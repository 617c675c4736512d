/**
 * Holding secrets so they cannot leak by accident: a `Secret` prints, serialises and
 * stringifies as `[REDACTED]`; only `reveal()` gives the value. Plus the redaction helpers
 * used for provider body excerpts and header dumps.
 */
export const REDACTED = '[REDACTED]';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** A secret string that never shows up in logs, `JSON.stringify`, `String()` or `util.inspect`. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    if (typeof value !== 'string') throw new TypeError('[@org/signing-core] Secret: value must be a string');
    this.#value = value;
  }

  /** The secret value. Call it only where the value is really needed (a signature, a header). */
  reveal(): string {
    return this.#value;
  }

  /** Wraps a string (or returns an existing Secret unchanged). */
  static from(value: string | Secret): Secret {
    return value instanceof Secret ? value : new Secret(value);
  }

  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
  [inspectSymbol](): string {
    return `Secret(${REDACTED})`;
  }
}

/** The value of a string or a `Secret`. */
export function revealSecret(value: string | Secret): string {
  return value instanceof Secret ? value.reveal() : value;
}

/** Names of JSON fields and headers whose values are treated as secrets in excerpts and dumps. */
const SECRET_NAME =
  /token|secret|password|passwd|signature|authorization|private|api[-_]?key|credential|cookie|auth[-_]?code/i;
/** …except metadata about a token (its type, lifetime, expiry), which is useful and harmless. */
const SECRET_METADATA = /(type|expiry|expires?(_?in|_?at)?|expiry_?time|ttl|lifetime)$/i;

/** True for a field or header name whose value must never be shown. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !SECRET_METADATA.test(name);
}

function redactValue(value: unknown, depth: number): unknown {
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] =
        isSecretName(key) && item !== null && typeof item !== 'object' ? REDACTED : redactValue(item, depth + 1);
    }
    return out;
  }
  return value;
}

/** A deep copy of a parsed JSON value with every secret-named field replaced by `[REDACTED]`. */
export function redactJson(value: unknown): unknown {
  return redactValue(value, 0);
}

/**
 * A short, secret-free excerpt of a response or request body: secret-named JSON fields are
 * replaced (also in bodies that are not valid JSON, such as truncated ones), every known
 * secret value is replaced wherever it appears, and the result is cut to `limit` characters.
 */
export function redactText(
  text: string,
  options: { secrets?: Iterable<string | Secret | undefined | null>; limit?: number } = {},
): string {
  const limit = options.limit ?? 512;
  let out: string;
  try {
    out = JSON.stringify(redactJson(JSON.parse(text)));
  } catch {
    // Not JSON (HTML, truncated JSON): redact `"secretName": "value"` pairs textually.
    // Linear: the quoted-string patterns have no nested quantifiers.
    out = text.replace(/"([^"\\]{1,64})"\s*:\s*"((?:[^"\\]|\\.)*)("?)/g, (match, name: string, _v, close: string) =>
      isSecretName(name) ? `"${name}":"${REDACTED}${close}` : match,
    );
  }
  for (const secret of options.secrets ?? []) {
    const value = secret === undefined || secret === null ? '' : revealSecret(secret);
    if (value.length >= 4) out = out.split(value).join(REDACTED);
  }
  return out.length > limit ? `${out.slice(0, limit)}…` : out;
}

/** Headers as a plain object with secret-bearing values (Authorization, signatures, keys) redacted. */
export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers === 'string') {
    // Not headers, but JavaScript callers can pass one: the result has always been what
    // Object.entries lists (each UTF-16 code unit under its index; no index is a secret name).
    // Built directly, because Object.entries on a string is super-linear in V8 (~20 s for 10 MB).
    const text: string = headers;
    for (let index = 0; index < text.length; index++) out[index] = text.charAt(index);
    return out;
  }
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) {
    if (/^authorization/i.test(name)) {
      const space = value.indexOf(' ');
      out[name] = space > 0 ? `${value.slice(0, space)} ${REDACTED}` : REDACTED;
    } else {
      out[name] = isSecretName(name) ? REDACTED : value;
    }
  }
  return out;
}
