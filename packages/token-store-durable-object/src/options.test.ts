// Options are checked when the store is created: a ConfigError names each bad field and what was
// expected, never the value given.
import { ConfigError } from '@org/signing-core';
import { durableObjectTokenStore } from '@org/token-store-durable-object';
import { describe, expect, it } from 'vitest';

const namespace = {
  idFromName: (name: string) => name,
  get: () => ({ fetch: async () => Response.json({ ok: true }) }),
};

const configError = (run: () => unknown): ConfigError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('durableObjectTokenStore options', () => {
  it('needs a namespace binding', () => {
    const error = configError(() => durableObjectTokenStore({} as never));
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.issues.map((issue) => issue.path)).toEqual(['namespace']);
    expect(error.message).toContain('a Durable Object namespace binding of TokenStoreDurableObject');
  });

  it('names every bad field, without its value', () => {
    const error = configError(() =>
      durableObjectTokenStore({
        namespace: { idFromName: 'secret-looking-value-3c9d' } as never,
        prefix: '',
        requestTimeoutMs: 0,
      }),
    );
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['namespace', 'prefix', 'requestTimeoutMs']);
    expect(error.message).not.toContain('secret-looking-value-3c9d');
  });

  it('refuses unknown options with the one it most likely meant', () => {
    const error = configError(() => durableObjectTokenStore({ namespace, requestTimeoutMS: 100 } as never));
    expect(error.message).toContain('requestTimeoutMS');
    expect(error.message).toContain('requestTimeoutMs');
  });

  it('gives a TokenStore with a lock and change notifications', () => {
    const store = durableObjectTokenStore({ namespace });
    expect(Object.keys(store).sort()).toEqual(['delete', 'get', 'lock', 'set', 'waitForChange']);
  });
});
