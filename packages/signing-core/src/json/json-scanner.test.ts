// The fast pass (`fastScanJson`, over UTF-8 bytes) against the reference scanner (`scanJson`,
// over UTF-16 code units, which also throws the positioned errors): whenever the fast pass
// answers, it must answer what the reference does, and the public functions must return or
// throw exactly what the reference does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, isInputError } from '../errors/errors.js';
import { fastScanJson, isMinifiedJson, scanJson } from './json-scanner.js';
import { minifyJson } from './minify-json.js';
import { phpJsonEncode } from './php-json-encode.js';

const MODES = [
  { mode: 0, name: 'minify', reference: (text: string) => scanJson(text, false), run: minifyJson },
  { mode: 1, name: 'php', reference: (text: string) => scanJson(text, true), run: (t: string) => phpJsonEncode(t) },
  {
    mode: 2,
    name: 'php, unescaped slashes',
    reference: (text: string) => scanJson(text, true, false),
    run: (t: string) => phpJsonEncode(t, { unescapedSlashes: true }),
  },
] as const;

/** What `fn` returns, or the code, message and details of the InputError it throws. */
function outcome(fn: () => string): unknown {
  try {
    return { value: fn() };
  } catch (error) {
    if (!isInputError(error)) throw error;
    return { code: error.code, message: error.message, position: error.position, field: error.field };
  }
}

/** Checks one text in every mode. */
function agrees(text: string): void {
  // "Nothing to drop" only when the reference scanner gives the text itself back.
  if (isMinifiedJson(text)) expect(outcome(() => scanJson(text, false))).toEqual({ value: text });
  for (const { mode, reference, run } of MODES) {
    const expected = outcome(() => reference(text));
    const fast = fastScanJson(text, mode);
    if (fast !== undefined) expect({ value: fast }).toEqual(expected);
    expect(outcome(() => run(text))).toEqual(expected);
  }
}

const whitespace = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 3 });
/** String contents with the characters each path treats apart. */
const stringBody = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 4 }),
      fc.constantFrom(
        '/',
        '\\/',
        '\\"',
        '\\\\',
        '\\n',
        '\\u002f',
        '\\u002F',
        '\\u00e9',
        '\\u00E9',
        '\\u0041',
        '\\ud83d\\ude42',
        '\\uD83D\\uDE42',
        '\\ud83d',
        '\\ude42',
        '\\u0000',
        '\\x',
        '\ufffd',
        '\ud800',
        '\udc00',
        '🙂',
        'é',
        '–',
        '\u007f',
        '\u0001',
        ' ',
      ),
    ),
    { maxLength: 6 },
  )
  .map((parts) => `"${parts.join('')}"`);
const scalar = fc.oneof(
  stringBody,
  fc.constantFrom('0', '-0', '10.00', '1E+2', '-12.5e-3', '01', '1.', '-', 'true', 'false', 'null', 'tru', 'nul'),
);
const value: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc
      .tuple(fc.array(fc.tuple(whitespace, tie('value'), whitespace), { maxLength: 4 }), whitespace)
      .map(([items, ws]) => `[${items.map(([a, v, b]) => a + v + b).join(',') || ws}]`),
    fc
      .tuple(
        fc.array(
          fc.tuple(whitespace, fc.oneof(stringBody, fc.constantFrom('"0"', '"1"', '"a"')), whitespace, tie('value')),
          {
            maxLength: 4,
          },
        ),
        whitespace,
      )
      .map(([members, ws]) => `{${members.map(([a, k, b, v]) => `${a}${k}${b}:${v}`).join(',') || ws}}`),
  ),
})).value;

