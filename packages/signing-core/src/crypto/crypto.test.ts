import { createHmac, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { readRepoFile, readVectors, vectorById } from '@org/vitest-config/vectors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alterField, pkcs1Der, toPem, toPkcs8 } from '../__fixtures__/broken-keys.js';
import { fromHex, toBase64, toHex } from '../encoding/encoding.js';
import { isInputError, isKeyFormatError, isSignatureError } from '../errors/errors.js';
import {
  cryptoBackendName,
  digest,
  hmac,
  importHmacKey,
  importRsaPrivateKey,
  importRsaPublicKey,
  rsaSign,
  rsaVerify,
  timingSafeEqual,
} from './crypto.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/keys/${name}`, import.meta.url), 'utf8');

describe(`crypto on the ${cryptoBackendName} backend`, () => {
  // RFC 4231 §4: HMAC-SHA-256 and HMAC-SHA-512 test cases.
  const rfc4231 = [
    {
      name: 'test case 1',
      key: fromHex('0b'.repeat(20)),
      data: new TextEncoder().encode('Hi There'),
      sha256: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
      sha512:
        '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854',
    },
    {
      name: 'test case 2 (key shorter than block)',
      key: new TextEncoder().encode('Jefe'),
      data: new TextEncoder().encode('what do ya want for nothing?'),
      sha256: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      sha512:
        '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    },
    {
      name: 'test case 3',
      key: fromHex('aa'.repeat(20)),
      data: fromHex('dd'.repeat(50)),
      sha256: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
      sha512:
        'fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb',
    },
    {
      name: 'test case 6 (key larger than block)',
      key: fromHex('aa'.repeat(131)),
      data: new TextEncoder().encode('Test Using Larger Than Block-Size Key - Hash Key First'),
      sha256: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
      sha512:
        '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
    },
  ];

  it.each(rfc4231)('HMAC matches RFC 4231 $name', async ({ key, data, sha256, sha512 }) => {
    expect(toHex(await hmac('SHA-256', key, data))).toBe(sha256);
    expect(toHex(await hmac('SHA-512', key, data))).toBe(sha512);
    const imported = await importHmacKey('SHA-512', key);
    expect(toHex(await hmac('SHA-512', imported, data))).toBe(sha512);
  });

  // WebCrypto (Bun, Deno, workerd, and Node's own) refuses a zero-length HMAC key; RFC 2104
  // defines HMAC under it as HMAC under one zero block, which is what both backends must give.
  it.each([
    ['SHA-256', 'sha256'],
    ['SHA-512', 'sha512'],
  ] as const)('HMAC-%s with an empty key equals node:crypto createHmac with an empty key', async (algorithm, name) => {
    for (const data of ['', 'what do ya want for nothing?']) {
      const expected = createHmac(name, '').update(data).digest('hex');
      expect(toHex(await hmac(algorithm, '', data))).toBe(expected);
      expect(toHex(await hmac(algorithm, new Uint8Array(0), data))).toBe(expected);
      expect(toHex(await hmac(algorithm, await importHmacKey(algorithm, ''), data))).toBe(expected);
      expect(toHex(await hmac(algorithm, await importHmacKey(algorithm, new Uint8Array(0)), data))).toBe(expected);
    }
  });

  it('takes string keys and data as UTF-8', async () => {
    expect(toHex(await hmac('SHA-256', 'Jefe', 'what do ya want for nothing?'))).toBe(rfc4231[1]?.sha256);
  });

  it('refuses a key imported for another algorithm', async () => {
    const key = await importHmacKey('SHA-256', 'k');
    await expect(hmac('SHA-512', key, 'x')).rejects.toThrow(TypeError);
  });

  // FIPS 180 examples (NIST CSRC "Examples with Intermediate Values"): "abc", the empty
  // string, and the two-block message.
  const digests = [
    {
      input: 'abc',
      'SHA-1': 'a9993e364706816aba3e25717850c26c9cd0d89d',
      'SHA-256': 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      'SHA-512':
        'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    },
    {
      input: '',
      'SHA-1': 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
      'SHA-256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'SHA-512':
        'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    },
    {
      input: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      'SHA-1': '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
      'SHA-256': '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
      'SHA-512':
        '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445',
    },
  ] as const;

  it.each(digests)('digests match FIPS 180 examples for "$input"', async (vector) => {
    for (const algorithm of ['SHA-1', 'SHA-256', 'SHA-512'] as const) {
      expect(toHex(await digest(algorithm, vector.input))).toBe(vector[algorithm]);
    }
  });

  it('refuses text with a lone UTF-16 surrogate instead of signing U+FFFD (two strings would sign alike)', async () => {
    const rsaKey = fixture('snap-b2b-1.pem');
    const publicKey = fixture('rsa-cert.pem');
    const calls: [string, () => Promise<unknown>][] = [
      ['hmac: data', () => hmac('SHA-256', 'k', 'a\u{d800}')],
      ['hmac: data', async () => hmac('SHA-512', await importHmacKey('SHA-512', 'k'), 'a\u{dfff}')],
      ['importHmacKey: secret', () => importHmacKey('SHA-256', 'MARKER\u{d800}')],
      ['importHmacKey: secret', () => hmac('SHA-256', 'MARKER\u{dbff}', 'x')],
      ['digest: data', () => digest('SHA-256', '\u{dc00}')],
      ['rsaSign: data', () => rsaSign(rsaKey, 'x\u{d83d}')],
      ['rsaVerify: data', () => rsaVerify(publicKey, new Uint8Array(256), '\u{de00}')],
    ];
    for (const [what, call] of calls) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isInputError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_INVALID_INPUT' });
      expect((error as Error).message).toContain(`${what} has a lone UTF-16 surrogate`);
      expect((error as Error).message).not.toContain('MARKER');
    }
    // hmac and digest reject (they do not throw synchronously).
    const rejected = [hmac('SHA-256', 'k', '\u{d800}'), digest('SHA-1', '\u{d800}')];
    for (const promise of rejected) await expect(promise).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    // Well-formed text, pairs included, and raw bytes are signed as before.
    expect(toHex(await digest('SHA-256', '😀'))).toBe(toHex(await digest('SHA-256', new TextEncoder().encode('😀'))));
    expect(toHex(await hmac('SHA-256', 'k', new Uint8Array([0xed, 0xa0, 0x80])))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects unknown algorithms with a TypeError', async () => {
    await expect(digest('MD5' as never, 'x')).rejects.toThrow(TypeError);
    await expect(hmac('SHA-1' as never, 'k', 'x')).rejects.toThrow(TypeError);
  });

  describe('SHA256withRSA', () => {
    // protocols.md §2.1, vector SNAP-B2B-1 of vectors/snap.json (Midtrans docs, verified).
    const b2b1 = vectorById(readVectors('snap'), 'SNAP-B2B-1', 'access-token');
    const snapKey = readRepoFile(b2b1.inputs.privateKeyFile);
    const expected = b2b1.expected.signature;

    it('reproduces the SNAP-B2B-1 vector', async () => {
      const signature = await rsaSign(snapKey, b2b1.stringToSign);
      expect(toBase64(signature)).toBe(expected);
      expect(toHex(signature)).toBe(b2b1.expected.signatureHex);
    });

    it('signs identically from PKCS#1 PEM, bare base64, literal \\n, DER and CryptoKey', async () => {
      const { createPrivateKey } = await import('node:crypto');
      const keyObject = createPrivateKey(snapKey);
      const pkcs1 = keyObject.export({ type: 'pkcs1', format: 'pem' }).toString();
      const der = new Uint8Array(keyObject.export({ type: 'pkcs8', format: 'der' }));
      const body = snapKey.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
      const cryptoKey = await crypto.subtle.importKey(
        'pkcs8',
        der,
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      const data = b2b1.stringToSign;
      for (const input of [pkcs1, body, snapKey.replaceAll('\n', '\\n'), der, cryptoKey]) {
        expect(toBase64(await rsaSign(input, data))).toBe(expected);
      }
    });

    it('verifies with the public key, from SPKI, PKCS#1 and a CryptoKey; rejects tampering', async () => {
      const { createPrivateKey, createPublicKey } = await import('node:crypto');
      const publicKey = createPublicKey(createPrivateKey(snapKey));
      const spki = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const pkcs1 = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
      const data = 'POST:/notify:abc:2024-01-01T00:00:00+07:00';
      const signature = await rsaSign(snapKey, data);
      for (const key of [spki, pkcs1]) {
        expect(await rsaVerify(key, signature, data)).toBe(true);
        expect(await rsaVerify(key, signature, `${data} `)).toBe(false);
        const tampered = signature.slice();
        tampered[10] = (tampered[10] as number) ^ 1;
        expect(await rsaVerify(key, tampered, data)).toBe(false);
        expect(await rsaVerify(key, new Uint8Array(3), data)).toBe(false);
      }
    });

    it('uses a signer function (KMS/HSM) and wraps its failures', async () => {
      const seen: Uint8Array[] = [];
      const signer = async (data: Uint8Array) => {
        seen.push(data);
        return rsaSign(snapKey, data);
      };
      const key = await importRsaPrivateKey(signer);
      expect(toBase64(await rsaSign(key, b2b1.stringToSign))).toBe(expected);
      expect(new TextDecoder().decode(seen[0])).toBe(b2b1.stringToSign);
      const failing = await importRsaPrivateKey(async () => {
        throw new Error('kms down');
      });
      const error = await rsaSign(failing, 'x').catch((e: unknown) => e);
      expect(isSignatureError(error) && error.code).toBe('ERR_SIGNING_FAILED');
      const bogus = await importRsaPrivateKey(async () => 'nope' as unknown as Uint8Array);
      await expect(rsaSign(bogus, 'x')).rejects.toMatchObject({ code: 'ERR_SIGNING_FAILED' });
    });

    it('imports a PEM once and reuses it', async () => {
      const a = await importRsaPrivateKey(snapKey);
      const b = await importRsaPrivateKey(snapKey);
      expect(a).toBe(b);
      expect(await importRsaPrivateKey(a)).toBe(a);
    });

    it('never shows key material when printed or serialised', async () => {
      const key = await importRsaPrivateKey(snapKey);
      expect(inspect(key)).toBe('RsaPrivateKey { modulusBits: 2048 }');
      expect(JSON.stringify(key)).toBe('{"type":"private","modulusBits":2048}');
      const hmacKey = await importHmacKey('SHA-256', 'super-secret-value');
      expect(inspect(hmacKey)).not.toContain('super-secret');
      expect(JSON.stringify(hmacKey)).not.toContain('super-secret');
    });

    it('refuses keys of the wrong kind with KeyFormatError', async () => {
      const cases: unknown[] = [fixture('ec-p256-pkcs8.pem'), 'garbage', 42, null, {}, fixture('rsa-cert.pem')];
      for (const input of cases) {
        const error = await importRsaPrivateKey(input as string).catch((e: unknown) => e);
        expect(isKeyFormatError(error)).toBe(true);
      }
      const publicKey = await importRsaPublicKey(fixture('rsa-cert.pem'));
      await expect(importRsaPrivateKey(publicKey as never)).rejects.toMatchObject({ code: 'ERR_KEY_FORMAT' });
      const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const ecCrypto = await crypto.subtle.importKey(
        'pkcs8',
        new Uint8Array(ecKey.privateKey.export({ type: 'pkcs8', format: 'der' })),
        { name: 'ECDSA', namedCurve: 'P-256' },
        false,
        ['sign'],
      );
      await expect(importRsaPrivateKey(ecCrypto)).rejects.toMatchObject({ code: 'ERR_KEY_FORMAT' });
    });

    it('refuses a key with an altered p (PKCS#1 and PKCS#8) with a typed error and no key material', async () => {
      const altered = alterField(pkcs1Der(), 'p');
      const body = Buffer.from(altered).toString('base64');
      const inputs = [
        altered,
        toPkcs8(altered),
        toPem(altered, 'RSA PRIVATE KEY'),
        toPem(toPkcs8(altered), 'PRIVATE KEY'),
      ];
      for (const input of inputs) {
        for (const call of [() => rsaSign(input, 'x'), () => importRsaPrivateKey(input)]) {
          const error = await call().catch((e: unknown) => e);
          expect(isKeyFormatError(error)).toBe(true);
          expect(error).toMatchObject({ name: 'KeyFormatError', code: 'ERR_KEY_FORMAT' });
          expect((error as Error).cause).toBeUndefined();
          const text = `${(error as Error).message} ${JSON.stringify(error)}`;
          for (let i = 0; i + 16 <= body.length; i += 8) expect(text).not.toContain(body.slice(i, i + 16));
        }
      }
    });

    it('refuses a valid 3-prime key with the same KeyFormatError', async () => {
      const threePrime = fixture('rsa-3prime-pkcs8.pem');
      const pkcs1 = createPrivateKey(threePrime).export({ type: 'pkcs1', format: 'pem' }).toString();
      for (const input of [threePrime, pkcs1]) {
        await expect(rsaSign(input, 'x')).rejects.toMatchObject({
          name: 'KeyFormatError',
          code: 'ERR_KEY_FORMAT',
          found: 'a multi-prime RSA private key (3 primes)',
        });
      }
    });

    it('wraps a key the runtime imports but refuses at signing as a KeyFormatError, dropping its error', async () => {
      // Node's WebCrypto imports a key with an even p and fails when signing (OpenSSL "no inverse").
      const altered = alterField(pkcs1Der(), 'p');
      const cryptoKey = await crypto.subtle.importKey(
        'pkcs8',
        toPkcs8(altered),
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      const error = await rsaSign(cryptoKey, 'x').catch((e: unknown) => e);
      expect(isKeyFormatError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_KEY_FORMAT' });
      expect((error as Error).cause).toBeUndefined();
      expect((error as Error).message).toBe(
        'the runtime could not sign with the RSA private key: it is structurally invalid',
      );
    });

    it('round-trips sign/verify for 1024, 2048 and 3072-bit keys (property)', async () => {
      const pairs = [1024, 2048, 3072].map((bits) =>
        generateKeyPairSync('rsa', {
          modulusLength: bits,
          publicKeyEncoding: { type: 'spki', format: 'pem' },
          privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        }),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...pairs), fc.string({ unit: 'grapheme' }), async (pair, message) => {
          const signature = await rsaSign(pair.privateKey, message);
          return (
            (await rsaVerify(pair.publicKey, signature, message)) &&
            !(await rsaVerify(pair.publicKey, signature, `${message}x`))
          );
        }),
        { numRuns: 30 },
      );
    });
  });

  describe('timingSafeEqual', () => {
    it('compares bytes and strings', () => {
      expect(timingSafeEqual('abc', 'abc')).toBe(true);
      expect(timingSafeEqual('abc', 'abd')).toBe(false);
      expect(timingSafeEqual('abc', 'ab')).toBe(false);
      expect(timingSafeEqual('', '')).toBe(true);
      expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    });

    it('never equates different strings through U+FFFD (lone surrogates), and does not throw for them', () => {
      expect(timingSafeEqual('\u{d800}', '\u{dbff}')).toBe(false);
      expect(timingSafeEqual('a\u{d800}', 'a\u{fffd}')).toBe(false);
      expect(timingSafeEqual('a\u{fffd}', 'a\u{d800}')).toBe(false);
      expect(timingSafeEqual('\u{d800}', new Uint8Array([0xef, 0xbf, 0xbd]))).toBe(false);
      expect(timingSafeEqual(new Uint8Array([0xef, 0xbf, 0xbd]), '\u{dc00}')).toBe(false);
      expect(timingSafeEqual('x\u{d800}', 'x\u{d800}')).toBe(true);
      expect(timingSafeEqual('\u{fffd}', new Uint8Array([0xef, 0xbf, 0xbd]))).toBe(true);
      fc.assert(
        fc.property(
          fc.string({ unit: 'binary', maxLength: 8 }),
          fc.string({ unit: 'binary', maxLength: 8 }),
          (a, b) => {
            return timingSafeEqual(a, b) === (a === b) && timingSafeEqual(a, `${a}`);
          },
        ),
        { numRuns: 500 },
      );
    });

    it('agrees with plain equality (property)', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
          const equal = a.length === b.length && a.every((value, i) => value === b[i]);
          return timingSafeEqual(a, b) === equal && timingSafeEqual(a, a.slice());
        }),
      );
    });
  });
});
