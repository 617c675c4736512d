import { describe, expect, it } from 'vitest';
import { bodyVariants } from './variants.js';

const php = (body: string, options?: { minified?: boolean }) =>
  Object.fromEntries(
    bodyVariants(body, options)
      .filter((variant) => variant.description.includes('PHP'))
      .map((variant) => [variant.description, variant.value]),
  );

describe('bodyVariants: PHP json_encode', () => {
  it('escapes slashes as \\/ and non-ASCII as lower-case \\uXXXX (UTF-16), alone or together, minified', () => {
    expect(php('{ "url": "https://x.example/a", "name": "Zoë 😀" }')).toEqual({
      'the body as PHP json_encode writes it (\\/ and \\uXXXX escapes)':
        '{"url":"https:\\/\\/x.example\\/a","name":"Zo\\u00eb \\ud83d\\ude00"}',
      'the body as PHP json_encode(…, JSON_UNESCAPED_UNICODE) writes it (\\/ escapes)':
        '{"url":"https:\\/\\/x.example\\/a","name":"Zoë 😀"}',
      'the body as PHP json_encode(…, JSON_UNESCAPED_SLASHES) writes it (\\uXXXX escapes)':
        '{"url":"https://x.example/a","name":"Zo\\u00eb \\ud83d\\ude00"}',
    });
  });

  it('escapes inside keys too, keeps the escapes already there, and escapes U+2028 even with JSON_UNESCAPED_UNICODE', () => {
    const variants = Object.values(php('{"a/b":"x\\"/\\u00e9\\\\","c":"\u2028"}'));
    expect(variants).toEqual([
      '{"a\\/b":"x\\"\\/\\u00e9\\\\","c":"\\u2028"}',
      '{"a/b":"x\\"/\\u00e9\\\\","c":"\\u2028"}',
    ]);
  });

  it('adds nothing when PHP would write the same bytes, or when the body is not JSON', () => {
    expect(php('{"amount":"10.00","currency":"IDR"}')).toEqual({});
    expect(php('not json / é')).toEqual({});
  });

  it('is offered to SNAP too, where the body is minified before hashing', () => {
    expect(Object.keys(php('{"url":"/a"}', { minified: false }))).toEqual([
      'the body as PHP json_encode writes it (\\/ and \\uXXXX escapes)',
    ]);
  });
});
