/**
 * `SignedRequest`: what a provider's `signRequest` / `sign` hands out — the method, the headers
 * and the exact body to send — in a form that cannot leak by printing. One class for every
 * provider:
 *
 * - `headers` is a fresh plain record on every read (own keys are exactly the header names, so
 *   `fetch`, ky or any client takes it as it is), but `JSON.stringify` and `util.inspect` of it
 *   show credential headers redacted;
 * - `body` and the `sensitive` fields (an in-body signature or token) are reachable as
 *   properties but not enumerable, so a spread or `Object.entries` does not copy them;
 * - `JSON.stringify`, `util.inspect` and `String()` of the request show its public `info`
 *   fields, the redacted headers, the body's length and the sensitive fields with every secret
 *   value of the request replaced by `[REDACTED]` (by value, through a {@link SecretSet}, and by
 *   name, as {@link redactJson} does).
 */
import { redactHeaders, redactJson } from './secret.js';
import { SecretSet, type SecretValue } from './secret-set.js';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

export interface SignedRequestInit<Info extends object = object, Sensitive extends object = object> {
  /** The name shown by `String()` and `util.inspect`, e.g. `DokuSignedRequest`. */
  readonly kind: string;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The headers to send (credentials included). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The exact body to send: bytes or text, or `null` for none. */
  readonly body: string | Uint8Array<ArrayBuffer> | null;
  /** Public fields (url, request id, timestamp…): own, enumerable, printed as they are. */
  readonly info?: Info | undefined;
  /** Fields that carry secrets: reachable as properties, not enumerable, printed scrubbed. */
  readonly sensitive?: Sensitive | undefined;
  /** Secret values this request carries (signature, token), scrubbed by value from every printed form. */
  readonly secrets?: Iterable<SecretValue> | undefined;
}

/** A signed request of one provider: the core fields plus that provider's `info` and `sensitive` fields. */
export type SignedRequestOf<Info extends object = object, Sensitive extends object = object> = SignedRequest &
  Readonly<Info> &
  Readonly<Sensitive>;

export class SignedRequest {
  readonly method: string;
  readonly #kind: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #body: string | Uint8Array<ArrayBuffer> | null;
  readonly #info: Readonly<Record<string, unknown>>;
  readonly #sensitive: Readonly<Record<string, unknown>>;
  readonly #secrets: SecretSet;

  /** Prefer {@link createSignedRequest}, which types the provider's fields. */
  constructor(init: SignedRequestInit) {
    this.method = init.method;
    this.#kind = init.kind;
    this.#headers = Object.freeze({ ...(init.headers ?? {}) });
    this.#body = init.body;
    this.#info = Object.freeze({ ...(init.info ?? {}) });
    this.#sensitive = Object.freeze({ ...(init.sensitive ?? {}) });
    this.#secrets = new SecretSet(init.secrets ?? []);
    for (const [name, value] of Object.entries(this.#info)) {
      Object.defineProperty(this, name, { value, enumerable: true });
    }
    for (const [name, value] of Object.entries(this.#sensitive)) {
      Object.defineProperty(this, name, { value, enumerable: false });
    }
    Object.freeze(this);
  }

  /** The headers to send: a fresh copy on every read, which prints with credentials redacted. */
  get headers(): Record<string, string> {
    return redactingHeaders(this.#headers, this.#secrets);
  }

  /** The exact body to send, or `null`: send it unchanged (it is what was signed). */
  get body(): string | Uint8Array<ArrayBuffer> | null {
    return this.#body;
  }

  /** A secret-free description: public fields, redacted headers, body length, scrubbed sensitive fields. */
  toJSON(): Record<string, unknown> {
    const body = this.#body;
    return {
      method: this.method,
      ...(this.#secrets.scrubDeep(this.#info) as Record<string, unknown>),
      headers: redactingHeaders(this.#headers, this.#secrets).toJSON(),
      bodyLength: body === null ? 0 : typeof body === 'string' ? body.length : body.byteLength,
      ...(this.#secrets.scrubDeep(redactJson(this.#sensitive)) as Record<string, unknown>),
    };
  }

  toString(): string {
    return `${this.#kind} ${JSON.stringify(this.toJSON())}`;
  }

  [inspectSymbol](): string {
    return `${this.#kind} ${JSON.stringify(this.toJSON(), null, 2)}`;
  }
}

/** A {@link SignedRequest} typed with the provider's public `info` and `sensitive` fields. */
export function createSignedRequest<Info extends object = object, Sensitive extends object = object>(
  init: SignedRequestInit<Info, Sensitive>,
): SignedRequestOf<Info, Sensitive> {
  return new SignedRequest(init) as SignedRequestOf<Info, Sensitive>;
}

/** The secrets of each redacting header record, kept off the record so its own keys are only header names. */
const headerSecrets = new WeakMap<object, SecretSet>();

/** Header records whose own keys are the header names, and whose printed forms are redacted. */
class RedactingHeaders {
  toJSON(): Record<string, string> {
    const out = redactHeaders({ ...(this as unknown as Record<string, string>) });
    const secrets = headerSecrets.get(this);
    if (secrets) for (const name of Object.keys(out)) out[name] = secrets.scrub(out[name] as string);
    return out;
  }

  [inspectSymbol](): Record<string, string> {
    return this.toJSON();
  }
}

function redactingHeaders(
  headers: Readonly<Record<string, string>>,
  secrets: SecretSet,
): Record<string, string> & RedactingHeaders {
  const record = Object.assign(new RedactingHeaders(), headers);
  headerSecrets.set(record, secrets);
  return record as Record<string, string> & RedactingHeaders;
}
