import { fileURLToPath } from 'node:url';
import { unprefixedTypeErrors } from '@org/vitest-config/house-style';
import { describe, expect, it } from 'vitest';

describe('public API surface', () => {
  it('@org/finnet-auth exports exactly these values', async () => {
    expect(Object.keys(await import('./index.js')).sort()).toEqual([
      'FINNET_DEVELOPMENT_URL',
      'FINNET_REQUEST_HEADERS',
      'FINNET_TOKEN_PATH',
      'FINNET_WIDGET_TOP_UP_PATH',
      'createFinnetAuth',
      'finnetSignature',
      'finnetStringToSign',
      'finnetStringToSignParts',
      'isFinnetTokenRejected',
      'parseFinnetExpiry',
    ]);
  });

  it('@org/finnet-auth/testing exports exactly these values', async () => {
    expect(Object.keys(await import('./testing/index.js')).sort()).toEqual([
      'FINNET_SANDBOX_CODES',
      'createFinnetSandbox',
    ]);
  });

  it('publishes the documented development host and paths', async () => {
    const api = await import('./index.js');
    expect(api.FINNET_DEVELOPMENT_URL).toBe('https://demos.finnet.co.id');
    expect(api.FINNET_TOKEN_PATH).toBe('/apicobrand/security/getToken');
    expect(api.FINNET_WIDGET_TOP_UP_PATH).toBe('/apicobrand/widget/topup');
  });
});

it('programmer-misuse TypeErrors name the package ([@org/finnet-auth] …)', () => {
  expect(unprefixedTypeErrors(fileURLToPath(new URL('.', import.meta.url)), '@org/finnet-auth')).toEqual([]);
});
