/**
 * The JSON scanners behind `minifyJson` and `phpJsonEncode`.
 *
 * Both validate the RFC 8259 grammar with an explicit stack (no recursion, so hostile input
 * cannot overflow the call stack) and never re-serialise a value: the output is the input with
 * some ranges dropped (insignificant whitespace) or, for PHP, replaced (strings PHP writes with
 * other escapes, `{}`). Input with nothing to drop or replace is returned as is. Work is linear in
 * the input.
 *
 * - `fastScanJson` runs first: one pass over the text's UTF-8 bytes that writes the output bytes
 *   as it goes and decodes them once. It gives up (returns `undefined`) on anything unusual:
 *   invalid JSON, U+FFFD or a lone surrogate in a string, nesting beyond 512 levels.
 * - `scanJson` is the reference: over the UTF-16 code units, copying kept ranges with `slice`.
 *   It handles what the fast pass gives up on, and throws the errors, with their positions in
 *   code units. json-scanner.test.ts checks that the two agree.
 */
import { InputError } from '../errors/errors.js';

/**
 * Deepest nesting of arrays and objects accepted. Real request bodies are a handful of levels
 * deep; the limit bounds the stack for hostile input. `JSON.parse` has no such limit; PHP's
 * `json_decode` and `json_encode` have the same default depth, 512.
 */
const MAX_DEPTH = 512;

// Character codes.
const BS_CHAR = 0x08;
const TAB = 0x09;
const LF = 0x0a;
const FF_CHAR = 0x0c;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
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
const HIGH_SURROGATE = 0xd800;
const LOW_SURROGATE = 0xdc00;
const SURROGATE_END = 0xe000;
const BOM = 0xfeff;

const IN_ARRAY = 1;
const IN_OBJECT = 2;

/** 1 for the characters allowed after `\` as a one-character escape, 2 for `u`. */
const ESCAPES = new Uint8Array(128);
for (const c of '"\\/bfnrt') ESCAPES[c.charCodeAt(0)] = 1;
ESCAPES[LOWER_U] = 2;

/** Value of a hex digit + 1 (0 for a non-hex character); +16 more for `A`–`F`. */
const HEX = new Uint8Array(128);
for (let d = 0; d < 16; d++) {
  HEX['0123456789abcdef'.charCodeAt(d)] = d + 1;
  if (d >= 10) HEX['ABCDEF'.charCodeAt(d - 10)] = d + 1 + 16;
}
const HEX_DIGITS = '0123456789abcdef';

/**
 * The output: the input with ranges dropped or replaced. Kept ranges are appended as slices of
 * the input; V8 keeps such appends as a rope and flattens it once, which measured cheaper than
 * collecting the slices in an array and joining them (bench/README.md, issue 13).
 */
class Writer {
  out = '';
  changed = false;
  /** Start of the input not yet copied to `out`. */
  runStart = 0;
  constructor(readonly text: string) {}

  /** Replaces `text[start, end)` by `replacement` (empty: drops it). `start >= runStart`. */
  replace(start: number, end: number, replacement: string): void {
    this.changed = true;
    if (start > this.runStart) this.out += this.text.slice(this.runStart, start);
    if (replacement !== '') this.out += replacement;
    this.runStart = end;
  }

  finish(): string {
    const { text, runStart } = this;
    if (!this.changed) return text;
    return runStart < text.length ? this.out + text.slice(runStart) : this.out;
  }
}

