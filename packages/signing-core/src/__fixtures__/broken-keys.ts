// Test-only RSA keys that pass a shape check but are not usable keys. Every key here is
// generated at test time (throwaway); nothing is read from or written to disk.
import { generateKeyPairSync } from 'node:crypto';
import {
  contentOf,
  type DerElement,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  readChildren,
  readRoot,
} from '../keys/der.js';

/** RSAPrivateKey (RFC 8017 A.1.2) fields: version, n, e, d, p, q, dP, dQ, qInv. */
export type RsaField = 'n' | 'e' | 'd' | 'p' | 'q' | 'dP' | 'dQ' | 'qInv';
const FIELD_INDEX: Record<RsaField, number> = { n: 1, e: 2, d: 3, p: 4, q: 5, dP: 6, dQ: 7, qInv: 8 };

/** A fresh 2048-bit two-prime key as PKCS#1 DER. */
export function pkcs1Der(): Uint8Array<ArrayBuffer> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return new Uint8Array(privateKey.export({ type: 'pkcs1', format: 'der' }));
}

/**
 * Decodes a PKCS#1 RSAPrivateKey, flips the lowest bit of one INTEGER field's last octet and
 * re-encodes it (same length, so the DER stays well formed). Flipping p's lowest bit makes p even,
 * which OpenSSL refuses at signing ("no inverse") after importing the key.
 */
export function alterField(pkcs1: Uint8Array, field: RsaField): Uint8Array<ArrayBuffer> {
  const parts = readChildren(pkcs1, readRoot(pkcs1));
  const element = parts[FIELD_INDEX[field]] as DerElement;
  const altered = new Uint8Array(pkcs1);
  const last = element.contentStart + contentOf(pkcs1, element).length - 1;
  altered[last] = (altered[last] as number) ^ 1;
  return altered;
}

/** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo (RFC 5208 §5). */
export function toPkcs8(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  return derSequence(
    Uint8Array.of(0x02, 0x01, 0x00),
    derSequence(derOid('1.2.840.113549.1.1.1'), derNull()),
    derOctetString(pkcs1),
  );
}

/** DER as PEM with the given label. */
export function toPem(der: Uint8Array, label: 'PRIVATE KEY' | 'RSA PRIVATE KEY'): string {
  const body = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body.trimEnd()}\n-----END ${label}-----\n`;
}
