import { createHash, createVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { privateKeyPem, publicKeyPem } from './__fixtures__/setup.js';
import { snapNotificationSignature } from './protocol/notification-signature.js';

describe('snapNotificationSignature', () => {
  it('signs METHOD:path:lowerhex(sha256(minify(body))):timestamp with SHA256withRSA', async () => {
    const body =
      '{\n  "virtualAccountNo": "  08000000000001",\n  "paidAmount": { "value": "10000.00", "currency": "IDR" }\n}';
    const minified = '{"virtualAccountNo":"  08000000000001","paidAmount":{"value":"10000.00","currency":"IDR"}}';
    const timestamp = '2026-03-02T10:00:00+07:00';
    const signature = await snapNotificationSignature({
      method: 'post',
      path: '/v1.0/transfer-va/payment',
      body,
      timestamp,
      privateKey: privateKeyPem,
    });
    const hash = createHash('sha256').update(minified).digest('hex');
    const verifier = createVerify('sha256');
    verifier.update(`POST:/v1.0/transfer-va/payment:${hash}:${timestamp}`);
    expect(verifier.verify(publicKeyPem, signature, 'base64')).toBe(true);
  });

  it('is deterministic (PKCS#1 v1.5), so a body and its minified form sign alike', async () => {
    const input = { method: 'POST', path: '/n', timestamp: '2026-03-02T10:00:00Z', privateKey: privateKeyPem };
    expect(await snapNotificationSignature({ ...input, body: '{ "a" : [ 1 , 2 ] }' })).toBe(
      await snapNotificationSignature({ ...input, body: '{"a":[1,2]}' }),
    );
  });
});