/** True for the four whitespace characters RFC 8259 allows between tokens. */
function isWhitespace(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

/** Index of the first non-whitespace character at or after `i`. */
function skipWhitespace(text: string, i: number): number {
  let c: number;
  do c = text.charCodeAt(++i);
  while (c === SPACE || c === LF || c === CR || c === TAB);
  return i;
}

/**
 * Scans the JSON text; returns it without insignificant whitespace, and for `php`, written as
 * PHP's `json_encode(json_decode($text, true))` writes it (see php-json-encode.ts).
 *
 * @throws {InputError} `ERR_INVALID_JSON` for invalid JSON; for `php`, `ERR_INVALID_INPUT` for a
 *   lone surrogate.
 */
export function scanJson(text: string, php: boolean, slash = true): string {
  const n = text.length;
  if (n > 0 && text.charCodeAt(0) === BOM) {
    throw invalid(
      0,
      `found a byte order mark (U+FEFF) at the start; JSON text must not start with a BOM, strip it before ${php ? 'encoding' : 'minifying'}`,
    );
  }

  const stack = new Uint8Array(MAX_DEPTH);
  const w = new Writer(text);
  const keys = php ? new KeyTracker() : null;

  let depth = 0;
  let i = 0;
  let c: number;
  /** A value is expected just after `[` (for the error message). */
  let afterOpen = false;

  for (;;) {
    // A value is expected at `i`.
    c = text.charCodeAt(i);
    if (c <= SPACE && isWhitespace(c)) {
      const start = i;
      i = skipWhitespace(text, i);
      w.replace(start, i, '');
      c = text.charCodeAt(i);
    }
    if (c === QUOTE) {
      const start = i;
      i = scanString(text, i, php, slash);
      if (i < 0) {
        i = ~i;
        writePhpString(w, text, start, i, slash);
      }
    } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      i = scanNumber(text, i);
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth === MAX_DEPTH) {
        throw invalid(i, `arrays and objects are nested deeper than ${MAX_DEPTH} levels`);
      }
      const open = i;
      i++;
      let d = text.charCodeAt(i);
      const spaced = d <= SPACE && isWhitespace(d);
      if (spaced) {
        i = skipWhitespace(text, i);
        d = text.charCodeAt(i);
      }
      if (c === OPEN_BRACKET) {
        if (spaced) w.replace(open + 1, i, '');
        if (d === CLOSE_BRACKET) {
          i++;
        } else {
          stack[depth++] = IN_ARRAY;
          afterOpen = true;
          continue;
        }
      } else if (d === CLOSE_BRACE) {
        i++;
        // json_decode($text, true) gives an empty PHP array for `{}`, and json_encode writes `[]`.
        if (php) w.replace(open, i, '[]');
        else if (spaced) w.replace(open + 1, i - 1, '');
      } else {
        if (spaced) w.replace(open + 1, i, '');
        if (d !== QUOTE) throw unexpected(text, i, "a double-quoted key or '}'");
        if (keys !== null) keys.base[depth] = keys.offsets.length;
        stack[depth++] = IN_OBJECT;
        i = scanKey(text, i, w, keys, depth, slash);
        continue;
      }
    } else if (c === LOWER_T) {
      i = scanLiteral(text, i, 'true');
    } else if (c === LOWER_F) {
      i = scanLiteral(text, i, 'false');
    } else if (c === LOWER_N) {
      i = scanLiteral(text, i, 'null');
    } else {
      if (c === CLOSE_BRACKET && !afterOpen && stack[depth - 1] === IN_ARRAY && depth > 0) {
        throw invalid(i, "expected a value after ',' but found ']' (trailing commas are not allowed)");
      }
      throw unexpected(text, i, afterOpen ? "a value or ']'" : 'a value');
    }
    afterOpen = false;

    // After a value: `,`, the container's closer, or the end of input at the top level.
    for (;;) {
      c = text.charCodeAt(i);
      if (c <= SPACE && isWhitespace(c)) {
        const start = i;
        i = skipWhitespace(text, i);
        w.replace(start, i, '');
        c = text.charCodeAt(i);
      }
      if (depth === 0) {
        if (i >= n) {
          const out = w.finish();
          return keys?.roundTrip ? phpRoundTrip(out) : out;
        }
        throw unexpected(text, i, 'the end of input after the JSON value');
      }
      const inArray = stack[depth - 1] === IN_ARRAY;
      if (c === COMMA) {
        i++;
        if (!inArray) {
          c = text.charCodeAt(i);
          if (c <= SPACE && isWhitespace(c)) {
            const start = i;
            i = skipWhitespace(text, i);
            w.replace(start, i, '');
            c = text.charCodeAt(i);
          }
          if (c !== QUOTE) {
            if (c === CLOSE_BRACE) {
              throw invalid(
                i,
                "expected a double-quoted key after ',' but found '}' (trailing commas are not allowed)",
              );
            }
            throw unexpected(text, i, 'a double-quoted key');
          }
          i = scanKey(text, i, w, keys, depth, slash);
        }
        break;
      }
      if (c === (inArray ? CLOSE_BRACKET : CLOSE_BRACE)) {
        depth--;
        if (!inArray && keys !== null) keys.offsets.length = keys.base[depth] as number;
        i++;
      } else {
        throw unexpected(text, i, inArray ? "',' or ']'" : "',' or '}'");
      }
    }
  }
}

/**
 * PHP only: the keys of the open objects, to find what only PHP's decode/encode round trip
 * writes (see `phpRoundTrip`).
 */
class KeyTracker {
  /** [start, end) of each key of the open objects, in order. */
  readonly offsets: number[] = [];
  /** Index in `offsets` of each open object's first key, by depth. */
  readonly base = new Int32Array(MAX_DEPTH);
  /** The text needs the round trip. */
  roundTrip = false;

  /**
   * Flags the round trip for an object whose first key is "0" (json_decode makes it a PHP
   * list when its keys are "0", "1", … in order) or that repeats a key (json_decode keeps the
   * last value, in the first one's place). Keys in PHP's form are equal exactly when their
   * text is. An object with more than 32 keys goes to the round trip unchecked, so this stays
   * linear.
   */
  add(text: string, start: number, end: number, depth: number): void {
    const { offsets } = this;
    const base = this.base[depth - 1] as number;
    const length = end - start;
    if (offsets.length === base) {
      if (length === 3 && text.charCodeAt(start + 1) === DIGIT_0) this.roundTrip = true;
    } else if (offsets.length - base >= 64) {
      this.roundTrip = true;
    } else {
      for (let k = base; k < offsets.length; k += 2) {
        const s = offsets[k] as number;
        if ((offsets[k + 1] as number) - s === length && sameText(text, s, start, length)) {
          this.roundTrip = true;
          return;
        }
      }
    }
    offsets.push(start, end);
  }
}

