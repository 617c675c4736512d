import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, isInputError } from '../errors/errors.js';
import { minifyJson } from './minify-json.js';

/** Runs `fn`, expecting an `ERR_INVALID_JSON` InputError, and returns it. */
function invalidJson(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect(isInputError(error)).toBe(true);
    expect((error as InputError).code).toBe('ERR_INVALID_JSON');
    return error as InputError;
  }
  throw new Error('expected minifyJson to throw');
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('minifyJson: known cases', () => {
  it('minifies a pretty-printed SNAP body, keeping the amount string as written', () => {
    const pretty =
      '{\n  "partnerReferenceNo": "2020102900000000000001",\n  "amount": {\n    "value": "10000.00",\n    "currency": "IDR"\n  }\n}';
    expect(minifyJson(pretty)).toBe(
      '{"partnerReferenceNo":"2020102900000000000001","amount":{"value":"10000.00","currency":"IDR"}}',
    );
  });

  it('handles CRLF line endings and tabs', () => {
    expect(minifyJson('{\r\n\t"a" :\t[ 1 ,\r\n 2 ]\r\n}\r\n')).toBe('{"a":[1,2]}');
  });

  it.each([
    ['10.00'],
    ['1e3'],
    ['1E+2'],
    ['1e-7'],
    ['-0'],
    ['-0.0'],
    ['0'],
    ['123456789012345678901234567890'],
    ['0.1000000000000000055511151231257827'],
    ['-12.5E-03'],
  ])('keeps the number literal %s verbatim', (literal) => {
    expect(minifyJson(literal)).toBe(literal);
    expect(minifyJson(` [ ${literal} , { "n" : ${literal} } ] `)).toBe(`[${literal},{"n":${literal}}]`);
  });

  it('keeps escapes exactly as written', () => {
    const text = String.raw`{ "a": "\/\u00e9\u00E9\"\\\b\f\n\r\t", "\u0041": "x\u0000y" }`;
    expect(minifyJson(text)).toBe(String.raw`{"a":"\/\u00e9\u00E9\"\\\b\f\n\r\t","\u0041":"x\u0000y"}`);
  });

  it('keeps whitespace inside strings, keys included', () => {
    expect(minifyJson('{ "a key " : "  two  spaces \\t escaped tab " }')).toBe(
      '{"a key ":"  two  spaces \\t escaped tab "}',
    );
  });

  it('keeps non-ASCII characters, surrogate pairs and lone surrogates as they are', () => {
    expect(minifyJson('{ "name": "Budi Santoso 🙂 é" }')).toBe('{"name":"Budi Santoso 🙂 é"}');
    // JSON.parse accepts lone surrogates in strings too; we copy them through unchanged.
    expect(minifyJson('[ "\ud800" ]')).toBe('["\ud800"]');
  });

  it('does not merge or reorder duplicate keys', () => {
    expect(minifyJson('{ "a": 1, "a": 2, "0": 3 }')).toBe('{"a":1,"a":2,"0":3}');
  });

  it('handles nested arrays, empty containers and every literal', () => {
    expect(minifyJson('[ [ ], [ [ 1 ] , [ ] ], { }, [ { } ], true, false, null ]')).toBe(
      '[[],[[1],[]],{},[{}],true,false,null]',
    );
    expect(minifyJson('{}')).toBe('{}');
    expect(minifyJson('[]')).toBe('[]');
    expect(minifyJson('{ }')).toBe('{}');
    expect(minifyJson(' [\n] ')).toBe('[]');
  });

  it('accepts any top-level value', () => {
    expect(minifyJson(' "text" ')).toBe('"text"');
    expect(minifyJson('\n42\n')).toBe('42');
    expect(minifyJson('true')).toBe('true');
    expect(minifyJson(' null')).toBe('null');
  });

  it('returns the same string when there is nothing to remove', () => {
    const text = '{"a":[1,"b c"]}';
    expect(minifyJson(text)).toBe(text);
  });

  it('accepts nesting up to 512 levels', () => {
    const text = `${'[ '.repeat(512)}${' ]'.repeat(512)}`;
    expect(minifyJson(text)).toBe(`${'['.repeat(512)}${']'.repeat(512)}`);
    const objects = `${'{"a":'.repeat(512)}1${'}'.repeat(512)}`;
    expect(minifyJson(objects)).toBe(objects);
  });

  it('throws a TypeError for a non-string argument', () => {
    expect(() => minifyJson(undefined as unknown as string)).toThrow(TypeError);
    expect(() => minifyJson({} as unknown as string)).toThrow(TypeError);
  });
});

