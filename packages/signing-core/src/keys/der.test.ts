import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contentOf,
  DerError,
  derBitString,
  derElement,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  oidToString,
  positiveIntegerBitLength,
  readChildren,
  readElement,
  readRoot,
  TAG,
} from './der.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

describe('DER writer', () => {
  it.each([
    [derNull(), '0500'],
    [derInteger(0), '020100'],
    [derInteger(127), '02017f'],
    [derInteger(128), '02020080'],
    [derInteger(65537), '0203010001'],
    [derInteger(fromHex('0000ff')), '020200ff'],
    [derInteger(new Uint8Array(0)), '020100'],
    [derOctetString(fromHex('abcd')), '0402abcd'],
    [derBitString(fromHex('ff')), '030200ff'],
    [derOid('1.2.840.113549.1.1.1'), '06092a864886f70d010101'],
    [derOid('1.3.101.112'), '06032b6570'],
    [derSequence(derInteger(1), derNull()), '30050201010500'],
    [derOctetString(new Uint8Array(200)), `0481c8${'00'.repeat(200)}`],
    [derOctetString(new Uint8Array(300)), `0482012c${'00'.repeat(300)}`],
  ])('encodes %#', (encoded, expected) => {
    expect(hex(encoded)).toBe(expected);
  });

  it('rejects invalid OIDs', () => {
    expect(() => derOid('3.1')).toThrow(RangeError);
    expect(() => derOid('1.40')).toThrow(RangeError);
    expect(() => derOid('1')).toThrow(RangeError);
    expect(() => derOid('1.2.x')).toThrow(RangeError);
  });
});

describe('DER reader', () => {
  it('reads nested elements and their offsets', () => {
    const der = derSequence(
      derInteger(0),
      derSequence(derOid('1.2.840.113549.1.1.1'), derNull()),
      derOctetString(new Uint8Array(130)),
    );
    const root = readRoot(der);
    expect(root).toEqual({ tag: TAG.SEQUENCE, start: 0, contentStart: 3, end: der.length });
    const [version, algorithm, octets] = readChildren(der, root);
    expect(version?.tag).toBe(TAG.INTEGER);
    const [oid] = algorithm === undefined ? [] : readChildren(der, algorithm);
    expect(oid && oidToString(contentOf(der, oid))).toBe('1.2.840.113549.1.1.1');
    expect(octets && contentOf(der, octets).length).toBe(130);
  });

  it.each([
    ['empty input', ''],
    ['a tag without a length', '30'],
    ['indefinite length', '3080020100' + '0000'],
    ['a length past the end', '3005020100'],
    ['a long-form length past the end', '308201'],
    ['a 5-octet length', '3085000000000100'],
    ['a non-minimal long-form length', '30810100'],
    ['a long-form length with a leading zero', '3082000100'],
    ['a multi-octet tag', '1f0100'],
    ['trailing bytes', '050000'],
  ])('rejects %s', (_, input) => {
    expect(() => readRoot(fromHex(input))).toThrow(DerError);
  });

  it('keeps children inside their parent', () => {
    // SEQUENCE of length 2 whose child claims 3 content bytes.
    const der = fromHex('3002040300000000');
    const root = readElement(der, 0);
    expect(() => readChildren(der, root)).toThrow(/runs past the end/);
  });

  it('refuses to read children of a primitive element', () => {
    const der = derOctetString(derNull());
    expect(() => readChildren(der, readRoot(der))).toThrow(/not constructed/);
  });

  it.each([
    ['00ff', 8],
    ['0100', 9],
    ['7f', 7],
    ['000001', 1],
  ])('bit length of INTEGER %s is %i', (content, bits) => {
    expect(positiveIntegerBitLength(fromHex(content))).toBe(bits);
  });

  it.each(['', '80', '00', '0000'])('rejects INTEGER %s where a positive one is required', (content) => {
    expect(() => positiveIntegerBitLength(fromHex(content))).toThrow(DerError);
  });

  it.each(['', '2a86', '8001', '7fffffffffffffffff01'])('oidToString rejects malformed OID %s', (content) => {
    expect(oidToString(fromHex(content))).toBeUndefined();
  });

  it('round-trips OIDs and elements (property)', () => {
    const oid = fc
      .tuple(fc.constantFrom(0, 1, 2), fc.nat({ max: 39 }), fc.array(fc.nat(), { maxLength: 8 }))
      .map(([a, b, rest]) => [a, b, ...rest].join('.'));
    fc.assert(
      fc.property(oid, (dotted) => {
        const der = derOid(dotted);
        expect(oidToString(contentOf(der, readRoot(der)))).toBe(dotted);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xdf }), fc.uint8Array({ maxLength: 70_000 }), (tag, content) => {
        fc.pre((tag & 0x1f) !== 0x1f);
        const der = derElement(tag, content);
        const element = readRoot(der);
        expect(element.tag).toBe(tag);
        expect(contentOf(der, element)).toEqual(content);
      }),
      { numRuns: 50 },
    );
  });
});