/** Scans the key at `i` (a `"`) and the `:` after it; returns the index after the `:`. */
function scanKey(text: string, i: number, w: Writer, keys: KeyTracker | null, depth: number, slash: boolean): number {
  const start = i;
  i = scanString(text, i, keys !== null, slash);
  if (i < 0) {
    i = ~i;
    writePhpString(w, text, start, i, slash);
    // Its PHP form differs from its text: leave duplicates and lists to the round trip.
    (keys as KeyTracker).roundTrip = true;
  } else if (keys !== null && !keys.roundTrip) {
    keys.add(text, start, i, depth);
  }
  let c = text.charCodeAt(i);
  if (c <= SPACE && isWhitespace(c)) {
    const ws = i;
    i = skipWhitespace(text, i);
    w.replace(ws, i, '');
    c = text.charCodeAt(i);
  }
  if (c !== COLON) throw unexpected(text, i, "':' after the key");
  return i + 1;
}

function sameText(text: string, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) {
    if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  }
  return true;
}

/**
 * Scans the string starting with the `"` at `start`; returns the index after its closing quote.
 * For `php`, refuses lone surrogates, and returns the bitwise complement (`~`) of that index
 * when PHP writes the string otherwise (a raw `/` or non-ASCII character, or an escape in
 * another form).
 */
function scanString(text: string, start: number, php: boolean, slash: boolean): number {
  let differs = false;
  let j = start + 1;
  for (;;) {
    let c = text.charCodeAt(j);
    // Characters copied as they are (NaN past the end fails every comparison).
    if (php) {
      while (c >= 0x23 ? c < 0x7f && c !== BACKSLASH && c !== SLASH : c >= SPACE && c !== QUOTE) {
        c = text.charCodeAt(++j);
      }
    } else {
      while (c >= 0x23 ? c !== BACKSLASH : c >= SPACE && c !== QUOTE) c = text.charCodeAt(++j);
    }
    if (c === QUOTE) return differs ? ~(j + 1) : j + 1;
    if (c === BACKSLASH) {
      const e = text.charCodeAt(j + 1);
      const kind = e < 128 ? (ESCAPES[e] as number) : 0;
      if (kind === 1) {
        // PHP with JSON_UNESCAPED_SLASHES writes `\/` as `/`.
        if (php && !slash && e === SLASH) differs = true;
        j += 2;
      } else if (kind === 2) {
        const unit = hexUnit(text, j + 2);
        if (php) {
          if (unit >= 0x10000) {
            // Upper-case hex digits: PHP writes lower case.
            differs = true;
          }
          const u = unit & 0xffff;
          if (u >= HIGH_SURROGATE && u < SURROGATE_END) {
            const low = u < LOW_SURROGATE && text.charCodeAt(j + 6) === BACKSLASH && text.charCodeAt(j + 7) === LOWER_U;
            const next = low ? hexUnit(text, j + 8) : -1;
            if (!low || (next & 0xffff) < LOW_SURROGATE || (next & 0xffff) >= SURROGATE_END) {
              throw loneSurrogate('a \\u escape');
            }
            if (next >= 0x10000) differs = true;
            j += 6;
          } else if (u >= SPACE ? u < 0x80 : u === BS_CHAR || u === TAB || u === LF || u === FF_CHAR || u === CR) {
            // PHP writes printable ASCII as is, and these five as \b \t \n \f \r.
            differs = true;
          }
        }
        j += 6;
      } else {
        throw unexpected(text, j + 1, 'an escape character (one of " \\ / b f n r t u) after \\');
      }
    } else if (c >= 0x7f) {
      // PHP only: DEL (kept), or non-ASCII, which PHP writes as \uXXXX.
      if (c >= 0x80) {
        differs = true;
        if (c >= HIGH_SURROGATE && c < SURROGATE_END) {
          const next = text.charCodeAt(j + 1);
          if (c >= LOW_SURROGATE || !(next >= LOW_SURROGATE && next < SURROGATE_END)) {
            throw loneSurrogate('a raw character');
          }
          j++;
        }
      }
      j++;
    } else if (c === SLASH) {
      // PHP only: json_encode writes `/` as `\/` (unless JSON_UNESCAPED_SLASHES).
      if (slash) differs = true;
      j++;
    } else if (j >= text.length) {
      throw invalid(j, `unexpected end of input in the string that starts at position ${start}`);
    } else {
      throw invalid(j, `found the control character ${describeChar(text, j)} in a string; it must be escaped`);
    }
  }
}

/**
 * The UTF-16 code unit of the 4 hex digits at `at`, plus 0x10000 when one of them is upper case.
 * Throws for a non-hex character.
 */
function hexUnit(text: string, at: number): number {
  let unit = 0;
  let upper = 0;
  for (let k = at; k < at + 4; k++) {
    const h = text.charCodeAt(k);
    const v = h < 128 ? (HEX[h] as number) : 0;
    if (v === 0) throw unexpected(text, k, 'a hex digit in the \\u escape');
    if (v > 16) upper = 0x10000;
    unit = (unit << 4) | ((v - 1) & 0xf);
  }
  return unit | upper;
}

/**
 * Writes the valid string `text[start, end)` (quotes included) as PHP's `json_encode` does:
 * `"` `\` `/` and `\b \f \n \r \t` as short escapes, other control characters and every
 * non-ASCII UTF-16 code unit as `\u` + 4 lower-case hex digits, everything else as is; the
 * escapes in the text are decoded first.
 */
