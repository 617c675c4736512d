import { fileURLToPath } from 'node:url';
import { unprefixedTypeErrors } from '@org/vitest-config/house-style';
import { describe, expect, it } from 'vitest';

describe('public API surface', () => {
  it('@org/doku-partner-auth exports exactly these names', async () => {
    expect(Object.keys(await import('./index.js')).sort()).toEqual([
      'DOKU_HEADERS',
      'DOKU_PARTNER_BASE_URLS',
      'DOKU_PARTNER_FILE_PATH',
      'DOKU_PARTNER_TOKEN_PATH',
      'DOKU_SIGNATURE_PREFIX',
      'createDokuPartnerAuth',
      'dokuDigest',
      'dokuSignature',
      'dokuSignedHeaders',
      'dokuStringToSign',
      'dokuStringToSignParts',
      'verifyDokuNotification',
      'verifyDokuResponse',
      'verifyDokuSignature',
      'verifyDokuStringToSign',
    ]);
  });

  it('@org/doku-partner-auth/testing exports exactly these names', async () => {
    expect(Object.keys(await import('./testing/index.js')).sort()).toEqual(['createDokuSandbox']);
  });

  it('the presets are DOKU’s documented Partner API hosts, frozen', async () => {
    const { DOKU_PARTNER_BASE_URLS, DOKU_PARTNER_TOKEN_PATH, DOKU_PARTNER_FILE_PATH } = await import('./index.js');
    expect(DOKU_PARTNER_BASE_URLS).toEqual({ test: 'https://api-uat.doku.com', production: 'https://api.doku.com' });
    expect(Object.isFrozen(DOKU_PARTNER_BASE_URLS)).toBe(true);
    expect(DOKU_PARTNER_TOKEN_PATH).toBe('/adv-core-api/partner/v1.0/token');
    expect(DOKU_PARTNER_FILE_PATH).toBe('/adv-core-api/partner/v1.0/file');
  });
});

it('programmer-misuse TypeErrors name the package ([@org/doku-partner-auth] …)', () => {
  expect(unprefixedTypeErrors(fileURLToPath(new URL('.', import.meta.url)), '@org/doku-partner-auth')).toEqual([]);
});