describe('minifyJson: invalid JSON', () => {
  it.each<[string, string, number]>([
    ['empty input', '', 0],
    ['whitespace only', ' \n\t ', 4],
    ['BOM', '\uFEFF{}', 0],
    ['trailing garbage', '{} x', 3],
    ['two values', '1 2', 2],
    ['truncated object', '{"a":1', 6],
    ['truncated after key', '{"a"', 4],
    ['truncated array', '[1,', 3],
    ['truncated string', '"abc', 4],
    ['truncated escape', '"ab\\', 4],
    ['truncated unicode escape', '"\\u12', 5],
    ['truncated literal', 'tru', 3],
    ['misspelt literal', 'nul1', 3],
    ['capitalised literal', 'True', 0],
    ['leading zero', '01', 1],
    ['negative leading zero', '-012', 2],
    ['plus sign', '+1', 0],
    ['leading dot', '.5', 0],
    ['trailing dot', '1.', 2],
    ['dot then exponent', '1.e5', 2],
    ['bare minus', '-', 1],
    ['minus then letter', '-a', 1],
    ['empty exponent', '1e', 2],
    ['exponent sign only', '1e+', 3],
    ['hex number', '0x10', 1],
    ['NaN', 'NaN', 0],
    ['Infinity', '-Infinity', 1],
    ['trailing comma in array', '[1,]', 3],
    ['trailing comma in object', '{"a":1,}', 7],
    ['leading comma', '[,1]', 1],
    ['missing comma', '[1 2]', 3],
    ['missing colon', '{"a" 1}', 5],
    ['missing value', '{"a":}', 5],
    ['unquoted key', '{a:1}', 1],
    ['single-quoted string', "['a']", 1],
    ['numeric key', '{1:2}', 1],
    ['mismatched closer', '[1}', 2],
    ['mismatched closer in object', '{"a":1]', 6],
    ['stray closer', ']', 0],
    ['extra closer', '[]]', 2],
    ['raw newline in string', '"a\nb"', 2],
    ['raw tab in string', '"a\tb"', 2],
    ['raw NUL in string', '"\u0000"', 1],
    ['invalid escape', '"\\x"', 2],
    ['escaped single quote', '"\\\'"', 2],
    ['short unicode escape', '"\\u12G4"', 5],
    ['uppercase U escape', '"\\U0041"', 2],
    ['comment', '[1 /* c */]', 3],
    ['non-breaking space as whitespace', '[1,\u00a02]', 3],
    ['vertical tab as whitespace', '\u000b1', 0],
    ['form feed as whitespace', '[\f1]', 1],
  ])('%s: %j fails at position %i', (_name, text, position) => {
    expect(parses(text)).toBe(false);
    const error = invalidJson(() => minifyJson(text));
    expect(error.position).toBe(position);
    expect(error.message).toContain(`position ${position}`);
  });

  it('mentions the BOM', () => {
    expect(invalidJson(() => minifyJson('\uFEFF{"a":1}')).message).toMatch(/byte order mark/);
  });

  it('says what was expected', () => {
    expect(invalidJson(() => minifyJson('{"a" 1}')).message).toBe(
      "Invalid JSON at position 5: expected ':' after the key but found '1'",
    );
    expect(invalidJson(() => minifyJson('[1')).message).toBe(
      "Invalid JSON at position 2: unexpected end of input, expected ',' or ']'",
    );
    expect(invalidJson(() => minifyJson('[1,]')).message).toMatch(/trailing commas/);
    expect(invalidJson(() => minifyJson('01')).message).toMatch(/leading zeros/);
    expect(invalidJson(() => minifyJson('"\u0001"')).message).toMatch(/control character U\+0001/);
  });

  it('never echoes more than one character of the input', () => {
    const secret = 'sk_live_SUPERSECRETVALUE';
    const cases = [
      `{"clientSecret": ${secret}}`,
      `{"clientSecret": "${secret}`,
      `{"clientSecret": "${secret}\\q"}`,
      `{"clientSecret": "${secret}"} ${secret}`,
      `${secret}`,
      `["${secret}" "${secret}"]`,
    ];
    for (const text of cases) {
      const error = invalidJson(() => minifyJson(text));
      expect(error.message).not.toMatch(/SUPER|SECRET|sk_live/);
      expect(JSON.stringify(error)).not.toMatch(/SUPER|SECRET|sk_live/);
    }
  });

  it('describes a non-ASCII offending character by its code point only', () => {
    expect(invalidJson(() => minifyJson('[1, é]')).message).toContain('U+00E9');
    expect(invalidJson(() => minifyJson('🙂')).message).toContain('U+1F642');
  });

  it('throws (does not overflow the stack) for 100000 nested arrays or objects', () => {
    const arrays = invalidJson(() => minifyJson('['.repeat(100_000)));
    expect(arrays.position).toBe(512);
    expect(arrays.message).toMatch(/nested deeper than 512/);
    const balanced = invalidJson(() => minifyJson(`${'['.repeat(100_000)}${']'.repeat(100_000)}`));
    expect(balanced.position).toBe(512);
    const objects = invalidJson(() => minifyJson('{"a":'.repeat(100_000)));
    expect(objects.position).toBe(512 * 5);
    expect(invalidJson(() => minifyJson(`${'['.repeat(513)}${']'.repeat(513)}`)).position).toBe(512);
  });
});

