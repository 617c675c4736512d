// Keys and secrets given to payauth never come back out: not in errors, not in --json, not in
// the strings to sign (Fondy's start with the key and show a placeholder), not in verify's
// explanations. Only what the user asked to see (a signature, a token with --show-token) is printed.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDokuSandbox } from '@org/doku-partner-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../test/run-cli.js';
import { type RunningSandboxes, startSandboxes } from './sandboxes.js';

let sandboxes: RunningSandboxes;
beforeAll(async () => {
  sandboxes = await startSandboxes();
});
afterAll(() => sandboxes?.close());

const secret = () => `s3cr3t-${randomBytes(12).toString('hex')}`;

function expectNoSecret(result: { stdout: string; stderr: string }, ...secrets: string[]) {
  for (const value of secrets) {
    expect(result.stdout).not.toContain(value);
    expect(result.stderr).not.toContain(value);
  }
}

describe('secrets', () => {
  it('token: a refused secret or key is not echoed, in text or JSON', async () => {
    const s = secret();
    for (const args of [
      ['token', 'finnet', '--base-url', sandboxes.finnet.url, '--secret-key', s],
      ['token', 'finnet', '--base-url', sandboxes.finnet.url, '--secret-key', s, '--json'],
      ['token', 'fondy', '--base-url', sandboxes.fondy.url, '--application-id', '1234', '--secret-key', s],
      [
        'token',
        'doku',
        '--base-url',
        sandboxes.doku.url,
        '--client-id',
        sandboxes.doku.clientId,
        '--secret-key',
        s,
        '--json',
      ],
      [
        'token',
        'snap',
        '--base-url',
        sandboxes.snap.url,
        '--client-id',
        'c',
        '--private-key',
        `-----BEGIN PRIVATE KEY-----\n${s}\n-----END PRIVATE KEY-----`,
      ],
    ]) {
      const result = await runCli(args);
      expect(result.code).not.toBe(0);
      expectNoSecret(result, s);
    }
  });

  it('token: only the first 4 characters of the token are printed without --show-token', async () => {
    const token = `tok-${randomBytes(16).toString('hex')}`;
    const doku = createDokuSandbox({
      clients: [{ clientId: 'BRN-1', secretKey: 'SK-1' }],
      tokenResponse: () => ({ token, expires_in: 300 }),
    });
    const server = await doku.listen();
    try {
      const args = ['token', 'doku', '--base-url', server.url, '--client-id', 'BRN-1', '--secret-key', 'SK-1'];
      const text = await runCli(args);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`token    ${token.slice(0, 4)}…`);
      expectNoSecret(text, token, token.slice(4, 12));
      const json = await runCli([...args, '--json']);
      expect(JSON.parse(json.stdout).token).toBe(`${token.slice(0, 4)}…`);
      expectNoSecret(json, token.slice(4, 12));
      const shown = await runCli([...args, '--json', '--show-token']);
      expect(JSON.parse(shown.stdout).token).toBe(token);
    } finally {
      await server.close();
    }
  });

  it('sign and verify: keys and secrets never appear, even where they start the string to sign', async () => {
    const s = secret();
    const dir = tempDir();
    writeFileSync(join(dir, 'secret.txt'), s);
    const runs = [
      ['sign', 'fondy', 'token', '--application-id', '1234', '--secret-key-file', 'secret.txt'],
      ['sign', 'fondy', 'token', '--application-id', '1234', '--secret-key-file', 'secret.txt', '--json'],
      ['sign', 'fondy', 'payment', '--payment-key-file', 'secret.txt', '--param', 'amount=1', '--json'],
      [
        'verify',
        'fondy',
        'payment',
        '--payment-key-file',
        'secret.txt',
        '--param',
        'amount=1',
        '--signature',
        'ab'.repeat(20),
        '--json',
      ],
      [
        'verify',
        'fondy',
        'token',
        '--application-id',
        '1234',
        '--secret-key-file',
        'secret.txt',
        '--timestamp',
        '2020-04-06 11:15:27',
        '--signature',
        'x',
      ],
      ['sign', 'finnet', '--secret-key-file', 'secret.txt', '--param', 'requestType=getToken'],
      ['verify', 'finnet', '--secret-key-file', 'secret.txt', '--param', 'requestType=getToken', '--signature', 'AB'],
      [
        'sign',
        'doku',
        'request',
        '--client-id',
        'c',
        '--secret-key-file',
        'secret.txt',
        '--target',
        '/x',
        '--body',
        '{}',
      ],
      [
        'verify',
        'doku',
        'request',
        '--client-id',
        'c',
        '--secret-key-file',
        'secret.txt',
        '--target',
        '/x',
        '--request-id',
        'r',
        '--timestamp',
        '2020-08-11T08:45:42Z',
        '--signature',
        'HMACSHA256=AAAA',
        '--json',
      ],
      [
        'sign',
        'snap',
        'service',
        '--path',
        '/x',
        '--access-token',
        't',
        '--client-secret-file',
        'secret.txt',
        '--body',
        '{}',
      ],
      [
        'verify',
        'snap',
        'service',
        '--path',
        '/x',
        '--access-token',
        't',
        '--client-secret-file',
        'secret.txt',
        '--body',
        '{}',
        '--timestamp',
        '2020-01-01T00:00:00+07:00',
        '--signature',
        'AAAA',
      ],
      [
        'sign',
        'snap',
        'service',
        '--path',
        '/x',
        '--access-token',
        't',
        '--client-secret-file',
        'secret.txt',
        '--body',
        '{"a":',
      ],
    ];
    for (const args of runs) {
      const result = await runCli(args, { cwd: dir });
      expect(result.code === 0 || result.code === 1 || result.code === 3).toBe(true);
      expectNoSecret(result, s);
    }
  });

  it('a config file with a JSON syntax error: the path and line/column are printed, never its content', async () => {
    const marker = secret();
    expect(marker).toHaveLength(31); // the columns below count it
    const cases: [string, string][] = [
      // A missing comma right after the secret (Node quotes the text around it).
      [`{"fondy": {"secretKey": "${marker}" "applicationId": "1234"}}`, 'line 1, column 59'],
      // Single quotes around the secret.
      [`{"fondy": {"secretKey": '${marker}'}}`, 'line 1, column 25'],
      // Cut off inside the secret.
      [`{"fondy": {"secretKey": "${marker}`, 'line 1, column 57'],
      // On a later line, after a secret on an earlier one.
      [`{\n  "fondy": {\n    "secretKey": "${marker}",\n    "applicationId": 1234,\n  }\n}\n`, 'line 5, column 3'],
      // A trailing character after the object.
      [`{"fondy": {"secretKey": "${marker}"}}${marker}`, 'line 1, column 60'],
    ];
    for (const [text, where] of cases) {
      const cwd = tempDir();
      const path = join(cwd, 'payauth.config.json');
      writeFileSync(path, text);
      for (const args of [
        ['token', 'fondy'],
        ['token', 'fondy', '--json'],
        ['token', 'fondy', '--config', path],
      ]) {
        const result = await runCli(args, { cwd });
        expect(result.code).toBe(3);
        expectNoSecret(result, marker, marker.slice(0, 8), marker.slice(-8));
        const printed = result.stdout + result.stderr;
        expect(printed).toContain(`config file ${path} is not valid JSON (${where})`);
        // Nothing of the text near the error either (Node's messages quote it).
        expect(printed).not.toContain('secretKey');
        expect(printed).not.toContain('applicationId');
      }
    }
  });

  it('a --body-file with a JSON syntax error: the file and line/column only', async () => {
    const marker = secret();
    const cwd = tempDir();
    writeFileSync(join(cwd, 'body.json'), `{"order_id": "1",\n "note": "${marker}" "x": 1}`);
    const result = await runCli(['sign', 'fondy', 'payment', '--payment-key', 'k', '--body-file', 'body.json'], {
      cwd,
    });
    expect(result.code).toBe(3);
    expectNoSecret(result, marker, marker.slice(0, 8), marker.slice(-8));
    expect(result.stderr).toContain('--body-file body.json is not valid JSON (line 2, column 44)');
    expect(result.stderr).not.toContain('note');
  });
});
