/**
 * An independent client against the sandbox: dana-node's own SNAP B2B header builder (RSA over
 * `METHOD:path:sha256hex(body):X-TIMESTAMP`, no token, X-EXTERNAL-ID `sdk…` with dashes, its own
 * timestamp) is accepted by the sandbox in the asymmetric (DANA) profile, over HTTP on 127.0.0.1,
 * and the same call with one body byte changed is refused.
 */
import { createRequire } from 'node:module';
import type { RunningSandbox } from '@org/signing-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, privateKeyPem } from './__fixtures__/setup.js';
import { snapPresets } from './client/presets.js';
import { createSnapSandbox } from './testing/sandbox.js';

const require = createRequire(import.meta.url);
// DanaHeaderUtil is not in dana-node's export map; it lives next to the entry point.
const { DanaHeaderUtil } = require(require.resolve('dana-node').replace(/index\.js$/, 'runtime.js')) as {
  DanaHeaderUtil: {
    populateSnapB2BScenarioHeader(
      headers: Record<string, string>,
      method: string,
      endpointUrl: string,
      body: string,
      privateKey: string,
      origin: string,
      partnerId: string,
      debugMode: boolean,
    ): void;
  };
};

const PATH = '/payment-gateway/v1.0/debit/status.htm';
let running: RunningSandbox | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('dana-node against the sandbox in the DANA profile', () => {
  it("accepts dana-node's RSA-signed service call, with zero token requests, and refuses it tampered", async () => {
    const sandbox = createSnapSandbox({
      clients: [{ clientId: CLIENT_ID, publicKey: privateKeyPem, clientSecret: CLIENT_SECRET }],
      servicePath: PATH,
      serviceCode: '55',
      serviceSignature: snapPresets.dana.sandbox.serviceSignature,
    });
    running = await sandbox.listen();
    const body = JSON.stringify({ originalPartnerReferenceNo: 'INV-1', serviceCode: '54', merchantId: 'M1' });
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    DanaHeaderUtil.populateSnapB2BScenarioHeader(
      headers,
      'POST',
      PATH,
      body,
      privateKeyPem,
      'https://m.example',
      CLIENT_ID,
      false,
    );
    expect(headers.Authorization).toBeUndefined();
    expect(headers['X-EXTERNAL-ID']).toMatch(/^sdk[-0-9a-f]{33}$/);

    const accepted = await fetch(new URL(PATH, running.url), { method: 'POST', body, headers });
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as { responseCode: string }).responseCode).toBe('2005500');
    expect(sandbox.issuedTokens).toBe(0);

    const tampered = await fetch(new URL(PATH, running.url), {
      method: 'POST',
      body: body.replace('INV-1', 'INV-2'),
      headers: { ...headers, 'X-EXTERNAL-ID': `${headers['X-EXTERNAL-ID']?.slice(0, -1)}0` },
    });
    expect(tampered.status).toBe(401);
  });
});