function writePhpString(w: Writer, text: string, start: number, end: number, slash: boolean): void {
  let out = '';
  let run = start;
  let j = start + 1;
  const last = end - 1;
  while (j < last) {
    const c = text.charCodeAt(j);
    let unit: number;
    let next: number;
    if (c === BACKSLASH) {
      const e = text.charCodeAt(j + 1);
      if (e === LOWER_U) {
        unit = hexUnit(text, j + 2) & 0xffff;
        next = j + 6;
      } else if (e === SLASH && !slash) {
        unit = SLASH;
        next = j + 2;
      } else {
        // A short escape is already in PHP's form.
        j += 2;
        continue;
      }
    } else if (c === SLASH || c >= 0x80) {
      unit = c;
      next = j + 1;
    } else {
      j++;
      continue;
    }
    if (j > run) out += text.slice(run, j);
    out += phpEscape(unit, slash);
    run = j = next;
  }
  w.replace(start, end, out + text.slice(run, end));
}

/**
 * How PHP's json_encode writes the UTF-16 code unit `u` inside a string: default flags, or with
 * JSON_UNESCAPED_SLASHES when `slash` is false.
 */
function phpEscape(u: number, slash: boolean): string {
  switch (u) {
    case QUOTE:
      return '\\"';
    case BACKSLASH:
      return '\\\\';
    case SLASH:
      return slash ? '\\/' : '/';
    case BS_CHAR:
      return '\\b';
    case FF_CHAR:
      return '\\f';
    case LF:
      return '\\n';
    case CR:
      return '\\r';
    case TAB:
      return '\\t';
  }
  if (u >= SPACE && u < 0x80) return String.fromCharCode(u);
  return `\\u${HEX_DIGITS[u >> 12]}${HEX_DIGITS[(u >> 8) & 0xf]}${HEX_DIGITS[(u >> 4) & 0xf]}${HEX_DIGITS[u & 0xf]}`;
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

// ---------------------------------------------------------------------------------------------
// Already minified: recognised on the string, no output to build.

/** Any character below U+0020: whitespace between tokens, or invalid inside a string. */
const CONTROL_CHARACTER = /[\x00-\x1f]/;
/** The nesting of `isMinifiedJson` (a call never yields, so one at a time). */
const minifiedStack = new Uint8Array(MAX_DEPTH);

/**
 * True when `text` is one valid RFC 8259 value with nothing to drop: the answer of `minifyJson`
 * is then `text` itself. False for anything else (whitespace between tokens, invalid JSON,
 * nesting beyond {@link MAX_DEPTH}), which the scanners then handle.
 *
 * The common case of a signed body (JSON.stringify's output) in about the time of hashing it: on
 * the UTF-16 text, with no encoding or decoding. Minified text has no character below U+0020 at
 * all (they are whitespace outside strings and invalid inside), which one native regular
 * expression test rules out; string bodies are then skipped with `indexOf('"')`, walking only
 * their escapes (found with `indexOf('\\')`). Lone surrogates are kept, as `scanJson` keeps them.
 */
export function isMinifiedJson(text: string): boolean {
  if (text.length === 0 || CONTROL_CHARACTER.test(text)) return false;
  try {
    return scanMinified(text);
  } catch (error) {
    if (error instanceof InputError) return false;
    throw error;
  }
}

/** `isMinifiedJson` after its control-character test; numbers and literals throw when invalid. */
function scanMinified(text: string): boolean {
  const n = text.length;
  const stack = minifiedStack;
  let depth = 0;
  let i = 0;
  let key = false;
  let nextEscape = text.indexOf('\\');
  if (nextEscape < 0) nextEscape = n;
  for (;;) {
    // At `i`: a key when `key`, else a value.
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      if (end < 0) return false;
      // Escapes before the quote found: walk them (an escaped quote moves the end).
      while (nextEscape < end) {
        let j = nextEscape;
        const kind = ESCAPES[text.charCodeAt(j + 1)] ?? 0;
        if (kind === 2) {
          for (let k = j + 2; k < j + 6; k++) if ((HEX[text.charCodeAt(k)] ?? 0) === 0) return false;
          j += 6;
        } else if (kind === 1) {
          j += 2;
        } else {
          return false;
        }
        if (j > end) {
          end = text.indexOf('"', j);
          if (end < 0) return false;
        }
        nextEscape = text.indexOf('\\', j);
        if (nextEscape < 0) nextEscape = n;
      }
      i = end + 1;
      if (key) {
        if (text.charCodeAt(i) !== COLON) return false;
        i++;
        key = false;
        continue;
      }
    } else if (key) {
      return false;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth === MAX_DEPTH) return false;
      // `]` and `}` are `[` and `{` + 2.
      if (text.charCodeAt(i + 1) === c + 2) {
        i += 2;
      } else {
        stack[depth++] = c;
        key = c === OPEN_BRACE;
        i++;
        continue;
      }
    } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      // The reference scanner's number and literal grammar: it throws for what is not one.
      i = scanNumber(text, i);
    } else if (c === LOWER_T || c === LOWER_F || c === LOWER_N) {
      i = scanLiteral(text, i, c === LOWER_T ? 'true' : c === LOWER_F ? 'false' : 'null');
    } else {
      return false;
    }
    // After a value: `,`, the container's closer, or the end of the text at the top level.
    for (;;) {
      if (depth === 0) return i === n;
      const top = stack[depth - 1] as number;
      const d = text.charCodeAt(i);
      if (d === COMMA) {
        i++;
        key = top === OPEN_BRACE;
        break;
      }
      if (d !== top + 2) return false;
      depth--;
      i++;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The fast path: the same grammar over the text's UTF-8 bytes (TextEncoder), in one pass that
// writes the output bytes as it goes (no slices, no ropes), decoded once (TextDecoder).

/** 0: minify; 1: PHP; 2: PHP with JSON_UNESCAPED_SLASHES. */
type ScanMode = 0 | 1 | 2;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
/** Buffers reused between calls (a call never yields, so one at a time), up to 1 MiB each. */
let sharedInput: Uint8Array = new Uint8Array(1 << 12);
let sharedOutput: Uint8Array = new Uint8Array(1 << 12);
const SHARED_LIMIT = 1 << 20;

/**
 * The bytes that end a run of plain bytes inside a string: `"`, `\`, control characters (and
 * the 0 after the text) and 0xEF, the first byte of U+FFFD, which is what TextEncoder writes for
 * a lone surrogate. PHP also stops at every other non-ASCII byte, and at `/` when it escapes it.
 */
const STOP_MINIFY = new Uint8Array(256);
for (let c = 0; c < SPACE; c++) STOP_MINIFY[c] = 1;
STOP_MINIFY[QUOTE] = 1;
STOP_MINIFY[BACKSLASH] = 1;
STOP_MINIFY[0xef] = 1;
const STOP_PHP_UNESCAPED_SLASHES = STOP_MINIFY.slice();
STOP_PHP_UNESCAPED_SLASHES.fill(1, 0x80);
const STOP_PHP = STOP_PHP_UNESCAPED_SLASHES.slice();
STOP_PHP[SLASH] = 1;

/** `ESCAPES` over all 256 byte values. */
const ESCAPE_BYTES = new Uint8Array(256);
ESCAPE_BYTES.set(ESCAPES);

/**
 * The UTF-8 bytes of `text` and their count, followed by a 0 byte (which no rule accepts, so
 * reading past the end stops every loop).
 */
function utf8Of(text: string): [Uint8Array, number] {
  const n = text.length;
  // Room for mostly-ASCII text and the trailing 0; grown when the text needs more.
  const size = n + (n >> 3) + 16;
  let bytes = size <= sharedInput.length ? sharedInput : new Uint8Array(size);
  const first = utf8Encoder.encodeInto(text, bytes);
  let length = first.written;
  if (first.read < n || length === bytes.length) {
    const bigger = new Uint8Array(length + 3 * (n - first.read) + 1);
    bigger.set(bytes.subarray(0, length));
    length += utf8Encoder.encodeInto(text.slice(first.read), bigger.subarray(length)).written;
    bytes = bigger;
  }
  bytes[length] = 0;
  if (bytes !== sharedInput && bytes.length <= SHARED_LIMIT) sharedInput = bytes;
  return [bytes, length];
}

/** An output buffer of at least `size` bytes. */
function outputBuffer(size: number): Uint8Array {
  return size <= sharedOutput.length ? sharedOutput : new Uint8Array(size);
}

/** A copy of `out[0, w)` in a buffer with at least `more` bytes free after `w`. */
function grow(out: Uint8Array, w: number, more: number): Uint8Array {
  const bigger = new Uint8Array(Math.max(out.length * 2, w + more));
  bigger.set(out.subarray(0, w));
  return bigger;
}

/**
 * What `scanJson(text, mode !== 0, mode !== 2)` returns, or `undefined` for what it leaves to
 * `scanJson`: invalid JSON (for which `scanJson` throws the error with its position), U+FFFD or
 * a lone surrogate in a string (TextEncoder writes both as U+FFFD), and nesting deeper than
 * {@link MAX_DEPTH}.
 *
 * Minify writes nothing until the first whitespace to drop, then compacts the bytes in place;
 * text with nothing to drop is returned as is. PHP writes into a second buffer; its output is
 * ASCII (every other character is escaped), so it decodes to a one-byte string.
 */
export function fastScanJson(text: string, mode: ScanMode): string | undefined {
  const [b, n] = utf8Of(text);
  const php = mode !== 0;
  const slash = mode === 1;
  const stop = mode === 0 ? STOP_MINIFY : slash ? STOP_PHP : STOP_PHP_UNESCAPED_SLASHES;
  const stack = new Uint8Array(MAX_DEPTH);
  let depth = 0;
  let i = 0;
  let c = b[0] as number;
  while (c === SPACE || c === LF || c === CR || c === TAB) c = b[++i] as number;
  const begin = i;
  // Output: minify compacts `b` in place once writing (the output is `b[begin, w)`); PHP writes
  // `out[0, w)` from the start.
  let writing = php;
  let out: Uint8Array = php ? outputBuffer(n + (n >> 3) + 16) : b;
  let w = php ? 0 : begin;
  /** Whitespace was dropped or a string rewritten. */
  let changed = begin > 0;
  /** End of the top-level value, before trailing whitespace. */
  let end = n;
  // PHP: the [start, end) in `out` of each key of the open objects, and where each object's keys start.
  const keyOffsets: number[] = [];
  const keyBase = php ? new Int32Array(MAX_DEPTH) : null;
  let roundTrip = false;
  let key = false;

  scan: for (;;) {
    // At `i` (byte `c`): a key when `key`, else a value; no whitespace before it.
    if (c === QUOTE) {
      const keyStart = w;
      let j = i + 1;
      if (writing) out[w++] = QUOTE;
      for (;;) {
        c = b[j] as number;
        if (writing) {
          while (stop[c] === 0) {
            out[w++] = c;
            c = b[++j] as number;
          }
        } else {
          while (stop[c] === 0) c = b[++j] as number;
        }
        if (c === QUOTE) break;
        if (c === BACKSLASH) {
          const e = b[j + 1] as number;
          const kind = ESCAPE_BYTES[e] as number;
          if (kind === 1) {
            if (php && e === SLASH && !slash) {
              // JSON_UNESCAPED_SLASHES writes `\/` as `/`.
              out[w++] = SLASH;
              changed = true;
            } else if (writing) {
              out[w++] = BACKSLASH;
              out[w++] = e;
            }
            j += 2;
          } else if (kind !== 2 || !isHexBytes(b, j + 2)) {
            return undefined;
          } else if (!php) {
            if (writing) for (const last = j + 6; j < last; j++) out[w++] = b[j] as number;
            else j += 6;
          } else {
            const unit = hexBytesValue(b, j + 2);
            let upper = hasUpperHexByte(b, j + 2);
            if (unit >= HIGH_SURROGATE && unit < SURROGATE_END) {
              // A pair of escapes, else a lone surrogate (scanJson throws).
              if (unit >= LOW_SURROGATE || b[j + 6] !== BACKSLASH || b[j + 7] !== LOWER_U) return undefined;
              if (!isHexBytes(b, j + 8)) return undefined;
              const low = hexBytesValue(b, j + 8);
              if (low < LOW_SURROGATE || low >= SURROGATE_END) return undefined;
              upper ||= hasUpperHexByte(b, j + 8);
              w = writeUnitEscape(out, writeUnitEscape(out, w, unit), low);
              j += 12;
            } else {
              const before = w;
              const escaped = phpEscape(unit, slash);
              for (let k = 0; k < escaped.length; k++) out[w++] = escaped.charCodeAt(k);
              // Unchanged only when PHP writes the same six characters.
              if (w - before !== 6) changed = true;
              j += 6;
            }
            if (upper) changed = true;
          }
        } else if (c === 0xef && b[j + 1] === 0xbf && b[j + 2] === 0xbd) {
          // U+FFFD, or a lone surrogate that TextEncoder replaced: scanJson tells them apart.
          return undefined;
        } else if (c < 0x80) {
          if (c !== SLASH) return undefined; // a control character, or the end of the text
          // PHP writes `/` as `\/`.
          if (out.length - w < n - j + 16) out = grow(out, w, n - j + 16);
          out[w++] = BACKSLASH;
          out[w++] = SLASH;
          changed = true;
          j++;
        } else if (!php) {
          // 0xEF starting another character.
          if (writing) out[w++] = c;
          j++;
        } else {
          // PHP writes each UTF-16 code unit of a non-ASCII character as `\u` + 4 hex digits.
          if (out.length - w < n - j + 16) out = grow(out, w, n - j + 16);
          changed = true;
          if (c < 0xe0) {
            w = writeUnitEscape(out, w, ((c & 0x1f) << 6) | ((b[j + 1] as number) & 0x3f));
            j += 2;
          } else if (c < 0xf0) {
            const u = ((c & 0x0f) << 12) | (((b[j + 1] as number) & 0x3f) << 6) | ((b[j + 2] as number) & 0x3f);
            w = writeUnitEscape(out, w, u);
            j += 3;
          } else {
            const p =
              (((c & 0x07) << 18) |
                (((b[j + 1] as number) & 0x3f) << 12) |
                (((b[j + 2] as number) & 0x3f) << 6) |
                ((b[j + 3] as number) & 0x3f)) -
              0x10000;
            w = writeUnitEscape(out, writeUnitEscape(out, w, HIGH_SURROGATE + (p >> 10)), LOW_SURROGATE + (p & 0x3ff));
            j += 4;
          }
        }
      }
      if (writing) out[w++] = QUOTE;
      i = j + 1;
      if (key) {
        key = false;
        if (keyBase !== null && !roundTrip) {
          roundTrip = trackKey(out, keyOffsets, keyBase[depth - 1] as number, keyStart, w);
        }
        c = b[i] as number;
        if (c === SPACE || c === LF || c === CR || c === TAB) {
          if (!writing) {
            writing = true;
            w = i;
          }
          changed = true;
          do c = b[++i] as number;
          while (c === SPACE || c === LF || c === CR || c === TAB);
        }
        if (c !== COLON) return undefined;
        if (writing) out[w++] = COLON;
        c = b[++i] as number;
        if (c === SPACE || c === LF || c === CR || c === TAB) {
          if (!writing) {
            writing = true;
            w = i;
          }
          changed = true;
          do c = b[++i] as number;
          while (c === SPACE || c === LF || c === CR || c === TAB);
        }
        continue;
      }
    } else if (key) {
      return undefined;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth === MAX_DEPTH) return undefined;
      const open = c;
      const at = w;
      if (writing) out[w++] = c;
      c = b[++i] as number;
      if (c === SPACE || c === LF || c === CR || c === TAB) {
        if (!writing) {
          writing = true;
          w = i;
        }
        changed = true;
        do c = b[++i] as number;
        while (c === SPACE || c === LF || c === CR || c === TAB);
      }
      // `]` and `}` are `[` and `{` + 2.
      if (c === open + 2) {
        if (php && open === OPEN_BRACE) {
          // json_decode($text, true) gives an empty PHP array for `{}`, and json_encode writes `[]`.
          out[at] = OPEN_BRACKET;
          out[w++] = CLOSE_BRACKET;
          changed = true;
        } else if (writing) {
          out[w++] = c;
        }
        i++;
      } else {
        if (open === OPEN_BRACE) {
          key = true;
          if (keyBase !== null) keyBase[depth] = keyOffsets.length;
        }
        stack[depth++] = open;
        continue;
      }
    } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      const j = numberEnd(b, i);
      if (j < 0) return undefined;
      if (writing) for (; i < j; i++) out[w++] = b[i] as number;
      i = j;
    } else if (c === LOWER_T) {
      if (b[i + 1] !== 0x72 || b[i + 2] !== LOWER_U || b[i + 3] !== LOWER_E) return undefined;
      if (writing) w = writeAscii(out, w, 'true');
      i += 4;
    } else if (c === LOWER_F) {
      if (b[i + 1] !== 0x61 || b[i + 2] !== 0x6c || b[i + 3] !== 0x73 || b[i + 4] !== LOWER_E) return undefined;
      if (writing) w = writeAscii(out, w, 'false');
      i += 5;
    } else if (c === LOWER_N) {
      if (b[i + 1] !== LOWER_U || b[i + 2] !== 0x6c || b[i + 3] !== 0x6c) return undefined;
      if (writing) w = writeAscii(out, w, 'null');
      i += 4;
    } else {
      return undefined;
    }

    // After a value: `,`, the container's closer, or the end of the text at the top level.
    for (;;) {
      c = b[i] as number;
      if (c === SPACE || c === LF || c === CR || c === TAB) {
        const ws = i;
        do c = b[++i] as number;
        while (c === SPACE || c === LF || c === CR || c === TAB);
        changed = true;
        if (depth === 0) {
          end = ws;
        } else if (!writing) {
          writing = true;
          w = ws;
        }
      }
      if (depth === 0) {
        if (i < n) return undefined;
        break scan;
      }
      const top = stack[depth - 1] as number;
      if (c === COMMA) {
        if (writing) out[w++] = COMMA;
        c = b[++i] as number;
        if (c === SPACE || c === LF || c === CR || c === TAB) {
          if (!writing) {
            writing = true;
            w = i;
          }
          changed = true;
          do c = b[++i] as number;
          while (c === SPACE || c === LF || c === CR || c === TAB);
        }
        key = top === OPEN_BRACE;
        break;
      }
      if (c !== top + 2) return undefined;
      if (writing) out[w++] = c;
      depth--;
      if (keyBase !== null && top === OPEN_BRACE) keyOffsets.length = keyBase[depth] as number;
      i++;
    }
  }

  if (!php) {
    if (!changed) return text;
    // Only leading and trailing whitespace (one byte and one code unit per character): a slice.
    if (!writing) return text.slice(begin, text.length - (n - end));
    return utf8Decoder.decode(b.subarray(begin, w));
  }
  if (!changed && !roundTrip) return text;
  if (out !== sharedOutput && out.length <= SHARED_LIMIT) sharedOutput = out;
  const result = utf8Decoder.decode(out.subarray(0, w));
  return roundTrip ? phpRoundTrip(result) : result;
}

