import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ConfigError, type InputError, isConfigError, isInputError } from '../errors/errors.js';
import { minifyJson } from './minify-json.js';
import { type PhpJsonEncodeOptions, phpJsonEncode } from './php-json-encode.js';

/** Runs `fn`, expecting an InputError with `code`, and returns it. */
function inputError(fn: () => unknown, code: 'ERR_INVALID_JSON' | 'ERR_INVALID_INPUT'): InputError {
  try {
    fn();
  } catch (error) {
    expect(isInputError(error)).toBe(true);
    expect((error as InputError).code).toBe(code);
    return error as InputError;
  }
  throw new Error('expected phpJsonEncode to throw');
}

// A model of PHP's json_encode with default flags (php-src ext/json/json_encoder.c), over a
// JSON.parse'd value: used by the properties below, for values without integer-like keys
// (JavaScript objects reorder those; the known cases cover them).
function phpString(text: string): string {
  let out = '"';
  for (let k = 0; k < text.length; k++) {
    const u = text.charCodeAt(k);
    const short: Record<number, string> = {
      34: '\\"',
      92: '\\\\',
      47: '\\/',
      8: '\\b',
      12: '\\f',
      10: '\\n',
      13: '\\r',
      9: '\\t',
    };
    if (short[u] !== undefined) out += short[u];
    else if (u >= 0x20 && u < 0x80) out += text[k];
    else out += `\\u${u.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}
function phpModel(value: unknown): string {
  if (typeof value === 'string') return phpString(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(phpModel).join(',')}]`;
  const entries = Object.entries(value);
  if (entries.length === 0) return '[]';
  return `{${entries.map(([k, v]) => `${phpString(k)}:${phpModel(v)}`).join(',')}}`;
}

describe('phpJsonEncode: known cases', () => {
  it('writes a pretty-printed SNAP body as PHP json_encode does', () => {
    const pretty =
      '{\n  "partnerReferenceNo": "2020102900000000000001",\n  "amount": {\n    "value": "10000.00",\n    "currency": "IDR"\n  },\n  "urlParam": [{ "url": "https://merchant.example/notify", "type": "PAY_NOTIFY" }],\n  "additionalInfo": { "payerName": "José Ñúñez" }\n}';
    expect(phpJsonEncode(pretty)).toBe(
      String.raw`{"partnerReferenceNo":"2020102900000000000001","amount":{"value":"10000.00","currency":"IDR"},"urlParam":[{"url":"https:\/\/merchant.example\/notify","type":"PAY_NOTIFY"}],"additionalInfo":{"payerName":"Jos\u00e9 \u00d1\u00fa\u00f1ez"}}`,
    );
  });

  it.each([
    ['/', String.raw`"\/"`],
    [String.raw`"\/"`, String.raw`"\/"`],
    [String.raw`"\u002F"`, String.raw`"\/"`],
    ['"é"', String.raw`"\u00e9"`],
    [String.raw`"\u00E9"`, String.raw`"\u00e9"`],
    [String.raw`"\u00e9"`, String.raw`"\u00e9"`],
    [String.raw`"\u0041\u007a"`, '"Az"'],
    [String.raw`"\u0022\u005C"`, String.raw`"\"\\"`],
    [String.raw`"\"\\"`, String.raw`"\"\\"`],
    [String.raw`"\u0008\u000C\u000a\u000D\u0009"`, String.raw`"\b\f\n\r\t"`],
    [String.raw`"\b\f\n\r\t"`, String.raw`"\b\f\n\r\t"`],
    [String.raw`"\u0000\u001F\u001f"`, String.raw`"\u0000\u001f\u001f"`],
    [String.raw`"\u007F"`, '"\u007f"'],
    ['"\u007f"', '"\u007f"'],
    ['"<>&\'"', '"<>&\'"'],
    ['"\u2028\u2029"', String.raw`"\u2028\u2029"`],
    ['"🙂"', String.raw`"\ud83d\ude42"`],
    [String.raw`"\uD83D\uDE42"`, String.raw`"\ud83d\ude42"`],
    [String.raw`"\ud83d\ude42"`, String.raw`"\ud83d\ude42"`],
    ['"\uffff中"', String.raw`"\uffff\u4e2d"`],
    ['"a b\u00a0c"', String.raw`"a b\u00a0c"`],
  ])('writes %s as %s', (input, expected) => {
    const text = input === '/' ? '"/"' : input;
    expect(phpJsonEncode(text)).toBe(expected);
    expect(phpJsonEncode(` { "k/é" : [ ${text} ] } `)).toBe(`{"k\\/\\u00e9":[${expected}]}`);
  });

  it.each([['10.00'], ['1E+2'], ['-0'], ['0.1000000000000000055511151231257827'], ['123456789012345678901234567890']])(
    'keeps the number text %s as written',
    (literal) => {
      expect(phpJsonEncode(` [ ${literal} , { "n" : ${literal} } ] `)).toBe(`[${literal},{"n":${literal}}]`);
    },
  );

  it('keeps true, false, null, strings without escapes and empty arrays as they are', () => {
    expect(phpJsonEncode('[ true, false, null, "plain text", [ ] ]')).toBe('[true,false,null,"plain text",[]]');
    expect(phpJsonEncode('"text"')).toBe('"text"');
    expect(phpJsonEncode(' 42 ')).toBe('42');
  });

  it('returns the same string when PHP writes it unchanged', () => {
    const text = String.raw`{"url":"https:\/\/x.example\/a","name":"\u00e9"}`;
    expect(phpJsonEncode(text)).toBe(text);
  });

  it('writes an empty object as [] (json_decode($text, true) gives an empty PHP array)', () => {
    expect(phpJsonEncode('{}')).toBe('[]');
    expect(phpJsonEncode('{ \n }')).toBe('[]');
    expect(phpJsonEncode('{ "additionalInfo": { } , "list": [ {} ] }')).toBe('{"additionalInfo":[],"list":[[]]}');
  });

  it('writes an object whose keys are "0", "1", … in order as an array (a PHP list)', () => {
    expect(phpJsonEncode('{"0":"a","1":"b"}')).toBe('["a","b"]');
    expect(phpJsonEncode('{ "0" : { "0" : 1 } }')).toBe('[[1]]');
    expect(phpJsonEncode('{"x":{"0":"a","1":{"y":"/"}}}')).toBe(String.raw`{"x":["a",{"y":"\/"}]}`);
    expect(phpJsonEncode(String.raw`{"\u0030":"a"}`)).toBe('["a"]');
    // Not lists: another first key, a gap, another order, a non-canonical integer.
    expect(phpJsonEncode('{"1":"a"}')).toBe('{"1":"a"}');
    expect(phpJsonEncode('{"0":"a","2":"b"}')).toBe('{"0":"a","2":"b"}');
    expect(phpJsonEncode('{"1":"a","0":"b"}')).toBe('{"1":"a","0":"b"}');
    expect(phpJsonEncode('{"0":"a","01":"b"}')).toBe('{"0":"a","01":"b"}');
    expect(phpJsonEncode('{"-0":"a"}')).toBe('{"-0":"a"}');
  });

  it('keeps the first place and the last value of a repeated key (a PHP array assignment)', () => {
    expect(phpJsonEncode('{"a":1,"a":2}')).toBe('{"a":2}');
    expect(phpJsonEncode('{ "a": 1, "b": 2, "a": { "c": 3 } }')).toBe('{"a":{"c":3},"b":2}');
    expect(phpJsonEncode(String.raw`{"a":1,"\u0061":2}`)).toBe('{"a":2}');
    expect(phpJsonEncode(String.raw`{"é":1,"\u00E9":2,"\u00e9":3}`)).toBe(String.raw`{"\u00e9":3}`);
    expect(phpJsonEncode('{"0":1,"0":2}')).toBe('[2]');
    expect(phpJsonEncode('[{"a":1},{"a":2}]')).toBe('[{"a":1},{"a":2}]');
    expect(phpJsonEncode('{"a":{"a":1},"b":{"a":2}}')).toBe('{"a":{"a":1},"b":{"a":2}}');
  });

  it('handles objects with many keys (beyond the inline duplicate check)', () => {
    const keys = Array.from({ length: 40 }, (_, k) => `"key${k}":${k}`);
    const object = `{${keys.join(',')}}`;
    expect(phpJsonEncode(object)).toBe(object);
    expect(phpJsonEncode(`{${keys.join(',')},"key3":"last"}`)).toBe(object.replace('"key3":3', '"key3":"last"'));
  });

  it('accepts nesting up to 512 levels, as json_decode does by default', () => {
    expect(phpJsonEncode(`${'[ '.repeat(511)}{ }${' ]'.repeat(511)}`)).toBe(`${'['.repeat(512)}${']'.repeat(512)}`);
    expect(phpJsonEncode(`${'{"0":'.repeat(512)}1${'}'.repeat(512)}`)).toBe(`${'['.repeat(512)}1${']'.repeat(512)}`);
    expect(inputError(() => phpJsonEncode(`${'['.repeat(513)}${']'.repeat(513)}`), 'ERR_INVALID_JSON').position).toBe(
      512,
    );
  });

  it('throws a TypeError for a non-string argument', () => {
    expect(() => phpJsonEncode(undefined as unknown as string)).toThrow(TypeError);
    expect(() => phpJsonEncode(null as unknown as string)).toThrow(/phpJsonEncode: expected a string, received null/);
  });
});

describe('phpJsonEncode: refused input', () => {
  it.each([
    ['a raw lone high surrogate', '["\ud800"]'],
    ['a raw lone high surrogate at the end of a string', '"a\ud83d"'],
    ['a raw lone low surrogate', '"\udc00"'],
    ['a raw high surrogate before an escaped low one', '"\ud800\\udc00"'],
    ['an escaped lone high surrogate', String.raw`"\ud800"`],
    ['an escaped high surrogate before a character', String.raw`"\uD800x"`],
    ['an escaped high surrogate before another escape', String.raw`"\ud800\u0041"`],
    ['an escaped high surrogate before a short escape', String.raw`"\ud800\n"`],
    ['two escaped high surrogates', String.raw`"\ud800\ud800"`],
    ['an escaped lone low surrogate', String.raw`"\uDC00"`],
    ['an escaped lone surrogate in a key', String.raw`{"\udfff":1}`],
  ])('refuses %s with the core lone-surrogate InputError', (_name, text) => {
    const error = inputError(() => phpJsonEncode(text), 'ERR_INVALID_INPUT');
    expect(error.field).toBe('text');
    expect(error.message).toMatch(/lone UTF-16 surrogate/);
    // minifyJson copies them through.
    expect(() => minifyJson(text)).not.toThrow();
  });

  it.each<[string, number]>([
    ['', 0],
    ['\uFEFF{}', 0],
    ['{"a":1,}', 7],
    ['[1,]', 3],
    ['{"a" 1}', 5],
    ['"\\u12G4"', 5],
    [String.raw`"\ud83d\u12"`, 11],
    ['"a/\u0001"', 3],
    ['"é', 2],
    ['{} x', 3],
  ])('throws the same ERR_INVALID_JSON as minifyJson for %j (position %i)', (text, position) => {
    const error = inputError(() => phpJsonEncode(text), 'ERR_INVALID_JSON');
    expect(error.position).toBe(position);
    // The same message, but for the verb in the byte order mark one.
    expect(() => minifyJson(text)).toThrow(error.message.replace('before encoding', 'before minifying'));
  });

  it('names itself in the byte order mark message', () => {
    expect(inputError(() => phpJsonEncode('\uFEFF1'), 'ERR_INVALID_JSON').message).toMatch(/before encoding/);
  });
});

const whitespace = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 4 });
const indent = fc.oneof(fc.integer({ min: 0, max: 4 }), whitespace);
/** Keys that are not integer-like, so that JavaScript keeps them in order. */
const key = fc.string({ unit: 'binary', maxLength: 6 }).map((k) => `k${k}`);
const { value: phpValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.string({
      unit: fc.constantFrom('/', '"', '\\', '\n', '\u0001', '\u007f', 'é', '🙂', '\u2028', 'a'),
      maxLength: 8,
    }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));

