import { importHmacKey, isInputError, Secret } from '@org/signing-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GET_VECTOR, ORDER_BODY_VECTOR, POST_VECTOR, SECRET, TOKEN_VECTOR } from './__fixtures__/vectors.js';
import {
  dokuSignature,
  dokuStringToSign,
  parseDokuSignatureValue,
  type VerifyDokuSignatureParams,
  verifyDokuSignature,
} from './protocol/signature.js';
import { sandboxSignature } from './testing/sandbox-signature.js';

/** A body whose digest is the published one does not exist in the docs; sign the published components via a stub body. */
const getParams = {
  clientId: GET_VECTOR.clientId,
  requestId: GET_VECTOR.requestId,
  timestamp: GET_VECTOR.timestamp,
  target: GET_VECTOR.target,
};
const tokenParams = {
  clientId: TOKEN_VECTOR.clientId,
  requestId: TOKEN_VECTOR.requestId,
  timestamp: TOKEN_VECTOR.timestamp,
  target: TOKEN_VECTOR.target,
  body: TOKEN_VECTOR.body,
};

describe('known-answer vectors (protocols.md §3.2, secret SK-test)', () => {
  it('GET: documented component string, no Digest line → [SELF] signature', async () => {
    expect(await dokuStringToSign(getParams)).toBe(GET_VECTOR.stringToSign);
    expect(await dokuSignature({ ...getParams, secretKey: SECRET })).toBe(GET_VECTOR.signature);
  });

  it('POST: the documented component string (published Digest) → [SELF] signature', async () => {
    // The body behind DOKU's Digest is unknown, so the component string itself is the input here;
    // the HMAC over it must equal the vector, and our builder must produce the same lines.
    const { createHmac } = await import('node:crypto');
    const mac = createHmac('sha256', SECRET).update(POST_VECTOR.stringToSign).digest('base64');
    expect(`HMACSHA256=${mac}`).toBe(POST_VECTOR.signature);
    const built = await dokuStringToSign({ ...POST_VECTOR, body: ORDER_BODY_VECTOR.body });
    expect(built.split('\n').slice(0, 4).join('\n')).toBe(POST_VECTOR.stringToSign.split('\n').slice(0, 4).join('\n'));
    expect(built.endsWith(`\nDigest:${ORDER_BODY_VECTOR.digest}`)).toBe(true);
    // …and the {"order":…} body is NOT the body DOKU signed.
    expect(built).not.toBe(POST_VECTOR.stringToSign);
  });

  it('Generate Token: seed headers and body → [SELF] signature with its Digest', async () => {
    expect(await dokuStringToSign(tokenParams)).toBe(
      `Client-Id:${TOKEN_VECTOR.clientId}\nRequest-Id:${TOKEN_VECTOR.requestId}\nRequest-Timestamp:${TOKEN_VECTOR.timestamp}\nRequest-Target:${TOKEN_VECTOR.target}\nDigest:${TOKEN_VECTOR.digest}`,
    );
    expect(await dokuSignature({ ...tokenParams, secretKey: SECRET })).toBe(TOKEN_VECTOR.signature);
    expect(await verifyDokuSignature({ ...tokenParams, secretKey: SECRET, signature: TOKEN_VECTOR.signature })).toBe(
      true,
    );
  });

  it('the published samples cannot be reproduced (unknown secret; the GET one is a placeholder)', async () => {
    expect(
      await verifyDokuSignature({ ...tokenParams, secretKey: SECRET, signature: TOKEN_VECTOR.publishedSample }),
    ).toBe(false);
    expect(parseDokuSignatureValue(GET_VECTOR.publishedPlaceholder)).toBeUndefined();
  });
});

