/**
 * The relative URL that SNAP signatures cover (protocols.md §2.5).
 *
 * Default: the path (with the provider's prefix) and query exactly as sent, i.e.
 * `url.pathname + url.search` of the request URL.
 *
 * Opt-in: the Faspay SendMe canonical form, the only published spelling of the encoding rules:
 * - `A–Z a–z 0–9 - _ . ~` are never encoded; everything else is percent-encoded as UTF-8 with
 *   upper-case hex (space is `%20`, never `+`); `/` between path segments and `?`, `=`, `&`
 *   used as query syntax are kept;
 * - query parameters are sorted by name, then by value;
 * - an empty path is `/`.
 * Existing escapes are decoded first (so `%7e` becomes `~` and `%2f` becomes `%2F`); escapes
 * that are not valid UTF-8 are kept as bytes (`%FF`). A literal `+` is a plus sign (`%2B`).
 */

const HEX = '0123456789ABCDEF';
const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function percent(byte: number): string {
  return `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
}

const encoder = new TextEncoder();
// ignoreBOM: a decoded `%EF%BB%BF` (U+FEFF) at the start of an escape run is a character of the
// URL, not a byte-order mark to drop (the default decoder drops it, and the escape was lost).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function encodeChar(char: string): string {
  if (UNRESERVED.test(char)) return char;
  let out = '';
  for (const byte of encoder.encode(char)) out += percent(byte);
  return out;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 if the bytes there are not valid UTF-8. */
function utf8SequenceLength(bytes: readonly number[], i: number): number {
  const lead = bytes[i] as number;
  let length: number;
  let min: number;
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    min = 0x80;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    min = 0x800;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > bytes.length) return 0;
  let codePoint = lead & (0xff >> (length + 1));
  for (let k = 1; k < length; k++) {
    const next = bytes[i + k] as number;
    if ((next & 0xc0) !== 0x80) return 0;
    codePoint = (codePoint << 6) | (next & 0x3f);
  }
  if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return 0;
  return length;
}

/** Canonical form of one path segment, query name or query value. */
function canonicalComponent(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (
      text.charCodeAt(i) === 0x25 &&
      i + 2 < text.length &&
      isHexDigit(text.charCodeAt(i + 1)) &&
      isHexDigit(text.charCodeAt(i + 2))
    ) {
      // A run of %XX escapes: decode the valid UTF-8 sequences, keep invalid bytes as escapes.
      const bytes: number[] = [];
      while (
        i + 2 < text.length &&
        text.charCodeAt(i) === 0x25 &&
        isHexDigit(text.charCodeAt(i + 1)) &&
        isHexDigit(text.charCodeAt(i + 2))
      ) {
        bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
        i += 3;
      }
      let k = 0;
      while (k < bytes.length) {
        const length = utf8SequenceLength(bytes, k);
        if (length === 0) {
          out += percent(bytes[k] as number);
          k += 1;
        } else {
          out += encodeChar(decoder.decode(new Uint8Array(bytes.slice(k, k + length))));
          k += length;
        }
      }
      continue;
    }
    const codePoint = text.codePointAt(i) as number;
    const char = String.fromCodePoint(codePoint);
    // A lone surrogate cannot be UTF-8 encoded: it becomes U+FFFD, as TextEncoder does.
    out += encodeChar(codePoint >= 0xd800 && codePoint <= 0xdfff ? '\uFFFD' : char);
    i += char.length;
  }
  return out;
}

function splitTarget(url: string | URL): { path: string; query: string } {
  if (url instanceof URL) return { path: url.pathname, query: url.search.replace(/^\?/, '') };
  if (typeof url !== 'string') {
    throw new TypeError(
      `[@org/snap-auth] canonicalSnapRelativeUrl: expected a URL or a string, received ${typeof url}`,
    );
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url)) {
    const parsed = new URL(url);
    return { path: parsed.pathname, query: parsed.search.replace(/^\?/, '') };
  }
  const withoutFragment = url.split('#', 1)[0] as string;
  const question = withoutFragment.indexOf('?');
  return question < 0
    ? { path: withoutFragment, query: '' }
    : { path: withoutFragment.slice(0, question), query: withoutFragment.slice(question + 1) };
}

/**
 * The Faspay-style canonical relative URL (opt-in; see the module comment). Accepts a `URL`,
 * an absolute URL string, or a relative URL (`/path?query`).
 *
 * `canonicalSnapRelativeUrl('https://x.id/v1.0/a b?z=1&a=2')` → `/v1.0/a%20b?a=2&z=1`.
 */
export function canonicalSnapRelativeUrl(url: string | URL): string {
  const { path, query } = splitTarget(url);
  const canonicalPath = path.length === 0 ? '/' : path.split('/').map(canonicalComponent).join('/');
  const prefixedPath = canonicalPath.startsWith('/') ? canonicalPath : `/${canonicalPath}`;
  if (query.length === 0) return prefixedPath;
  const pairs = query
    .split('&')
    .filter((part) => part.length > 0)
    .map((part) => {
      const equals = part.indexOf('=');
      return equals < 0
        ? { name: canonicalComponent(part), value: undefined }
        : { name: canonicalComponent(part.slice(0, equals)), value: canonicalComponent(part.slice(equals + 1)) };
    });
  if (pairs.length === 0) return prefixedPath;
  pairs.sort((a, b) => compare(a.name, b.name) || compare(a.value ?? '', b.value ?? ''));
  return `${prefixedPath}?${pairs.map((p) => (p.value === undefined ? p.name : `${p.name}=${p.value}`)).join('&')}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The default: path and query exactly as sent. */
export function relativeUrlAsSent(url: URL): string {
  return url.pathname + url.search;
}
