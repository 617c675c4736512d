/**
 * Test fixtures: the SNAP-B2B-1 key pair (protocols.md §2.1), a controllable clock, and a
 * sandbox + client pair served on 127.0.0.1.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { RunningSandbox } from '@org/signing-core/testing';
import { readRepoFile, readVectors, vectorById } from '@org/vitest-config/vectors';
import { createSnapAuth, type SnapAuth } from '../client/create-snap-auth.js';
import type { SnapAuthOptions } from '../client/options.js';
import { createSnapSandbox, type SnapSandbox, type SnapSandboxOptions } from '../testing/sandbox.js';

const b2b1 = vectorById(readVectors('snap'), 'SNAP-B2B-1', 'access-token');
const sym1 = vectorById(readVectors('snap'), 'SNAP-SYM-1', 'service');

/** PKCS#8 PEM of the SNAP-B2B-1 vector (vectors/snap.json names the key file). */
export const privateKeyPem = readRepoFile(b2b1.inputs.privateKeyFile);
/** Its public half (SPKI PEM). */
export const publicKeyPem = readRepoFile(b2b1.inputs.publicKeyFile);

/** Another key pair: "the wrong key". */
export const otherKeyPair = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
})();

/** The client id of SNAP-B2B-1 and the client secret of SNAP-SYM-1. */
export const CLIENT_ID = b2b1.inputs.clientId;
export const CLIENT_SECRET = sym1.inputs.clientSecret;
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
