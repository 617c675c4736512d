/**
 * JSON text as PHP's `json_encode` writes it, for signatures computed by PHP code.
 *
 * Some providers' PHP code hashes `json_encode($body)` rather than the bytes sent: Winpay's
 * SNAP sample code, for one, hashes the `json_encode` output of the request array for the
 * service signature (as reported in issue 13; the sample is not vendored here). With default flags PHP escapes `/` and every non-ASCII character, so the hash
 * of `{"url":"https://x/é"}` differs from the hash of PHP's `{"url":"https:\/\/x\/\u00e9"}`.
 *
 * PHP's behaviour, from php-src ext/json/json_encoder.c (`php_json_escape_string`, default
 * flags, i.e. none of JSON_UNESCAPED_SLASHES, JSON_UNESCAPED_UNICODE, JSON_HEX_*):
 * - `"` → `\"`, `\` → `\\`, `/` → `\/`, and `\b \f \n \r \t` for U+0008, U+000C, U+000A,
 *   U+000D, U+0009;
 * - every other character below U+0020 → `\u00xx`, with the `digits[] = "0123456789abcdef"`
 *   table (lower-case hex);
 * - every non-ASCII character → `\uxxxx` in lower case, a character above U+FFFF as its UTF-16
 *   surrogate pair (`us >= 0x10000` → two escapes); U+2028/U+2029 the same way;
 * - everything else (printable ASCII, DEL, `<`, `>`, `&`, `'`) as is;
 * - invalid UTF-8 fails (`JSON_ERROR_UTF8`), and json_decode refuses an unpaired `\uD800`–`\uDFFF`
 *   escape (`JSON_ERROR_UTF16`).
 * And from `php_json_encode_array` with `json_decode($text, true)`'s arrays: an empty object
 * decodes to an empty array and is written `[]`; an array whose keys are 0, 1, … in order (an
 * object with keys "0", "1", …) is a list, written `[...]`; a repeated key keeps its first
 * place and its last value.
 */
import * as v from 'valibot';
import { validateOptions } from '../options/validate.js';
import { fastScanJson, scanJson } from './json-scanner.js';

/** Options of {@link phpJsonEncode}: the PHP `json_encode` flags that change the output. */
export interface PhpJsonEncodeOptions {
  /**
   * PHP's `JSON_UNESCAPED_SLASHES`: write `/` as is instead of `\/` (`\/` and `\u002f` in the
   * text become `/` too). Default `false`.
   */
  unescapedSlashes?: boolean | undefined;
}

const optionsSchema = v.strictObject({
  unescapedSlashes: v.exactOptional(v.optional(v.boolean('true or false'))),
}) satisfies v.GenericSchema<PhpJsonEncodeOptions>;

/**
 * The JSON text PHP's `json_encode(json_decode($text, true))` writes for `text` with default
 * flags: minified; `/` as `\/`; every non-ASCII character as `\u` + 4 lower-case hex digits
 * (characters above U+FFFF as a surrogate pair); `"`, `\` and `\b \f \n \r \t` as short
 * escapes and other control characters as `\u00xx`. Escapes in `text` are rewritten in that
 * form (`\u00E9` and `é` both become `\u00e9`, `\u0041` becomes `A`, `\/` stays `\/`). An empty
 * object becomes `[]`, an object with keys "0", "1", … in order becomes an array, and a
 * repeated key keeps its first place and its last value, as PHP's arrays do.
 *
 * Number text is kept as written, where PHP decodes and re-renders numbers (`10.00` as `10`,
 * `1E+2` as `100`, integers beyond PHP_INT_MAX as floats): text PHP wrote is unchanged, but
 * for text from elsewhere PHP may write another number.
 *
 * With `{ unescapedSlashes: true }` the output is what PHP writes with `JSON_UNESCAPED_SLASHES`:
 * the same, but `/` as is (`\/` and `\u002f` become `/`).
 *
 * Returns `text` itself when PHP would write it unchanged. Linear in the length of `text`.
 *
 * @throws {InputError} `ERR_INVALID_JSON` for invalid JSON, exactly as `minifyJson` (where
 *   PHP's json_decode gives null and json_encode writes `null`).
 * @throws {InputError} `ERR_INVALID_INPUT` (`field: 'text'`) for a lone UTF-16 surrogate,
 *   written as is or as a `\u` escape: it has no UTF-8 form, and json_decode refuses it.
 * @throws {ConfigError} for an unknown option or an `unescapedSlashes` that is not a boolean; the
 *   message names the option.
 * @throws {TypeError} when `text` is not a string.
 */
export function phpJsonEncode(text: string, options?: PhpJsonEncodeOptions): string {
  if (typeof text !== 'string') {
    throw new TypeError(
      `[@org/signing-core] phpJsonEncode: expected a string, received ${text === null ? 'null' : typeof text}`,
    );
  }
  const slashes =
    options === undefined || validateOptions('@org/signing-core', optionsSchema, options).unescapedSlashes !== true;
  // The fast pass leaves invalid JSON and lone surrogates to the scanner that throws the error.
  return fastScanJson(text, slashes ? 1 : 2) ?? scanJson(text, true, slashes);
}
