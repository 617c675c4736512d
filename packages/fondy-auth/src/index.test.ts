import { fileURLToPath } from 'node:url';
import { unprefixedTypeErrors } from '@org/vitest-config/house-style';
import { describe, expect, it } from 'vitest';

describe('public API', () => {
  it('@org/fondy-auth exports exactly these names', async () => {
    expect(Object.keys(await import('./index.js')).sort()).toEqual([
      'FONDY_REQUEST_HEADERS',
      'createFondyAuth',
      'fondyHosts',
      'fondyPaymentStringToSignParts',
      'fondySdkSignature',
      'fondySignature',
      'fondySigningString',
      'fondyTokenRequestBody',
      'fondyTokenSignature',
      'fondyTokenStringToSignParts',
      'formatFondyDate',
      'verifyFondyCallback',
      'verifyFondySignature',
      'verifyFondyTokenSignature',
    ]);
  });

  it('@org/fondy-auth/testing exports exactly these names', async () => {
    expect(Object.keys(await import('./testing/index.js')).sort()).toEqual([
      'createFondyCallback',
      'createFondySandbox',
      'sendFondyCallback',
    ]);
  });
});

it('programmer-misuse TypeErrors name the package ([@org/fondy-auth] …)', () => {
  expect(unprefixedTypeErrors(fileURLToPath(new URL('.', import.meta.url)), '@org/fondy-auth')).toEqual([]);
});
