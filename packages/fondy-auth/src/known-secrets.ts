/**
 * The secrets one `createFondyAuth` instance has handled: its key, and the last few tokens and
 * token-request signatures. Provider texts that end up in errors (body excerpts, provider
 * messages) are scrubbed of all of them, even of a token that has since been replaced.
 */
import { REDACTED, type Secret } from '@org/signing-core';

const RECENT_LIMIT = 8;
/** Shorter strings are not scrubbed: they would redact ordinary words. */
const MIN_SECRET_LENGTH = 4;

export interface KnownSecrets {
  /** Remembers a token or signature. */
  remember(value: string): void;
  /** Everything to scrub, most sensitive first. */
  list(): string[];
  /** `text` with every known secret replaced by `[REDACTED]`. */
  scrub(text: string): string;
  scrub(text: string | undefined): string | undefined;
}

/** `text` with each of `secrets` (of 4 characters or more) replaced by `[REDACTED]`. */
export function scrubSecrets(text: string, secrets: Iterable<string>): string;
export function scrubSecrets(text: string | undefined, secrets: Iterable<string>): string | undefined;
export function scrubSecrets(text: string | undefined, secrets: Iterable<string>): string | undefined {
  if (text === undefined) return undefined;
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
  }
  return out;
}

export function knownSecrets(key: Secret): KnownSecrets {
  const recent: string[] = [];
  const list = () => [key.reveal(), ...recent];
  function scrub(text: string): string;
  function scrub(text: string | undefined): string | undefined;
  function scrub(text: string | undefined): string | undefined {
    return scrubSecrets(text, list());
  }
  return {
    remember(value) {
      if (value.length < MIN_SECRET_LENGTH || recent.includes(value)) return;
      recent.push(value);
      if (recent.length > RECENT_LIMIT) recent.shift();
    },
    list,
    scrub,
  };
}
