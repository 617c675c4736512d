import { expect, it } from 'vitest';

it('public API surface', async () => {
  expect(Object.keys(await import('./index.js')).sort()).toEqual(['MAX_PLAIN_KEY_LENGTH', 'redisTokenStore']);
});
