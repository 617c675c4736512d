// `payauth notify` as a subprocess against merchant endpoints served in this test process: a
// SNAP server (`@org/snap-auth/server`), a DOKU notification endpoint that verifies with
// `verifyDokuNotification` and a Fondy callback endpoint that verifies with `verifyFondyCallback`.
// Redelivery, the valid-SNAP-answer check, secrets kept out of the output, and the usage errors.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyDokuNotification } from '@org/doku-partner-auth';
import { type FondyVerifiedCallback, verifyFondyCallback } from '@org/fondy-auth';
import { isSignatureError } from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { hostile, serveOnLoopback, startHostileServer } from '@org/signing-core/testing/node';
import { createSnapServer } from '@org/snap-auth/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../test/run-cli.js';

const BANK = 'BANK-7';
const bankSecret = `bank-${randomBytes(12).toString('hex')}`;
const dokuClient = 'BRN-0201-1234';
const dokuSecret = `SK-${randomBytes(12).toString('hex')}`;
const fondyMerchant = '1549901';
const fondyKey = `pk-${randomBytes(12).toString('hex')}`;
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
const dokuTimestamps: string[] = [];
/** What the Fondy endpoint received: the raw body, and what verifyFondyCallback made of it. */
const fondyCallbacks: { body: string; contentType: string | null; verified: FondyVerifiedCallback | false }[] = [];
/** The Fondy endpoint quotes back what it got, its key and the signature (a careless endpoint). */
let fondyEcho = false;

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
      dokuTimestamps.push(request.headers.get('Request-Timestamp') ?? '');
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
    if (pathname === '/fondy/callback') {
      const body = await request.clone().text();
      const verified = await verifyFondyCallback(request, fondyKey);
      fondyCallbacks.push({ body, contentType: request.headers.get('content-type'), verified });
      if (fondyEcho) return new Response(`got ${body} with ${fondyKey}`, { status: 500 });
      if (verified === false) return new Response('bad signature', { status: 400 });
      runs += 1;
      if (failNext-- > 0) return new Response('busy', { status: 503 });
      return new Response('OK');
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
  fondyEcho = false;
  fondyCallbacks.length = 0;
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
  expect(text).not.toContain(fondyKey);
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

  it('an endpoint that sends its status, then drips its body: every attempt ends at --timeout-ms', async () => {
    const dripping = await startHostileServer();
    dripping.handle = hostile.drip(20);
    try {
      const started = Date.now();
      const result = await runCli(
        [
          'notify',
          'doku',
          '--to',
          `${dripping.origin}/notify`,
          '--client-id',
          dokuClient,
          '--attempts',
          '2',
          '--timeout-ms',
          '300',
          '--json',
        ],
        { env: { PAYAUTH_DOKU_SECRET_KEY: dokuSecret } },
      );
      expect(result.code).toBe(4);
      expect(JSON.parse(result.stdout).attempts).toEqual([{ timedOut: true }, { timedOut: true }]);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(dripping.requests).toBe(2);
    } finally {
      await dripping.close();
    }
  });

  it('--mode verbatim redelivers the same Request-Id and Request-Timestamp', async () => {
    failNext = 1;
    const before = dokuTimestamps.length;
    const result = await runCli([...dokuArgs(), '--mode', 'verbatim'], {
      env: { PAYAUTH_DOKU_SECRET_KEY: dokuSecret },
    });
    expect(result.code).toBe(0);
    const [first, second] = dokuTimestamps.slice(before);
    expect(second).toBe(first);
    const [firstId, secondId] = dokuRequestIds.slice(-2);
    expect(secondId).toBe(firstId);
  });

  it('a wrong secret key is refused by your endpoint: exit 4', async () => {
    const result = await runCli([...dokuArgs(), '--attempts', '1'], { env: { PAYAUTH_DOKU_SECRET_KEY: 'SK-wrong' } });
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('attempt 1: HTTP 401');
    expect(result.stdout).not.toContain('SK-wrong');
    expect(runs).toBe(0);
  });
});

