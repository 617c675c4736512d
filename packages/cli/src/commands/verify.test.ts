// `payauth verify` as a subprocess: exit 0 on a match, 1 on a mismatch, and on a mismatch the
// input that most likely differs, for each kind of difference the issue lists; notifications
// sent by the sandboxes verify.
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningSandbox } from '@org/signing-core/testing';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../test/run-cli.js';
import { type RunningSandboxes, startSandboxes } from '../sandboxes.js';

let sandboxes: RunningSandboxes;
let receiver: RunningSandbox;
const received: Array<{ path: string; headers: Record<string, string>; body: string }> = [];
let dir: string;

beforeAll(async () => {
  sandboxes = await startSandboxes();
  receiver = await serveOnLoopback(async (request) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    received.push({ path: new URL(request.url).pathname, headers, body: await request.text() });
    return Response.json({ responseCode: '2002500' });
  }, 0);
  dir = tempDir();
  writeFileSync(join(dir, 'snap-private.pem'), sandboxes.snap.privateKey);
  writeFileSync(join(dir, 'snap-public.pem'), sandboxes.snap.publicKey);
  writeFileSync(join(dir, 'provider-public.pem'), sandboxes.snap.sandbox.providerPublicKey);
});
afterAll(async () => {
  await receiver?.close();
  await sandboxes?.close();
});

const run = (args: string[]) => runCli(['verify', ...args], { cwd: dir });

const SNAP = {
  path: '/v1.0/debit/payment-host-to-host',
  token: 'gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a',
  secret: 'fdppqbF5wq7vVegyvsV1CROMv646nJ7A',
  timestamp: '2020-01-01T00:00:00+07:00',
};
const snapArgs = (body: string, timestamp = SNAP.timestamp) => [
  'snap',
  'service',
  '--path',
  SNAP.path,
  '--access-token',
  SNAP.token,
  '--client-secret',
  SNAP.secret,
  '--body',
  body,
  '--timestamp',
  timestamp,
];

async function sign(args: string[]): Promise<string> {
  const result = await runCli(['sign', ...args, '--json'], { cwd: dir });
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout).signature;
}

const hmacBase64 = (alg: 'sha256' | 'sha512', key: string, text: string) =>
  createHmac(alg, key).update(text).digest('base64');
const sha256 = (text: string, encoding: 'hex' | 'base64') => createHash('sha256').update(text).digest(encoding);

