/**
 * `SecretSet`: the secret values one call used (a token, the signature of every attempt, an
 * in-body tokenID, a client secret), collected as the call goes and scrubbed by value from
 * every text built from it. One set per call, so scrubbing holds at any concurrency: no
 * "most recent N" list that a busy client overruns.
 */
import { REDACTED, revealSecret, type Secret } from './secret.js';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * Values shorter than this are not scrubbed: replacing every "12" or "ok" in a provider's text
 * would make excerpts useless and reveals nothing a guesser would not try first.
 */
export const MIN_SCRUBBED_LENGTH = 4;

export type SecretValue = string | Secret | undefined | null;

/** A set of secret values. It never prints them: `JSON.stringify` and `util.inspect` show only the count. */
export class SecretSet implements Iterable<string> {
  readonly #values = new Set<string>();
  /** The values longest first, for `scrub`; rebuilt after an `add`. */
  #longestFirst: string[] | undefined;

  constructor(...sources: Iterable<SecretValue>[]) {
    for (const source of sources) this.addAll(source);
  }

  /** Adds values (strings or `Secret`s); `undefined`, `null` and values under 4 characters are skipped. */
  add(...values: SecretValue[]): this {
    return this.addAll(values);
  }

  addAll(values: Iterable<SecretValue>): this {
    for (const value of values) {
      if (value === undefined || value === null) continue;
      const text = revealSecret(value);
      if (typeof text === 'string' && text.length >= MIN_SCRUBBED_LENGTH && !this.#values.has(text)) {
        this.#values.add(text);
        this.#longestFirst = undefined;
      }
    }
    return this;
  }

  has(value: string): boolean {
    return this.#values.has(value);
  }

  get size(): number {
    return this.#values.size;
  }

  /**
   * `text` with every value of the set replaced by `[REDACTED]`, longest first (so a secret
   * that contains another is removed whole).
   */
  scrub(text: string): string {
    if (this.#values.size === 0 || text.length === 0) return text;
    let out = text;
    this.#longestFirst ??= [...this.#values].sort((a, b) => b.length - a.length);
    for (const value of this.#longestFirst) {
      if (out.includes(value)) out = out.split(value).join(REDACTED);
    }
    return out;
  }

  /** A deep copy of a JSON-like value with every string scrubbed (keys included). */
  scrubDeep(value: unknown): unknown {
    return scrubValue(this, value, 0);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.#values.values();
  }

  toJSON(): string {
    return `SecretSet(${this.#values.size} ${REDACTED})`;
  }

  toString(): string {
    return this.toJSON();
  }

  [inspectSymbol](): string {
    return this.toJSON();
  }
}

function scrubValue(set: SecretSet, value: unknown, depth: number): unknown {
  if (typeof value === 'string') return set.scrub(value);
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => scrubValue(set, item, depth + 1));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[set.scrub(key)] = scrubValue(set, item, depth + 1);
    return out;
  }
  return value;
}
