/**
 * A minimal, defensive DER (ITU-T X.690) reader and writer: just enough to recognise RSA key
 * structures and to wrap PKCS#1 keys into PKCS#8 / SPKI. Not a general ASN.1 library.
 *
 * The reader never recurses on its own and never trusts a length: every TLV must fit inside its
 * parent, lengths use the shortest (DER) form, and indefinite lengths (BER) are rejected. All
 * failures throw `DerError`, which callers turn into a `KeyFormatError`. Its messages name only
 * offsets and reasons, never content bytes.
 */

/** Universal tags used by key structures (X.690 §8, X.680 §8.4). */
export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  /** `[0]` constructed, context-specific (e.g. the X.509 `version` field). */
  CONTEXT_0: 0xa0,
} as const;

/** Malformed DER. Internal: never leaves this folder. */
export class DerError extends Error {
  override name = 'DerError';
}

/** One tag-length-value element, as offsets into the buffer it was read from. */
export interface DerElement {
  /** The full identifier octet (class, constructed bit and tag number). */
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just past the last content octet. */
  readonly end: number;
}

/** Longest long-form length we accept: 4 octets is far beyond any key we read. */
const MAX_LENGTH_OCTETS = 4;

/** Reads the TLV at `offset`, which must end at or before `limit`. */
export function readElement(der: Uint8Array, offset: number, limit: number = der.length): DerElement {
  if (offset >= limit) throw new DerError(`expected an element at offset ${offset} but the data ends`);
  const tag = der[offset] as number;
  // Tag numbers >= 31 use the multi-octet form (X.690 §8.1.2.4); no key structure needs them.
  if ((tag & 0x1f) === 0x1f) throw new DerError(`unsupported multi-octet tag at offset ${offset}`);
  let pos = offset + 1;
  if (pos >= limit) throw new DerError(`missing length at offset ${pos}`);
  const first = der[pos++] as number;
  let length: number;
  if (first < 0x80) {
    length = first; // short form (X.690 §8.1.3.4)
  } else if (first === 0x80) {
    throw new DerError(`indefinite length at offset ${pos - 1} (BER, not DER)`);
  } else {
    // Long form (X.690 §8.1.3.5); DER requires the minimum number of octets (X.690 §10.1).
    const count = first & 0x7f;
    if (count > MAX_LENGTH_OCTETS) throw new DerError(`length of ${count} octets at offset ${pos - 1} is too long`);
    if (pos + count > limit) throw new DerError(`length at offset ${pos - 1} runs past the end`);
    if (der[pos] === 0) throw new DerError(`non-minimal length at offset ${pos - 1}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[pos++] as number);
    if (length < 0x80) throw new DerError(`non-minimal length at offset ${offset + 1}`);
  }
  if (length > limit - pos) throw new DerError(`element at offset ${offset} runs past the end`);
  return { tag, start: offset, contentStart: pos, end: pos + length };
}

/** Reads `der` as exactly one element, with nothing after it. */
export function readRoot(der: Uint8Array): DerElement {
  const root = readElement(der, 0);
  if (root.end !== der.length) throw new DerError(`${der.length - root.end} unexpected bytes after the data`);
  return root;
}

/** The elements directly inside a constructed element; its content must be exactly these TLVs. */
export function readChildren(der: Uint8Array, parent: DerElement): DerElement[] {
  if ((parent.tag & 0x20) === 0) throw new DerError(`element at offset ${parent.start} is not constructed`);
  const children: DerElement[] = [];
  for (let pos = parent.contentStart; pos < parent.end; ) {
    const child = readElement(der, pos, parent.end);
    children.push(child);
    pos = child.end;
  }
  return children;
}

/** A view of the element's content octets (no copy). */
export function contentOf(der: Uint8Array, element: DerElement): Uint8Array {
  return der.subarray(element.contentStart, element.end);
}

/** A view of the whole element, identifier and length included (no copy). */
export function encodingOf(der: Uint8Array, element: DerElement): Uint8Array {
  return der.subarray(element.start, element.end);
}

/** Throws unless `element` exists and has tag `tag`. */
export function expectTag(element: DerElement | undefined, tag: number, what: string): DerElement {
  if (element === undefined) throw new DerError(`missing ${what}`);
  if (element.tag !== tag) throw new DerError(`${what} at offset ${element.start} has the wrong type`);
  return element;
}

/** True when the element is an INTEGER whose value is the small non-negative number `value`. */
export function isSmallInteger(der: Uint8Array, element: DerElement | undefined, value: number): boolean {
  return (
    element !== undefined &&
    element.tag === TAG.INTEGER &&
    element.end - element.contentStart === 1 &&
    der[element.contentStart] === value
  );
}

/**
 * Bit length of a positive INTEGER's value (X.690 §8.3: two's complement, big-endian), ignoring
 * leading zero octets. Throws on an empty, negative or zero INTEGER.
 */
export function positiveIntegerBitLength(content: Uint8Array): number {
  if (content.length === 0) throw new DerError('empty INTEGER');
  if ((content[0] as number) & 0x80) throw new DerError('negative INTEGER where a positive one is required');
  let i = 0;
  while (i < content.length && content[i] === 0) i++;
  if (i === content.length) throw new DerError('zero INTEGER where a positive one is required');
  return (content.length - i - 1) * 8 + (32 - Math.clz32(content[i] as number));
}

/**
 * Dotted form of an OBJECT IDENTIFIER's content (X.690 §8.19), or `undefined` when it is
 * malformed or has an arc too large for a JavaScript number.
 */
export function oidToString(content: Uint8Array): string | undefined {
  const arcs: number[] = [];
  let value = 0;
  let started = false;
  for (let i = 0; i < content.length; i++) {
    const byte = content[i] as number;
    if (!started && byte === 0x80) return undefined; // leading 0x80 is non-minimal (§8.19.2)
    started = true;
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) return undefined;
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        // The first subidentifier packs the first two arcs (§8.19.4).
        const first = value < 40 ? 0 : value < 80 ? 1 : 2;
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
      started = false;
    }
  }
  return arcs.length === 0 || started ? undefined : arcs.join('.');
}

// ---------------------------------------------------------------------------------------------
// Writer

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n % 256);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

/** One DER element with the given identifier octet and the concatenation of `parts` as content. */
export function derElement(tag: number, ...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) length += part.length;
  const header = encodeLength(length);
  const out = new Uint8Array(1 + header.length + length);
  out[0] = tag;
  out.set(header, 1);
  let pos = 1 + header.length;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/** SEQUENCE of already-encoded elements. */
export function derSequence(...elements: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  return derElement(TAG.SEQUENCE, ...elements);
}

/**
 * INTEGER from a small non-negative number, or from the big-endian magnitude of a non-negative
 * integer (leading zeros are dropped and one 0x00 is added when the top bit is set, §8.3.2).
 */
export function derInteger(value: number | Uint8Array): Uint8Array<ArrayBuffer> {
  let magnitude: Uint8Array;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError('derInteger expects a non-negative safe integer');
    const octets: number[] = [];
    for (let n = value; n > 0; n = Math.floor(n / 256)) octets.unshift(n % 256);
    magnitude = Uint8Array.from(octets);
  } else {
    let i = 0;
    while (i < value.length && value[i] === 0) i++;
    magnitude = value.subarray(i);
  }
  if (magnitude.length === 0) return Uint8Array.of(TAG.INTEGER, 1, 0);
  return (magnitude[0] as number) & 0x80
    ? derElement(TAG.INTEGER, Uint8Array.of(0), magnitude)
    : derElement(TAG.INTEGER, magnitude);
}

/** OCTET STRING. */
export function derOctetString(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return derElement(TAG.OCTET_STRING, bytes);
}

/** NULL. */
export function derNull(): Uint8Array<ArrayBuffer> {
  return Uint8Array.of(TAG.NULL, 0);
}

/** BIT STRING holding whole octets (`unusedBits` = 0, §8.6.2) unless told otherwise. */
export function derBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array<ArrayBuffer> {
  return derElement(TAG.BIT_STRING, Uint8Array.of(unusedBits), bytes);
}

/** OBJECT IDENTIFIER from its dotted form, e.g. `1.2.840.113549.1.1.1` (§8.19). */
export function derOid(dotted: string): Uint8Array<ArrayBuffer> {
  const arcs = dotted.split('.').map(Number);
  const [first, second, ...rest] = arcs;
  if (
    first === undefined ||
    second === undefined ||
    first > 2 ||
    (first < 2 && second >= 40) ||
    !arcs.every((arc) => Number.isSafeInteger(arc) && arc >= 0)
  ) {
    throw new RangeError(`invalid OID ${dotted}`);
  }
  const octets: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const base128: number[] = [arc % 128];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) base128.unshift(0x80 | (n % 128));
    octets.push(...base128);
  }
  return derElement(TAG.OID, Uint8Array.from(octets));
}
