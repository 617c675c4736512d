// A Worker that runs store operations on request, for the tests: POST /ops with
// { binding, requestTimeoutMs?, steps: [...] } runs the steps in order through
// durableObjectTokenStore and answers what each returned or threw (a typed error's name, code
// and message); `raw` sends a body of its own to an object, bypassing the client. BROKEN and SILENT are Durable Objects that are not the package's: one answers
// HTTP 502 with a page quoting a token, the other answers nothing for 10 s.
import type { StoredToken, TokenStoreLock } from '@org/signing-core';
import { type DurableObjectNamespaceLike, durableObjectTokenStore } from '@org/token-store-durable-object';

export { TokenStoreDurableObject } from '@org/token-store-durable-object';

export class BrokenObject {
  async fetch(request: Request): Promise<Response> {
    const { key } = (await request.json()) as { key: string };
    return new Response(`<html>upstream error for ${key}: token=do-marker-token-7f3a</html>`, { status: 502 });
  }
}

export class SilentObject {
  async fetch(): Promise<Response> {
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    return Response.json({ ok: true });
  }
}

interface Env {
  TOKENS: DurableObjectNamespaceLike;
  BROKEN: DurableObjectNamespaceLike;
  SILENT: DurableObjectNamespaceLike;
}

type Step =
  | { op: 'get'; key: string }
  | { op: 'set'; key: string; value: StoredToken; ttlMs: number }
  | { op: 'delete'; key: string; onlyIfToken?: string }
  | { op: 'lock'; key: string; ttlMs: number; name: string }
  | { op: 'release'; name: string }
  | { op: 'wait'; key: string; timeoutMs: number }
  | { op: 'sleep'; ms: number }
  | { op: 'raw'; name: string; method: string; body: string };

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { binding, requestTimeoutMs, steps } = (await request.json()) as {
      binding: keyof Env;
      requestTimeoutMs?: number;
      steps: Step[];
    };
    const store = durableObjectTokenStore({ namespace: env[binding], prefix: 'test', requestTimeoutMs });
    const locks = new Map<string, TokenStoreLock>();
    const results: unknown[] = [];
    for (const step of steps) {
      const started = Date.now();
      try {
        let value: unknown;
        if (step.op === 'get') value = (await store.get(step.key)) ?? null;
        else if (step.op === 'set') await store.set(step.key, step.value, step.ttlMs);
        else if (step.op === 'delete') await store.delete(step.key, step.onlyIfToken);
        else if (step.op === 'lock') {
          const lock = await store.lock?.(step.key, step.ttlMs);
          if (lock) locks.set(step.name, lock);
          value = lock !== undefined;
        } else if (step.op === 'release') await locks.get(step.name)?.release();
        else if (step.op === 'wait') await store.waitForChange?.(step.key, step.timeoutMs);
        else if (step.op === 'raw') {
          // Straight to an object of the TOKENS binding, bypassing the store client.
          const stub = env.TOKENS.get(env.TOKENS.idFromName(step.name) as never);
          const init: RequestInit =
            step.method === 'GET' ? { method: 'GET' } : { method: step.method, body: step.body };
          const response = await stub.fetch('https://token-store.invalid/', init);
          value = { status: response.status, body: await response.json() };
        } else await new Promise((resolve) => setTimeout(resolve, step.ms));
        results.push({ ok: true, value, ms: Date.now() - started });
      } catch (error) {
        const { name, code, message } = error as { name: string; code?: string; message: string };
        const cause = (error as { cause?: { message?: string } }).cause?.message;
        results.push({ ok: false, name, code, message, cause, ms: Date.now() - started });
      }
    }
    return Response.json(results);
  },
};
