// `payauth notify` as a subprocess against merchant endpoints served in this test process: a
// SNAP server (`@org/snap-auth/server`) and a DOKU notification endpoint that verifies with
// `verifyDokuNotification`. Redelivery, the valid-SNAP-answer check, secrets kept out of the
// output, and the usage errors.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyDokuNotification } from '@org/doku-partner-auth';
import { isSignatureError } from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { createSnapServer } from '@org/snap-auth/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../test/run-cli.js';

const BANK = 'BANK-7';
const bankSecret = `bank-${randomBytes(12).toString('hex')}`;
const dokuClient = 'BRN-0201-1234';
const dokuSecret = `SK-${randomBytes(12).toString('hex')}`;
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dir = tempDir();
const keyFile = join(dir, 'bank-private.pem');
writeFileSync(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });

let merchant: RunningSandbox;
let runs = 0;
let failNext = 0;
let plainAnswer = false;
const issued: string[] = [];
const dokuRequestIds: string[] = [];

beforeAll(async () => {
  const server = createSnapServer({
    partners: [
      { clientId: BANK, publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }), clientSecret: bankSecret },
    ],
  });
  merchant = await serveOnLoopback(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/v1.0/access-token/b2b') {
      const response = await server.handleAccessToken(request);
      const json = (await response.clone().json()) as { accessToken?: string };
      if (json.accessToken) issued.push(json.accessToken);
      return response;
    }
    if (pathname === '/doku/notify') {
      dokuRequestIds.push(request.headers.get('Request-Id') ?? '');
      try {
        await verifyDokuNotification(request, { clientId: dokuClient, secretKey: dokuSecret });
      } catch (error) {
        if (isSignatureError(error)) return Response.json({ refused: error.check }, { status: 401 });
        throw error;
      }
      runs += 1;
      if (failNext-- > 0) return new Response('busy', { status: 503 });
      return Response.json({ received: true });
    }
    if (plainAnswer) return new Response('ok', { status: 200 });
    return server.handle(request, { serviceCode: '25' }, async () => {
      runs += 1;
      if (failNext-- > 0) throw new Error('database down');
      return { paymentFlagStatus: '00' };
    });
  }, 0);
});
afterAll(() => merchant?.close());
beforeEach(() => {
  runs = 0;
  failNext = 0;
  plainAnswer = false;
});

const snapArgs = () => [
  'notify',
  'snap',
  '--to',
  merchant.url,
  '--partner-client-id',
  BANK,
  '--partner-private-key-file',
  keyFile,
];
const snapEnv = () => ({ PAYAUTH_SNAP_PARTNER_CLIENT_SECRET: bankSecret });

function expectNoSecret(text: string) {
  expect(text).not.toContain(bankSecret);
  expect(text).not.toContain(dokuSecret);
  for (const token of issued) expect(text).not.toContain(token);
}

describe('payauth notify snap', () => {
  it('gets a token from the merchant, pays once, and says the answer is a valid SNAP response', async () => {
    const result = await runCli(snapArgs(), { env: snapEnv() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`snap → ${merchant.url}/`);
    expect(result.stdout).toContain('attempt 1: HTTP 200 2002500');
    expect(result.stdout).toContain('✓ a valid SNAP response');
    expect(runs).toBe(1);
    expectNoSecret(result.stdout);
  });

  it('redelivers after a failure, re-signed, until the merchant answers; --json lists the attempts', async () => {
    failNext = 1;
    const result = await runCli([...snapArgs(), '--attempts', '3', '--json'], { env: snapEnv() });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ ok: true, provider: 'snap', status: 200, validSnapResponse: true });
    expect(json.attempts.map((a: { status: number }) => a.status)).toEqual([500, 200]);
    expect(json.attempts[0].responseCode).toBe('5002500');
    expect(runs).toBe(2);
    expectNoSecret(result.stdout);
  });

  it('an answer that is not a SNAP response exits 4 and says why', async () => {
    plainAnswer = true;
    const result = await runCli(snapArgs(), { env: snapEnv() });
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('✗ not a valid SNAP response');
  });

  it('a secret the merchant does not know: the call is refused, 4012500, after every attempt', async () => {
    const result = await runCli([...snapArgs(), '--attempts', '2'], {
      env: { PAYAUTH_SNAP_PARTNER_CLIENT_SECRET: 'a-guess' },
    });
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/attempt 1: HTTP 401 4012500\n {2}attempt 2 \(re-signed\): HTTP 401 4012500/);
    expect(runs).toBe(0);
  });

  it('a merchant that never answers ends at --timeout-ms', async () => {
    const silent = await serveOnLoopback(() => new Promise<Response>(() => {}), 0);
    try {
      const result = await runCli(
        [
          'notify',
          'snap',
          '--to',
          silent.url,
          '--partner-client-id',
          BANK,
          '--partner-private-key-file',
          keyFile,
          '--timeout-ms',
          '300',
        ],
        { env: { ...snapEnv() } },
      );
      expect(result.code).toBe(4);
      expect(result.stdout).toContain('token endpoint refused the sandbox (no answer within 300 ms)');
    } finally {
      await silent.close();
    }
  });

  it('usage errors name what is wrong', async () => {
    expect((await runCli(['notify'])).stderr).toContain('which provider?');
    expect((await runCli(['notify', 'fax', '--to', merchant.url])).stderr).toContain('unknown provider "fax"');
    expect((await runCli(['notify', 'snap'])).stderr).toContain('--to <url> is required');
    expect((await runCli(['notify', 'snap', '--to', 'ftp://x'])).stderr).toContain('--to must be an http(s) URL');
    const missing = await runCli(['notify', 'snap', '--to', merchant.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('partner-client-id');
    const mode = await runCli([...snapArgs(), '--mode', 'twice'], { env: snapEnv() });
    expect(mode.stderr).toContain('--mode must be re-signed or verbatim');
    const body = await runCli([...snapArgs(), '--body', '{not json'], { env: snapEnv() });
    expect(body.code).toBe(3);
  });
});

describe('payauth notify doku', () => {
  const dokuArgs = () => ['notify', 'doku', '--to', `${merchant.url}/doku/notify`, '--client-id', dokuClient];

  it('signs a notification your endpoint verifies, and redelivers it with the same Request-Id', async () => {
    failNext = 1;
    const result = await runCli([...dokuArgs(), '--json'], { env: { PAYAUTH_DOKU_SECRET_KEY: dokuSecret } });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ ok: true, provider: 'doku', status: 200, answer: '{"received":true}' });
    expect(json.attempts.map((a: { status: number }) => a.status)).toEqual([503, 200]);
    expect(json.validSnapResponse).toBeUndefined();
    expect(runs).toBe(2);
    const [first, second] = dokuRequestIds.slice(-2);
    expect(second).toBe(first);
    expectNoSecret(result.stdout);
  });

  it('a wrong secret key is refused by your endpoint: exit 4', async () => {
    const result = await runCli([...dokuArgs(), '--attempts', '1'], { env: { PAYAUTH_DOKU_SECRET_KEY: 'SK-wrong' } });
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('attempt 1: HTTP 401');
    expect(result.stdout).not.toContain('SK-wrong');
    expect(runs).toBe(0);
  });
});
