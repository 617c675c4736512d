import { digest, toHex } from '@org/signing-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyLayout, keyPart, MAX_PLAIN_KEY_LENGTH } from './key-layout.js';

describe('key layout', () => {
  it('keeps short keys as they are and hashes long or sha256:-prefixed ones', async () => {
    expect(await keyPart('snap:https://api.example.com:client-1')).toBe('snap:https://api.example.com:client-1');
    const long = 'k'.repeat(MAX_PLAIN_KEY_LENGTH + 1);
    expect(await keyPart(long)).toBe(`sha256:${toHex(await digest('SHA-256', long))}`);
    expect(await keyPart('sha256:abc')).toBe(`sha256:${toHex(await digest('SHA-256', 'sha256:abc'))}`);
  });

  it('is one-to-one: different keys never share Redis names (up to SHA-256 collisions)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ minLength: 1 }), fc.string({ minLength: 120, maxLength: 300 }), fc.constant('sha256:x')),
        fc.oneof(fc.string({ minLength: 1 }), fc.string({ minLength: 120, maxLength: 300 })),
        async (a, b) => {
          const [pa, pb] = await Promise.all([keyPart(a), keyPart(b)]);
          if (a === b) expect(pa).toBe(pb);
          else expect(pa).not.toBe(pb);
          expect(pa.length).toBeLessThanOrEqual(Math.max(MAX_PLAIN_KEY_LENGTH, 71));
        },
      ),
    );
  });

  it('hashes keys with a brace, so that the hash tag is always the whole key part', async () => {
    for (const key of ['}a', 'a{b}', '{x}', 'snap:https://h/{id}:c']) {
      expect(await keyPart(key)).toBe(`sha256:${toHex(await digest('SHA-256', key))}`);
    }
    expect(await keyPart('snap:https://api.example.com:client-1')).not.toMatch(/[{}]/);
  });

  it('gives token, lock and channel one hash tag: the text between the first { and the next }', async () => {
    const layout = createKeyLayout('payauth');
    // Redis Cluster's rule (cluster-spec "hash tags"), written out: the tag is what the slot hashes.
    const tagOf = (name: string) => {
      const open = name.indexOf('{');
      const close = open < 0 ? -1 : name.indexOf('}', open + 1);
      return close > open + 1 ? name.slice(open + 1, close) : name;
    };
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 200 }), async (key) => {
        const keys = await layout(key);
        const tag = tagOf(keys.token);
        expect(tag).toBe(await keyPart(key));
        expect(tagOf(keys.lock)).toBe(tag);
        expect(tagOf(keys.channel)).toBe(tag);
      }),
    );
  });

  it('names token, lock and channel under the prefix, and remembers hashed keys', async () => {
    const layout = createKeyLayout('p');
    const long = 'x'.repeat(500);
    const first = await layout(long);
    expect(await layout(long)).toBe(first);
    expect(first.token).toMatch(/^p:token:\{sha256:[0-9a-f]{64}\}$/);
    expect(await layout('a:b')).toEqual({ token: 'p:token:{a:b}', lock: 'p:lock:{a:b}', channel: 'p:changed:{a:b}' });
    for (let i = 0; i < 1_100; i += 1) await layout(`k${i}`); // bounded cache: evicts, still correct
    expect(await layout(long)).toEqual(first);
  });
});
