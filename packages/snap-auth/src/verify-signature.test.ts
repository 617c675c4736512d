import { isInputError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { otherKeyPair, privateKeyPem, publicKeyPem } from './__fixtures__/setup.js';
import { snapNotificationSignature } from './protocol/notification-signature.js';
import { snapServiceSignature } from './protocol/service-signature.js';
import { verifySnapSignature } from './protocol/verify-signature.js';

const request = {
  method: 'POST',
  path: '/merchant/v1.0/transfer-va/payment?x=1',
  body: '{"paymentRequestId":"123","paidAmount":{"value":"10000.00","currency":"IDR"}}',
  timestamp: '2026-03-02T10:00:00+07:00',
};

describe('verifySnapSignature', () => {
  it('asymmetric: verifies a notification signed with the SNAP-B2B-1 private key, pretty body included', async () => {
    const signature = await snapNotificationSignature({ ...request, privateKey: privateKeyPem });
    expect(await verifySnapSignature({ ...request, signature, publicKey: publicKeyPem })).toBe(true);
    const pretty = JSON.stringify(JSON.parse(request.body), null, 2);
    expect(await verifySnapSignature({ ...request, body: pretty, signature, publicKey: publicKeyPem })).toBe(true);
  });

  it('asymmetric: rejects a tampered body, path, method or timestamp, and the wrong key', async () => {
    const signature = await snapNotificationSignature({ ...request, privateKey: privateKeyPem });
    const verify = (changes: Partial<typeof request> & { publicKey?: string }) =>
      verifySnapSignature({ ...request, signature, publicKey: publicKeyPem, ...changes });
    expect(await verify({ body: request.body.replace('10000.00', '10001.00') })).toBe(false);
    expect(await verify({ path: '/merchant/v1.0/transfer-va/payment' })).toBe(false);
    expect(await verify({ method: 'PUT' })).toBe(false);
    expect(await verify({ timestamp: '2026-03-02T10:00:01+07:00' })).toBe(false);
    expect(await verify({ publicKey: otherKeyPair.publicKeyPem })).toBe(false);
    expect(await verifySnapSignature({ ...request, signature: '%%%', publicKey: publicKeyPem })).toBe(false);
    expect(await verifySnapSignature({ ...request, signature: '', publicKey: publicKeyPem })).toBe(false);
  });

  it('symmetric: verifies with the client secret and access token, constant-time, and rejects changes', async () => {
    const secret = 'merchant-client-secret';
    const signature = await snapServiceSignature({ ...request, accessToken: 'tok-1', clientSecret: secret });
    const input = { ...request, signature, clientSecret: secret, accessToken: 'tok-1' };
    expect(await verifySnapSignature(input)).toBe(true);
    expect(await verifySnapSignature({ ...input, accessToken: 'tok-2' })).toBe(false);
    expect(await verifySnapSignature({ ...input, clientSecret: 'other-secret' })).toBe(false);
    expect(await verifySnapSignature({ ...input, body: '{"paymentRequestId":"124"}' })).toBe(false);
    expect(await verifySnapSignature({ ...input, signature: signature.slice(0, -4) })).toBe(false);
  });

  it('requires exactly one mode, and an access token for the symmetric one', async () => {
    const field = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (isInputError(e) ? e.field : String(e)),
      );
    expect(await field(verifySnapSignature({ ...request, signature: 'x' } as never))).toBe('publicKey');
    expect(
      await field(
        verifySnapSignature({ ...request, signature: 'x', publicKey: publicKeyPem, clientSecret: 's' } as never),
      ),
    ).toBe('clientSecret');
    expect(await field(verifySnapSignature({ ...request, signature: 'x', clientSecret: 's' } as never))).toBe(
      'accessToken',
    );
    await expect(verifySnapSignature(null as never)).rejects.toThrow(TypeError);
    await expect(verifySnapSignature({ ...request, signature: 1 as never, publicKey: publicKeyPem })).rejects.toThrow(
      TypeError,
    );
  });
});
