/**
 * Test fixtures: the SNAP-B2B-1 key pair (protocols.md §2.1), a controllable clock, and a
 * sandbox + client pair served on 127.0.0.1.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RunningSandbox } from '@org/signing-core/testing';
import { createSnapAuth, type SnapAuth } from '../create-snap-auth.js';
import type { SnapAuthOptions } from '../options.js';
import { createSnapSandbox, type SnapSandbox, type SnapSandboxOptions } from '../testing/sandbox.js';

/** PKCS#8 PEM of the SNAP-B2B-1 vector. */
export const privateKeyPem = readFileSync(new URL('./keys/snap-b2b-1.pem', import.meta.url), 'utf8');
/** Its public half (SPKI PEM), derived. */
export const publicKeyPem = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();

/** Another key pair: "the wrong key". */
export const otherKeyPair = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
})();

export const CLIENT_ID = 'G1234325-SNAP';
export const CLIENT_SECRET = 'fdppqbF5wq7vVegyvsV1CROMv646nJ7A';
export const CHANNEL_ID = '95221';
/** 2026-03-02T10:00:00+07:00 */
export const START = Date.parse('2026-03-02T10:00:00+07:00');

export interface TestClock {
  (): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function testClock(start = START): TestClock {
  let now = start;
  const clock = (() => now) as TestClock;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (ms) => {
    now = ms;
  };
  return clock;
}

export interface Harness {
  readonly sandbox: SnapSandbox;
  readonly running: RunningSandbox;
  readonly auth: SnapAuth;
  readonly clock: TestClock;
  close(): Promise<void>;
}

/** A sandbox on 127.0.0.1 and a client for it, sharing one test clock. */
export async function harness(
  options: { sandbox?: Partial<SnapSandboxOptions>; auth?: Partial<SnapAuthOptions>; clock?: TestClock } = {},
): Promise<Harness> {
  const clock = options.clock ?? testClock();
  const sandbox = createSnapSandbox({
    clients: [{ clientId: CLIENT_ID, publicKey: publicKeyPem, clientSecret: CLIENT_SECRET }],
    clock,
    ...options.sandbox,
  });
  const running = await sandbox.listen();
  const auth = createSnapAuth({
    baseUrl: running.url,
    clientId: CLIENT_ID,
    privateKey: privateKeyPem,
    clientSecret: CLIENT_SECRET,
    channelId: CHANNEL_ID,
    clock,
    retry: { limit: 2, backoffLimitMs: 20 },
    ...options.auth,
  });
  return {
    sandbox,
    running,
    auth,
    clock,
    close: () => running.close(),
  };
}
