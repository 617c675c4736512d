/**
 * Keys made in the tab with WebCrypto: the RSA key pair SNAP providers register (PKCS#8 private,
 * SPKI public, as `payauth keygen` writes them), and test secrets for the HMAC signatures.
 */
import { randomAlphanumeric, toBase64 } from '@org/signing-core';
import type { ProviderName } from '../providers/provider-name.js';

function pem(label: string, der: ArrayBuffer): string {
  const base64 = toBase64(new Uint8Array(der));
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export async function generateRsaKeyPair(bits = 2048): Promise<{ privateKey: string; publicKey: string }> {
  const pair = await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const [pkcs8, spki] = await Promise.all([
    crypto.subtle.exportKey('pkcs8', pair.privateKey),
    crypto.subtle.exportKey('spki', pair.publicKey),
  ]);
  return { privateKey: pem('PRIVATE KEY', pkcs8), publicKey: pem('PUBLIC KEY', spki) };
}

/** A random secret shaped like the provider's: DOKU's Secret Keys start with `SK-`. */
export function generateTestSecret(provider: ProviderName): string {
  return provider === 'doku' ? `SK-${randomAlphanumeric(20)}` : randomAlphanumeric(32);
}