describe('the fast pass against the reference scanner', () => {
  it('agrees on generated JSON-like text (valid and not), in every mode', () => {
    fc.assert(
      fc.property(whitespace, value, whitespace, (a, v, b) => agrees(a + v + b)),
      { numRuns: 3000 },
    );
  });

  it('agrees on one-character edits of valid text', () => {
    const base = '{ "a/é": [ 1, -2.5E+3, "x\\u00E9\\/y 🙂", true, false, null, { } ], "b": { "0": [ ] } }\n';
    const alphabet = [' ', '"', '\\', '{', '}', '[', ']', ',', ':', '0', 'e', '-', '.', 'u', 'é', '\n', '\u0000'];
    for (let at = 0; at <= base.length; at++) {
      agrees(base.slice(0, at) + base.slice(at + 1));
      for (const c of alphabet) {
        agrees(base.slice(0, at) + c + base.slice(at));
        agrees(base.slice(0, at) + c + base.slice(at + 1));
      }
    }
  });

  it('recognises already-minified text, and nothing else, on the string itself', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const text = JSON.stringify(value);
        expect(isMinifiedJson(text)).toBe(true);
        expect(minifyJson(text)).toBe(text);
        // One character of whitespace anywhere between tokens: something to drop.
        expect(isMinifiedJson(`${text} `)).toBe(false);
        expect(isMinifiedJson(`\n${text}`)).toBe(false);
      }),
    );
    for (const text of ['{"a":"\\\\","b":"\\"q\\"","c":"\\u00e9\\n\\/"}', '[[],{}]', '-0.5E+10', '"\ud800"', '"é –"']) {
      expect(isMinifiedJson(text)).toBe(true);
    }
    for (const text of [
      '',
      '{"a":1,}',
      '{"a":"\\x"}',
      '[1 ,2]',
      '{"a":01}',
      '["\\u12G4"]',
      '{"a"1}',
      '[1]x',
      '"ab',
      '[tru]',
      '{"a":"\\"}',
      '["a\tb"]',
      '\ufeff{}',
      '[1.]',
      '[-]',
      '{1:2}',
      '[}',
      '{]',
    ]) {
      expect(isMinifiedJson(text)).toBe(false);
    }
    expect(isMinifiedJson(`${'['.repeat(512)}${']'.repeat(512)}`)).toBe(true);
    expect(isMinifiedJson(`${'['.repeat(513)}${']'.repeat(513)}`)).toBe(false);
  });

  it('returns already-minified text itself, escapes and non-ASCII included', () => {
    const text = String.raw`{"a":"\/\u00e9\u00E9\"\\\b\f\n\r\t","é🙂":[1,-0,1E+2,true,false,null,{},[]]}`;
    expect(fastScanJson(text, 0)).toBe(text);
    expect(minifyJson(text)).toBe(text);
    const php = String.raw`{"url":"https:\/\/x.example\/a","name":"\u00e9\ud83d\ude42"}`;
    expect(fastScanJson(php, 1)).toBe(php);
    expect(phpJsonEncode(php)).toBe(php);
  });

  it('minifies non-ASCII text of every UTF-8 length, where the bytes outgrow the first buffer', () => {
    const text = `[ "${'é'.repeat(3000)}" , "${'中'.repeat(3000)}" , "${'🙂'.repeat(3000)}" ]`;
    const expected = `["${'é'.repeat(3000)}","${'中'.repeat(3000)}","${'🙂'.repeat(3000)}"]`;
    expect(fastScanJson(text, 0)).toBe(expected);
    expect(minifyJson(text)).toBe(expected);
    const php = `["${'\\u00e9'.repeat(3000)}","${'\\u4e2d'.repeat(3000)}","${'\\ud83d\\ude42'.repeat(3000)}"]`;
    expect(fastScanJson(text, 1)).toBe(php);
  });

  it('answers correctly after a large text (the reused buffers) and on small texts in between', () => {
    const big = `[${Array.from({ length: 40_000 }, (_, k) => `{ "k": "v/${k} é" }`).join(', ')}]`;
    const small = '{ "s": "/é" }';
    for (const text of [big, small, big.slice(0, 1000) + ']', small, big]) agrees(text);
    expect(minifyJson(small)).toBe('{"s":"/é"}');
    expect(phpJsonEncode(small)).toBe(String.raw`{"s":"\/\u00e9"}`);
  });

  it('leaves U+FFFD and lone surrogates to the reference scanner', () => {
    for (const text of ['"\ufffd"', '"\ud800"', '"a\udc00b"', '["\ufffd", 1]']) {
      expect(fastScanJson(text, 0)).toBeUndefined();
      agrees(text);
    }
    expect(minifyJson('[ "\ud800" ]')).toBe('["\ud800"]');
    expect(phpJsonEncode('"\ufffd"')).toBe(String.raw`"\ufffd"`);
  });

  it('accepts 512 levels of nesting and leaves 513 to the reference scanner, which names the position', () => {
    const deep = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;
    expect(fastScanJson(deep(512), 0)).toBe(deep(512));
    expect(fastScanJson(deep(513), 0)).toBeUndefined();
    const error = (() => {
      try {
        minifyJson(deep(513));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe('ERR_INVALID_JSON');
    expect((error as InputError).position).toBe(512);
  });

  it('still throws typed, positioned errors for invalid JSON', () => {
    for (const [text, position] of [
      ['{"a":1,}', 7],
      ['[1 2]', 3],
      ['"é\u0001"', 2],
      ['{ "a": tru }', 10],
      ['', 0],
      ['\ufeff{}', 0],
    ] as const) {
      for (const { run } of MODES) {
        try {
          run(text);
          expect.unreachable(`expected ${JSON.stringify(text)} to be refused`);
        } catch (error) {
          expect(isInputError(error)).toBe(true);
          expect((error as InputError).code).toBe('ERR_INVALID_JSON');
          expect((error as InputError).position).toBe(position);
        }
      }
    }
  });
});
