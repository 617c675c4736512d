import { createPublicKey, generateKeyPairSync, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readRepoFile, readVectors, vectorById } from '@org/vitest-config/vectors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alterField, pkcs1Der, toPem, toPkcs8 } from '../__fixtures__/broken-keys.js';
import { KeyFormatError } from '../errors/errors.js';
import { derBitString, derElement, derInteger, derNull, derOctetString, derOid, derSequence } from './der.js';
import { parseRsaPrivateKey, parseRsaPublicKey } from './parse-key.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../__fixtures__/keys/${name}`, import.meta.url), 'utf8');

const bytes = (buffer: Uint8Array): Uint8Array => new Uint8Array(buffer);

/** The base64 body of a PEM (everything between the BEGIN and END lines, whitespace removed). */
function pemBody(pem: string): string {
  return pem
    .split('\n')
    .filter((line) => !line.startsWith('-----') && !line.includes(':'))
    .join('')
    .trim();
}

interface RsaFixture {
  readonly bits: number;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

function rsa(bits: number): RsaFixture {
  return { bits, ...generateKeyPairSync('rsa', { modulusLength: bits }) };
}

// 4096 is slow to generate: once for the whole file.
const KEYS: readonly RsaFixture[] = [rsa(1024), rsa(2048), rsa(4096)];
const KEY_2048 = KEYS[1] as RsaFixture;

/** Every accepted private-key encoding node can export. */
function privateForms(key: KeyObject): Record<string, string | Uint8Array> {
  return {
    'PKCS#8 PEM': key.export({ type: 'pkcs8', format: 'pem' }) as string,
    'PKCS#8 DER': bytes(key.export({ type: 'pkcs8', format: 'der' })),
    'PKCS#1 PEM': key.export({ type: 'pkcs1', format: 'pem' }) as string,
    'PKCS#1 DER': bytes(key.export({ type: 'pkcs1', format: 'der' })),
  };
}

function publicForms(key: KeyObject): Record<string, string | Uint8Array> {
  return {
    'SPKI PEM': key.export({ type: 'spki', format: 'pem' }) as string,
    'SPKI DER': bytes(key.export({ type: 'spki', format: 'der' })),
    'PKCS#1 PEM': key.export({ type: 'pkcs1', format: 'pem' }) as string,
    'PKCS#1 DER': bytes(key.export({ type: 'pkcs1', format: 'der' })),
  };
}

/** Runs `fn`, expects a KeyFormatError and returns it. */
function keyError(fn: () => unknown): KeyFormatError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KeyFormatError);
    const keyFormatError = error as KeyFormatError;
    expect(keyFormatError.code).toBe('ERR_KEY_FORMAT');
    expect(keyFormatError.found.length).toBeGreaterThan(0);
    expect(keyFormatError.message).toContain(`found ${keyFormatError.found}.`);
    expect(keyFormatError.message).toContain('Accepted: ');
    return keyFormatError;
  }
  throw new Error('expected a KeyFormatError, but nothing was thrown');
}

/** Fails if the error's message, `found` or JSON holds any 16 consecutive characters of `body`. */
function expectNoKeyMaterial(error: KeyFormatError, body: string): void {
  const texts = [error.message, error.found, JSON.stringify(error)];
  for (let i = 0; i + 16 <= body.length; i++) {
    const window = body.slice(i, i + 16);
    for (const text of texts) {
      if (text.includes(window)) throw new Error(`error text contains key material at body offset ${i}`);
    }
  }
}

