/**
 * Test harness: a fake clock shared by the client and the sandbox, and a sandbox served on
 * 127.0.0.1 that is closed after each test.
 */
import type { RunningSandbox } from '@org/signing-core/testing';
import { afterEach } from 'vitest';
import { createFinnetAuth } from '../client/auth.js';
import type { FinnetAuthOptions } from '../client/options.js';
import type { FinnetAuth } from '../client/types.js';
import { createFinnetSandbox, type FinnetSandbox, type FinnetSandboxOptions } from '../testing/sandbox.js';

/** 2024-08-21 14:27:50 in GMT+7: the documentation's sample reqDtime `20240821142750`. */
export const T0 = Date.parse('2024-08-21T07:27:50.000Z');

export const SECRET = 'Sandbox.Secret-z9';

export interface FakeClock {
  readonly clock: () => number;
  now: number;
  advance(ms: number): void;
}

export function fakeClock(start = T0): FakeClock {
  const state = {
    now: start,
    clock: () => state.now,
    advance(ms: number) {
      state.now += ms;
    },
  };
  return state;
}

const running: RunningSandbox[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

export interface Setup {
  readonly sandbox: FinnetSandbox;
  readonly url: string;
  readonly time: FakeClock;
  /** A client pointed at the sandbox, on the shared clock, with quick retries. */
  auth(options?: Partial<FinnetAuthOptions>): FinnetAuth;
}

export async function setup(
  sandboxOptions: Partial<FinnetSandboxOptions> = {},
  time: FakeClock = fakeClock(),
): Promise<Setup> {
  const sandbox = createFinnetSandbox({ secretKey: SECRET, clock: time.clock, ...sandboxOptions });
  const server = await sandbox.listen();
  running.push(server);
  return {
    sandbox,
    url: server.url,
    time,
    auth: (options = {}) =>
      createFinnetAuth({
        secretKey: SECRET,
        baseUrl: server.url,
        clock: time.clock,
        timeoutMs: 5_000,
        ...options,
      }),
  };
}

/** The JSON body of a recorded request. */
export function bodyOf(request: { body: string } | undefined): Record<string, string> {
  if (!request) throw new Error('no such request');
  return JSON.parse(request.body) as Record<string, string>;
}
