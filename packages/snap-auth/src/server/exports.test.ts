import { describe, expect, it } from 'vitest';

describe('public API surface', () => {
  it('@org/snap-auth/server exports exactly these names (removing one is a deliberate, major change)', async () => {
    expect(Object.keys(await import('./index.js')).sort()).toEqual(['createSnapServer', 'memorySnapIssuedTokenStore']);
  });
});
