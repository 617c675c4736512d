/**
 * RSA key parsing on Web APIs only: turns whatever form a merchant has their key in into the DER
 * that WebCrypto imports (`pkcs8` for private keys, `spki` for public keys), or throws a
 * `KeyFormatError` that says what was found and what is accepted.
 *
 * Structures (all DER, recognised by shape, whatever the PEM label says):
 * - PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (RFC 5208 §5, RFC 5958 §2):
 *     SEQUENCE { version INTEGER (0|1), privateKeyAlgorithm AlgorithmIdentifier,
 *                privateKey OCTET STRING, [0] attributes OPTIONAL, [1] publicKey OPTIONAL }
 * - `EncryptedPrivateKeyInfo` (RFC 5958 §3): SEQUENCE { AlgorithmIdentifier, OCTET STRING }
 * - PKCS#1 `RSAPrivateKey` (RFC 8017 A.1.2): SEQUENCE { version, n, e, d, p, q, dP, dQ, qInv,
 *     otherPrimeInfos OPTIONAL }, and `RSAPublicKey` (RFC 8017 A.1.1): SEQUENCE { n, e }
 * - `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7): SEQUENCE { AlgorithmIdentifier, BIT STRING }
 * - `Certificate` (RFC 5280 §4.1): SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 * - SEC 1 `ECPrivateKey` (RFC 5915 §3): SEQUENCE { version INTEGER (1), privateKey OCTET STRING, … }
 *
 * No message or `found` ever contains key material: only labels that passed `quotableLabel`,
 * algorithm OIDs, sizes and offsets.
 */
import { decodeUtf8 } from '../encoding/encoding.js';
import { InputError, KeyFormatError } from '../errors/errors.js';
import {
  contentOf,
  type DerElement,
  DerError,
  derBitString,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  encodingOf,
  expectTag,
  isSmallInteger,
  oidToString,
  positiveIntegerBitLength,
  readChildren,
  readRoot,
  TAG,
} from './der.js';
import { decodeBase64Body, describeLabel, normalizeKeyText, type Reject, readKeyText } from './pem.js';

/** A key ready for WebCrypto: PKCS#8 DER (private) or SPKI DER (public), and its size. */
export interface ParsedRsaKey {
  readonly der: Uint8Array<ArrayBuffer>;
  readonly modulusBits: number;
}

/** Largest input accepted, in characters or bytes. A 4096-bit PKCS#8 PEM is about 3.3 KiB. */
const MAX_INPUT = 64 * 1024;
const MIN_BITS = 1024;
const MAX_BITS = 4096;

/** rsaEncryption (RFC 8017 A.1); its AlgorithmIdentifier parameters are NULL. */
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

/** Other key algorithms worth naming when someone passes one (with their article). */
const OTHER_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.10045.2.1': 'an EC', // id-ecPublicKey, RFC 5480
  '1.3.101.112': 'an Ed25519', // RFC 8410
  '1.3.101.113': 'an Ed448',
  '1.3.101.110': 'an X25519',
  '1.3.101.111': 'an X448',
  '1.2.840.10040.4.1': 'a DSA', // RFC 3279
  '1.2.840.113549.1.1.10': 'an RSA-PSS', // id-RSASSA-PSS, RFC 4055: not usable for PKCS#1 v1.5
};

const PEM_LABELS = new Set([
  'PRIVATE KEY',
  'RSA PRIVATE KEY',
  'PUBLIC KEY',
  'RSA PUBLIC KEY',
  'CERTIFICATE',
  'X509 CERTIFICATE',
  'X.509 CERTIFICATE',
]);

const ACCEPTED = {
  private:
    'an unencrypted RSA private key of 1024 to 4096 bits, as PKCS#8 PEM ("BEGIN PRIVATE KEY"), ' +
    'PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"), the base64 body of either, or DER bytes',
  public:
    'an RSA public key of 1024 to 4096 bits, as SPKI PEM ("BEGIN PUBLIC KEY"), PKCS#1 PEM ' +
    '("BEGIN RSA PUBLIC KEY"), an X.509 certificate PEM ("BEGIN CERTIFICATE"), the base64 body of ' +
    'any of these, or DER bytes',
} as const;

const HINT = {
  decrypt: 'Decrypt it first, e.g. `openssl pkcs8 -topk8 -nocrypt -in encrypted.pem -out key.pem`.',
  needRsa: 'An RSA key is required.',
  needPrivate: 'A private key is required here; a public key can only verify.',
  needPublic: 'A public key is required here; derive it with `openssl pkey -in key.pem -pubout`.',
  certificate: 'A certificate holds only a public key; pass the private key that belongs to it.',
} as const;

