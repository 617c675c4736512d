/**
 * JSON whitespace removal that never re-parses values.
 *
 * Signatures such as SNAP's `lowerhex(sha256(minify(body)))` hash the body's exact characters,
 * so a `JSON.stringify(JSON.parse(body))` round trip is wrong: it rewrites `10.00` as `10`,
 * `1E+2` as `100`, `"\/"` as `"/"` and `"\u00e9"` as `"é"`, and silently keeps the last of two
 * duplicate keys. `minifyJson` only drops the whitespace between tokens and copies every other
 * character through unchanged.
 *
 * It validates the RFC 8259 grammar in one linear pass with an explicit stack (no recursion),
 * so hostile input cannot overflow the call stack, and copies the text between whitespace runs
 * with `slice` rather than character by character.
 */
import { InputError } from '../errors/errors.js';

/**
 * Deepest nesting of arrays and objects accepted. Real request bodies are a handful of levels
 * deep; the limit bounds the stack for hostile input. `JSON.parse` has no such limit.
 */
const MAX_DEPTH = 512;

// Character codes.
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_E = 0x65;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
const LOWER_U = 0x75;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const BOM = 0xfeff;

// What the scanner expects next.
/** A value (top level, after `:` or after `,` in an array). */
const S_VALUE = 0;
/** A value or `]` (just after `[`). */
const S_VALUE_OR_CLOSE = 1;
/** A key or `}` (just after `{`). */
const S_KEY_OR_CLOSE = 2;
/** A key (after `,` in an object). */
const S_KEY = 3;
/** `:` after a key. */
const S_COLON = 4;
/** `,` or the container's closer, or the end of input at the top level. */
const S_AFTER_VALUE = 5;

const IN_ARRAY = 1;
const IN_OBJECT = 2;

/** 1 for the characters allowed after `\` as a one-character escape, 2 for `u`. */
const ESCAPES = new Uint8Array(128);
for (const c of '"\\/bfnrt') ESCAPES[c.charCodeAt(0)] = 1;
ESCAPES[LOWER_U] = 2;

const HEX = new Uint8Array(128);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

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
  const n = text.length;
  if (n > 0 && text.charCodeAt(0) === BOM) {
    throw invalid(
      0,
      'found a byte order mark (U+FEFF) at the start; JSON text must not start with a BOM, strip it before minifying',
    );
  }

  const stack = new Uint8Array(MAX_DEPTH);
  let depth = 0;
  let state = S_VALUE;
  let out = '';
  /** Start of the characters not yet copied to `out`. */
  let runStart = 0;
  let i = 0;

  for (;;) {
    let c = i < n ? text.charCodeAt(i) : -1;
    if (c === SPACE || c === LF || c === CR || c === TAB) {
      if (i > runStart) out += text.slice(runStart, i);
      do {
        i++;
        c = i < n ? text.charCodeAt(i) : -1;
      } while (c === SPACE || c === LF || c === CR || c === TAB);
      runStart = i;
    }

    switch (state) {
      case S_VALUE:
      case S_VALUE_OR_CLOSE: {
        if (c === QUOTE) {
          i = scanString(text, i);
        } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
          i = scanNumber(text, i);
        } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          if (depth === MAX_DEPTH) {
            throw invalid(i, `arrays and objects are nested deeper than ${MAX_DEPTH} levels`);
          }
          stack[depth++] = c === OPEN_BRACE ? IN_OBJECT : IN_ARRAY;
          i++;
          state = c === OPEN_BRACE ? S_KEY_OR_CLOSE : S_VALUE_OR_CLOSE;
          continue;
        } else if (c === CLOSE_BRACKET && state === S_VALUE_OR_CLOSE) {
          depth--;
          i++;
        } else if (c === LOWER_T) {
          i = scanLiteral(text, i, 'true');
        } else if (c === LOWER_F) {
          i = scanLiteral(text, i, 'false');
        } else if (c === LOWER_N) {
          i = scanLiteral(text, i, 'null');
        } else {
          if (c === CLOSE_BRACKET && state === S_VALUE && stack[depth - 1] === IN_ARRAY) {
            throw invalid(i, "expected a value after ',' but found ']' (trailing commas are not allowed)");
          }
          throw unexpected(text, i, state === S_VALUE ? 'a value' : "a value or ']'");
        }
        state = S_AFTER_VALUE;
        break;
      }

      case S_KEY_OR_CLOSE:
      case S_KEY: {
        if (c === QUOTE) {
          i = scanString(text, i);
          state = S_COLON;
        } else if (c === CLOSE_BRACE && state === S_KEY_OR_CLOSE) {
          depth--;
          i++;
          state = S_AFTER_VALUE;
        } else {
          if (c === CLOSE_BRACE) {
            throw invalid(i, "expected a double-quoted key after ',' but found '}' (trailing commas are not allowed)");
          }
          throw unexpected(text, i, state === S_KEY ? 'a double-quoted key' : "a double-quoted key or '}'");
        }
        break;
      }

      case S_COLON: {
        if (c !== COLON) throw unexpected(text, i, "':' after the key");
        i++;
        state = S_VALUE;
        break;
      }

      default: {
        // S_AFTER_VALUE
        if (depth === 0) {
          if (c === -1) return runStart === 0 ? text : out + text.slice(runStart, n);
          throw unexpected(text, i, 'the end of input after the JSON value');
        }
        const inArray = stack[depth - 1] === IN_ARRAY;
        if (c === COMMA) {
          i++;
          state = inArray ? S_VALUE : S_KEY;
        } else if (c === (inArray ? CLOSE_BRACKET : CLOSE_BRACE)) {
          depth--;
          i++;
        } else {
          throw unexpected(text, i, inArray ? "',' or ']'" : "',' or '}'");
        }
      }
    }
  }
}