describe('payauth verify snap', () => {
  it('exits 0 when the signature matches', async () => {
    const signature = await sign(snapArgs('{ "partnerReferenceNo": "1" }'));
    const result = await run([...snapArgs('{"partnerReferenceNo":"1"}'), '--signature', signature]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('✓ the snap service signature matches\n');
  });

  it('says the timestamp format differs when the signer wrote Z and the request +07:00', async () => {
    const signature = await sign(snapArgs('{}', '2019-12-31T17:00:00Z'));
    const result = await run([...snapArgs('{}'), '--signature', signature]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ the snap service signature does not match');
    expect(result.stdout).toContain(
      '→ most likely the timestamp differs: the signature matches with the same time in UTC (Z) without milliseconds ("2019-12-31T17:00:00Z")',
    );
  });

  it('says the timestamp differs when the signer added milliseconds', async () => {
    const signature = await sign(snapArgs('{}', '2020-01-01T00:00:00.000+07:00'));
    const result = await run([...snapArgs('{}'), '--signature', signature, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).likely).toEqual({
      input: 'timestamp',
      description: 'the same time as +07:00 with milliseconds',
      value: '2020-01-01T00:00:00.000+07:00',
    });
  });

  it('says the body differs when the signer hashed the raw body without minifying it', async () => {
    const body = '{ "partnerReferenceNo": "2" }';
    const stringToSign = `POST:${SNAP.path}:${SNAP.token}:${sha256(body, 'hex')}:${SNAP.timestamp}`;
    const result = await run([...snapArgs(body), '--signature', hmacBase64('sha512', SNAP.secret, stringToSign)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '→ most likely the body differs: the signature matches with the body hashed as sent, without minifying it',
    );
  });

  it('says the body differs when the signer re-serialised it with JSON.stringify(JSON.parse(body))', async () => {
    const signature = await sign(snapArgs('{"amount":10}'));
    const result = await run([...snapArgs('{ "amount": 10.00 }'), '--signature', signature]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'most likely the body differs: the signature matches with re-serialised with JSON.stringify(JSON.parse(body))',
    );
  });

  it("says the body differs when a PHP signer json_encode'd it (\\/ and \\uXXXX escapes), not that the key does", async () => {
    const body = '{"returnUrl":"https://shop.example/return","name":"José"}';
    const signature = await sign(snapArgs('{"returnUrl":"https:\\/\\/shop.example\\/return","name":"Jos\\u00e9"}'));
    const result = await run([...snapArgs(body), '--signature', signature]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '→ most likely the body differs: the signature matches with the body as PHP json_encode writes it (\\/ and \\uXXXX escapes)',
    );
    // JSON_UNESCAPED_UNICODE: the slashes escaped, the é as it is.
    const slashesOnly = await sign(snapArgs('{"returnUrl":"https:\\/\\/shop.example\\/return","name":"José"}'));
    const json = await run([...snapArgs(body), '--signature', slashesOnly, '--json']);
    expect(JSON.parse(json.stdout).likely).toEqual({
      input: 'body',
      description: 'the body as PHP json_encode(…, JSON_UNESCAPED_UNICODE) writes it (\\/ escapes)',
      value: '{"returnUrl":"https:\\/\\/shop.example\\/return","name":"José"}',
    });
  });

  it('says the access token differs when "Bearer " was pasted with it', async () => {
    const signature = await sign(snapArgs('{}'));
    const result = await run([
      ...snapArgs('{}').map((arg) => (arg === SNAP.token ? `Bearer ${SNAP.token}` : arg)),
      '--signature',
      signature,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'most likely the access token differs: the signature matches with the token without the "Bearer " prefix given here',
    );
  });

  it('says the key most likely differs when no variant matches', async () => {
    const signature = await sign([
      ...snapArgs('{}').slice(0, 6),
      '--client-secret',
      'another-secret',
      ...snapArgs('{}').slice(8),
    ]);
    const result = await run([...snapArgs('{}'), '--signature', signature]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('string to sign\n  POST:/v1.0/debit/payment-host-to-host:');
    expect(result.stdout).toMatch(/tried \d+ variants of the inputs/);
    expect(result.stdout).toContain(
      '→ no variant matched: most likely the key/secret differs (or an input that is not varied here: the method, path, access token)',
    );
  });

  it('checks a token signature with the public key, or with the private key it belongs to', async () => {
    const { clientId } = sandboxes.snap;
    const timestamp = '2024-08-21T14:27:50+07:00';
    const signature = await sign([
      'snap',
      'token',
      '--client-id',
      clientId,
      '--private-key-file',
      'snap-private.pem',
      '--timestamp',
      timestamp,
    ]);
    for (const keyFile of ['snap-public.pem', 'snap-private.pem']) {
      const result = await run([
        'snap',
        'token',
        '--client-id',
        clientId,
        '--public-key-file',
        keyFile,
        '--timestamp',
        timestamp,
        '--signature',
        signature,
      ]);
      expect(result.code).toBe(0);
    }
    const skewed = await run([
      'snap',
      'token',
      '--client-id',
      clientId,
      '--public-key-file',
      'snap-public.pem',
      '--timestamp',
      '2024-08-21T07:27:50Z',
      '--signature',
      signature,
    ]);
    expect(skewed.code).toBe(1);
    expect(skewed.stdout).toContain(
      'most likely the timestamp differs: the signature matches with the same time as +07:00 without milliseconds',
    );
  });

  it('verifies an asymmetric notification the SNAP sandbox sent, and explains a tampered one', async () => {
    const body =
      '{"originalPartnerReferenceNo":"INV-1","latestTransactionStatus":"00","amount":{"value":"10.00","currency":"IDR"}}';
    await sandboxes.snap.sandbox.sendNotification({ url: `${receiver.url}/snap/notify`, body });
    const delivery = received.at(-1);
    expect(delivery?.path).toBe('/snap/notify');
    const args = [
      'snap',
      'notification',
      '--path',
      '/snap/notify',
      '--body',
      delivery?.body ?? '',
      '--timestamp',
      delivery?.headers['x-timestamp'] ?? '',
      '--public-key-file',
      'provider-public.pem',
      '--signature',
      delivery?.headers['x-signature'] ?? '',
    ];
    expect((await run(args)).code).toBe(0);
    const pretty = JSON.stringify(JSON.parse(delivery?.body ?? ''), null, 2);
    expect((await run(args.map((arg) => (arg === delivery?.body ? pretty : arg)))).code).toBe(0);
    const other = await run(args.map((arg) => (arg === '/snap/notify' ? '/snap/notify/' : arg)));
    expect(other.code).toBe(1);
    expect(other.stdout).toContain(
      'most likely the path differs: the signature matches with the path with its trailing slash toggled',
    );
    const withQuery = await run(args.map((arg) => (arg === '/snap/notify' ? '/snap/notify?src=snap' : arg)));
    expect(withQuery.code).toBe(1);
    expect(withQuery.stdout).toContain(
      'most likely the path differs: the signature matches with the path without its query string',
    );
  });
});

describe('payauth verify snap ifortepay-notify', () => {
  it('verifies an ifortepay-form callback the SNAP sandbox sent, and names the URL or X-VERSION that differs', async () => {
    const body = '{"originalPartnerReferenceNo":"INV-2","latestTransactionStatus":"00"}';
    const notifyUrl = `${receiver.url}/ifortepay/notify?shop=1`;
    await sandboxes.snap.sandbox.sendNotification({ url: notifyUrl, body, mode: 'ifortepay-notify', version: 'v2' });
    const delivery = received.at(-1);
    expect(delivery?.headers['x-version']).toBe('v2');
    const args = [
      'snap',
      'ifortepay-notify',
      '--notify-url',
      notifyUrl,
      '--x-version',
      'v2',
      '--body',
      JSON.stringify(JSON.parse(delivery?.body ?? ''), null, 2),
      '--timestamp',
      delivery?.headers['x-timestamp'] ?? '',
      '--client-secret',
      sandboxes.snap.clientSecret,
      '--signature',
      delivery?.headers['x-signature'] ?? '',
    ];
    const matched = await run(args);
    expect(matched.code).toBe(0);
    expect(matched.stdout).toBe('✓ the snap ifortepay-notify signature matches\n');
    // An independent HMAC over the documented string gives the same signature.
    const hash = sha256(body, 'hex');
    expect(
      hmacBase64('sha512', sandboxes.snap.clientSecret, `${notifyUrl}:v2:${hash}:${delivery?.headers['x-timestamp']}`),
    ).toBe(delivery?.headers['x-signature']);
    const withoutQuery = await run(args.map((arg) => (arg === notifyUrl ? notifyUrl.replace('?shop=1', '') : arg)));
    expect(withoutQuery.code).toBe(1);
    expect(withoutQuery.stdout).toContain('✗ the snap ifortepay-notify signature does not match');
    const slashed = notifyUrl.replace('/notify?', '/notify/?');
    const toggled = await run(args.map((arg) => (arg === notifyUrl ? slashed : arg)));
    expect(toggled.code).toBe(1);
    expect(toggled.stdout).toContain(
      `most likely the notification URL differs: the signature matches with the notification URL with its trailing slash toggled ("${notifyUrl}")`,
    );
    const otherVersion = await run(args.map((arg) => (arg === 'v2' ? 'v1' : arg)));
    expect(otherVersion.code).toBe(1);
    expect(otherVersion.stdout).toContain(
      'no variant matched: most likely the key/secret differs (or an input that is not varied here: the notification URL, X-VERSION)',
    );
  });
});

describe('payauth verify doku', () => {
  const base = [
    '--client-id',
    'BRN-0001-10791114622547',
    '--request-id',
    'fdb69f47-96da-499d-acec-7cdc318ab2fe',
    '--target',
    '/adv-core-api/partner/v1.0/token',
    '--secret-key',
    'SK-test',
  ];
  const body = '{"grant_type":"client_credentials","valid_time":"360"}';
  const vector = 'HMACSHA256=FVyzSMy9TDueknPvpmykNHNVvD/V7w+/AvqEMxo6sws=';

  it('matches the known answer, and notes an unpadded signature', async () => {
    expect(
      (
        await run([
          'doku',
          'request',
          ...base,
          '--timestamp',
          '2020-08-11T08:45:42Z',
          '--body',
          body,
          '--signature',
          vector,
        ])
      ).code,
    ).toBe(0);
    const unpadded = await run([
      'doku',
      'request',
      ...base,
      '--timestamp',
      '2020-08-11T08:45:42Z',
      '--body',
      body,
      '--signature',
      vector.replace(/=$/, ''),
    ]);
    expect(unpadded.code).toBe(0);
    expect(unpadded.stdout).toContain('note the signature is unpadded base64');
  });

  it('says the target differs when the signer left out the query string', async () => {
    const result = await run([
      'doku',
      'request',
      ...base.map((arg) => (arg === '/adv-core-api/partner/v1.0/token' ? `${arg}?page=1` : arg)),
      '--timestamp',
      '2020-08-11T08:45:42Z',
      '--body',
      body,
      '--signature',
      vector,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'most likely the target differs: the signature matches with the target without its query string',
    );
  });

  it('says the body differs when the request was pretty-printed but the minified body was signed', async () => {
    const result = await run([
      'doku',
      'request',
      ...base,
      '--timestamp',
      '2020-08-11T08:45:42Z',
      '--body',
      '{\n  "grant_type": "client_credentials",\n  "valid_time": "360"\n}',
      '--signature',
      vector,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('most likely the body differs: the signature matches with the body minified');
  });

  it('says the timestamp differs (+07:00 given, Z signed) and finds two differences at once', async () => {
    const timestamp = await run([
      'doku',
      'request',
      ...base,
      '--timestamp',
      '2020-08-11T15:45:42+07:00',
      '--body',
      body,
      '--signature',
      vector,
    ]);
    expect(timestamp.code).toBe(1);
    expect(timestamp.stdout).toContain(
      'most likely the timestamp differs: the signature matches with the same time in UTC (Z) without milliseconds',
    );
    const both = await run([
      'doku',
      'request',
      ...base,
      '--timestamp',
      '2020-08-11T15:45:42+07:00',
      '--body',
      `${body}\n`,
      '--signature',
      vector,
      '--json',
    ]);
    expect(both.code).toBe(1);
    expect(JSON.parse(both.stdout).likely.input).toBe('timestamp and body');
  });

  it("says the body differs when a PHP signer json_encode'd it: the Digest is over the escaped bytes", async () => {
    const plain = '{"callback_url":"https://shop.example/notify","customer":{"name":"Zoë 😀"}}';
    const php = '{"callback_url":"https:\\/\\/shop.example\\/notify","customer":{"name":"Zo\\u00eb \\ud83d\\ude00"}}';
    const args = (text: string) => ['doku', 'request', ...base, '--timestamp', '2020-08-11T08:45:42Z', '--body', text];
    const signature = await sign(args(php));
    const result = await run([...args(plain), '--signature', signature]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '→ most likely the body differs: the signature matches with the body as PHP json_encode writes it (\\/ and \\uXXXX escapes)',
    );
    expect(result.stdout).not.toContain('most likely the key/secret differs');
  });

  it('recognises an unpadded Digest line and a signature given without its prefix', async () => {
    const digest = sha256(body, 'base64');
    const lines = `Client-Id:BRN-0001-10791114622547\nRequest-Id:fdb69f47-96da-499d-acec-7cdc318ab2fe\nRequest-Timestamp:2020-08-11T08:45:42Z\nRequest-Target:/adv-core-api/partner/v1.0/token\nDigest:${digest.replace(/=+$/, '')}`;
    const unpaddedDigest = await run([
      'doku',
      'request',
      ...base,
      '--timestamp',
      '2020-08-11T08:45:42Z',
      '--body',
      body,
      '--signature',
      `HMACSHA256=${hmacBase64('sha256', 'SK-test', lines)}`,
    ]);
    expect(unpaddedDigest.code).toBe(1);
    expect(unpaddedDigest.stdout).toContain(
      'most likely the padding differs: the signature matches with the Digest line written without base64 padding (=)',
    );

    const bare = await run([
      'doku',
      'request',
      ...base,
      '--timestamp',
      '2020-08-11T08:45:42Z',
      '--body',
      body,
      '--signature',
      vector.slice('HMACSHA256='.length),
    ]);
    expect(bare.code).toBe(1);
    expect(bare.stdout).toContain(
      'most likely the signature differs: the signature matches with the signature given without its "HMACSHA256=" prefix',
    );
  });

  it('tells a response signature checked as a request apart', async () => {
    const signature = await sign([
      'doku',
      'response',
      ...base,
      '--timestamp',
      '2020-08-11T08:45:43Z',
      '--body',
      '{"token":"x"}',
    ]);
    const result = await run([
      'doku',
      'request',
      ...base,
      '--timestamp',
      '2020-08-11T08:45:43Z',
      '--body',
      '{"token":"x"}',
      '--signature',
      signature,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'most likely the timestamp header differs: the signature matches with the Response-Timestamp line',
    );
    expect(
      (
        await run([
          'doku',
          'response',
          ...base,
          '--timestamp',
          '2020-08-11T08:45:43Z',
          '--body',
          '{"token":"x"}',
          '--signature',
          signature,
        ])
      ).code,
    ).toBe(0);
  });

  it('verifies a notification created by the DOKU sandbox, over its raw bytes', async () => {
    const { doku } = sandboxes;
    const request = doku.sandbox.createNotification({
      url: 'https://merchant.example/payments/notifications',
      body: '{"order":{"invoice_number":"INV-1","amount":15000}}',
    });
    const args = [
      'doku',
      'notification',
      '--client-id',
      request.headers.get('client-id') ?? '',
      '--secret-key',
      doku.secretKey,
      '--request-id',
      request.headers.get('request-id') ?? '',
      '--timestamp',
      request.headers.get('request-timestamp') ?? '',
      '--target',
      '/payments/notifications',
      '--body',
      await request.text(),
      '--signature',
      request.headers.get('signature') ?? '',
    ];
    expect((await run(args)).code).toBe(0);
    const wrongKey = await run(args.map((arg) => (arg === doku.secretKey ? 'SK-other' : arg)));
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toContain('no variant matched: most likely the key/secret differs');
  });
});

describe('payauth verify finnet and fondy', () => {
  const finnetParams = [
    '--param',
    'requestType=widgetTopUp',
    '--param',
    'phoneNumber=0811',
    '--param',
    'reqDtime=20240821142750',
    '--param',
    'transNumber=TRX1',
  ];

  it('finnet: exit 0 on a match, and names the hex key case when the signer used the other one', async () => {
    const signature = await sign(['finnet', '--secret-key', 'my.secret', '--hex-key-case', 'upper', ...finnetParams]);
    expect(
      (
        await run([
          'finnet',
          '--secret-key',
          'my.secret',
          '--hex-key-case',
          'upper',
          ...finnetParams,
          '--signature',
          signature,
        ])
      ).code,
    ).toBe(0);
    const result = await run([
      'finnet',
      'request',
      '--secret-key',
      'my.secret',
      ...finnetParams,
      '--signature',
      signature,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'most likely the hex key case differs: the signature matches with the HMAC key as the uppercase hex of the secret (--hex-key-case upper)',
    );
  });

  it('finnet: takes the signature from the body, and accepts lowercase hex with a note', async () => {
    const signature = await sign(['finnet', '--secret-key', 's3', ...finnetParams]);
    writeFileSync(
      join(dir, 'finnet.json'),
      JSON.stringify({
        requestType: 'widgetTopUp',
        phoneNumber: '0811',
        reqDtime: '20240821142750',
        transNumber: 'TRX1',
        signature: signature.toLowerCase(),
      }),
    );
    const result = await run(['finnet', '--secret-key', 's3', '--body-file', 'finnet.json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('matches only ignoring case');
  });

  it('finnet: a secret read from a file with a stray space is found', async () => {
    const signature = await sign(['finnet', '--secret-key', 's3', ...finnetParams]);
    writeFileSync(join(dir, 'secret.txt'), 's3 \n');
    const result = await run(['finnet', '--secret-key-file', 'secret.txt', ...finnetParams, '--signature', signature]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'most likely the key differs: the signature matches with the secret key without surrounding whitespace',
    );
  });

  it('fondy payment: verifies a callback body with its signature, and refuses a tampered amount', async () => {
    const callback = {
      order_id: 'test123456',
      order_status: 'approved',
      amount: '125',
      currency: 'USD',
      merchant_id: 1396424,
      signature: '',
    };
    callback.signature = await sign([
      'fondy',
      'payment',
      '--payment-key',
      'test',
      '--body',
      JSON.stringify({ ...callback, signature: undefined }),
    ]);
    writeFileSync(join(dir, 'callback.json'), JSON.stringify(callback));
    expect((await run(['fondy', 'payment', '--payment-key', 'test', '--body-file', 'callback.json'])).code).toBe(0);
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify({ ...callback, amount: '1250' }));
    const tampered = await run(['fondy', 'payment', '--payment-key', 'test', '--body-file', 'tampered.json']);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain(
      'no variant matched: most likely the key/secret differs (or an input that is not varied here: the parameter values)',
    );
  });

  it('fondy payment: recognises a null signed as an empty field by the Node SDK', async () => {
    const params = { amount: '125', currency: 'USD', order_id: 'o1', reservation_data: null };
    const nodeSdk = createHash('sha1').update('test|125|USD|o1|').digest('hex');
    writeFileSync(join(dir, 'null.json'), JSON.stringify({ ...params, signature: nodeSdk }));
    const result = await run(['fondy', 'payment', '--payment-key', 'test', '--body-file', 'null.json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'most likely the body differs: the signature matches with null signed as an empty field',
    );
  });

  it('fondy token: names the date format when the signer used Unix seconds', async () => {
    const signature = await sign([
      'fondy',
      'token',
      '--application-id',
      '1234',
      '--secret-key',
      'secret-key',
      '--timestamp',
      '1586171727',
    ]);
    const result = await run([
      'fondy',
      'token',
      '--application-id',
      '1234',
      '--secret-key',
      'secret-key',
      '--timestamp',
      '2020-04-06 11:15:27',
      '--signature',
      signature,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'most likely the timestamp differs: the signature matches with the same time as Unix seconds',
    );
  });
});

describe('payauth verify: errors', () => {
  it.concurrent.each([
    [
      'no --signature',
      ['verify', 'snap', 'token', '--client-id', 'c', '--public-key', 'k', '--timestamp', 't'],
      2,
      'which signature? Give --signature <value>',
    ],
    [
      'no signature for finnet',
      ['verify', 'finnet', '--secret-key', 's', '--param', 'a=1'],
      2,
      '(or a "signature" field in the body)',
    ],
    [
      'no timestamp',
      [
        'verify',
        'doku',
        'request',
        '--client-id',
        'c',
        '--secret-key',
        's',
        '--request-id',
        'r',
        '--target',
        '/x',
        '--signature',
        'x',
      ],
      2,
      '  timestamp: Request-Timestamp exactly as sent',
    ],
    [
      'an unusable public key',
      [
        'verify',
        'snap',
        'token',
        '--client-id',
        'c',
        '--public-key',
        'garbage',
        '--timestamp',
        't',
        '--signature',
        'x',
      ],
      3,
      'the public key (from --public-key) cannot be used',
    ],
    ['an unknown kind', ['verify', 'fondy', 'refund', '--signature', 'x'], 2, 'fondy kinds: token, payment'],
  ] as Array<[string, string[], number, string]>)('reports %s', async (_name, args, code, message) => {
    const result = await runCli(args);
    expect(result.stderr).toContain(message);
    expect(result.code).toBe(code);
  });
});
