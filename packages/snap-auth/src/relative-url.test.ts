import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalSnapRelativeUrl, relativeUrlAsSent } from './protocol/relative-url.js';

describe('canonicalSnapRelativeUrl (Faspay rules, opt-in)', () => {
  it.each([
    ['https://example.com', '/'],
    ['https://example.com/', '/'],
    ['https://sandbox-api.espay.id/api/v1.0/qr/qr-mpm-generate', '/api/v1.0/qr/qr-mpm-generate'],
    ['/v1.0/a b', '/v1.0/a%20b'],
    ['/v1.0/x?z=1&a=2&m=3', '/v1.0/x?a=2&m=3&z=1'],
    ['/x?b=2&a=2&a=1', '/x?a=1&a=2&b=2'],
    ['/x?q=a+b&r=c d', '/x?q=a%2Bb&r=c%20d'],
    ['/x?q=%7e%2f%41', '/x?q=~%2FA'],
    ['/caf%c3%a9/€', '/caf%C3%A9/%E2%82%AC'],
    ["/x/!'()*", '/x/%21%27%28%29%2A'],
    ['/x?bad=%FF%41', '/x?bad=%FFA'],
    ['/x?flag&a=1', '/x?a=1&flag'],
    ['/x?', '/x'],
    ['/x?&&', '/x'],
    ['/x#frag', '/x'],
    ['/x?a=1%', '/x?a=1%25'],
    ['v1.0/x', '/v1.0/x'],
    // U+FEFF is a character here, not a byte-order mark (fast-check found it dropped).
    ['/?=\uFEFF', '/?=%EF%BB%BF'],
    ['/?=%EF%BB%BF', '/?=%EF%BB%BF'],
    ['/%EF%BB%BFa', '/%EF%BB%BFa'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalSnapRelativeUrl(input)).toBe(expected);
  });

  it('accepts a URL object (already normalised by the URL parser)', () => {
    expect(canonicalSnapRelativeUrl(new URL('https://h.id/a b/?y=2&x=1'))).toBe('/a%20b/?x=1&y=2');
  });

  it('rejects non-strings', () => {
    expect(() => canonicalSnapRelativeUrl(42 as never)).toThrow(TypeError);
  });

  it('keeps path and query as sent by default', () => {
    expect(relativeUrlAsSent(new URL('https://h.id/api/v1.0/x?z=1&a=2'))).toBe('/api/v1.0/x?z=1&a=2');
  });

  const target = fc
    .tuple(
      fc.array(fc.string({ maxLength: 8, unit: 'binary' }), { maxLength: 4 }),
      fc.array(fc.tuple(fc.string({ maxLength: 6, unit: 'binary' }), fc.string({ maxLength: 6, unit: 'binary' })), {
        maxLength: 4,
      }),
    )
    .map(
      ([segments, pairs]) =>
        `/${segments.join('/')}${pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''}`,
    );

  it('is idempotent and only emits unreserved characters, escapes and syntax (property)', () => {
    fc.assert(
      fc.property(target, (input) => {
        const once = canonicalSnapRelativeUrl(input);
        expect(canonicalSnapRelativeUrl(once)).toBe(once);
        expect(once).toMatch(/^\/(?:[A-Za-z0-9\-_.~/?=&]|%[0-9A-F]{2})*$/);
      }),
      { numRuns: 500 },
    );
  });

  it('sorts query parameters by name, then value (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,3}$/), fc.stringMatching(/^[a-z0-9]{0,3}$/)), {
          minLength: 1,
          maxLength: 8,
        }),
        (pairs) => {
          const query = canonicalSnapRelativeUrl(`/x?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`).split('?')[1];
          const sorted = [...pairs].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
          expect(query).toBe(sorted.map(([k, v]) => `${k}=${v}`).join('&'));
        },
      ),
    );
  });

  it('preserves meaning: decoding a canonical component gives the original text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const wellFormed = text.replace(/[\uD800-\uDFFF]/g, '\uFFFD').replace(/[/?#&=%]/g, '');
        const canonical = canonicalSnapRelativeUrl(`/${wellFormed}`);
        expect(decodeURIComponent(canonical.slice(1))).toBe(wellFormed);
      }),
      { numRuns: 300 },
    );
  });
});
