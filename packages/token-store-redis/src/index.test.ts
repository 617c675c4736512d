import { fileURLToPath } from 'node:url';
import { unprefixedTypeErrors } from '@org/vitest-config/house-style';
import { expect, it } from 'vitest';

it('public API surface', async () => {
  expect(Object.keys(await import('./index.js')).sort()).toEqual([
    'MAX_PLAIN_KEY_LENGTH',
    'redisExternalIds',
    'redisIdempotencyStore',
    'redisIssuedTokenStore',
    'redisTokenStore',
  ]);
});

it('programmer-misuse TypeErrors name the package ([@org/token-store-redis] …)', () => {
  expect(unprefixedTypeErrors(fileURLToPath(new URL('.', import.meta.url)), '@org/token-store-redis')).toEqual([]);
});
