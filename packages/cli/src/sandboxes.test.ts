// The shared "start all four sandboxes" module, in-process and through its published subpath.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDokuPartnerAuth } from '@org/doku-partner-auth';
import { createFinnetAuth } from '@org/finnet-auth';
import { createFondyAuth } from '@org/fondy-auth';
import { createSnapAuth } from '@org/snap-auth';
import { describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS, startSandboxes } from './sandboxes.js';

describe('startSandboxes', () => {
  it('serves the four sandboxes with credentials the provider clients accept', async () => {
    const s = await startSandboxes();
    try {
      const snap = createSnapAuth({ baseUrl: s.snap.url, clientId: s.snap.clientId, privateKey: s.snap.privateKey });
      const finnet = createFinnetAuth({ baseUrl: s.finnet.url, secretKey: s.finnet.secretKey });
      const doku = createDokuPartnerAuth({
        baseUrl: s.doku.url,
        clientId: s.doku.clientId,
        secretKey: s.doku.secretKey,
      });
      const fondy = createFondyAuth({
        baseUrl: s.fondy.url,
        applicationId: s.fondy.applicationId,
        secretKey: s.fondy.secretKey,
      });
      const clients = [snap, finnet, doku, fondy];
      await Promise.all(clients.map((client) => client.getToken()));
      // One set of names for every sandbox's token controls.
      const sandboxes = [s.snap.sandbox, s.finnet.sandbox, s.doku.sandbox, s.fondy.sandbox];
      expect(sandboxes.map((box) => [box.issuedTokens, box.activeTokens])).toEqual([
        [1, 1],
        [1, 1],
        [1, 1],
        [1, 1],
      ]);
      for (const box of sandboxes) box.expireTokens();
      expect(sandboxes.map((box) => [box.issuedTokens, box.activeTokens])).toEqual([
        [1, 0],
        [1, 0],
        [1, 0],
        [1, 0],
      ]);
      await Promise.all(clients.map((client) => client.getToken({ forceRefresh: true })));
      expect(sandboxes.map((box) => [box.issuedTokens, box.activeTokens])).toEqual([
        [2, 1],
        [2, 1],
        [2, 1],
        [2, 1],
      ]);
      expect(s.snap.sandbox.requests.count(s.snap.tokenPath)).toBe(2);
      expect(s.finnet.sandbox.requests.count(s.finnet.tokenPath)).toBe(2);
      expect(s.doku.sandbox.requests.count(s.doku.tokenPath)).toBe(2);
      expect(s.fondy.sandbox.requests.count(s.fondy.tokenPath)).toBe(2);
      expect(s.environment()).toMatchObject({
        PAYAUTH_SNAP_BASE_URL: s.snap.url,
        PAYAUTH_SNAP_PRIVATE_KEY: s.snap.privateKey,
        PAYAUTH_DOKU_CLIENT_ID: SANDBOX_CREDENTIALS.doku.clientId,
        PAYAUTH_FONDY_APPLICATION_ID: '1234',
      });
      expect(s.environment({ privateKeyFile: '/k.pem' })).toMatchObject({ PAYAUTH_SNAP_PRIVATE_KEY_FILE: '/k.pem' });
      expect(s.environment({ privateKeyFile: '/k.pem' })).not.toHaveProperty('PAYAUTH_SNAP_PRIVATE_KEY');
    } finally {
      await s.close();
    }
    await expect(fetch(s.fondy.url + s.fondy.tokenPath, { method: 'POST' })).rejects.toThrow();
  });

  it('refuses a port base out of range', async () => {
    await expect(startSandboxes({ portBase: 65_533 })).rejects.toThrow(RangeError);
  });

  it('is published as @org/cli/sandboxes', () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('@org/cli/sandboxes'); console.log(Object.keys(m).sort().join(','))",
      ],
      {
        cwd,
        encoding: 'utf8',
      },
    );
    expect(out.trim()).toBe('SANDBOX_CREDENTIALS,startSandboxes');
  });
});
