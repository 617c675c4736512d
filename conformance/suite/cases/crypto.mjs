// Crypto that must be the same on every backend: HMAC with an empty key (WebCrypto refuses a
// zero-length key; RFC 2104 pads it to a zero block), digests, RSA, constant-time compare.
import {
  cryptoBackendName,
  digest,
  hmac,
  importRsaPrivateKey,
  importRsaPublicKey,
  rsaSign,
  rsaVerify,
  timingSafeEqual,
  toBase64,
  toHex,
} from '@org/signing-core';
import { equal, ok } from '../harness.mjs';

export const cryptoCases = [
  {
    name: 'crypto: the expected backend is picked',
    async run(t) {
      equal(cryptoBackendName, t.expectBackend, 'cryptoBackendName');
    },
  },
  {
    name: 'crypto: HMAC-SHA256 and HMAC-SHA512 with an empty key',
    async run() {
      equal(
        toHex(await hmac('SHA-256', '', '')),
        'b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad',
        'HMAC-SHA256("", "")',
      );
      equal(
        toBase64(await hmac('SHA-512', new Uint8Array(0), 'The quick brown fox')),
        'mjhy7I+ZYEyE+xhf1ysuvHrWqCM9VzQ/wbjKXHorxDWo7TuO95pkrgCdS3/nPueRjSM1/zWPDQAj4Phs6qREDw==',
        'HMAC-SHA512 with an empty key',
      );
      equal(
        toHex(await hmac('SHA-256', '', 'x')),
        toHex(await hmac('SHA-256', new Uint8Array(64), 'x')),
        'equals HMAC under one zero block',
      );
    },
  },
  {
    name: 'crypto: SHA-256 digest and constant-time compare',
    async run() {
      equal(
        toHex(await digest('SHA-256', 'abc')),
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
        'SHA-256("abc")',
      );
      ok(timingSafeEqual('same', 'same') && !timingSafeEqual('same', 'sane'), 'timingSafeEqual');
    },
  },
  {
    name: 'crypto: RSA sign and verify with an imported PEM pair',
    async run(t) {
      const privateKey = await importRsaPrivateKey(t.info.snapKey.privateKeyPem);
      const publicKey = await importRsaPublicKey(t.info.snapKey.publicKeyPem);
      const signature = await rsaSign(privateKey, 'data');
      ok(await rsaVerify(publicKey, signature, 'data'), 'verifies');
      ok(!(await rsaVerify(publicKey, signature, 'date')), 'another message does not');
    },
  },
];
