/**
 * The body part of SNAP's strings to sign: `Lowercase(HexEncode(SHA-256(minify(body))))`.
 * Minification only drops insignificant whitespace (`minifyJson` never re-parses values, so
 * `10.00` stays `10.00`); an empty or absent body hashes the empty string.
 */
import { digest, InputError, minifyJson, phpJsonEncode, toHex } from '@org/signing-core';
import { PROVIDER } from './constants.js';

/** SHA-256 of the empty string, lower-case hex: the hash of a request without a body. */
export const EMPTY_BODY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** PHP's JSON_UNESCAPED_SLASHES. */
const UNESCAPED_SLASHES = { unescapedSlashes: true } as const;

/**
 * How a JSON body is written before it is hashed and sent (the same bytes either way):
 * `'minify'` drops insignificant whitespace and re-serialises nothing; `'php'` writes what PHP's
 * `json_encode` writes with its default flags (minified, `/` as `\/`, every non-ASCII character
 * as `\uXXXX`); `'php-unescaped-slashes'` the same with `JSON_UNESCAPED_SLASHES` (`/` kept), as
 * Winpay's sample hashes its body (docs/snap-profiles.md §7); a
 * function receives the caller's JSON text and returns the text to hash and send.
 */
export type SnapBodyCanonicalization = 'minify' | 'php' | 'php-unescaped-slashes' | ((json: string) => string);

/**
 * The canonical body text: what is hashed and what is sent. `undefined`, `null` and `''`
 * give `''`.
 *
 * @throws {InputError} `ERR_INVALID_JSON` when the body is not valid JSON.
 * @throws {TypeError} when the body is not a string, or a canonicalization function returns no string.
 */
export function minifyBody(
  body: string | null | undefined,
  field = 'body',
  canonicalization: SnapBodyCanonicalization = 'minify',
): string {
  if (body === undefined || body === null || body === '') return '';
  if (typeof body !== 'string') {
    throw new TypeError(`[@org/snap-auth] ${field} must be the JSON text (a string), received ${typeof body}`);
  }
  try {
    if (canonicalization === 'minify') return minifyJson(body);
    if (canonicalization === 'php') return phpJsonEncode(body);
    if (canonicalization === 'php-unescaped-slashes') return phpJsonEncode(body, UNESCAPED_SLASHES);
    const text = canonicalization(body);
    if (typeof text !== 'string') {
      throw new TypeError(
        `[@org/snap-auth] bodyCanonicalization must return the JSON text (a string), received ${typeof text}`,
      );
    }
    return text;
  } catch (error) {
    if (error instanceof InputError) {
      throw new InputError(
        'ERR_INVALID_JSON',
        `${field} is not valid JSON${error.position === undefined ? '' : ` (at character ${error.position})`}: SNAP signs minified JSON bodies`,
        { field, ...(error.position === undefined ? {} : { position: error.position }) },
        { provider: PROVIDER },
      );
    }
    throw error;
  }
}

/** Lower-case hex SHA-256 of exact bytes or text (no minification). */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return toHex(await digest('SHA-256', data));
}

/**
 * `lowerhex(sha256(minify(body)))` as SNAP's service and notification signatures use it.
 * An empty or absent body gives {@link EMPTY_BODY_HASH}.
 *
 * @throws {InputError} `ERR_INVALID_JSON` when the body is not valid JSON.
 */
export async function snapBodyHash(body?: string | null): Promise<string> {
  const minified = minifyBody(body);
  return minified === '' ? EMPTY_BODY_HASH : sha256Hex(minified);
}

/**
 * `lowerhex(sha256(body))` of the body exactly as given, not minified: what senders that skip
 * the minify step sign. An empty or absent body gives {@link EMPTY_BODY_HASH}.
 *
 * @throws {TypeError} when the body is not a string.
 */
export async function snapRawBodyHash(body?: string | null): Promise<string> {
  if (body === undefined || body === null || body === '') return EMPTY_BODY_HASH;
  if (typeof body !== 'string')
    throw new TypeError(`[@org/snap-auth] body must be the JSON text (a string), received ${typeof body}`);
  return sha256Hex(body);
}