/** Near-JSON text, with surrogates and escapes PHP treats specially. */
const jsonish = fc.string({
  unit: fc.constantFrom(
    ...'{}[]:,"\\ \n0-.eE+tfnul/u0dD8cC9\u00e9\ud800\udc00\u0001'.split(''),
    '\\u',
    '\\ud83d',
    '\\ude42',
  ),
  maxLength: 30,
});

describe('phpJsonEncode: properties', () => {
  it('writes JSON.stringify(v, null, indent) as the PHP model does', () => {
    fc.assert(
      fc.property(phpValue, indent, whitespace, (value, space, around) => {
        const text = around + JSON.stringify(value, null, space) + around;
        expect(phpJsonEncode(text)).toBe(phpModel(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('is idempotent, and its output parses to the same strings and numbers', () => {
    fc.assert(
      fc.property(phpValue, indent, (value, space) => {
        const once = phpJsonEncode(JSON.stringify(value, null, space));
        expect(phpJsonEncode(once)).toBe(once);
        expect(minifyJson(once)).toBe(once);
        expect(once).toMatch(/^[\x20-\x7f]*$/);
      }),
    );
  });

  it('fails exactly where minifyJson fails, or refuses a lone surrogate', () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.string({ unit: 'binary-ascii', maxLength: 20 })), (text) => {
        let minified: string | undefined;
        let minifyError: unknown;
        try {
          minified = minifyJson(text);
        } catch (error) {
          minifyError = error;
        }
        let encoded: string | undefined;
        try {
          encoded = phpJsonEncode(text);
        } catch (error) {
          expect(isInputError(error)).toBe(true);
          if ((error as InputError).code === 'ERR_INVALID_INPUT') {
            expect(text).toMatch(/[\ud800-\udfff]|\\u[dD][89a-fA-F]/);
          } else {
            expect((error as InputError).message).toBe((minifyError as InputError).message);
          }
          return;
        }
        expect(minified).toBeDefined();
        // Same strings, numbers and structure, once {} is read as [] and lists as PHP makes them.
        expect(phpJsonEncode(minified as string)).toBe(encoded);
      }),
      { numRuns: 5000 },
    );
  });

  it('scales by composition: n copies of a value are written as n copies of its output', () => {
    fc.assert(
      fc.property(phpValue, fc.integer({ min: 1, max: 50 }), (value, n) => {
        const one = JSON.stringify(value, null, 1);
        const many = `[${Array.from({ length: n }, () => one).join(',\n')}]`;
        expect(phpJsonEncode(many)).toBe(`[${Array.from({ length: n }, () => phpJsonEncode(one)).join(',')}]`);
      }),
      { numRuns: 200 },
    );
  });
});

describe('large input', () => {
  /** About `bytes` of pretty-printed payment-like JSON. */
  function payments(bytes: number): { value: unknown[]; text: string } {
    const item = (k: number) => ({
      partnerReferenceNo: `2020102900${String(k).padStart(12, '0')}`,
      amount: { value: `${k}.00`, currency: 'IDR' },
      urlParam: [{ url: 'https://merchant.example/notify', type: 'PAY_NOTIFY' }],
      additionalInfo: { payerName: 'José', deviceId: '12345679237', channel: 'mobilephone' },
    });
    const one = JSON.stringify(item(0), null, 2).length;
    const value = Array.from({ length: Math.ceil(bytes / one) }, (_, k) => item(k));
    return { value, text: JSON.stringify(value, null, 2) };
  }

  it('writes 10 MB of pretty-printed JSON, and minifies it', () => {
    const { value, text } = payments(10 * 1024 * 1024);
    expect(text.length).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    expect(phpJsonEncode(text)).toBe(phpModel(value));
    expect(minifyJson(text)).toBe(JSON.stringify(value));
    const minified = JSON.stringify(value);
    expect(minifyJson(minified)).toBe(minified);
  });

  it('handles a 10 MB string and 1 million empty objects', () => {
    const long = `"${'a/é'.repeat(3_500_000)}"`;
    expect(phpJsonEncode(long)).toBe(`"${'a\\/\\u00e9'.repeat(3_500_000)}"`);
    expect(phpJsonEncode(`[${'{},'.repeat(1_000_000)}{}]`)).toBe(`[${'[],'.repeat(1_000_000)}[]]`);
  });
});

describe('phpJsonEncode: unescapedSlashes (JSON_UNESCAPED_SLASHES)', () => {
  it('keeps / as is, and writes \\/ and \\u002f as /', () => {
    const options = { unescapedSlashes: true };
    expect(phpJsonEncode('{ "url": "https://x.example/a/é" }', options)).toBe(
      String.raw`{"url":"https://x.example/a/\u00e9"}`,
    );
    expect(phpJsonEncode(String.raw`["\/", "\u002f", "\u002F", "\\/"]`, options)).toBe(String.raw`["/","/","/","\\/"]`);
    const unchanged = '{"url":"https://x.example/a"}';
    expect(phpJsonEncode(unchanged, options)).toBe(unchanged);
    expect(phpJsonEncode(unchanged, { unescapedSlashes: false })).toBe(String.raw`{"url":"https:\/\/x.example\/a"}`);
    expect(phpJsonEncode(unchanged, {})).toBe(String.raw`{"url":"https:\/\/x.example\/a"}`);
  });

  it('is the default output with every escaped slash unescaped', () => {
    fc.assert(
      fc.property(phpValue, indent, (value, space) => {
        const text = JSON.stringify(value, null, space);
        expect(phpJsonEncode(text, { unescapedSlashes: true })).toBe(phpJsonEncode(text).replaceAll('\\/', '/'));
      }),
    );
  });

  it('refuses unknown options and a non-boolean unescapedSlashes, naming the option', () => {
    const refused = (options: unknown): ConfigError => {
      try {
        phpJsonEncode('"/"', options as PhpJsonEncodeOptions);
      } catch (error) {
        expect(isConfigError(error)).toBe(true);
        return error as ConfigError;
      }
      throw new Error('expected phpJsonEncode to refuse the options');
    };
    const unknown = refused({ unescapedSlash: true });
    expect(unknown.message).toContain('unescapedSlash: expected a known option (unescapedSlashes)');
    expect(unknown.message).toContain('did you mean `unescapedSlashes`?');
    expect(refused({ unescapedSlashes: 'yes' }).message).toContain(
      'unescapedSlashes: expected true or false, received a string of 3 characters',
    );
    expect(refused(null).message).toContain('options: expected an object, received null');
  });
});