describe('parseRsaPrivateKey', () => {
  describe.each(KEYS)('RSA-$bits', ({ bits, privateKey }) => {
    const pkcs8 = bytes(privateKey.export({ type: 'pkcs8', format: 'der' }));
    it.each(Object.entries(privateForms(privateKey)))('%s → the PKCS#8 DER node exports', (_, input) => {
      const parsed = parseRsaPrivateKey(input);
      expect(parsed.der).toEqual(pkcs8);
      expect(parsed.modulusBits).toBe(bits);
    });
  });

  const pkcs8Pem = KEY_2048.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const pkcs1Pem = KEY_2048.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  const expected = bytes(KEY_2048.privateKey.export({ type: 'pkcs8', format: 'der' }));

  it.each([
    ['literal \\n (env var)', pkcs8Pem.replaceAll('\n', '\\n')],
    ['literal \\r\\n (env var)', pkcs1Pem.replaceAll('\n', '\\r\\n')],
    ['CRLF line endings', pkcs1Pem.replaceAll('\n', '\r\n')],
    ['CR line endings', pkcs8Pem.replaceAll('\n', '\r')],
    ['surrounding whitespace', `\n\t  ${pkcs8Pem}  \n\n`],
    ['a BOM', `\uFEFF${pkcs8Pem}`],
    ['leading text and trailing text', `Bag Attributes\n  friendlyName: k\n${pkcs1Pem}trailing note\n`],
    ['an env-style value in quotes', `"${pkcs8Pem.replaceAll('\n', '\\n')}"`],
    ['one line with spaces for newlines', pkcs8Pem.replaceAll('\n', ' ')],
    ['a bare PKCS#8 base64 body', pemBody(pkcs8Pem)],
    ['a bare PKCS#1 base64 body', pemBody(pkcs1Pem)],
    ['a bare base64 body with line breaks', pkcs8Pem.split('\n').slice(1, -2).join('\n')],
    ['PEM given as bytes', new TextEncoder().encode(pkcs1Pem)],
  ])('accepts %s', (_, input) => {
    expect(parseRsaPrivateKey(input).der).toEqual(expected);
  });

  it('returns a plain Uint8Array copy, even for a Buffer input', () => {
    const input = KEY_2048.privateKey.export({ type: 'pkcs8', format: 'der' });
    const parsed = parseRsaPrivateKey(input);
    expect(Object.getPrototypeOf(parsed.der)).toBe(Uint8Array.prototype);
    input.fill(0);
    expect(parsed.der).toEqual(expected);
  });

  it('parses the SNAP-B2B-1 key and reproduces its published signature through WebCrypto', async () => {
    const b2b1 = vectorById(readVectors('snap'), 'SNAP-B2B-1', 'access-token');
    const parsed = parseRsaPrivateKey(readRepoFile(b2b1.inputs.privateKeyFile));
    expect(parsed.modulusBits).toBe(2048);
    const key = await crypto.subtle.importKey(
      'pkcs8',
      parsed.der,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(b2b1.stringToSign));
    expect(Buffer.from(signature).toString('base64')).toBe(b2b1.expected.signature);
  });

  it('WebCrypto imports the PKCS#8 wrapped from PKCS#1', async () => {
    const parsed = parseRsaPrivateKey(KEY_2048.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
    const key = await crypto.subtle.importKey(
      'pkcs8',
      parsed.der,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      true,
      ['sign'],
    );
    expect(key.type).toBe('private');
  });
});

describe('parseRsaPublicKey', () => {
  describe.each(KEYS)('RSA-$bits', ({ bits, publicKey }) => {
    const spki = bytes(publicKey.export({ type: 'spki', format: 'der' }));
    it.each(Object.entries(publicForms(publicKey)))('%s → the SPKI DER node exports', (_, input) => {
      const parsed = parseRsaPublicKey(input);
      expect(parsed.der).toEqual(spki);
      expect(parsed.modulusBits).toBe(bits);
    });
  });

  const spkiPem = KEY_2048.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const pkcs1Pem = KEY_2048.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  const expected = bytes(KEY_2048.publicKey.export({ type: 'spki', format: 'der' }));

  it.each([
    ['literal \\n (env var)', pkcs1Pem.replaceAll('\n', '\\n')],
    ['CRLF line endings', spkiPem.replaceAll('\n', '\r\n')],
    ['a bare SPKI base64 body', pemBody(spkiPem)],
    ['a bare PKCS#1 base64 body', pemBody(pkcs1Pem)],
    ['leading text', `public key of the bank:\n${spkiPem}`],
  ])('accepts %s', (_, input) => {
    expect(parseRsaPublicKey(input).der).toEqual(expected);
  });

  describe('X.509 certificate', () => {
    const certPem = fixture('rsa-cert.pem');
    const certificate = new X509Certificate(certPem);
    const spki = bytes(certificate.publicKey.export({ type: 'spki', format: 'der' }));

    it.each([
      ['PEM', certPem],
      ['PEM with literal \\n', certPem.replaceAll('\n', '\\n')],
      ['bare base64 body', pemBody(certPem)],
      ['DER bytes', bytes(certificate.raw)],
    ])('extracts subjectPublicKeyInfo from the certificate %s', (_, input) => {
      const parsed = parseRsaPublicKey(input);
      expect(parsed.der).toEqual(spki);
      expect(parsed.modulusBits).toBe(2048);
    });
  });
});

describe('rejections', () => {
  const ecPkcs8 = fixture('ec-p256-pkcs8.pem');
  const ecSec1 = fixture('ec-p256-sec1.pem');
  const ecSpki = fixture('ec-p256-spki.pem');
  const edPkcs8 = fixture('ed25519-pkcs8.pem');
  const edSpki = fixture('ed25519-spki.pem');
  const encryptedPkcs8 = fixture('rsa-encrypted-pkcs8.pem');
  const encryptedPkcs1 = fixture('rsa-encrypted-pkcs1.pem');
  const small = fixture('rsa-512-pkcs1.pem');
  const cert = fixture('rsa-cert.pem');
  const pkcs8Pem = KEY_2048.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const pkcs1Pem = KEY_2048.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  const spkiPem = KEY_2048.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const pkcs1PublicPem = KEY_2048.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  const lines = pkcs8Pem.trim().split('\n');

  /** A PKCS#1 key whose modulus has `bits` bits (values are not a real key: only sizes are checked). */
  const oversized = (bits: number) => {
    const modulus = new Uint8Array(bits / 8).fill(0xab);
    const ints = [derInteger(0), derInteger(modulus), derInteger(65537)];
    for (let i = 0; i < 6; i++) ints.push(derInteger(modulus.subarray(0, bits / 16)));
    return { pub: derSequence(derInteger(modulus), derInteger(65537)), priv: derSequence(...ints) };
  };

  type Case = readonly [name: string, parse: typeof parseRsaPrivateKey, input: string | Uint8Array, message: RegExp];
  const cases: readonly Case[] = [
    [
      'encrypted PKCS#8 PEM',
      parseRsaPrivateKey,
      encryptedPkcs8,
      /encrypted PKCS#8.*Decrypt it first.*openssl pkcs8 -topk8 -nocrypt/,
    ],
    [
      'encrypted PKCS#1 PEM (Proc-Type)',
      parseRsaPrivateKey,
      encryptedPkcs1,
      /encrypted PEM.*Proc-Type: 4,ENCRYPTED.*Decrypt it first/,
    ],
    [
      'encrypted PKCS#8 DER',
      parseRsaPrivateKey,
      bytes(Buffer.from(pemBody(encryptedPkcs8), 'base64')),
      /encrypted PKCS#8.*Decrypt/,
    ],
    [
      'EC private key (SEC 1 PEM)',
      parseRsaPrivateKey,
      ecSec1,
      /found an EC key .*"EC PRIVATE KEY".*RSA key is required/,
    ],
    [
      'EC private key (PKCS#8 PEM)',
      parseRsaPrivateKey,
      ecPkcs8,
      /found an EC private key \(PKCS#8\).*RSA key is required/,
    ],
    ['EC private key (SEC 1 base64)', parseRsaPrivateKey, pemBody(ecSec1), /found an EC private key \(SEC 1\)/],
    ['EC public key', parseRsaPublicKey, ecSpki, /found an EC public key \(SPKI\).*RSA key is required/],
    ['Ed25519 private key', parseRsaPrivateKey, edPkcs8, /found an Ed25519 private key.*RSA key is required/],
    ['Ed25519 public key', parseRsaPublicKey, edSpki, /found an Ed25519 public key/],
    [
      'certificate as a private key',
      parseRsaPrivateKey,
      cert,
      /found an X\.509 certificate\. A certificate holds only a public key/,
    ],
    ['SPKI as a private key', parseRsaPrivateKey, spkiPem, /found an RSA public key \(SPKI\).*private key is required/],
    ['PKCS#1 public as a private key', parseRsaPrivateKey, pkcs1PublicPem, /found an RSA public key \(PKCS#1\)/],
    [
      'PKCS#8 as a public key',
      parseRsaPublicKey,
      pkcs8Pem,
      /found an RSA private key \(PKCS#8\).*public key is required.*-pubout/,
    ],
    ['PKCS#1 private as a public key', parseRsaPublicKey, pkcs1Pem, /found an RSA private key \(PKCS#1\)/],
    ['EC key as a public key', parseRsaPublicKey, ecSec1, /found an EC key/],
    [
      'mismatched BEGIN/END labels',
      parseRsaPrivateKey,
      pkcs8Pem.replace('END PRIVATE KEY', 'END RSA PRIVATE KEY'),
      /labelled "PRIVATE KEY" whose END line says "RSA PRIVATE KEY"/,
    ],
    [
      'missing END line',
      parseRsaPrivateKey,
      lines.slice(0, -1).join('\n'),
      /labelled "PRIVATE KEY" without an END line/,
    ],
    ['END line without BEGIN', parseRsaPrivateKey, lines.slice(1).join('\n'), /END line without a BEGIN line/],
    [
      'truncated PEM body',
      parseRsaPrivateKey,
      [...lines.slice(0, 10), lines.at(-1)].join('\n'),
      /"PRIVATE KEY" whose body is truncated or not base64/,
    ],
    [
      'truncated PEM body (length a multiple of 4)',
      parseRsaPrivateKey,
      [...lines.slice(0, 12), lines.at(-1)].join('\n'),
      /truncated or not base64/,
    ],
    ['garbage text', parseRsaPrivateKey, 'this is not a key, sorry!', /found text that is truncated or not base64/],
    ['a path instead of the key', parseRsaPrivateKey, './keys/private.pem', /truncated or not base64/],
    [
      'truncated DER',
      parseRsaPrivateKey,
      bytes(KEY_2048.privateKey.export({ type: 'pkcs8', format: 'der' })).slice(0, 600),
      /bytes that are truncated or not DER/,
    ],
    [
      'random bytes',
      parseRsaPublicKey,
      Uint8Array.from([0x30, 0x80, 1, 2, 3]),
      /truncated or not DER.*indefinite length/,
    ],
    [
      'a 512-bit key',
      parseRsaPrivateKey,
      small,
      /found a 512-bit RSA key\. That is too small: the minimum is 1024 bits/,
    ],
    [
      'a 512-bit public key',
      parseRsaPublicKey,
      bytes(createPublicKey(small).export({ type: 'spki', format: 'der' })),
      /found a 512-bit RSA key\. That is too small/,
    ],
    [
      'an 8192-bit private key',
      parseRsaPrivateKey,
      oversized(8192).priv,
      /found an 8192-bit RSA key\. That is too large: the maximum is 4096 bits/,
    ],
    [
      'a 4104-bit public key',
      parseRsaPublicKey,
      oversized(4104).pub,
      /4104-bit RSA key\. That is too large: the maximum is 4096 bits/,
    ],
    ['empty string', parseRsaPrivateKey, '', /found an empty string/],
    ['only whitespace', parseRsaPublicKey, ' \n\\n\t', /found a string of only whitespace/],
    ['empty bytes', parseRsaPrivateKey, new Uint8Array(0), /found an empty byte array/],
    [
      'unknown PEM label',
      parseRsaPublicKey,
      '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----',
      /labelled "CERTIFICATE REQUEST"/,
    ],
    [
      'OpenSSH private key',
      parseRsaPrivateKey,
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----',
      /OpenSSH private key.*ssh-keygen/,
    ],
    ['OpenSSH public key', parseRsaPublicKey, 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ user@host', /OpenSSH public key/],
    ['a JWK', parseRsaPublicKey, '{"kty":"RSA","n":"abc","e":"AQAB"}', /JSON text/],
    [
      'empty PEM body',
      parseRsaPrivateKey,
      '-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----',
      /with an empty body/,
    ],
    ['input over 64 KiB', parseRsaPrivateKey, 'A'.repeat(70_000), /found 70000 characters of text/],
    ['bytes over 64 KiB', parseRsaPublicKey, new Uint8Array(70_000), /found 70000 bytes/],
    ['a non-key DER structure', parseRsaPrivateKey, derSequence(derNull(), derNull()), /DER that is not a key/],
    [
      'an RSA-PSS key',
      parseRsaPublicKey,
      derSequence(derSequence(derOid('1.2.840.113549.1.1.10')), derBitString(oversized(2048).pub)),
      /found an RSA-PSS public key/,
    ],
    [
      'an unknown algorithm',
      parseRsaPublicKey,
      derSequence(derSequence(derOid('1.2.3.4.5'), derNull()), derBitString(new Uint8Array(4))),
      /public key \(SPKI\) with algorithm OID 1\.2\.3\.4\.5/,
    ],
    [
      'rsaEncryption with non-NULL parameters',
      parseRsaPublicKey,
      derSequence(
        derSequence(derOid('1.2.840.113549.1.1.1'), derOctetString(new Uint8Array(1))),
        derBitString(oversized(2048).pub),
      ),
      /parameters are not NULL/,
    ],
  ];

  it.each(cases)('%s', (_, parse, input, message) => {
    const error = keyError(() => parse(input));
    expect(error.message).toMatch(message);
    expect(error.found.length).toBeLessThan(120);
  });

  it('rejects values that are neither strings nor bytes', () => {
    expect(keyError(() => parseRsaPrivateKey(null as never)).found).toBe('a value of type null');
    expect(keyError(() => parseRsaPublicKey(42 as never)).found).toBe('a value of type number');
  });

  it('rejects a certificate holding an EC key', () => {
    // Shape-valid (not signed): TBSCertificate { [0] version, serial, signature, issuer, validity, subject, spki }.
    const sha256WithRsa = derSequence(derOid('1.2.840.113549.1.1.11'), derNull());
    const tbs = derSequence(
      derElement(0xa0, derInteger(2)),
      derInteger(1),
      sha256WithRsa,
      derSequence(),
      derSequence(),
      derSequence(),
      bytes(Buffer.from(pemBody(ecSpki), 'base64')),
    );
    const certificate = derSequence(tbs, sha256WithRsa, derBitString(new Uint8Array(8)));
    expect(keyError(() => parseRsaPublicKey(certificate)).found).toBe('an X.509 certificate for an EC key');
  });

  describe('no key material in errors', () => {
    const leaky: readonly (readonly [string, typeof parseRsaPrivateKey, string])[] = [
      ['encrypted PKCS#8', parseRsaPrivateKey, encryptedPkcs8],
      ['encrypted PKCS#1', parseRsaPrivateKey, encryptedPkcs1],
      ['EC', parseRsaPrivateKey, ecPkcs8],
      ['certificate as private', parseRsaPrivateKey, cert],
      ['public as private', parseRsaPrivateKey, spkiPem],
      ['private as public', parseRsaPublicKey, pkcs8Pem],
      ['512-bit', parseRsaPrivateKey, small],
      ['mismatched labels', parseRsaPrivateKey, pkcs1Pem.replace('END RSA', 'END')],
      ['missing END', parseRsaPrivateKey, lines.slice(0, -1).join('\n')],
      ['truncated', parseRsaPrivateKey, [...lines.slice(0, 10), lines.at(-1)].join('\n')],
      [
        'body as label',
        parseRsaPrivateKey,
        `-----BEGIN ${pemBody(pkcs8Pem).slice(0, 30)}-----\n${pemBody(pkcs8Pem)}\n-----END X-----`,
      ],
      ['bare body of a public key as private', parseRsaPrivateKey, pemBody(spkiPem)],
    ];
    it.each(leaky)('%s', (_, parse, input) => {
      expectNoKeyMaterial(
        keyError(() => parse(input)),
        pemBody(input),
      );
    });
  });
});

describe('robustness (property tests)', () => {
  /** Parses with both functions: each must return a key or throw a KeyFormatError, nothing else. */
  function parsesOrRejects(input: string | Uint8Array): void {
    for (const parse of [parseRsaPrivateKey, parseRsaPublicKey]) {
      try {
        const parsed = parse(input);
        expect(parsed.modulusBits).toBeGreaterThanOrEqual(1024);
      } catch (error) {
        if (!(error instanceof KeyFormatError)) throw error;
      }
    }
  }

  const small = KEYS[0] as RsaFixture;
  const pkcs8Der = bytes(small.privateKey.export({ type: 'pkcs8', format: 'der' }));
  const pkcs1Der = bytes(small.privateKey.export({ type: 'pkcs1', format: 'der' }));
  const spkiDer = bytes(small.publicKey.export({ type: 'spki', format: 'der' }));
  const certDer = bytes(new X509Certificate(fixture('rsa-cert.pem')).raw);
  const pkcs8Pem = small.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

  it('arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), parsesOrRejects), { numRuns: 1000 });
  });

  it('arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), parsesOrRejects), { numRuns: 1000 });
  });

  it('PEM-like token soup', () => {
    const token = fc.constantFrom(
      '-----BEGIN ',
      '-----END ',
      '-----',
      'PRIVATE KEY',
      'RSA PUBLIC KEY',
      'CERTIFICATE',
      '\n',
      '\\n',
      '\r',
      ' ',
      ':',
      'Proc-Type: 4,ENCRYPTED',
      'MIIB',
      'MA0G',
      'AAAA',
      '=',
      '{',
      'ssh-rsa ',
    );
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 40 }).map((parts) => parts.join('')),
        parsesOrRejects,
      ),
      {
        numRuns: 1000,
      },
    );
  });

  it('random DER trees of the tags key structures use', () => {
    const tree = fc.letrec<{ node: Uint8Array; leaf: Uint8Array; constructed: Uint8Array }>((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('constructed')),
      leaf: fc
        .tuple(fc.constantFrom(0x02, 0x03, 0x04, 0x05, 0x06, 0x81), fc.uint8Array({ maxLength: 20 }))
        .map(([tag, content]) => derElement(tag, content)),
      constructed: fc
        .tuple(fc.constantFrom(0x30, 0x30, 0xa0), fc.array(tie('node'), { maxLength: 10 }))
        .map(([tag, children]) => derElement(tag, ...children)),
    }));
    fc.assert(fc.property(tree.node, parsesOrRejects), { numRuns: 1000 });
  });

  it('valid keys with a byte changed or cut short', () => {
    const mutation = fc.record({
      source: fc.constantFrom(pkcs8Der, pkcs1Der, spkiDer, certDer),
      index: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
      cut: fc.nat(),
    });
    fc.assert(
      fc.property(mutation, ({ source, index, value, cut }) => {
        const mutated = source.slice();
        mutated[index % mutated.length] = value;
        parsesOrRejects(mutated);
        parsesOrRejects(source.subarray(0, cut % source.length));
      }),
      { numRuns: 1000 },
    );
  });

  it('mangled PEM never leaks 16 characters of the key body into an error', () => {
    const body = pemBody(pkcs8Pem);
    const mutation = fc.record({
      index: fc.nat(),
      char: fc.constantFrom('-', ':', '!', '\n', ' ', 'A', '\\'),
      cut: fc.nat(),
    });
    fc.assert(
      fc.property(mutation, ({ index, char, cut }) => {
        const at = index % pkcs8Pem.length;
        for (const input of [
          pkcs8Pem.slice(0, at) + char + pkcs8Pem.slice(at + 1),
          pkcs8Pem.slice(0, cut % pkcs8Pem.length),
        ]) {
          for (const parse of [parseRsaPrivateKey, parseRsaPublicKey]) {
            try {
              parse(input);
            } catch (error) {
              if (!(error instanceof KeyFormatError)) throw error;
              expectNoKeyMaterial(error, body);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('adversarial inputs up to the 64 KiB limit finish quickly', () => {
    const limit = 64 * 1024;
    const fill = (unit: string) => unit.repeat(Math.floor(limit / unit.length));
    const inputs: (string | Uint8Array)[] = [
      fill('-----BEGIN '),
      fill('-----BEGIN X-----'),
      `-----BEGIN PRIVATE KEY-----${fill('-----END ').slice(30)}`,
      fill('\\n'),
      fill('\\'),
      fill('A:\n'),
      fill('A'),
      `-----BEGIN PRIVATE KEY-----\n${fill('A\n').slice(60)}\n-----END PRIVATE KEY-----`,
      new Uint8Array(limit).fill(0x30),
      Uint8Array.from({ length: limit }, (_, i) => (i % 2 === 0 ? 0x30 : 0x81)),
      Uint8Array.from({ length: limit }, (_, i) => [0x30, 0x84, 0xff, 0xff, 0xff, 0xff][i % 6] as number),
    ];
    for (const input of inputs) {
      const started = performance.now();
      parsesOrRejects(input);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });
});

describe('keys that pass the shape check but are not usable two-prime keys', () => {
  const threePrime = fixture('rsa-3prime-pkcs8.pem');

  it('refuses a valid 3-prime key (PKCS#8 and PKCS#1) although node:crypto could sign with it', async () => {
    const { createPrivateKey, sign } = await import('node:crypto');
    const keyObject = createPrivateKey(threePrime);
    expect(sign('sha256', Buffer.from('x'), keyObject).length).toBe(256); // the key itself is valid
    const pkcs1 = keyObject.export({ type: 'pkcs1', format: 'pem' }) as string;
    for (const input of [threePrime, pkcs1, bytes(keyObject.export({ type: 'pkcs1', format: 'der' }))]) {
      const error = keyError(() => parseRsaPrivateKey(input));
      expect(error.found).toBe('a multi-prime RSA private key (3 primes)');
      expect(error.message).toContain('Only two-prime RSA keys are supported');
      expectNoKeyMaterial(error, typeof input === 'string' ? pemBody(input) : Buffer.from(input).toString('base64'));
    }
  });

  const pkcs1 = pkcs1Der();
  const cases = [
    ['p', 'the primes do not multiply to the modulus'],
    ['q', 'the primes do not multiply to the modulus'],
    ['n', 'the primes do not multiply to the modulus'],
    ['dP', 'a CRT exponent does not match the private exponent'],
    ['dQ', 'a CRT exponent does not match the private exponent'],
    ['d', 'a CRT exponent does not match the private exponent'],
    ['e', 'the public exponent does not match the private exponent'],
    ['qInv', 'the CRT coefficient is not the inverse of q modulo p'],
  ] as const;

  it.each(cases)('refuses a key with an altered %s (PKCS#1 and PKCS#8)', (field, why) => {
    const altered = alterField(pkcs1, field);
    for (const input of [
      altered,
      toPkcs8(altered),
      toPem(altered, 'RSA PRIVATE KEY'),
      toPem(toPkcs8(altered), 'PRIVATE KEY'),
    ]) {
      const error = keyError(() => parseRsaPrivateKey(input));
      expect(error.found).toBe(`an RSA private key whose components do not belong together (${why})`);
      expectNoKeyMaterial(error, Buffer.from(altered).toString('base64'));
    }
  });

  it('still accepts the unaltered key', () => {
    expect(parseRsaPrivateKey(pkcs1).modulusBits).toBe(2048);
    expect(parseRsaPrivateKey(toPkcs8(pkcs1)).modulusBits).toBe(2048);
  });
});