/**
 * PHP: records the key `out[start, end)` of the innermost object; true when the text needs PHP's
 * round trip (the rules of `KeyTracker.add`, over the keys in PHP's form).
 */
function trackKey(out: Uint8Array, offsets: number[], base: number, start: number, end: number): boolean {
  const length = end - start;
  if (offsets.length === base) {
    if (length === 3 && out[start + 1] === DIGIT_0) return true;
  } else if (offsets.length - base >= 64) {
    return true;
  } else {
    for (let k = base; k < offsets.length; k += 2) {
      const s = offsets[k] as number;
      if ((offsets[k + 1] as number) - s === length && sameBytes(out, s, start, length)) return true;
    }
  }
  offsets.push(start, end);
  return false;
}

function sameBytes(bytes: Uint8Array, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) {
    if (bytes[a + k] !== bytes[b + k]) return false;
  }
  return true;
}

function isHexBytes(b: Uint8Array, at: number): boolean {
  return (
    (HEX_BYTES[b[at] as number] as number) !== 0 &&
    (HEX_BYTES[b[at + 1] as number] as number) !== 0 &&
    (HEX_BYTES[b[at + 2] as number] as number) !== 0 &&
    (HEX_BYTES[b[at + 3] as number] as number) !== 0
  );
}

/** `HEX` over all 256 byte values. */
const HEX_BYTES = new Uint8Array(256);
HEX_BYTES.set(HEX);

