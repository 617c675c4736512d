// The sandbox checks signatures with code of its own, written from the protocol (protocols.md
// §3.2), so it refuses a request signed over a subtly wrong component string. Requests here are
// signed by hand on node:crypto, not with the package.
import { createHash, createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT, FILE_PATH, manualClock, REQUIREMENTS_QUERY, TOKEN_PATH } from '../__fixtures__/helpers.js';
import { createDokuSandbox } from './index.js';

const TIMESTAMP = '2020-08-11T08:45:42Z';
/** File Requirements: a GET with a query and no body. */
const REQUIREMENTS = `${FILE_PATH}?${REQUIREMENTS_QUERY}`;
const BODY = '{"grant_type":"client_credentials","valid_time":"360"}';
const digest = createHash('sha256').update(BODY).digest('base64');
const mac = (text: string) => createHmac('sha256', CLIENT.secretKey).update(text, 'utf8').digest('base64');

/** The error code of the answer (`undefined` for a 2xx). */
async function send(method: 'GET' | 'POST', path: string, requestId: string, signature: string) {
  const sandbox = createDokuSandbox({ clients: [CLIENT], clock: manualClock(Date.parse(TIMESTAMP)) });
  const response = await sandbox.handler(
    new Request(`http://sandbox.test${path}`, {
      method,
      headers: {
        'Content-Type': 'application/json',
        'Client-Id': CLIENT.clientId,
        'Request-Id': requestId,
        'Request-Timestamp': TIMESTAMP,
        Signature: signature,
      },
      ...(method === 'POST' ? { body: BODY } : {}),
    }),
  );
  const body = (await response.json()) as { error?: { code: string } };
  return body.error?.code;
}

const lines = (requestId: string, target: string, ...rest: string[]) => [
  `Client-Id:${CLIENT.clientId}`,
  `Request-Id:${requestId}`,
  `Request-Timestamp:${TIMESTAMP}`,
  `Request-Target:${target}`,
  ...rest,
];

describe('the DOKU sandbox verifies signatures independently of the package', () => {
  it('accepts the documented component strings signed by hand (control)', async () => {
    const post = lines('r-post', TOKEN_PATH, `Digest:${digest}`).join('\n');
    expect(await send('POST', TOKEN_PATH, 'r-post', `HMACSHA256=${mac(post)}`)).toBeUndefined();
    // GET: no Digest line, and Request-Target is the path alone.
    const get = lines('r-get', FILE_PATH).join('\n');
    expect(await send('GET', REQUIREMENTS, 'r-get', `HMACSHA256=${mac(get)}`)).toBeUndefined();
  });

  it.each([
    ['a trailing newline', () => `${lines('r', TOKEN_PATH, `Digest:${digest}`).join('\n')}\n`],
    ['CRLF line ends', () => lines('r', TOKEN_PATH, `Digest:${digest}`).join('\r\n')],
    ['a space after each colon', () => lines('r', TOKEN_PATH, `Digest:${digest}`).join('\n').replaceAll(':', ': ')],
    ['upper-case labels (REQUEST-ID:)', () => lines('r', TOKEN_PATH, `Digest:${digest}`).join('\n').toUpperCase()],
    ['the lines in another order', () => lines('r', TOKEN_PATH, `Digest:${digest}`).reverse().join('\n')],
    [
      'a hex Digest',
      () => lines('r', TOKEN_PATH, `Digest:${createHash('sha256').update(BODY).digest('hex')}`).join('\n'),
    ],
    ['no Digest line on a POST', () => lines('r', TOKEN_PATH).join('\n')],
  ])('refuses a POST signed over %s', async (_name, text) => {
    expect(await send('POST', TOKEN_PATH, 'r', `HMACSHA256=${mac(text())}`)).toBe('INVALID_SIGNATURE');
  });

  it.each([
    ['an empty Digest line', () => lines('r', FILE_PATH, 'Digest:').join('\n')],
    [
      'the Digest of the empty body',
      () => lines('r', FILE_PATH, `Digest:${createHash('sha256').digest('base64')}`).join('\n'),
    ],
    ['the query in Request-Target', () => lines('r', REQUIREMENTS).join('\n')],
  ])('refuses a GET signed over %s', async (_name, text) => {
    expect(await send('GET', REQUIREMENTS, 'r', `HMACSHA256=${mac(text())}`)).toBe('INVALID_SIGNATURE');
  });

  it('refuses the right HMAC as hex, and without its HMACSHA256= prefix', async () => {
    const text = lines('r', TOKEN_PATH, `Digest:${digest}`).join('\n');
    const hex = createHmac('sha256', CLIENT.secretKey).update(text).digest('hex');
    expect(await send('POST', TOKEN_PATH, 'r', `HMACSHA256=${hex}`)).toBe('INVALID_SIGNATURE');
    expect(await send('POST', TOKEN_PATH, 'r', mac(text))).toBe('INVALID_SIGNATURE');
  });

  it("does not import the package's signature code", () => {
    const dir = new URL('./', import.meta.url);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
      expect(readFileSync(new URL(file, dir), 'utf8'), file).not.toMatch(/from '\.\.\/(signature|digest)\.js'/);
    }
  });
});