type Want = 'private' | 'public';

/** PKCS#8 DER of an RSA private key. */
export function parseRsaPrivateKey(input: string | Uint8Array): ParsedRsaKey {
  return parseRsaKey(input, 'private');
}

/** SPKI DER of an RSA public key. */
export function parseRsaPublicKey(input: string | Uint8Array): ParsedRsaKey {
  return parseRsaKey(input, 'public');
}

function parseRsaKey(input: unknown, want: Want): ParsedRsaKey {
  const reject: Reject = (found, hint) => {
    const advice = hint === undefined ? '' : ` ${hint}`;
    throw new KeyFormatError(
      `Cannot use this as an RSA ${want} key: found ${found}.${advice} Accepted: ${ACCEPTED[want]}.`,
      found,
    );
  };
  const { der, garbled } = inputToDer(input, reject);
  try {
    return want === 'private' ? privateKeyFromDer(der, reject) : publicKeyFromDer(der, reject);
  } catch (error) {
    if (error instanceof DerError) reject(garbled, `The DER is malformed: ${error.message}.`);
    throw error;
  }
}

/** DER bytes from any accepted input, and how to describe them if they turn out not to be DER. */
function inputToDer(input: unknown, reject: Reject): { der: Uint8Array; garbled: string } {
  if (input instanceof Uint8Array) {
    if (input.length === 0) reject('an empty byte array');
    if (input.length > MAX_INPUT) reject(`${input.length} bytes`, `Keys are at most ${MAX_INPUT} bytes.`);
    // PEM read from a file without decoding it (`readFileSync(path)`): treat it as the text it is.
    if (startsWithPem(input)) {
      let text: string;
      try {
        text = decodeUtf8(input);
      } catch (error) {
        if (error instanceof InputError) reject('PEM bytes that are not valid UTF-8');
        throw error;
      }
      return textToDer(text, reject);
    }
    return { der: input, garbled: 'bytes that are truncated or not DER' };
  }
  if (typeof input !== 'string') reject(`a value of type ${input === null ? 'null' : typeof input}`);
  if (input.length > MAX_INPUT)
    reject(`${input.length} characters of text`, `Keys are at most ${MAX_INPUT} characters.`);
  return textToDer(input, reject);
}

function textToDer(input: string, reject: Reject): { der: Uint8Array; garbled: string } {
  const text = normalizeKeyText(input);
  if (text.length === 0) reject(input.length === 0 ? 'an empty string' : 'a string of only whitespace');
  const parsed = readKeyText(text, reject);

  if (parsed.kind === 'base64') {
    if (text.startsWith('{')) reject('JSON text (a JWK?)', 'JWKs are not accepted here.');
    if (text.startsWith('ssh-')) {
      reject('an OpenSSH public key', 'Convert it with `ssh-keygen -e -m PKCS8 -f key.pub`.');
    }
    const garbled = 'text that is truncated or not base64';
    return { der: decodeBase64Body(parsed.base64, reject, garbled), garbled };
  }

  const { label, procTypeEncrypted, base64 } = parsed.block;
  const block = describeLabel(label);
  if (procTypeEncrypted) reject(`an encrypted PEM (${block} with "Proc-Type: 4,ENCRYPTED")`, HINT.decrypt);
  if (label === 'ENCRYPTED PRIVATE KEY')
    reject('an encrypted PKCS#8 PEM ("BEGIN ENCRYPTED PRIVATE KEY")', HINT.decrypt);
  if (label === 'EC PRIVATE KEY' || label === 'EC PARAMETERS') reject(`an EC key (${block})`, HINT.needRsa);
  if (label === 'DSA PRIVATE KEY') reject(`a DSA key (${block})`, HINT.needRsa);
  if (label === 'OPENSSH PRIVATE KEY') {
    reject(
      `an OpenSSH private key (${block})`,
      'Convert it with `ssh-keygen -p -m PKCS8 -f <file>` (rewrites the file).',
    );
  }
  if (!PEM_LABELS.has(label)) reject(block);
  if (base64.length === 0) reject(`${block} with an empty body`);
  const garbled = `${block} whose body is truncated or not base64`;
  return { der: decodeBase64Body(base64, reject, garbled), garbled };
}

