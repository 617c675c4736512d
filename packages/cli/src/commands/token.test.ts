// `payauth token <provider>` as a subprocess, against the four sandboxes started in this test
// process: settings from env, flags and config files, redaction, JSON, and every error path
// with its exit code.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../test/run-cli.js';
import { type RunningSandboxes, startSandboxes } from '../sandboxes.js';

let sandboxes: RunningSandboxes;
let env: Record<string, string>;
let keyFile: string;

beforeAll(async () => {
  sandboxes = await startSandboxes();
  keyFile = join(tempDir(), 'snap-private.pem');
  writeFileSync(keyFile, sandboxes.snap.privateKey, { mode: 0o600 });
  env = sandboxes.environment({ privateKeyFile: keyFile });
});
afterAll(() => sandboxes?.close());

const tokenPaths = () =>
  ({
    snap: [sandboxes.snap.sandbox, sandboxes.snap.tokenPath],
    finnet: [sandboxes.finnet.sandbox, sandboxes.finnet.tokenPath],
    doku: [sandboxes.doku.sandbox, sandboxes.doku.tokenPath],
    fondy: [sandboxes.fondy.sandbox, sandboxes.fondy.tokenPath],
  }) as const;

describe('payauth token: success', () => {
  for (const provider of ['snap', 'finnet', 'doku', 'fondy'] as const) {
    it(`gets a ${provider} token with settings from the environment, shown redacted`, async () => {
      const [sandbox, path] = tokenPaths()[provider];
      const before = sandbox.requests.count(path);
      const result = await runCli(['token', provider], { env });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`✓ ${provider} token from http://127.0.0.1:`);
      expect(result.stdout).toMatch(/ {2}token {4}\S{4}… {2}\(redacted; --show-token to reveal\)/);
      expect(result.stdout).toMatch(/ {2}expires {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(in \d/);
      expect(result.stdout).toMatch(/ {2}took {5}\d+ ms/);
      expect(sandbox.requests.count(path)).toBe(before + 1);
    });
  }

  it('--json --show-token prints the whole token; without --show-token only its first 4 characters', async () => {
    const shown = await runCli(['token', 'fondy', '--json', '--show-token'], { env });
    expect(shown.code).toBe(0);
    const full = JSON.parse(shown.stdout);
    expect(full).toMatchObject({ ok: true, provider: 'fondy', tokenType: 'Token', redacted: false });
    expect(full.token.length).toBeGreaterThan(20);
    expect(Date.parse(full.expiresAt)).toBeGreaterThan(Date.now());
    expect(full.expiresInMs).toBeGreaterThan(3_000_000);
    expect(full.tookMs).toBeGreaterThanOrEqual(0);

    const redacted = JSON.parse((await runCli(['token', 'fondy', '--json'], { env })).stdout);
    expect(redacted.redacted).toBe(true);
    expect(redacted.token).toMatch(/^.{4}…$/u);
  });

  it('takes every setting from flags', async () => {
    const result = await runCli([
      'token',
      'snap',
      '--base-url',
      sandboxes.snap.url,
      '--client-id',
      sandboxes.snap.clientId,
      '--private-key-file',
      keyFile,
      '--timestamp-offset',
      'Z',
      '--timestamp-milliseconds',
      'true',
    ]);
    expect(result.code).toBe(0);
    const sent = sandboxes.snap.sandbox.requests.to(sandboxes.snap.tokenPath).at(-1);
    expect(sent?.headers['x-timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('takes settings from payauth.config.json in the working directory, and from --config', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'payauth.config.json'),
      JSON.stringify({
        doku: {
          baseUrl: sandboxes.doku.url,
          clientId: sandboxes.doku.clientId,
          secretKey: sandboxes.doku.secretKey,
          validTimeMinutes: 60,
        },
      }),
    );
    const fromDefault = await runCli(['token', 'doku'], { cwd });
    expect(fromDefault.code).toBe(0);
    expect(fromDefault.stdout).toMatch(/expires .*\(in 59 min 5\d s\)|\(in 1 h 0 min\)/);
    const body = JSON.parse(sandboxes.doku.sandbox.requests.to(sandboxes.doku.tokenPath).at(-1)?.body ?? '{}');
    expect(body).toEqual({ grant_type: 'client_credentials', valid_time: '60' });

    writeFileSync(join(cwd, 'secret.txt'), `${sandboxes.finnet.secretKey}\n`);
    writeFileSync(
      join(cwd, 'other.json'),
      JSON.stringify({ finnet: { baseUrl: sandboxes.finnet.url, secretKeyFile: 'secret.txt' } }),
    );
    const fromExplicit = await runCli(['token', 'finnet', '--config', 'other.json'], { cwd });
    expect(fromExplicit.code).toBe(0);
  });

  it('fills the base URL and token path from a SNAP preset, and a flag overrides the preset', async () => {
    const result = await runCli(
      [
        'token',
        'snap',
        '--preset',
        'aspi.sandbox',
        '--base-url',
        sandboxes.snap.url,
        '--token-path',
        '/v1.0/access-token/b2b',
      ],
      {
        env: { ...env, PAYAUTH_SNAP_BASE_URL: '' },
      },
    );
    expect(result.code).toBe(0);
    const unknown = await runCli(['token', 'snap', '--preset', 'nobank.sandbox'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown SNAP preset "nobank.sandbox"');
    expect(unknown.stderr).toContain('ifortepay.payment.stage');
  });
});

describe('payauth token: errors', () => {
  it('lists every missing setting with its flag, environment variable and config key (exit 2)', async () => {
    const result = await runCli(['token', 'snap']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing settings for snap');
    for (const text of [
      '--base-url',
      'PAYAUTH_SNAP_BASE_URL',
      '--client-id',
      'PAYAUTH_SNAP_CLIENT_ID',
      '--private-key (or --private-key-file)',
      'PAYAUTH_SNAP_PRIVATE_KEY (or PAYAUTH_SNAP_PRIVATE_KEY_FILE)',
      '"privateKey" (or "privateKeyFile") in the "snap" section of payauth.config.json',
    ]) {
      expect(result.stderr).toContain(text);
    }
  });

  it('refuses an unknown or missing provider (exit 2)', async () => {
    const unknown = await runCli(['token', 'stripe'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown provider "stripe"');
    expect(unknown.stderr).toContain('providers: snap, finnet, doku, fondy');
    const missing = await runCli(['token'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('which provider? (snap, finnet, doku, fondy)');
  });

  it("refuses another provider's setting (exit 2)", async () => {
    const result = await runCli(['token', 'fondy', '--client-id', 'x'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('payauth token fondy does not take --client-id');
    expect(result.stderr).toContain('--application-id');
  });

  it('reports an unreadable key file and an unusable key as bad input (exit 3)', async () => {
    const unreadable = await runCli(['token', 'snap', '--private-key-file', '/nonexistent/key.pem'], { env });
    expect(unreadable.code).toBe(3);
    expect(unreadable.stderr).toContain('cannot read --private-key-file file /nonexistent/key.pem: no such file');

    const dir = tempDir();
    writeFileSync(join(dir, 'cert.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const unusable = await runCli(['token', 'snap', '--private-key-file', join(dir, 'cert.pem')], { env });
    expect(unusable.code).toBe(3);
    expect(unusable.stderr).toContain(
      `the private key (from --private-key-file ${join(dir, 'cert.pem')}) cannot be used`,
    );
  });

  it('reports a bad option value (exit 2) and an option the package refuses (exit 3)', async () => {
    const retries = await runCli(['token', 'fondy', '--retries', 'many'], { env });
    expect(retries.code).toBe(2);
    expect(retries.stderr).toContain('--retries must be a whole number from 0 to 10');
    const baseUrl = await runCli(['token', 'doku', '--base-url', 'staging'], { env });
    expect(baseUrl.code).toBe(3);
    expect(baseUrl.stderr).toContain('ERR_CONFIG');
    expect(baseUrl.stderr).toContain('baseUrl');
  });

  it('prints the typed error code and message when the provider refuses (exit 4), never the secret', async () => {
    const secret = 'wrong-secret-3f9a1c77';
    const result = await runCli(['token', 'doku', '--secret-key', secret], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('error ERR_PROVIDER:');
    expect(result.stderr).toMatch(/status\s+401/);
    expect(result.stderr).toMatch(/providerCode\s+INVALID_SIGNATURE/);
    expect(result.stderr + result.stdout).not.toContain(secret);

    const json = await runCli(['token', 'fondy', '--secret-key', secret, '--json'], { env });
    expect(json.code).toBe(4);
    const error = JSON.parse(json.stdout).error;
    expect(error).toMatchObject({
      name: 'ProviderError',
      code: 'ERR_PROVIDER',
      provider: 'fondy',
      status: 403,
      providerMessage: 'Incorrect signature',
    });
    expect(json.stdout).not.toContain(secret);
  });

  it('exits 4 on a 5xx, a dropped connection and a timeout', async () => {
    const { sandbox, tokenPath } = sandboxes.fondy;
    sandbox.faults.inject({ type: 'status', status: 503 }, { path: tokenPath });
    const status = await runCli(['token', 'fondy', '--retries', '0'], { env });
    expect(status.code).toBe(4);
    expect(status.stderr).toMatch(/error ERR_PROVIDER: .*503/);

    sandbox.faults.inject({ type: 'drop' }, { path: tokenPath });
    const dropped = await runCli(['token', 'fondy', '--retries', '0'], { env });
    expect(dropped.code).toBe(4);
    expect(dropped.stderr).toContain('error ERR_NETWORK:');

    sandbox.faults.inject({ type: 'delay', ms: 2_000 }, { path: tokenPath });
    const slow = await runCli(['token', 'fondy', '--retries', '0', '--timeout-ms', '200'], { env });
    expect(slow.code).toBe(4);
    expect(slow.stderr).toContain('error ERR_TIMEOUT:');
  });

  it('exits 130 when interrupted while waiting', async () => {
    const { sandbox, tokenPath } = sandboxes.finnet;
    sandbox.faults.inject({ type: 'delay', ms: 10_000 }, { path: tokenPath });
    const before = sandbox.requests.count(tokenPath);
    const started = Date.now();
    const result = await runCli(['token', 'finnet'], {
      env,
      onSpawn: (child) => {
        // Interrupt once the request is waiting at the sandbox.
        const timer = setInterval(() => {
          if (sandbox.requests.count(tokenPath) > before) {
            clearInterval(timer);
            child.kill('SIGINT');
          }
        }, 20);
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('interrupted');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('payauth token: text from the provider is printed inert', () => {
  // Terminal controls a hostile or broken provider could put in its answer: clear screen, colour,
  // bell, a carriage return and a newline that would fake an "ok" line, an OSC title sequence,
  // DEL and 8-bit C1 controls (CSI, NEL).
  const HOSTILE = 'Bad\u001b[2J\u001b[31m sig\u0007\r\nok: fake line\u001b]0;pwned\u0007\u009b31m\u007f\u0085end';
  // Every C0 control but \n, DEL and C1: none may reach the terminal.
  const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

  const inject = (body: string, contentType: string, status = 403) =>
    sandboxes.fondy.sandbox.faults.inject(
      { type: 'status', status, body, contentType },
      { path: sandboxes.fondy.tokenPath },
    );
  const fondyError = () => JSON.stringify({ error_code: 403, error_message: HOSTILE, request_id: 'r-1' });

  it('escapes control characters in error and provider messages, on one line each', async () => {
    inject(fondyError(), 'application/json');
    const result = await runCli(['token', 'fondy', '--retries', '0'], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
    expect(result.stdout).toBe('');
    // Shown, not acted on; the provider's newline does not start a line of its own.
    expect(result.stderr).toContain(
      'Bad\\u001b[2J\\u001b[31m sig\\u0007\\r\\nok: fake line\\u001b]0;pwned\\u0007\\u009b31m\\u007f\\u0085end',
    );
    expect(result.stderr).not.toMatch(/^ok: fake line/m);
    expect(result.stderr).toMatch(/^ {2}providerMessage Bad\\u001b\[2J/m);
    expect(result.stderr.split('\n').filter((line) => line !== '')).toHaveLength(4);
  });

  it('escapes a body excerpt that is not JSON', async () => {
    inject('oops \u001b]0;title\u0007 <html>\u001b[5m\nline2\r\u009b', 'text/plain', 500);
    const result = await runCli(['token', 'fondy', '--retries', '0', '--json'], { env });
    expect(result.code).toBe(4);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    // Still valid JSON carrying the exact text: C1 and DEL are written as \u escapes.
    expect(JSON.parse(result.stdout).error.bodyExcerpt).toBe(
      'oops \u001b]0;title\u0007 <html>\u001b[5m\nline2\r\u009b',
    );
  });

  it('--json keeps the exact provider text, written with JSON escapes only', async () => {
    inject(fondyError(), 'application/json');
    const result = await runCli(['token', 'fondy', '--retries', '0', '--json'], { env });
    expect(result.code).toBe(4);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(result.stdout).toContain('\\u009b31m\\u007f\\u0085end');
    const error = JSON.parse(result.stdout).error;
    expect(error.providerMessage).toBe(HOSTILE);
    expect(error.message).toContain(HOSTILE);
  });
});