/** Whitespace strings usable as a `JSON.stringify` indent (at most 10 characters are used). */
const indent = fc.oneof(
  fc.integer({ min: 0, max: 10 }),
  fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 10 }),
);
const whitespace = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 5 });
const jsonValue = fc.oneof(fc.jsonValue(), fc.jsonValue({ stringUnit: 'binary' }));

/** Characters that make up JSON, for generating near-JSON text. */
const jsonish = fc.string({
  unit: fc.constantFrom(...'{}[]:,"\\ \t\n\r0123456789-+.eEtruefalsnlbu/x\u0000\u001f\uFEFF\u00a0\ud800'),
  maxLength: 40,
});

/** Valid JSON text with one random edit: a deletion, an insertion or a truncation. */
const mutatedJson = fc
  .tuple(
    fc.json(),
    fc.nat(),
    fc.constantFrom('delete', 'insert', 'truncate'),
    fc.constantFrom(...'{}[]:,"\\ 0-.e+tn\u0001'),
  )
  .map(([text, at, edit, char]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    if (edit === 'delete') return text.slice(0, i) + text.slice(i + 1);
    if (edit === 'insert') return text.slice(0, i) + char + text.slice(i);
    return text.slice(0, i);
  });

/** Asserts minifyJson and JSON.parse agree on validity, and on the value when valid. */
function agreesWithJsonParse(text: string): void {
  let minified: string | undefined;
  try {
    minified = minifyJson(text);
  } catch (error) {
    // Only ever an InputError with a position inside (or at the end of) the text.
    expect(isInputError(error) && error.code === 'ERR_INVALID_JSON').toBe(true);
    const position = (error as InputError).position as number;
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThanOrEqual(text.length);
  }
  expect(minified !== undefined).toBe(parses(text));
  if (minified !== undefined) expect(JSON.parse(minified)).toStrictEqual(JSON.parse(text));
}

describe('minifyJson: properties', () => {
  it('minifying JSON.stringify(v, null, indent) gives JSON.stringify(v)', () => {
    fc.assert(
      fc.property(jsonValue, indent, whitespace, whitespace, (value, space, before, after) => {
        const pretty = before + JSON.stringify(value, null, space) + after;
        expect(minifyJson(pretty)).toBe(JSON.stringify(value));
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(jsonValue, indent, (value, space) => {
        const once = minifyJson(JSON.stringify(value, null, space));
        expect(minifyJson(once)).toBe(once);
      }),
    );
  });

  it('preserves the parsed value', () => {
    fc.assert(
      fc.property(jsonValue, indent, (value, space) => {
        const text = JSON.stringify(value, null, space);
        expect(JSON.parse(minifyJson(text))).toStrictEqual(JSON.parse(text));
      }),
    );
  });

  it('only removes whitespace outside strings', () => {
    fc.assert(
      fc.property(jsonValue, indent, (value, space) => {
        const text = JSON.stringify(value, null, space);
        const minified = minifyJson(text);
        // Same non-whitespace characters, in the same order.
        expect(minified.replace(/[ \t\n\r]/g, '')).toBe(text.replace(/[ \t\n\r]/g, ''));
        expect(minified.length).toBeLessThanOrEqual(text.length);
      }),
    );
  });

  it('accepts exactly what JSON.parse accepts, for arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), agreesWithJsonParse), {
      numRuns: 2000,
    });
  });

  it('accepts exactly what JSON.parse accepts, for near-JSON strings', () => {
    fc.assert(fc.property(jsonish, agreesWithJsonParse), { numRuns: 5000 });
  });

  it('accepts exactly what JSON.parse accepts, for one-edit mutations of valid JSON', () => {
    fc.assert(fc.property(mutatedJson, agreesWithJsonParse), { numRuns: 3000 });
  });

  it('differs from JSON.parse only by rejecting nesting deeper than 512 levels', () => {
    const deep = `${'['.repeat(513)}${']'.repeat(513)}`;
    expect(parses(deep)).toBe(true); // V8's JSON.parse has no depth limit
    expect(() => minifyJson(deep)).toThrow(InputError);
    // Both reject a leading BOM (RFC 8259 lets a parser ignore it; neither does).
    expect(parses('\uFEFF1')).toBe(false);
  });
});
