/**
 * JSON whitespace removal that never re-parses values.
 *
 * Signatures such as SNAP's `lowerhex(sha256(minify(body)))` hash the body's exact characters,
 * so a `JSON.stringify(JSON.parse(body))` round trip is wrong: it rewrites `10.00` as `10`,
 * `1E+2` as `100`, `"\/"` as `"/"` and `"\u00e9"` as `"é"`, and silently keeps the last of two
 * duplicate keys. `minifyJson` only drops the whitespace between tokens and copies every other
 * character through unchanged.
 *
 * It validates the RFC 8259 grammar in one linear pass (json-scanner.ts) with an explicit stack
 * (no recursion), so hostile input cannot overflow the call stack. Text with nothing to drop is
 * recognised first, on the string itself (`isMinifiedJson`), and returned; otherwise the kept
 * characters are written as UTF-8 bytes during one pass and decoded once.
 */
import { fastScanJson, isMinifiedJson, scanJson } from './json-scanner.js';

/**
 * Removes the insignificant whitespace (space, tab, LF, CR between tokens) from JSON text,
 * copying every string and number literal exactly as written (`10.00`, `1E+2`, `-0`, `"\/"`,
 * `"\u00e9"` and whitespace inside strings all stay as they are).
 *
 * The whole text must be one valid RFC 8259 JSON value, optionally surrounded by whitespace.
 * Returns `text` itself when it contains no insignificant whitespace.
 *
 * @throws {InputError} `ERR_INVALID_JSON` with the 0-based `position` of the first error, for
 *   invalid JSON: empty or truncated input, trailing characters, a leading byte order mark,
 *   or nesting deeper than 512 arrays/objects. The message names what was expected and at most
 *   the single offending character, never a fragment of the input.
 * @throws {TypeError} when `text` is not a string.
 */
export function minifyJson(text: string): string {
  if (typeof text !== 'string') {
    throw new TypeError(
      `[@org/signing-core] minifyJson: expected a string, received ${text === null ? 'null' : typeof text}`,
    );
  }
  // Already minified (the usual signed body): the text itself. Otherwise the fast pass, which
  // leaves invalid JSON (and the rare lone surrogate) to the scanner that throws the positioned
  // error.
  if (isMinifiedJson(text)) return text;
  return fastScanJson(text, 0) ?? scanJson(text, false);
}
