import { fileURLToPath } from 'node:url';
import { unprefixedTypeErrors } from '@org/vitest-config/house-style';
import { describe, expect, it } from 'vitest';

describe('public API surface', () => {
  it('@org/snap-auth exports exactly these names', async () => {
    expect(Object.keys(await import('./index.js')).sort()).toEqual([
      'EMPTY_BODY_HASH',
      'SNAP_HEADERS',
      'SNAP_TOKEN_PATH',
      'SNAP_TOKEN_REQUEST_BODY',
      'canonicalSnapRelativeUrl',
      'createSnapAuth',
      'parseSnapResponseCode',
      'snapAccessTokenSignature',
      'snapBodyHash',
      'snapIfortepayNotifySignature',
      'snapNotificationSignature',
      'snapPresets',
      'snapServiceSignature',
      'snapSignedHeaders',
      'snapStringToSign',
      'snapStringToSignParts',
      'verifySnapAccessTokenSignature',
      'verifySnapNotification',
      'verifySnapSignature',
      'verifySnapStringToSign',
    ]);
  });

  it('@org/snap-auth/testing exports exactly these names', async () => {
    expect(Object.keys(await import('./testing/index.js')).sort()).toEqual(['createSnapSandbox']);
  });
});

it('programmer-misuse TypeErrors name the package ([@org/snap-auth] …)', () => {
  expect(unprefixedTypeErrors(fileURLToPath(new URL('.', import.meta.url)), '@org/snap-auth')).toEqual([]);
});