/** True when the bytes are ASCII whitespace followed by `-----BEGIN `. */
function startsWithPem(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 32 || ((bytes[i] as number) >= 9 && (bytes[i] as number) <= 13))) i++;
  const marker = '-----BEGIN ';
  if (bytes.length - i < marker.length) return false;
  for (let j = 0; j < marker.length; j++) if (bytes[i + j] !== marker.charCodeAt(j)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Structures

type Shape = 'pkcs8' | 'encrypted-pkcs8' | 'sec1' | 'pkcs1-private' | 'pkcs1-public' | 'spki' | 'certificate';

/** Which structure a top-level SEQUENCE is, from the types of its elements. */
function shapeOf(parts: readonly DerElement[]): Shape | undefined {
  const tags = parts.map((part) => part.tag);
  const [a, b, c] = tags;
  if (a === TAG.INTEGER && b === TAG.SEQUENCE && c === TAG.OCTET_STRING) return 'pkcs8';
  if (a === TAG.INTEGER && b === TAG.OCTET_STRING) return 'sec1';
  if (tags.length >= 9 && tags.slice(0, 9).every((tag) => tag === TAG.INTEGER)) return 'pkcs1-private';
  if (tags.length === 2 && a === TAG.INTEGER && b === TAG.INTEGER) return 'pkcs1-public';
  if (tags.length === 2 && a === TAG.SEQUENCE && b === TAG.BIT_STRING) return 'spki';
  if (tags.length === 2 && a === TAG.SEQUENCE && b === TAG.OCTET_STRING) return 'encrypted-pkcs8';
  if (tags.length === 3 && a === TAG.SEQUENCE && b === TAG.SEQUENCE && c === TAG.BIT_STRING) return 'certificate';
  return undefined;
}

function topLevel(der: Uint8Array): { shape: Shape | undefined; parts: DerElement[] } {
  const root = expectTag(readRoot(der), TAG.SEQUENCE, 'the outer SEQUENCE');
  const parts = readChildren(der, root);
  return { shape: shapeOf(parts), parts };
}

const UNKNOWN_DER = 'DER that is not a key or certificate structure this library knows';

function privateKeyFromDer(der: Uint8Array, reject: Reject): ParsedRsaKey {
  const { shape, parts } = topLevel(der);
  switch (shape) {
    case 'pkcs8': {
      if (!isSmallInteger(der, parts[0], 0) && !isSmallInteger(der, parts[0], 1)) {
        throw new DerError('the PKCS#8 version is neither 0 nor 1');
      }
      if (parts.length > 5) throw new DerError('the PKCS#8 structure has too many elements');
      const oid = algorithmOid(der, parts[1]);
      if (oid !== RSA_ENCRYPTION) reject(describeKey(oid, 'private key (PKCS#8)'), HINT.needRsa);
      const bits = rsaPrivateKeyBits(contentOf(der, parts[2] as DerElement), reject);
      return { der: new Uint8Array(der), modulusBits: bits };
    }
    case 'pkcs1-private': {
      const bits = rsaPrivateKeyBits(der, reject);
      return { der: pkcs1PrivateToPkcs8(der), modulusBits: bits };
    }
    case 'encrypted-pkcs8':
      return reject('an encrypted PKCS#8 key (EncryptedPrivateKeyInfo)', HINT.decrypt);
    case 'sec1':
      return reject('an EC private key (SEC 1)', HINT.needRsa);
    case 'pkcs1-public':
      return reject('an RSA public key (PKCS#1)', HINT.needPrivate);
    case 'spki':
      return reject(describeKey(algorithmOid(der, parts[0]), 'public key (SPKI)'), HINT.needPrivate);
    case 'certificate':
      return reject('an X.509 certificate', HINT.certificate);
    case undefined:
      return reject(UNKNOWN_DER);
  }
}

function publicKeyFromDer(der: Uint8Array, reject: Reject): ParsedRsaKey {
  const { shape, parts } = topLevel(der);
  switch (shape) {
    case 'spki':
      return rsaFromSpki(der, 'SPKI', reject);
    case 'certificate':
      return rsaFromSpki(encodingOf(der, certificateSpki(der, parts[0] as DerElement)), 'certificate', reject);
    case 'pkcs1-public': {
      const bits = rsaPublicKeyBits(der);
      checkSize(bits, reject);
      return { der: pkcs1PublicToSpki(der), modulusBits: bits };
    }
    case 'pkcs8':
      return reject(describeKey(algorithmOid(der, parts[1]), 'private key (PKCS#8)'), HINT.needPublic);
    case 'pkcs1-private':
      return reject('an RSA private key (PKCS#1)', HINT.needPublic);
    case 'encrypted-pkcs8':
      return reject('an encrypted PKCS#8 private key (EncryptedPrivateKeyInfo)', HINT.needPublic);
    case 'sec1':
      return reject('an EC private key (SEC 1)', HINT.needRsa);
    case undefined:
      return reject(UNKNOWN_DER);
  }
}

/** SubjectPublicKeyInfo DER (on its own, or taken from a certificate) → RSA public key. */
function rsaFromSpki(spki: Uint8Array, from: 'SPKI' | 'certificate', reject: Reject): ParsedRsaKey {
  const parts = readChildren(spki, readRoot(spki));
  const oid = algorithmOid(spki, parts[0]);
  if (oid !== RSA_ENCRYPTION) {
    reject(
      from === 'SPKI' ? describeKey(oid, 'public key (SPKI)') : `an X.509 certificate for ${describeKey(oid, 'key')}`,
      HINT.needRsa,
    );
  }
  const bitString = contentOf(spki, expectTag(parts[1], TAG.BIT_STRING, 'subjectPublicKey'));
  if (bitString[0] !== 0) throw new DerError('subjectPublicKey does not hold whole octets');
  const bits = rsaPublicKeyBits(bitString.subarray(1));
  checkSize(bits, reject);
  return { der: new Uint8Array(spki), modulusBits: bits };
}

/**
 * subjectPublicKeyInfo of a Certificate (RFC 5280 §4.1): TBSCertificate ::= SEQUENCE {
 * version [0] EXPLICIT DEFAULT v1, serialNumber, signature, issuer, validity, subject,
 * subjectPublicKeyInfo, … }.
 */
function certificateSpki(der: Uint8Array, tbs: DerElement): DerElement {
  const fields = readChildren(der, expectTag(tbs, TAG.SEQUENCE, 'tbsCertificate'));
  const first = fields[0]?.tag === TAG.CONTEXT_0 ? 1 : 0;
  expectTag(fields[first], TAG.INTEGER, 'serialNumber');
  for (let i = first + 1; i <= first + 4; i++) expectTag(fields[i], TAG.SEQUENCE, 'a tbsCertificate field');
  return expectTag(fields[first + 5], TAG.SEQUENCE, 'subjectPublicKeyInfo');
}

/**
 * The algorithm OID of an AlgorithmIdentifier (RFC 5280 §4.1.1.2: SEQUENCE { algorithm OID,
 * parameters ANY OPTIONAL }). For rsaEncryption the parameters must be NULL (RFC 8017 A.1);
 * they are also accepted when absent.
 */
function algorithmOid(der: Uint8Array, element: DerElement | undefined): string | undefined {
  const parts = readChildren(der, expectTag(element, TAG.SEQUENCE, 'the AlgorithmIdentifier'));
  const oid = oidToString(contentOf(der, expectTag(parts[0], TAG.OID, 'the algorithm OID')));
  if (oid === RSA_ENCRYPTION) {
    const params = parts[1];
    if (parts.length > 2 || (params !== undefined && (params.tag !== TAG.NULL || params.end !== params.contentStart))) {
      throw new DerError('the rsaEncryption parameters are not NULL');
    }
  }
  return oid;
}

/** `an EC private key (PKCS#8)`, `a public key (SPKI) with algorithm OID 1.2.3`, … for messages. */
function describeKey(oid: string | undefined, what: string): string {
  if (oid === undefined) return `a ${what} with an unreadable algorithm OID`;
  if (oid === RSA_ENCRYPTION) return `an RSA ${what}`;
  const kind = OTHER_ALGORITHMS[oid];
  return kind === undefined ? `a ${what} with algorithm OID ${oid}` : `${kind} ${what}`;
}

/**
 * Modulus size of a PKCS#1 RSAPrivateKey (RFC 8017 A.1.2), after checking its shape, its size,
 * that it has two primes, and that its components belong together.
 */
function rsaPrivateKeyBits(der: Uint8Array, reject: Reject): number {
  const parts = readChildren(der, expectTag(readRoot(der), TAG.SEQUENCE, 'RSAPrivateKey'));
  // version 0 = two-prime (9 INTEGERs); version 1 = multi-prime, followed by otherPrimeInfos.
  const multiPrime = isSmallInteger(der, parts[0], 1);
  if (!multiPrime && !isSmallInteger(der, parts[0], 0))
    throw new DerError('the RSAPrivateKey version is neither 0 nor 1');
  if (parts.length !== (multiPrime ? 10 : 9)) throw new DerError('RSAPrivateKey has the wrong number of elements');
  for (let i = 1; i < 9; i++) expectTag(parts[i], TAG.INTEGER, 'an RSAPrivateKey INTEGER');
  const integer = (i: number) => contentOf(der, parts[i] as DerElement);
  positiveIntegerBitLength(integer(2)); // publicExponent
  const bits = positiveIntegerBitLength(integer(1));
  checkSize(bits, reject);
  if (multiPrime) {
    const others = readChildren(der, expectTag(parts[9], TAG.SEQUENCE, 'otherPrimeInfos')).length;
    // node:crypto imports multi-prime keys, WebCrypto (Bun, Deno, Workers, browsers) does not:
    // refuse them everywhere so a key works on every runtime or on none.
    reject(
      `a multi-prime RSA private key (${2 + others} primes)`,
      'Only two-prime RSA keys are supported (WebCrypto cannot use multi-prime keys). ' +
        'Generate a two-prime key, e.g. `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`.',
    );
  }
  const mismatch = inconsistency(Array.from({ length: 8 }, (_, i) => toBigInt(integer(i + 1))));
  if (mismatch !== undefined) {
    reject(
      `an RSA private key whose components do not belong together (${mismatch})`,
      'The key is corrupted or was edited; export it again from where it was made.',
    );
  }
  return bits;
}

/** A non-negative big-endian INTEGER content as a bigint. */
function toBigInt(content: Uint8Array): bigint {
  let hex = '0x0';
  for (const byte of content) hex += byte.toString(16).padStart(2, '0');
  return BigInt(hex);
}

/**
 * Which RFC 8017 A.1.2 relation a two-prime key breaks, or undefined when it is consistent:
 * n = p·q, dP = d mod (p − 1), dQ = d mod (q − 1), e·dP ≡ 1 (mod p − 1), e·dQ ≡ 1 (mod q − 1),
 * q·qInv ≡ 1 (mod p). A key that breaks one is accepted by some runtimes and refused by others,
 * at import or only at signing (OpenSSL: "no inverse"; Deno: "PKCS#8 cryptographic key data
 * malformed"), so it is refused here, the same way on every backend. Names the relation only,
 * never a value.
 */
function inconsistency(values: readonly bigint[]): string | undefined {
  const [n, e, d, p, q, dP, dQ, qInv] = values as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
  if (p < 2n || q < 2n || p * q !== n) return 'the primes do not multiply to the modulus';
  if (dP !== d % (p - 1n) || dQ !== d % (q - 1n)) return 'a CRT exponent does not match the private exponent';
  if ((e * dP) % (p - 1n) !== 1n || (e * dQ) % (q - 1n) !== 1n) {
    return 'the public exponent does not match the private exponent';
  }
  if ((q * qInv) % p !== 1n) return 'the CRT coefficient is not the inverse of q modulo p';
  return undefined;
}

/** Modulus size of a PKCS#1 RSAPublicKey (RFC 8017 A.1.1): SEQUENCE { modulus, publicExponent }. */
function rsaPublicKeyBits(der: Uint8Array): number {
  const parts = readChildren(der, expectTag(readRoot(der), TAG.SEQUENCE, 'RSAPublicKey'));
  if (parts.length !== 2) throw new DerError('RSAPublicKey has the wrong number of elements');
  positiveIntegerBitLength(contentOf(der, expectTag(parts[1], TAG.INTEGER, 'publicExponent')));
  return positiveIntegerBitLength(contentOf(der, expectTag(parts[0], TAG.INTEGER, 'modulus')));
}

function checkSize(bits: number, reject: Reject): void {
  const found = `${String(bits).startsWith('8') ? 'an' : 'a'} ${bits}-bit RSA key`;
  if (bits < MIN_BITS) reject(found, `That is too small: the minimum is ${MIN_BITS} bits.`);
  if (bits > MAX_BITS) reject(found, `That is too large: the maximum is ${MAX_BITS} bits.`);
}

/** AlgorithmIdentifier { rsaEncryption, NULL } (RFC 8017 A.1), as OpenSSL and WebCrypto write it. */
function rsaAlgorithmIdentifier(): Uint8Array {
  return derSequence(derOid(RSA_ENCRYPTION), derNull());
}

/** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo version 0 (RFC 5208 §5). */
function pkcs1PrivateToPkcs8(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  return derSequence(derInteger(0), rsaAlgorithmIdentifier(), derOctetString(pkcs1));
}

/** PKCS#1 RSAPublicKey → SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, RFC 3279 §2.3.1). */
function pkcs1PublicToSpki(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  return derSequence(rsaAlgorithmIdentifier(), derBitString(pkcs1));
}
