import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importHmacKey, importRsaPrivateKey, importRsaPublicKey, RsaPublicKey, rsaVerify } from './crypto.js';

const pem = readFileSync(new URL('../__fixtures__/keys/snap-b2b-1.pem', import.meta.url), 'utf8');
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

describe('key inputs', () => {
  it('accepts public keys as DER bytes and CryptoKey, and reuses imported objects', async () => {
    const spkiDer = new Uint8Array(createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' }));
    const fromDer = await importRsaPublicKey(spkiDer);
    expect(fromDer).toBeInstanceOf(RsaPublicKey);
    expect(fromDer.modulusBits).toBe(2048);
    expect(JSON.stringify(fromDer)).toBe('{"type":"public","modulusBits":2048}');
    expect(await importRsaPublicKey(fromDer)).toBe(fromDer);
    const cryptoKey = await crypto.subtle.importKey('spki', spkiDer, RSA, true, ['verify']);
    const fromCryptoKey = await importRsaPublicKey(cryptoKey);
    expect(fromCryptoKey.modulusBits).toBe(2048);
    expect(await rsaVerify(fromCryptoKey, new Uint8Array(256), 'x')).toBe(false);
  });

  it('refuses CryptoKeys of the wrong type, algorithm or usage, saying which', async () => {
    const der = new Uint8Array(createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' }));
    const privateKey = await crypto.subtle.importKey('pkcs8', der, RSA, false, ['sign']);
    await expect(importRsaPublicKey(privateKey)).rejects.toThrow(
      /expected an RSA public key, found a private CryptoKey/,
    );
    const sha512 = await crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }, false, [
      'sign',
    ]);
    await expect(importRsaPrivateKey(sha512)).rejects.toThrow(
      /RSASSA-PKCS1-v1_5 with SHA-256.*found RSASSA-PKCS1-v1_5 with SHA-512/,
    );
    const pss = await crypto.subtle.importKey('pkcs8', der, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
    await expect(importRsaPrivateKey(pss)).rejects.toThrow(/found RSA-PSS/);
    const spki = new Uint8Array(createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' }));
    const encryptOnly = await crypto.subtle.importKey('spki', spki, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, [
      'encrypt',
    ]);
    await expect(importRsaPublicKey(encryptOnly)).rejects.toMatchObject({ code: 'ERR_KEY_FORMAT' });
    const verifyOnlyAsPrivate = await crypto.subtle.importKey('pkcs8', der, RSA, false, ['sign']);
    Object.defineProperty(verifyOnlyAsPrivate, 'usages', { value: [] });
    await expect(importRsaPrivateKey(verifyOnlyAsPrivate)).rejects.toThrow(/must allow the 'sign' usage/);
  });

  it('refuses a private key object where a public key is expected, and other types', async () => {
    const privateKey = await importRsaPrivateKey(pem);
    await expect(importRsaPublicKey(privateKey as never)).rejects.toThrow(/found an RsaPrivateKey/);
    await expect(importRsaPublicKey(42 as never)).rejects.toThrow(/found a number/);
    await expect(importRsaPrivateKey([] as never)).rejects.toThrow(/found an array/);
    await expect(importRsaPrivateKey(undefined as never)).rejects.toThrow(/found undefined/);
    expect(JSON.stringify(privateKey)).toBe('{"type":"private","modulusBits":2048}');
  });

  it('imports HMAC keys from bytes and refuses other types', async () => {
    const key = await importHmacKey('SHA-256', new Uint8Array([1, 2, 3]));
    expect(key.algorithm).toBe('SHA-256');
    await expect(importHmacKey('SHA-256', 42 as never)).rejects.toThrow(TypeError);
    await expect(importHmacKey('MD5' as never, 'x')).rejects.toThrow(TypeError);
  });
});

describe('checkRsaPrivateKey / checkRsaPublicKey', () => {
  it('accept usable keys synchronously and throw KeyFormatError for the rest', async () => {
    const { checkRsaPrivateKey, checkRsaPublicKey } = await import('./crypto.js');
    const publicPem = createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'pem' }).toString();
    expect(() => checkRsaPrivateKey(pem)).not.toThrow();
    expect(() => checkRsaPrivateKey(async (d: Uint8Array) => d)).not.toThrow();
    expect(() => checkRsaPublicKey(publicPem)).not.toThrow();
    expect(() => checkRsaPrivateKey(publicPem)).toThrow(expect.objectContaining({ code: 'ERR_KEY_FORMAT' }));
    expect(() => checkRsaPrivateKey('-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----')).toThrow(
      /EC/,
    );
    expect(() => checkRsaPublicKey(pem)).toThrow(expect.objectContaining({ code: 'ERR_KEY_FORMAT' }));
    expect(() => checkRsaPrivateKey(42 as never)).toThrow(/found a number/);
    expect(() => checkRsaPublicKey(null as never)).toThrow(/found null/);
    const imported = await importRsaPrivateKey(pem);
    expect(() => checkRsaPrivateKey(imported)).not.toThrow();
    expect(() => checkRsaPublicKey(imported as never)).toThrow(/found an RsaPrivateKey/);
    const importedPublic = await importRsaPublicKey(publicPem);
    expect(() => checkRsaPrivateKey(importedPublic as never)).toThrow(/found an RsaPublicKey/);
  });
});