/** The value of the 4 hex digits at `at` (checked with `isHexBytes`). */
function hexBytesValue(b: Uint8Array, at: number): number {
  let unit = 0;
  for (let k = at; k < at + 4; k++) unit = (unit << 4) | (((HEX_BYTES[b[k] as number] as number) - 1) & 0xf);
  return unit;
}

function hasUpperHexByte(b: Uint8Array, at: number): boolean {
  for (let k = at; k < at + 4; k++) if ((HEX_BYTES[b[k] as number] as number) > 16) return true;
  return false;
}

/** Writes `\u` and the 4 lower-case hex digits of `u`; returns the new end. */
function writeUnitEscape(out: Uint8Array, w: number, u: number): number {
  out[w] = BACKSLASH;
  out[w + 1] = LOWER_U;
  out[w + 2] = HEX_DIGITS.charCodeAt(u >> 12);
  out[w + 3] = HEX_DIGITS.charCodeAt((u >> 8) & 0xf);
  out[w + 4] = HEX_DIGITS.charCodeAt((u >> 4) & 0xf);
  out[w + 5] = HEX_DIGITS.charCodeAt(u & 0xf);
  return w + 6;
}

function writeAscii(out: Uint8Array, w: number, word: string): number {
  for (let k = 0; k < word.length; k++) out[w++] = word.charCodeAt(k);
  return w;
}

