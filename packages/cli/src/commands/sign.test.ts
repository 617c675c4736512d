// `payauth sign` as a subprocess: published and self-computed known answers, the exact strings
// to sign (made visible), and headers/bodies that the sandboxes accept when sent as printed.
import { createHash, createPublicKey, verify as rsaVerify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifySnapSignature } from '@org/snap-auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../test/run-cli.js';
import { type RunningSandboxes, startSandboxes } from '../sandboxes.js';

let sandboxes: RunningSandboxes;
let keyFile: string;

beforeAll(async () => {
  sandboxes = await startSandboxes();
  keyFile = join(tempDir(), 'snap-private.pem');
  writeFileSync(keyFile, sandboxes.snap.privateKey, { mode: 0o600 });
});
afterAll(() => sandboxes?.close());

async function signJson(args: string[]): Promise<{
  stringToSign: string;
  computed: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
  signature: string;
  note?: string;
}> {
  const result = await runCli(['sign', ...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

async function showToken(provider: string): Promise<string> {
  const result = await runCli(['token', provider, '--json', '--show-token'], {
    env: sandboxes.environment({ privateKeyFile: keyFile }),
  });
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout).token;
}

const SNAP_VECTOR = [
  'snap',
  'service',
  '--path',
  '/v1.0/debit/payment-host-to-host',
  '--access-token',
  'gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a',
  '--body',
  '{ "partnerReferenceNo": "2020102900000000000001" }',
  '--timestamp',
  '2020-01-01T00:00:00+07:00',
  '--client-secret',
  'fdppqbF5wq7vVegyvsV1CROMv646nJ7A',
];

describe('payauth sign: known answers', () => {
  it('snap service: the string to sign, the hash of the minified body and a signature that verifies', async () => {
    const hash = createHash('sha256').update('{"partnerReferenceNo":"2020102900000000000001"}').digest('hex');
    const out = await signJson(SNAP_VECTOR);
    expect(out.stringToSign).toBe(
      `POST:/v1.0/debit/payment-host-to-host:gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a:${hash}:2020-01-01T00:00:00+07:00`,
    );
    expect(out.computed['body hash (lowercase hex SHA-256 of the minified body)']).toBe(hash);
    expect(out.computed['minified body (hashed; send these bytes)']).toBe(
      '{"partnerReferenceNo":"2020102900000000000001"}',
    );
    expect(out.headers['X-SIGNATURE']).toBe(out.signature);
    expect(out.headers.Authorization).toBe('Bearer gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a');
    expect(
      await verifySnapSignature({
        method: 'POST',
        path: '/v1.0/debit/payment-host-to-host',
        body: '{"partnerReferenceNo":"2020102900000000000001"}',
        timestamp: '2020-01-01T00:00:00+07:00',
        signature: out.signature,
        clientSecret: 'fdppqbF5wq7vVegyvsV1CROMv646nJ7A',
        accessToken: 'gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a',
      }),
    ).toBe(true);
  });

  it('snap service: the labelled parts of the string to sign, from @org/snap-auth', async () => {
    const out = (await signJson(SNAP_VECTOR)) as { parts?: Array<{ label: string; value: string }> };
    expect(out.parts?.map((part) => part.label)).toEqual([
      'HTTP method',
      'relative URL (path and query)',
      'access token (without "Bearer ")',
      'lowerhex(SHA-256(minify(body)))',
      'X-TIMESTAMP',
    ]);
    const text = await runCli(['sign', ...SNAP_VECTOR]);
    expect(text.stdout).toContain(
      'parts\n  HTTP method: POST\n  relative URL (path and query): /v1.0/debit/payment-host-to-host\n',
    );
  });

  it('doku request: the published digest and self-computed signature, with every line break shown', async () => {
    const args = [
      'doku',
      'request',
      '--client-id',
      'BRN-0001-10791114622547',
      '--request-id',
      'fdb69f47-96da-499d-acec-7cdc318ab2fe',
      '--timestamp',
      '2020-08-11T08:45:42Z',
      '--target',
      '/adv-core-api/partner/v1.0/token',
      '--body',
      '{"grant_type":"client_credentials","valid_time":"360"}',
      '--secret-key',
      'SK-test',
    ];
    const out = await signJson(args);
    expect(out.signature).toBe('HMACSHA256=FVyzSMy9TDueknPvpmykNHNVvD/V7w+/AvqEMxo6sws=');
    expect(out.computed['Digest (base64 SHA-256 of the exact body bytes)']).toBe(
      '23kYsU7yk6vZ/exEcBe1UAFmjn17wuk165Oc+E3Cb8Y=',
    );
    expect(out.stringToSign).toBe(
      'Client-Id:BRN-0001-10791114622547\nRequest-Id:fdb69f47-96da-499d-acec-7cdc318ab2fe\nRequest-Timestamp:2020-08-11T08:45:42Z\nRequest-Target:/adv-core-api/partner/v1.0/token\nDigest:23kYsU7yk6vZ/exEcBe1UAFmjn17wuk165Oc+E3Cb8Y=',
    );
    const text = await runCli(['sign', ...args]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      'string to sign\n  Client-Id:BRN-0001-10791114622547\\n\n  Request-Id:fdb69f47-96da-499d-acec-7cdc318ab2fe\\n\n  Request-Timestamp:2020-08-11T08:45:42Z\\n\n',
    );
    expect(text.stdout).toContain('  Signature: HMACSHA256=FVyzSMy9TDueknPvpmykNHNVvD/V7w+/AvqEMxo6sws=\n');
  });

  it('doku: trailing spaces are made visible, and no Digest line without a body', async () => {
    const out = await runCli([
      'sign',
      'doku',
      'request',
      '--client-id',
      'BRN-1 ',
      '--secret-key',
      'SK-test',
      '--target',
      '/x',
      '--request-id',
      'r1',
      '--timestamp',
      '2020-08-11T08:45:42Z',
    ]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('  Client-Id:BRN-1·\\n\n');
    expect(out.stdout).toContain('none: no body, so no Digest line');
    expect(out.stdout).not.toContain('Digest:');
  });

  it('finnet: the documented vector, the values in name order, and the body with its signature', async () => {
    const out = await signJson([
      'finnet',
      '--param',
      'transNumber=20181234567890',
      '--param',
      'reqDtime=20181127182011',
      '--param',
      'requestType=getToken',
      '--secret-key',
      'e4siErApPs2020',
    ]);
    expect(out.signature).toBe('790E73A46D429ED0DBB80946C7FE5917A10AED2D689DF2EC88B0CD814CF11CA6');
    expect(out.stringToSign).toBe('20181127182011getToken20181234567890');
    expect(out.note).toContain('in byte order of the names');
    expect(JSON.parse(out.body as string)).toEqual({
      transNumber: '20181234567890',
      reqDtime: '20181127182011',
      requestType: 'getToken',
      signature: '790E73A46D429ED0DBB80946C7FE5917A10AED2D689DF2EC88B0CD814CF11CA6',
    });
  });

  it("finnet: --timestamp sets reqDtime, replacing the body's", async () => {
    const out = await signJson([
      'finnet',
      '--param',
      'reqDtime=20181127182011',
      '--param',
      'requestType=getToken',
      '--secret-key',
      's',
      '--timestamp',
      '20240821142750',
    ]);
    expect(JSON.parse(out.body as string).reqDtime).toBe('20240821142750');
    expect(out.stringToSign).toBe('20240821142750getToken');
  });

  it('fondy token and payment: the known answers, with the key never printed', async () => {
    const token = await signJson([
      'fondy',
      'token',
      '--application-id',
      '1234',
      '--secret-key',
      'secret-key',
      '--timestamp',
      '2020-04-06 11:15:27',
    ]);
    expect(token.signature).toBe(
      '5e67765dea7563887be899589cbcc1f13a57d69cafafba39abe3943074e407d02fbd6d07782dd5928716b60faf98df912038f242cc7d35d0fd487943dcfc143b',
    );
    expect(token.stringToSign).toBe('<secret key>|1234|2020-04-06 11:15:27');
    expect(JSON.parse(token.body as string)).toEqual({
      application_id: '1234',
      date: '2020-04-06 11:15:27',
      signature: token.signature,
    });

    const dir = tempDir();
    writeFileSync(
      join(dir, 'order.json'),
      JSON.stringify({ order_id: 'test123456', order_desc: 'test order', amount: 125, merchant_id: 1396424 }),
    );
    const payment = await runCli(
      [
        'sign',
        'fondy',
        'payment',
        '--payment-key',
        'test',
        '--body-file',
        'order.json',
        '--param',
        'currency=USD',
        '--json',
      ],
      { cwd: dir },
    );
    expect(payment.code).toBe(0);
    const parsed = JSON.parse(payment.stdout);
    expect(parsed.signature).toBe('df38818facfbfd79953fa847667dac73a1291127');
    expect(parsed.stringToSign).toBe('<payment key>|125|USD|1396424|test order|test123456');
    expect(payment.stdout).not.toContain('test|125');
  });
});

describe('payauth sign: the sandboxes accept what it prints', () => {
  it('snap token: the printed headers and body get a token', async () => {
    const { snap } = sandboxes;
    const out = await signJson(['snap', 'token', '--client-id', snap.clientId, '--private-key-file', keyFile]);
    expect(out.headers['X-TIMESTAMP']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
    expect(out.stringToSign).toBe(`${snap.clientId}|${out.headers['X-TIMESTAMP']}`);
    expect(
      rsaVerify(
        'sha256',
        Buffer.from(out.stringToSign),
        createPublicKey(snap.publicKey),
        Buffer.from(out.signature, 'base64'),
      ),
    ).toBe(true);
    const response = await fetch(snap.url + snap.tokenPath, {
      method: 'POST',
      headers: out.headers,
      body: out.body as string,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ responseCode: '2007300', tokenType: 'Bearer' });
  });

  it('snap service: the printed headers and minified body are accepted by the sample service', async () => {
    const { snap } = sandboxes;
    const token = await showToken('snap');
    const out = await signJson([
      'snap',
      'service',
      '--path',
      snap.servicePath,
      '--access-token',
      token,
      '--client-secret',
      snap.clientSecret,
      '--client-id',
      snap.clientId,
      '--channel-id',
      snap.channelId,
      '--body',
      '{\n  "partnerReferenceNo": "2020102900000000000009",\n  "amount": { "value": "10.00", "currency": "IDR" }\n}',
    ]);
    const body = out.computed['minified body (hashed; send these bytes)'];
    expect(body).toBe('{"partnerReferenceNo":"2020102900000000000009","amount":{"value":"10.00","currency":"IDR"}}');
    const response = await fetch(snap.url + snap.servicePath, {
      method: 'POST',
      headers: out.headers,
      body: body as string,
    });
    expect(await response.json()).toMatchObject({ responseCode: '2001100' });
    expect(response.status).toBe(200);
  });

  it('doku request: a signed Generate Token request gets a token', async () => {
    const { doku } = sandboxes;
    const body = '{"grant_type":"client_credentials"}';
    const out = await signJson([
      'doku',
      'request',
      '--client-id',
      doku.clientId,
      '--secret-key',
      doku.secretKey,
      '--target',
      doku.tokenPath,
      '--body',
      body,
    ]);
    expect(out.headers['Request-Timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(out.headers['Request-Id']).toMatch(/^[0-9a-f-]{36}$/);
    const response = await fetch(doku.url + doku.tokenPath, { method: 'POST', headers: out.headers, body });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('token');
  });

  it('finnet request: a Widget Top Up signed with a fresh token and reqDtime is accepted', async () => {
    const { finnet } = sandboxes;
    const tokenID = await showToken('finnet');
    const out = await signJson([
      'finnet',
      'request',
      '--secret-key',
      finnet.secretKey,
      '--param',
      'requestType=widgetTopUp',
      '--param',
      'phoneNumber=08111008696',
      '--param',
      `tokenID=${tokenID}`,
      '--param',
      `transNumber=TRX${Date.now()}`,
    ]);
    const body = JSON.parse(out.body as string);
    expect(body.reqDtime).toMatch(/^\d{14}$/);
    const response = await fetch(finnet.url + finnet.widgetTopUpPath, {
      method: 'POST',
      headers: out.headers,
      body: out.body as string,
    });
    expect(await response.json()).toMatchObject({ statusCode: '000' });
  });

  it('fondy token: the printed body gets a token', async () => {
    const { fondy } = sandboxes;
    const out = await signJson([
      'fondy',
      'token',
      '--application-id',
      fondy.applicationId,
      '--secret-key',
      fondy.secretKey,
    ]);
    expect(JSON.parse(out.body as string).date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const response = await fetch(fondy.url + fondy.tokenPath, {
      method: 'POST',
      headers: out.headers,
      body: out.body as string,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('token');
  });

  it('takes keys and secrets from the environment (settings), but per-call inputs only from flags', async () => {
    const { doku } = sandboxes;
    const result = await runCli(['sign', 'doku', 'request'], {
      env: {
        PAYAUTH_DOKU_CLIENT_ID: doku.clientId,
        PAYAUTH_DOKU_SECRET_KEY: doku.secretKey,
        PAYAUTH_DOKU_TARGET: '/ignored',
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing setting for doku');
    expect(result.stderr).toContain('  target: Request-Target');
    expect(result.stderr).not.toContain('client-id:');
  });
});

describe('payauth sign: errors', () => {
  const cases: Array<[string, string[], number, string]> = [
    ['an unknown provider', ['sign', 'paypal', 'token'], 2, 'unknown provider "paypal"'],
    ['an unknown kind', ['sign', 'snap', 'refund'], 2, 'snap kinds: token, service, notification'],
    ['a missing kind', ['sign', 'doku'], 2, 'which signature? (request, response, notification)'],
    ['an extra argument', ['sign', 'fondy', 'token', 'more'], 2, 'unexpected argument "more"'],
    [
      'a missing option',
      ['sign', 'snap', 'service', '--client-secret', 's', '--access-token', 't'],
      2,
      '  path: relative URL',
    ],
    [
      "another kind's option",
      ['sign', 'snap', 'token', '--client-id', 'c', '--private-key', 'k', '--body', '{}'],
      2,
      'payauth sign snap token does not take --body',
    ],
    [
      'a --param without =',
      ['sign', 'finnet', '--secret-key', 's', '--param', 'requestType'],
      2,
      'bad --param "requestType": expected name=value',
    ],
    [
      'a repeated --param',
      ['sign', 'finnet', '--secret-key', 's', '--param', 'a=1', '--param', 'a=2'],
      2,
      '--param a is given twice',
    ],
    [
      'a body that is not JSON (SNAP)',
      ['sign', 'snap', 'service', '--path', '/x', '--access-token', 't', '--client-secret', 's', '--body', '{"a":'],
      3,
      'ERR_INVALID_JSON',
    ],
    [
      'a params body that is not an object',
      ['sign', 'fondy', 'payment', '--payment-key', 'k', '--body', '[1,2]'],
      3,
      '--body must hold a JSON object of the request fields',
    ],
    [
      'a non-string Finnet field',
      ['sign', 'finnet', '--secret-key', 's', '--body', '{"amount":10}'],
      3,
      'field "amount" must be a string',
    ],
    [
      'an unreadable body file',
      [
        'sign',
        'doku',
        'request',
        '--client-id',
        'c',
        '--secret-key',
        's',
        '--target',
        '/x',
        '--body-file',
        '/nonexistent.json',
      ],
      3,
      'cannot read --body-file file /nonexistent.json: no such file',
    ],
    [
      'an unusable private key',
      ['sign', 'snap', 'token', '--client-id', 'c', '--private-key', 'not a key'],
      3,
      'the private key (from --private-key) cannot be used',
    ],
    [
      'a target that is not a path',
      ['sign', 'doku', 'request', '--client-id', 'c', '--secret-key', 's', '--target', 'adv-core-api/x'],
      3,
      'target must be a path starting with "/"',
    ],
  ];
  it.concurrent.each(cases)('reports %s', async (_name, args, code, message) => {
    const result = await runCli(args);
    expect(result.stderr).toContain(message);
    expect(result.code).toBe(code);
  });
});
