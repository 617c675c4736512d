import { fromBase64, toBase64 } from '@org/signing-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenCipher, isEncryptedValue, isEncryptionKeyInput } from './encryption.js';

const keyBytes = (fill: number) => new Uint8Array(32).fill(fill);

describe('AES-GCM envelope', () => {
  it('is base64 of [version 1][key id][12-byte IV][ciphertext + 16-byte tag]', async () => {
    const cipher = createTokenCipher({ id: 7, key: keyBytes(1) });
    const sealed = await cipher.encrypt('hello', 'payauth:token:k');
    const bytes = fromBase64(sealed);
    expect(bytes[0]).toBe(1);
    expect(bytes[1]).toBe(7);
    expect(bytes.length).toBe(2 + 12 + 5 + 16);
    expect(isEncryptedValue(sealed)).toBe(true);
    expect(isEncryptedValue('{"token":"x"}')).toBe(false);
    expect(isEncryptedValue('AQ')).toBe(false);
  });

  it('round-trips any text under any Redis key, with a fresh IV every time', async () => {
    const cipher = createTokenCipher({ id: 1, key: keyBytes(2) });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme' }), fc.string({ minLength: 1 }), async (text, redisKey) => {
        const a = await cipher.encrypt(text, redisKey);
        const b = await cipher.encrypt(text, redisKey);
        expect(a).not.toBe(b);
        expect(fromBase64(a).subarray(2, 14)).not.toEqual(fromBase64(b).subarray(2, 14));
        expect(await cipher.decrypt(a, redisKey)).toEqual({ ok: true, plaintext: text });
      }),
      { numRuns: 100 },
    );
  });

  it('any changed byte (header, IV, ciphertext or tag) fails to decrypt', async () => {
    const cipher = createTokenCipher({ id: 1, key: keyBytes(3) }, [{ id: 2, key: keyBytes(4) }]);
    const sealed = fromBase64(await cipher.encrypt('{"token":"secret"}', 'k'));
    await fc.assert(
      fc.asyncProperty(fc.nat(sealed.length - 1), fc.integer({ min: 1, max: 255 }), async (index, flip) => {
        const tampered = sealed.slice();
        tampered[index] = (tampered[index] as number) ^ flip;
        const result = await cipher.decrypt(toBase64(tampered), 'k');
        expect(result.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('a value moved to another Redis key does not decrypt (the key is the AAD)', async () => {
    const cipher = createTokenCipher({ id: 1, key: keyBytes(5) });
    const sealed = await cipher.encrypt('t', 'payauth:token:a');
    expect(await cipher.decrypt(sealed, 'payauth:token:b')).toEqual({ ok: false, reason: 'decrypt-failed', keyId: 1 });
  });

  it('says which case it is: wrong key, unknown key id, malformed', async () => {
    const writer = createTokenCipher({ id: 1, key: keyBytes(6) });
    const sealed = await writer.encrypt('t', 'k');
    expect(await createTokenCipher({ id: 1, key: keyBytes(7) }).decrypt(sealed, 'k')).toEqual({
      ok: false,
      reason: 'decrypt-failed',
      keyId: 1,
    });
    expect(await createTokenCipher({ id: 2, key: keyBytes(6) }).decrypt(sealed, 'k')).toEqual({
      ok: false,
      reason: 'unknown-key-id',
      keyId: 1,
    });
    for (const garbage of [
      '',
      '***',
      toBase64(new Uint8Array(20)),
      toBase64(Uint8Array.of(9, 1, ...new Uint8Array(40))),
    ]) {
      expect(await writer.decrypt(garbage, 'k')).toEqual({ ok: false, reason: 'malformed-value' });
    }
  });

  it('rotates: writes with the current key id, reads values written with previous keys', async () => {
    const old = createTokenCipher({ id: 1, key: keyBytes(8) });
    const sealedWithOld = await old.encrypt('old value', 'k');
    const rotated = createTokenCipher({ id: 2, key: keyBytes(9) }, [{ id: 1, key: keyBytes(8) }]);
    expect(await rotated.decrypt(sealedWithOld, 'k')).toEqual({ ok: true, plaintext: 'old value' });
    const sealedWithNew = await rotated.encrypt('new value', 'k');
    expect(fromBase64(sealedWithNew)[1]).toBe(2);
    expect(rotated.keyId).toBe(2);
    expect((await old.decrypt(sealedWithNew, 'k')).ok).toBe(false);
  });

  it('takes raw bytes, base64 (standard or URL-safe) and CryptoKeys; copies bytes at configuration', async () => {
    const bytes = keyBytes(10);
    const fromBytes = createTokenCipher({ id: 1, key: bytes });
    bytes.fill(0); // changing the caller's array afterwards changes nothing
    const sealed = await fromBytes.encrypt('x', 'k');
    const b64 = toBase64(keyBytes(10));
    const b64url = b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const cryptoKey = await crypto.subtle.importKey('raw', keyBytes(10), 'AES-GCM', false, ['encrypt', 'decrypt']);
    for (const key of [b64, b64url, ` ${b64}\n`, cryptoKey]) {
      expect(await createTokenCipher({ id: 1, key }).decrypt(sealed, 'k')).toEqual({ ok: true, plaintext: 'x' });
    }
  });

  it('accepts only 32-byte keys and AES-GCM CryptoKeys with the needed usages', async () => {
    const aes = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const decryptOnly = await crypto.subtle.importKey('raw', keyBytes(1), 'AES-GCM', false, ['decrypt']);
    const hmacKey = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    expect(isEncryptionKeyInput(keyBytes(1), true)).toBe(true);
    expect(isEncryptionKeyInput(toBase64(keyBytes(1)), true)).toBe(true);
    expect(isEncryptionKeyInput(aes, true)).toBe(true);
    expect(isEncryptionKeyInput(decryptOnly, false)).toBe(true);
    expect(isEncryptionKeyInput(decryptOnly, true)).toBe(false);
    expect(isEncryptionKeyInput(hmacKey, false)).toBe(false);
    expect(isEncryptionKeyInput(new Uint8Array(16), true)).toBe(false);
    expect(isEncryptionKeyInput(toBase64(new Uint8Array(16)), true)).toBe(false);
    expect(isEncryptionKeyInput('a 32 character passphrase!!!!!!!', true)).toBe(false);
    expect(isEncryptionKeyInput('not base64 at all ***', true)).toBe(false);
    expect(isEncryptionKeyInput(undefined, true)).toBe(false);
    expect(isEncryptionKeyInput({ type: 'secret' }, true)).toBe(false);
  });
});