/** The end of the number at `start` (RFC 8259 grammar), or -1 when it is not one. */
function numberEnd(b: Uint8Array, start: number): number {
  let j = start;
  let c = b[j] as number;
  if (c === MINUS) c = b[++j] as number;
  if (c === DIGIT_0) {
    c = b[++j] as number;
    if (c >= DIGIT_0 && c <= DIGIT_9) return -1;
  } else if (c >= DIGIT_1 && c <= DIGIT_9) {
    do c = b[++j] as number;
    while (c >= DIGIT_0 && c <= DIGIT_9);
  } else {
    return -1;
  }
  if (c === DOT) {
    c = b[++j] as number;
    if (!(c >= DIGIT_0 && c <= DIGIT_9)) return -1;
    do c = b[++j] as number;
    while (c >= DIGIT_0 && c <= DIGIT_9);
  }
  if (c === LOWER_E || c === UPPER_E) {
    c = b[++j] as number;
    if (c === PLUS || c === MINUS) c = b[++j] as number;
    if (!(c >= DIGIT_0 && c <= DIGIT_9)) return -1;
    do c = b[++j] as number;
    while (c >= DIGIT_0 && c <= DIGIT_9);
  }
  return j;
}

// ---------------------------------------------------------------------------------------------
// PHP's decode/encode round trip, for the rare text it changes beyond strings and `{}`.

