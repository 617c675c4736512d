// The sandbox checks signatures with code of its own, written from the protocol (protocols.md
// §2.1, §2.3), so it refuses a request signed over a subtly wrong string. Requests here are
// signed by hand on node:crypto, not with the package.
import { createHash, createHmac, sign } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, privateKeyPem, publicKeyPem, START } from '../__fixtures__/setup.js';
import { createSnapSandbox } from './sandbox.js';

const TIMESTAMP = '2026-03-02T10:00:00+07:00';
const SERVICE = '/v1.0/balance-inquiry?accountNo=1234567890';
const PRETTY = '{\n  "partnerReferenceNo": "2020102900000000000001",\n  "accountNo": "1234567890"\n}';
const MINIFIED = '{"partnerReferenceNo":"2020102900000000000001","accountNo":"1234567890"}';

const rsa = (text: string) => sign('sha256', Buffer.from(text, 'utf8'), privateKeyPem).toString('base64');
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (text: string) => createHmac('sha512', CLIENT_SECRET).update(text, 'utf8').digest('base64');

function sandbox() {
  return createSnapSandbox({
    clients: [{ clientId: CLIENT_ID, publicKey: publicKeyPem, clientSecret: CLIENT_SECRET }],
    clock: () => START,
  });
}

async function call(box: ReturnType<typeof sandbox>, path: string, headers: Record<string, string>, body: string) {
  const response = await box.handler(
    new Request(`http://sandbox.test${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-TIMESTAMP': TIMESTAMP, ...headers },
      body,
    }),
  );
  return (await response.json()) as { responseCode: string; responseMessage: string; accessToken?: string };
}

const tokenCall = (box: ReturnType<typeof sandbox>, signature: string) =>
  call(
    box,
    box.tokenPath,
    { 'X-CLIENT-KEY': CLIENT_ID, 'X-SIGNATURE': signature },
    '{"grantType":"client_credentials"}',
  );

async function serviceCall(signature: (token: string) => string) {
  const box = sandbox();
  const token = (await tokenCall(box, rsa(`${CLIENT_ID}|${TIMESTAMP}`))).accessToken as string;
  const headers = {
    Authorization: `Bearer ${token}`,
    'X-SIGNATURE': signature(token),
    'X-PARTNER-ID': CLIENT_ID,
    'X-EXTERNAL-ID': '41807553358950093184162180797837',
    'CHANNEL-ID': '95221',
  };
  return call(box, SERVICE, headers, PRETTY);
}

describe('the SNAP sandbox verifies signatures independently of the package', () => {
  it('accepts the documented strings signed by hand (control)', async () => {
    expect((await tokenCall(sandbox(), rsa(`${CLIENT_ID}|${TIMESTAMP}`))).responseCode).toBe('2007300');
    const answer = await serviceCall((token) => hmac(`POST:${SERVICE}:${token}:${sha256(MINIFIED)}:${TIMESTAMP}`));
    expect(answer.responseCode).toBe('2001100');
  });

  it.each([
    ['clientId:timestamp (wrong separator)', `${CLIENT_ID}:${TIMESTAMP}`],
    ['timestamp|clientId (wrong order)', `${TIMESTAMP}|${CLIENT_ID}`],
    ['the same instant written with Z', `${CLIENT_ID}|2026-03-02T03:00:00Z`],
    ['a trailing newline', `${CLIENT_ID}|${TIMESTAMP}\n`],
  ])('refuses a token request signed over %s', async (_name, text) => {
    expect(await tokenCall(sandbox(), rsa(text))).toMatchObject({
      responseCode: '4017300',
      responseMessage: 'Unauthorized. [Signature]',
    });
  });

  it.each([
    ['a lower-case method', (t: string) => `post:${SERVICE}:${t}:${sha256(MINIFIED)}:${TIMESTAMP}`],
    ['"Bearer " in the token part', (t: string) => `POST:${SERVICE}:Bearer ${t}:${sha256(MINIFIED)}:${TIMESTAMP}`],
    [
      'an upper-case hex body hash',
      (t: string) => `POST:${SERVICE}:${t}:${sha256(MINIFIED).toUpperCase()}:${TIMESTAMP}`,
    ],
    [
      'the hash of the body as sent (not minified)',
      (t: string) => `POST:${SERVICE}:${t}:${sha256(PRETTY)}:${TIMESTAMP}`,
    ],
    ['the path without its query', (t: string) => `POST:/v1.0/balance-inquiry:${t}:${sha256(MINIFIED)}:${TIMESTAMP}`],
    ['the full URL', (t: string) => `POST:http://sandbox.test${SERVICE}:${t}:${sha256(MINIFIED)}:${TIMESTAMP}`],
    ['"|" as the separator', (t: string) => `POST|${SERVICE}|${t}|${sha256(MINIFIED)}|${TIMESTAMP}`],
  ])('refuses a service call signed over %s', async (_name, text) => {
    expect(await serviceCall((token) => hmac(text(token)))).toMatchObject({
      responseCode: '4017300',
      responseMessage: 'Unauthorized. [Signature]',
    });
  });

  it('refuses the right service HMAC as hex, and HMAC-SHA256 in place of SHA-512', async () => {
    const text = (t: string) => `POST:${SERVICE}:${t}:${sha256(MINIFIED)}:${TIMESTAMP}`;
    const hex = (t: string) => createHmac('sha512', CLIENT_SECRET).update(text(t)).digest('hex');
    const sha256Mac = (t: string) => createHmac('sha256', CLIENT_SECRET).update(text(t)).digest('base64');
    for (const signature of [hex, sha256Mac]) {
      expect((await serviceCall(signature)).responseCode).toBe('4017300');
    }
  });

  it("does not import the package's signing code", () => {
    const dir = new URL('./', import.meta.url);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
      expect(readFileSync(new URL(file, dir), 'utf8'), file).not.toMatch(/from '\.\.\/[^']+\.js'/);
    }
  });
});
