import { describe, expect, it } from 'vitest';

describe('public API surface', () => {
  it('@org/snap-auth exports exactly these names', async () => {
    expect(Object.keys(await import('./index.js')).sort()).toEqual([
      'EMPTY_BODY_HASH',
      'canonicalSnapRelativeUrl',
      'createSnapAuth',
      'parseSnapResponseCode',
      'snapAccessTokenSignature',
      'snapBodyHash',
      'snapNotificationSignature',
      'snapPresets',
      'snapServiceSignature',
      'snapStringToSign',
      'verifySnapAccessTokenSignature',
      'verifySnapNotification',
      'verifySnapSignature',
    ]);
  });

  it('@org/snap-auth/testing exports exactly these names', async () => {
    expect(Object.keys(await import('./testing/index.js')).sort()).toEqual(['createSnapSandbox']);
  });
});