/** A scalar's text, a list, or an object's members by key text (in PHP's form, quotes included). */
type Node = string | Node[] | Map<string, Node>;

/**
 * What `json_encode(json_decode($text, true))` writes for `text`, which is already minified
 * and has every string and `{}` in PHP's form: duplicate keys keep the last value in the
 * first one's place (a PHP array assignment), and an object whose keys are "0", "1", … in
 * order is a PHP list, written as an array. Nesting is at most 512 levels, so the recursion
 * is bounded.
 */
function phpRoundTrip(text: string): string {
  let i = 0;
  const parse = (): Node => {
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACKET) {
      const list: Node[] = [];
      i++;
      if (text.charCodeAt(i) === CLOSE_BRACKET) {
        i++;
        return list;
      }
      for (;;) {
        list.push(parse());
        if (text.charCodeAt(i++) === CLOSE_BRACKET) return list;
      }
    }
    if (c === OPEN_BRACE) {
      const members = new Map<string, Node>();
      i++;
      for (;;) {
        const key = parse() as string;
        i++; // ':'
        members.set(key, parse());
        if (text.charCodeAt(i++) === CLOSE_BRACE) return members;
      }
    }
    const start = i;
    if (c === QUOTE) {
      i++;
      for (let d = text.charCodeAt(i); d !== QUOTE; d = text.charCodeAt(i)) i += d === BACKSLASH ? 2 : 1;
      i++;
    } else {
      for (let d = c; d !== COMMA && d !== CLOSE_BRACKET && d !== CLOSE_BRACE && i < text.length; ) {
        d = text.charCodeAt(++i);
      }
    }
    return text.slice(start, i);
  };
  const parts: string[] = [];
  const write = (node: Node): void => {
    if (typeof node === 'string') {
      parts.push(node);
    } else if (Array.isArray(node)) {
      parts.push('[');
      node.forEach((item, k) => {
        if (k > 0) parts.push(',');
        write(item);
      });
      parts.push(']');
    } else {
      let k = 0;
      let list = true;
      for (const key of node.keys()) {
        if (key !== `"${k++}"`) {
          list = false;
          break;
        }
      }
      parts.push(list ? '[' : '{');
      k = 0;
      for (const [key, value] of node) {
        if (k++ > 0) parts.push(',');
        if (!list) parts.push(key, ':');
        write(value);
      }
      parts.push(list ? ']' : '}');
    }
  };
  write(parse());
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// Errors.

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

function loneSurrogate(form: string): InputError {
  return new InputError(
    'ERR_INVALID_INPUT',
    `phpJsonEncode: text has a lone UTF-16 surrogate (a U+D800–U+DFFF code unit without its pair, as ${form}): PHP's json_decode refuses it, so json_encode has no output to match`,
    { field: 'text' },
  );
}

/** The single character at `position`, quoted if printable ASCII, else as `U+XXXX`. */
function describeChar(text: string, position: number): string {
  const c = text.codePointAt(position) as number;
  if (c > 0x20 && c < 0x7f) return c === 0x27 ? `"'"` : `'${String.fromCharCode(c)}'`;
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}