/** Scans the string starting with the `"` at `start`; returns the index after its closing quote. */
function scanString(text: string, start: number): number {
  const n = text.length;
  let j = start + 1;
  for (;;) {
    if (j >= n) throw invalid(n, `unexpected end of input in the string that starts at position ${start}`);
    const c = text.charCodeAt(j);
    if (c === QUOTE) return j + 1;
    if (c === BACKSLASH) {
      const e = j + 1 < n ? text.charCodeAt(j + 1) : -1;
      const kind = e >= 0 && e < 128 ? (ESCAPES[e] as number) : 0;
      if (kind === 1) {
        j += 2;
      } else if (kind === 2) {
        for (let k = j + 2; k < j + 6; k++) {
          const h = k < n ? text.charCodeAt(k) : -1;
          if (!(h >= 0 && h < 128 && HEX[h] === 1)) {
            throw unexpected(text, k, 'a hex digit in the \\u escape');
          }
        }
        j += 6;
      } else {
        throw unexpected(text, j + 1, 'an escape character (one of " \\ / b f n r t u) after \\');
      }
    } else if (c < SPACE) {
      throw invalid(j, `found the control character ${describeChar(text, j)} in a string; it must be escaped`);
    } else {
      j++;
    }
  }
}

/** Scans the number starting at `start` (RFC 8259 grammar); returns the index after it. */
function scanNumber(text: string, start: number): number {
  let j = start;
  let c = text.charCodeAt(j);
  if (c === MINUS) c = text.charCodeAt(++j);
  if (c === DIGIT_0) {
    c = text.charCodeAt(++j);
    if (c >= DIGIT_0 && c <= DIGIT_9) throw invalid(j, 'numbers must not have leading zeros');
  } else if (c >= DIGIT_1 && c <= DIGIT_9) {
    do c = text.charCodeAt(++j);
    while (c >= DIGIT_0 && c <= DIGIT_9);
  } else {
    throw unexpected(text, j, "a digit after '-'");
  }
  if (c === DOT) {
    c = text.charCodeAt(++j);
    if (!(c >= DIGIT_0 && c <= DIGIT_9)) throw unexpected(text, j, "a digit after '.'");
    do c = text.charCodeAt(++j);
    while (c >= DIGIT_0 && c <= DIGIT_9);
  }
  if (c === LOWER_E || c === UPPER_E) {
    c = text.charCodeAt(++j);
    if (c === PLUS || c === MINUS) c = text.charCodeAt(++j);
    if (!(c >= DIGIT_0 && c <= DIGIT_9)) throw unexpected(text, j, 'a digit in the exponent');
    do c = text.charCodeAt(++j);
    while (c >= DIGIT_0 && c <= DIGIT_9);
  }
  return j;
}

/** Checks that `word` (`true`, `false` or `null`) starts at `start`; returns the index after it. */
function scanLiteral(text: string, start: number, word: string): number {
  for (let k = 1; k < word.length; k++) {
    if (text.charCodeAt(start + k) !== word.charCodeAt(k)) {
      throw unexpected(text, start + k, `'${word}'`);
    }
  }
  return start + word.length;
}

function invalid(position: number, description: string): InputError {
  return new InputError('ERR_INVALID_JSON', `Invalid JSON at position ${position}: ${description}`, {
    position,
  });
}

function unexpected(text: string, position: number, expected: string): InputError {
  return position >= text.length
    ? invalid(position, `unexpected end of input, expected ${expected}`)
    : invalid(position, `expected ${expected} but found ${describeChar(text, position)}`);
}

/** The single character at `position`, quoted if printable ASCII, else as `U+XXXX`. */
function describeChar(text: string, position: number): string {
  const c = text.codePointAt(position) as number;
  if (c > 0x20 && c < 0x7f) return c === 0x27 ? `"'"` : `'${String.fromCharCode(c)}'`;
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}