describe('dokuStringToSign / dokuSignature', () => {
  it('omits the Digest line for no body and for an empty body (no trailing newline)', async () => {
    const none = await dokuStringToSign(getParams);
    expect(await dokuStringToSign({ ...getParams, body: '' })).toBe(none);
    expect(await dokuStringToSign({ ...getParams, body: new Uint8Array() })).toBe(none);
    expect(none.endsWith('\n')).toBe(false);
    expect(none.split('\n')).toHaveLength(4);
  });

  it('uses the Response-Timestamp label for DOKU responses', async () => {
    const text = await dokuStringToSign({ ...tokenParams, kind: 'response' });
    expect(text.split('\n')[2]).toBe(`Response-Timestamp:${TOKEN_VECTOR.timestamp}`);
    const request = await dokuSignature({ ...tokenParams, secretKey: SECRET });
    const response = await dokuSignature({ ...tokenParams, kind: 'response', secretKey: SECRET });
    expect(response).not.toBe(request);
  });

  it('accepts the secret as text, a Secret or an imported HmacKey, with the same result', async () => {
    const key = await importHmacKey('SHA-256', SECRET);
    const results = await Promise.all([
      dokuSignature({ ...tokenParams, secretKey: SECRET }),
      dokuSignature({ ...tokenParams, secretKey: new Secret(SECRET) }),
      dokuSignature({ ...tokenParams, secretKey: key }),
    ]);
    expect(new Set(results)).toEqual(new Set([TOKEN_VECTOR.signature]));
  });

  it('hashes bytes and text alike', async () => {
    const bytes = new TextEncoder().encode(TOKEN_VECTOR.body);
    expect(await dokuSignature({ ...tokenParams, body: bytes, secretKey: SECRET })).toBe(TOKEN_VECTOR.signature);
  });

  it('refuses components that would change the signed lines', async () => {
    for (const field of ['clientId', 'requestId', 'timestamp', 'target'] as const) {
      for (const bad of ['', 'a\nb', 'a\rb']) {
        const error = await dokuSignature({ ...tokenParams, [field]: bad, secretKey: SECRET }).catch((e: unknown) => e);
        expect(isInputError(error)).toBe(true);
        expect((error as { field?: string }).field).toBe(field);
        expect((error as { provider?: string }).provider).toBe('doku');
      }
    }
    await expect(dokuSignature({ ...tokenParams, target: 'adv-core-api/x', secretKey: SECRET })).rejects.toThrow(
      /path starting with/,
    );
  });

  it('throws TypeError for programmer misuse', async () => {
    await expect(dokuSignature(undefined as never)).rejects.toThrow(TypeError);
    await expect(dokuSignature({ ...tokenParams, clientId: 1 as never, secretKey: SECRET })).rejects.toThrow(TypeError);
    await expect(dokuSignature({ ...tokenParams, body: { a: 1 } as never, secretKey: SECRET })).rejects.toThrow(
      TypeError,
    );
    await expect(dokuSignature({ ...tokenParams, secretKey: undefined as never })).rejects.toThrow(TypeError);
    await expect(dokuSignature({ ...tokenParams, secretKey: '' })).rejects.toThrow(TypeError);
    await expect(dokuSignature({ ...tokenParams, kind: 'other' as never, secretKey: SECRET })).rejects.toThrow(
      TypeError,
    );
    const sha512 = await importHmacKey('SHA-512', SECRET);
    await expect(dokuSignature({ ...tokenParams, secretKey: sha512 })).rejects.toThrow(TypeError);
  });
});