describe('payauth notify fondy', () => {
  const fondyUrl = () => `${merchant.url}/fondy/callback`;
  const fondyArgs = () => ['notify', 'fondy', '--to', fondyUrl(), '--merchant-id', fondyMerchant];
  const fondyEnv = () => ({ PAYAUTH_FONDY_PAYMENT_KEY: fondyKey });

  it('sends a sample approved order, signed with your payment key, that your endpoint verifies', async () => {
    const result = await runCli(fondyArgs(), { env: fondyEnv() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [seen] = fondyCallbacks;
    expect(seen?.contentType).toBe('application/json');
    expect(seen?.verified).toMatchObject({
      protocol: '1.0',
      format: 'json',
      params: { merchant_id: 1549901, order_status: 'approved', response_status: 'success', currency: 'UAH' },
    });
    const orderId = seen?.verified === false ? undefined : seen?.verified.params.order_id;
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(`fondy → ${fondyUrl()}`);
    expect(lines[1]).toBe(`  callback: protocol 1.0, json, order ${orderId}`);
    expect(lines[2]).toMatch(/^ {2}attempt 1: HTTP 200 in \d+ ms, answered "OK"$/);
    expect(lines.slice(3)).toEqual(['✓ answered', '']);
    expect(runs).toBe(1);
    expectNoSecret(result.stdout);
  });

  it('protocol 2.0 as a form, redelivered after a 503 with the same bytes; --json lists every answer', async () => {
    failNext = 1;
    const result = await runCli([...fondyArgs(), '--protocol', '2.0', '--format', 'form', '--json'], {
      env: fondyEnv(),
    });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ ok: true, provider: 'fondy', protocol: '2.0', format: 'form', status: 200 });
    expect(json.answer).toBe('OK');
    expect(json.attempts).toEqual([
      { status: 503, timedOut: false, answer: 'busy', durationMs: expect.any(Number) },
      { status: 200, timedOut: false, answer: 'OK', durationMs: expect.any(Number) },
    ]);
    expect(fondyCallbacks).toHaveLength(2);
    expect(fondyCallbacks[1]?.body).toBe(fondyCallbacks[0]?.body);
    expect(fondyCallbacks[0]?.contentType).toBe('application/x-www-form-urlencoded');
    expect(fondyCallbacks[0]?.verified).toMatchObject({ protocol: '2.0', format: 'form' });
    expect(fondyCallbacks[0]?.verified).toMatchObject({ params: { order_id: json.orderId } });
    expect(runs).toBe(2);
    expectNoSecret(result.stdout);
  });

  it('--body-file gives the parameters; --merchant-id fills in their merchant_id; the key from a file', async () => {
    const dir = tempDir();
    const bodyFile = join(dir, 'callback.json');
    writeFileSync(
      bodyFile,
      JSON.stringify({ order_id: 'shop-77', amount: 5000, currency: 'USD', order_status: 'declined' }),
    );
    const keyFile = join(dir, 'fondy.key');
    writeFileSync(keyFile, `${fondyKey}\n`, { mode: 0o600 });
    const result = await runCli([...fondyArgs(), '--body-file', bodyFile, '--payment-key-file', keyFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('callback: protocol 1.0, json, order shop-77');
    expect(fondyCallbacks[0]?.verified).toMatchObject({
      params: { order_id: 'shop-77', amount: 5000, currency: 'USD', order_status: 'declined', merchant_id: 1549901 },
    });
  });

  it('a key your endpoint does not know: refused at every attempt, exit 4', async () => {
    const wrong = `pk-wrong-${randomBytes(8).toString('hex')}`;
    const result = await runCli([...fondyArgs(), '--attempts', '2'], { env: { PAYAUTH_FONDY_PAYMENT_KEY: wrong } });
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(
      /attempt 1: HTTP 400 in \d+ ms, answered "bad signature"\n {2}attempt 2: HTTP 400 in \d+ ms, answered "bad signature"\n✗ no successful answer/,
    );
    expect(fondyCallbacks.map((seen) => seen.verified)).toEqual([false, false]);
    expect(result.stdout).not.toContain(wrong);
    expect(runs).toBe(0);
  });

  it('never prints the payment key or the signature, even when your endpoint quotes them back', async () => {
    fondyEcho = true;
    for (const extra of [[], ['--json'], ['--protocol', '2.0']]) {
      fondyCallbacks.length = 0;
      const result = await runCli([...fondyArgs(), '--attempts', '1', ...extra], { env: fondyEnv() });
      expect(result.code).toBe(4);
      const sent = fondyCallbacks[0]?.body ?? '';
      const signature = (JSON.parse(sent) as { signature: string }).signature;
      expect(signature).toMatch(/^[0-9a-f]{40}$/);
      expect(result.stdout).toContain('got {');
      for (const output of [result.stdout, result.stderr]) {
        expect(output).not.toContain(fondyKey);
        expect(output).not.toContain(signature);
      }
    }
  });

  it('a merchant that never answers: every attempt ends at --timeout-ms', async () => {
    const silent = await serveOnLoopback(() => new Promise<Response>(() => {}), 0);
    try {
      const result = await runCli(
        ['notify', 'fondy', '--to', silent.url, '--merchant-id', '1', '--attempts', '2', '--timeout-ms', '300'],
        { env: fondyEnv() },
      );
      expect(result.code).toBe(4);
      expect(result.stdout).toContain('attempt 1: no answer within 300 ms\n  attempt 2: no answer within 300 ms');
    } finally {
      await silent.close();
    }
  });

  it('Ctrl-C while your endpoint is silent stops the delivery: exit 130', async () => {
    let arrived = 0;
    const silent = await serveOnLoopback(() => {
      arrived += 1;
      return new Promise<Response>(() => {});
    }, 0);
    const started = Date.now();
    try {
      const result = await runCli(['notify', 'fondy', '--to', silent.url, '--merchant-id', '1'], {
        env: fondyEnv(),
        onSpawn: (child) => {
          const timer = setInterval(() => {
            if (arrived > 0 || Date.now() - started > 4_000) {
              clearInterval(timer);
              child.kill('SIGINT');
            }
          }, 20);
        },
      });
      expect(arrived).toBe(1);
      expect(result.code).toBe(130);
      expect(result.stderr).toBe('interrupted\n');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await silent.close();
    }
  });

  it('usage and input errors name what is wrong', async () => {
    const missing = await runCli(['notify', 'fondy', '--to', fondyUrl()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing settings for fondy');
    expect(missing.stderr).toContain('merchant-id');
    expect(missing.stderr).toContain('payment-key');
    const mode = await runCli([...fondyArgs(), '--mode', 'verbatim'], { env: fondyEnv() });
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('payauth notify fondy does not take --mode');
    const protocol = await runCli([...fondyArgs(), '--protocol', '3.0'], { env: fondyEnv() });
    expect(protocol.code).toBe(2);
    expect(protocol.stderr).toContain('--protocol must be 1.0 or 2.0 (got "3.0")');
    const format = await runCli([...fondyArgs(), '--format', 'xml'], { env: fondyEnv() });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be json or form');
    const array = await runCli([...fondyArgs(), '--body', '[1]'], { env: fondyEnv() });
    expect(array.code).toBe(3);
    expect(array.stderr).toContain('--body must be a JSON object of callback parameters');
    const flag = await runCli([...fondyArgs(), '--body', '{"order_id":"o","preauth":true}'], { env: fondyEnv() });
    expect(flag.code).toBe(3);
    expect(flag.stderr).toContain('ERR_INVALID_INPUT');
    expect(flag.stderr).toContain('params.preauth');
    const id = await runCli([...fondyArgs(), '--merchant-id', 'shop'], { env: fondyEnv() });
    expect(id.code).toBe(3);
    expect(id.stderr).toContain('merchantId');
    const other = await runCli([...fondyArgs(), '--body', '{"order_id":"o","merchant_id":7}'], { env: fondyEnv() });
    expect(other.code).toBe(3);
    expect(fondyCallbacks).toHaveLength(0);
    for (const result of [missing, mode, protocol, format, array, flag, id, other]) expectNoSecret(result.stderr);
  });
});
