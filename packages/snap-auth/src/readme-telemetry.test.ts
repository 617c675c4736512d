/**
 * The README block of "Telemetry of notifications and the server kit", verbatim (listed in
 * readme.test.ts's check that every README block is tested), and what it printed.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';

const logged: unknown[][] = [];
// The README example prints through `console.log`: capture it.
const console = { log: (...args: unknown[]) => void logged.push(args) };
const partnerPublicKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

// --- README: Telemetry of notifications and the server kit
import type { AuthEvent } from '@org/signing-core';
import { createSnapServer } from '@org/snap-auth/server';

const seen: AuthEvent[] = [];
const observedServer = createSnapServer({
  partners: [{ clientId: 'BANK', publicKey: partnerPublicKeyPem, clientSecret: 'bank-shared-secret' }],
  onEvent: (event) => seen.push(event),
  // telemetry: { tracer: trace.getTracer('payauth'), meter: metrics.getMeter('payauth') },
});
// A call without its SNAP headers: refused, and reported.
const refusedCall = await observedServer.handle(
  new Request('https://shop.example/v1.0/transfer-va/payment', { method: 'POST', body: '{}' }),
  { serviceCode: '25' },
  async () => ({}),
);
console.log(
  refusedCall.status,
  seen.map((event) => event.type),
); // 400 ['signature.failed', 'server.handle']
for (const event of seen) {
  if (event.type === 'server.handle') console.log(event.responseCode, event.check, event.outcome); // '4002502' 'header' 'failure'
}

describe('README: telemetry of the server kit', () => {
  it('a refused call is reported as signature.failed, then server.handle with its code and check', () => {
    expect(logged).toEqual([
      [400, ['signature.failed', 'server.handle']],
      ['4002502', 'header', 'failure'],
    ]);
  });
});
