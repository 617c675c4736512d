import { describe, expect, it } from 'vitest';
import { memorySnapIssuedTokenStore, opaqueTokens, statelessTokens } from './tokens.js';

describe('memorySnapIssuedTokenStore', () => {
  it('keeps a record until its TTL, bounded to maxEntries (the oldest go)', async () => {
    let now = 0;
    const store = memorySnapIssuedTokenStore({ maxEntries: 2, clock: () => now });
    await store.save('a', { clientId: 'c', expiresAt: 100 }, 100);
    await store.save('b', { clientId: 'c', expiresAt: 100 }, 100);
    await store.save('c', { clientId: 'c', expiresAt: 100 }, 100);
    expect(await store.find('a')).toBeUndefined();
    expect(await store.find('b')).toEqual({ clientId: 'c', expiresAt: 100 });
    now = 100;
    expect(await store.find('c')).toBeUndefined();
    expect(() => memorySnapIssuedTokenStore({ maxEntries: 0 })).toThrow(TypeError);
  });
});

describe('issued tokens', () => {
  it('opaque: 48 characters, stored by SHA-256 only, valid until they expire', async () => {
    let now = 0;
    const saved: string[] = [];
    const memory = memorySnapIssuedTokenStore({ clock: () => now });
    const store = {
      save: (...args: Parameters<typeof memory.save>) => {
        saved.push(args[0]);
        return memory.save(...args);
      },
      find: memory.find,
    };
    const tokens = opaqueTokens(store, () => now);
    const token = await tokens.issue('client-1', 1_000);
    expect(token).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(saved[0]).not.toContain(token);
    expect(await tokens.check(token)).toBe('client-1');
    const altered = `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`;
    expect(await tokens.check(altered)).toBeUndefined();
    expect(await tokens.check('short')).toBeUndefined();
    now = 1_000;
    expect(await tokens.check(token)).toBeUndefined();
  });

  it('stateless: checked by MAC and expiry, malformed tokens refused', async () => {
    let now = 0;
    const tokens = statelessTokens(['s'.repeat(32)], () => now);
    const token = await tokens.issue('client-1', 1_000);
    expect(await tokens.check(token)).toBe('client-1');
    for (const bad of ['v1.', 'v1.a', 'v1.a.b.c', 'v1.a.!!', `v1.${'x'.repeat(2000)}`, 'v2.a.b', token.slice(0, -2)]) {
      expect(await tokens.check(bad)).toBeUndefined();
    }
    // A valid MAC over a payload that is not a token's.
    const { hmac, toBase64Url, encodeUtf8 } = await import('@org/signing-core');
    for (const json of ['[]', '{"c":1,"e":5}', 'not json']) {
      const payload = toBase64Url(encodeUtf8(json));
      const tag = toBase64Url(await hmac('SHA-256', 's'.repeat(32), `v1.${payload}`));
      expect(await tokens.check(`v1.${payload}.${tag}`)).toBeUndefined();
    }
    now = 1_000;
    expect(await tokens.check(token)).toBeUndefined();
  });
});