describe('verifyDokuSignature', () => {
  const good: VerifyDokuSignatureParams = { ...tokenParams, secretKey: SECRET, signature: TOKEN_VECTOR.signature };

  it('accepts padded and unpadded base64, surrounding whitespace and any case of the prefix', async () => {
    expect(await verifyDokuSignature(good)).toBe(true);
    expect(await verifyDokuSignature({ ...good, signature: TOKEN_VECTOR.signature.replace(/=+$/, '') })).toBe(true);
    expect(await verifyDokuSignature({ ...good, signature: ` ${TOKEN_VECTOR.signature} ` })).toBe(true);
    expect(
      await verifyDokuSignature({ ...good, signature: TOKEN_VECTOR.signature.replace('HMACSHA256', 'hmacsha256') }),
    ).toBe(true);
  });

  it('rejects malformed values as false (no prefix, bad base64, wrong length, empty)', async () => {
    const b64 = TOKEN_VECTOR.signature.slice('HMACSHA256='.length);
    for (const signature of [
      b64,
      `HMACSHA512=${b64}`,
      'HMACSHA256=',
      'HMACSHA256=!!!!',
      `HMACSHA256=${b64}AAAA`,
      '',
      'HMACSHA256=AAAA',
    ]) {
      expect(await verifyDokuSignature({ ...good, signature })).toBe(false);
    }
  });

  it('rejects any changed component, body byte, kind or secret', async () => {
    const changes: Partial<Record<keyof VerifyDokuSignatureParams, string | undefined>>[] = [
      { clientId: 'BRN-0001-10791114622548' },
      { requestId: 'fdb69f47-96da-499d-acec-7cdc318ab2ff' },
      { timestamp: '2020-08-11T08:45:43Z' },
      { target: '/adv-core-api/partner/v1.0/token/' },
      { body: TOKEN_VECTOR.body.replace('360', '361') },
      { body: `${TOKEN_VECTOR.body} ` },
      { body: undefined },
      { secretKey: 'SK-test2' },
    ];
    for (const change of changes)
      expect(await verifyDokuSignature({ ...good, ...change } as VerifyDokuSignatureParams)).toBe(false);
    expect(await verifyDokuSignature({ ...good, kind: 'response' })).toBe(false);
  });

  it('throws TypeError when the signature is not a string', async () => {
    await expect(verifyDokuSignature({ ...good, signature: undefined as never })).rejects.toThrow(TypeError);
    await expect(verifyDokuSignature(null as never)).rejects.toThrow(TypeError);
  });
});

describe('properties', () => {
  const line = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\r\n]/.test(s));
  const components = fc.record({
    clientId: line,
    requestId: line,
    timestamp: line,
    target: line.map((s) => `/${s}`),
    body: fc.option(fc.string({ unit: 'grapheme', maxLength: 200 }), { nil: undefined }),
    kind: fc.constantFrom('request' as const, 'response' as const),
  });
  const secret = fc.string({ minLength: 1, maxLength: 64 });

  it('matches an independent node:crypto implementation (the sandbox’s)', async () => {
    await fc.assert(
      fc.asyncProperty(components, secret, async (c, secretKey) => {
        const expected = sandboxSignature(secretKey, {
          ...c,
          timestampName: c.kind === 'response' ? 'Response-Timestamp' : 'Request-Timestamp',
          body: Buffer.from(c.body ?? '', 'utf8'),
        });
        expect(await dokuSignature({ ...c, secretKey })).toBe(expected);
      }),
    );
  });

  it('verifies what it signs, with or without padding, and nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(components, secret, fc.integer({ min: 0, max: 42 }), async (c, secretKey, flip) => {
        const signature = await dokuSignature({ ...c, secretKey });
        expect(signature).toMatch(/^HMACSHA256=[A-Za-z0-9+/]{43}=$/);
        expect(await verifyDokuSignature({ ...c, secretKey, signature })).toBe(true);
        expect(await verifyDokuSignature({ ...c, secretKey, signature: signature.slice(0, -1) })).toBe(true);
        const b64 = signature.slice(11);
        const chars = [...b64];
        chars[flip] = chars[flip] === 'A' ? 'B' : 'A';
        const tampered = `HMACSHA256=${chars.join('')}`;
        if (parseDokuSignatureValue(tampered)?.every((byte, i) => byte === parseDokuSignatureValue(signature)?.[i]))
          return;
        expect(await verifyDokuSignature({ ...c, secretKey, signature: tampered })).toBe(false);
      }),
    );
  });
});
