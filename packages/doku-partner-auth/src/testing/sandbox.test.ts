import { formatUtcTimestamp } from '@org/signing-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT, FILE_PATH, manualClock, REQUIREMENTS_QUERY, TOKEN_PATH } from '../__fixtures__/helpers.js';
import { dokuSignature } from '../protocol/signature.js';
import { verifyDokuResponse } from '../protocol/verify-response.js';
import { createDokuSandbox } from './index.js';

const OTHER = { clientId: 'BRN-0002-20000000000000', secretKey: 'SK-other-client' };
const clock = manualClock(Date.UTC(2024, 7, 21, 7, 0, 0));
const sandbox = createDokuSandbox({ clients: [CLIENT, OTHER], clock });
let url: string;
let close: () => Promise<void>;
let counter = 0;

beforeAll(async () => {
  const server = await sandbox.listen();
  url = server.url;
  close = server.close;
});
afterAll(() => close());

interface Call {
  method?: string;
  path?: string;
  body?: string | Uint8Array | FormData;
  client?: { clientId: string; secretKey: string };
  headers?: Record<string, string | null>;
  requestId?: string;
  timestamp?: string;
  token?: string;
}

/** Sends a request signed the documented way (over real HTTP), with overridable parts. */
async function call(c: Call = {}) {
  const method = c.method ?? 'POST';
  const path = c.path ?? TOKEN_PATH;
  const client = c.client ?? CLIENT;
  let body: Uint8Array<ArrayBuffer> | undefined;
  const headers: Record<string, string> = {};
  if (c.body instanceof FormData) {
    const encoded = new Response(c.body);
    body = new Uint8Array(await encoded.arrayBuffer());
    headers['Content-Type'] = encoded.headers.get('content-type') ?? '';
  } else if (c.body !== undefined) {
    body = typeof c.body === 'string' ? new TextEncoder().encode(c.body) : new Uint8Array(c.body);
    headers['Content-Type'] = 'application/json';
  } else if (method === 'POST') {
    body = new TextEncoder().encode('{"grant_type":"client_credentials"}');
    headers['Content-Type'] = 'application/json';
  }
  const requestId = c.requestId ?? `sandbox-test-${++counter}`;
  const timestamp = c.timestamp ?? formatUtcTimestamp(clock());
  headers['Client-Id'] = client.clientId;
  headers['Request-Id'] = requestId;
  headers['Request-Timestamp'] = timestamp;
  headers.Signature = await dokuSignature({
    clientId: client.clientId,
    requestId,
    timestamp,
    target: new URL(path, 'http://x').pathname,
    body,
    secretKey: client.secretKey,
  });
  if (c.token) headers.Authorization = `Bearer ${c.token}`;
  for (const [name, value] of Object.entries(c.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  const response = await fetch(url + path, { method, headers, ...(body ? { body } : {}) });
  const text = await response.text();
  return {
    status: response.status,
    response: new Response(text, { status: response.status, headers: response.headers }),
    requestId,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    code: text ? (JSON.parse(text) as { error?: { code?: string } }).error?.code : undefined,
  };
}

/** A signature over `body` for `target`, with the Request-Id and timestamp to send it with. */
async function signatureOver(target: string, body: string | Uint8Array) {
  const requestId = `signed-${++counter}`;
  const timestamp = formatUtcTimestamp(clock());
  const signature = await dokuSignature({ ...CLIENT, requestId, timestamp, target, body, secretKey: CLIENT.secretKey });
  return { requestId, timestamp, signature };
}

async function token(
  client: { clientId: string; secretKey: string } = CLIENT,
  body = '{"grant_type":"client_credentials"}',
) {
  const result = await call({ client, body });
  return (result.json as { token: string }).token;
}

describe('createDokuSandbox: routing and signature checks', () => {
  it('answers 404 for unknown paths and 405 for wrong methods (sandbox error shape)', async () => {
    expect(await call({ path: '/nope' })).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await call({ method: 'GET', path: TOKEN_PATH })).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    expect((await call({ path: '/nope' })).json).toEqual({
      error: { code: 'NOT_FOUND', message: 'no such endpoint in the DOKU sandbox' },
    });
  });

  it.each(['Client-Id', 'Request-Id', 'Request-Timestamp', 'Signature'])(
    '400 MISSING_HEADER without %s',
    async (name) => {
      expect(await call({ headers: { [name]: null } })).toMatchObject({ status: 400, code: 'MISSING_HEADER' });
    },
  );

  it('401 UNKNOWN_CLIENT (unsigned: the sandbox has no key for it)', async () => {
    const result = await call({ client: { clientId: 'BRN-nobody', secretKey: 'x' } });
    expect(result).toMatchObject({ status: 401, code: 'UNKNOWN_CLIENT' });
    expect(result.response.headers.get('Signature')).toBeNull();
  });

  it('400 INVALID_HEADER for a Request-Id over 128 characters, or a timestamp not in UTC seconds with Z', async () => {
    expect(await call({ requestId: 'r'.repeat(129) })).toMatchObject({ status: 400, code: 'INVALID_HEADER' });
    expect((await call({ requestId: `${'r'.repeat(120)}${++counter}`.slice(0, 128) })).status).toBe(200);
    for (const timestamp of [
      '2024-08-21T07:00:00.000Z',
      '2024-08-21T14:00:00+07:00',
      '2024-08-21 07:00:00Z',
      '2024-13-21T07:00:00Z',
    ]) {
      expect(await call({ timestamp })).toMatchObject({ status: 400, code: 'INVALID_HEADER' });
    }
  });

  it('401 STALE_TIMESTAMP outside ±5 minutes', async () => {
    expect(await call({ timestamp: formatUtcTimestamp(clock() - 301_000) })).toMatchObject({ code: 'STALE_TIMESTAMP' });
    expect(await call({ timestamp: formatUtcTimestamp(clock() + 301_000) })).toMatchObject({ code: 'STALE_TIMESTAMP' });
    expect((await call({ timestamp: formatUtcTimestamp(clock() - 299_000) })).status).toBe(200);
  });

  it('401 INVALID_SIGNATURE for any change, including the Digest of the exact bytes', async () => {
    expect(await call({ headers: { Signature: 'HMACSHA256=AAAA' } })).toMatchObject({
      status: 401,
      code: 'INVALID_SIGNATURE',
    });
    expect(await call({ client: { clientId: CLIENT.clientId, secretKey: 'SK-wrong' } })).toMatchObject({
      code: 'INVALID_SIGNATURE',
    });
    const body = '{"grant_type":"client_credentials","note":"Zo\u00eb \\/ \u2603"}';
    expect((await call({ body })).status).toBe(200);
    // The same headers over other bytes (a minified / re-encoded body) do not verify.
    const { requestId, timestamp, signature } = await signatureOver(TOKEN_PATH, body);
    const other = await call({
      body: body.replace('\\/', '/'),
      requestId,
      timestamp,
      headers: { Signature: signature },
    });
    expect(other).toMatchObject({ status: 401, code: 'INVALID_SIGNATURE' });
    // The sandbox compares the header exactly: an unpadded value is refused (DOKU's tolerance is undocumented).
    const unpadded = await call({ body, requestId, timestamp, headers: { Signature: signature.replace(/=$/, '') } });
    expect(unpadded).toMatchObject({ status: 401, code: 'INVALID_SIGNATURE' });
    expect((await call({ body, requestId, timestamp })).status).toBe(200);
  });

  it('409 DUPLICATE_REQUEST_ID for a reused id (per client), after the signature checked out', async () => {
    expect((await call({ requestId: 'dup-1' })).status).toBe(200);
    expect(await call({ requestId: 'dup-1' })).toMatchObject({ status: 409, code: 'DUPLICATE_REQUEST_ID' });
    expect((await call({ requestId: 'dup-1', client: OTHER })).status).toBe(200);
    // A forged request does not burn an id.
    expect((await call({ requestId: 'dup-2', headers: { Signature: 'HMACSHA256=x' } })).status).toBe(401);
    expect((await call({ requestId: 'dup-2' })).status).toBe(200);
  });

  it('signs its answers (errors included) with Response-Timestamp, verifiable with verifyDokuResponse', async () => {
    for (const c of [{}, { body: '{"grant_type":"password"}' }]) {
      const result = await call(c);
      expect(result.response.headers.get('Response-Timestamp')).toBe(formatUtcTimestamp(clock()));
      expect(result.response.headers.get('Request-Id')).toBe(result.requestId);
      const ok = await verifyDokuResponse(result.response, {
        secretKey: CLIENT.secretKey,
        request: { clientId: CLIENT.clientId, requestId: result.requestId, requestTarget: TOKEN_PATH },
      });
      expect(ok).toBe(true);
    }
  });

  it('signResponses: false answers without Signature', async () => {
    const quiet = createDokuSandbox({ clients: [CLIENT], signResponses: false });
    const request = new Request(`http://sandbox.local${FILE_PATH}`, { method: 'PUT' });
    const response = await quiet.handler(request);
    expect(response.status).toBe(405);
    expect(response.headers.get('Signature')).toBeNull();
  });

  it('validates its options', () => {
    expect(() => createDokuSandbox({ clients: [] })).toThrow(TypeError);
    expect(() => createDokuSandbox({ clients: [{ clientId: 'x', secretKey: '' }] })).toThrow(TypeError);
    expect(() => createDokuSandbox(undefined as never)).toThrow(TypeError);
  });
});

describe('Generate Token', () => {
  it('issues a JWT-shaped HS256 token with DOKU’s payload shape and exp', async () => {
    const issued = sandbox.tokensIssued;
    const jwt = await token(CLIENT, '{"grant_type":"client_credentials","valid_time":"360"}');
    expect(sandbox.tokensIssued).toBe(issued + 1);
    const [header, payload] = jwt
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: 'payload', user: { businessServiceClientId: CLIENT.clientId } });
    expect(payload.exp - payload.iat).toBe(21_600);
    expect(payload.iat).toBe(Math.floor(clock() / 1000));
  });

  it('defaults to a 300 s lifetime (tokenLifetimeSeconds)', async () => {
    const jwt = await token();
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());
    expect(payload.exp - payload.iat).toBe(300);
  });

  it.each([
    ['not JSON', 'grant_type=client_credentials'],
    ['another grant_type', '{"grant_type":"password"}'],
    ['valid_time as a number', '{"grant_type":"client_credentials","valid_time":360}'],
    ['valid_time not minutes', '{"grant_type":"client_credentials","valid_time":"6h"}'],
  ])('400 INVALID_REQUEST for %s', async (_name, body) => {
    expect(await call({ body })).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
  });
});

describe('Upload File and File Requirements samples', () => {
  const upload = (fields: Record<string, string | Blob>) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    return form;
  };

  it('accepts a signed multipart upload with a valid bearer token and answers DOKU’s documented shape', async () => {
    const jwt = await token();
    const result = await call({
      path: FILE_PATH,
      token: jwt,
      body: upload({ category: 'DOCUMENT', code: 'KTP', file: new File(['png-bytes'], 'ktp.png') }),
    });
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ id: expect.stringMatching(/^CNT-0001-/), category: 'DOCUMENT' });
    expect(typeof result.json?.link).toBe('string');
    expect(sandbox.uploads.at(-1)).toMatchObject({
      category: 'DOCUMENT',
      code: 'KTP',
      fileName: 'ktp.png',
      fileSize: 9,
    });
    const viaUrl = await call({
      path: FILE_PATH,
      token: jwt,
      body: upload({ category: 'LOGO', file_url: 'https://x.example/l.png' }),
    });
    expect(viaUrl.status).toBe(200);
    expect(sandbox.uploads.at(-1)?.fileUrl).toBe('https://x.example/l.png');
  });

  it('checks the Digest of a binary multipart upload over the exact bytes received (recorded.bytes)', async () => {
    const jwt = await token();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x00, 0xc3]);
    const encoded = new Response(upload({ category: 'LOGO', file: new File([png], 'logo.png') }));
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    const headers = { 'Content-Type': encoded.headers.get('content-type') ?? '' };
    expect((await call({ path: FILE_PATH, token: jwt, body: bytes, headers })).status).toBe(200);
    const recorded = sandbox.requests.to(FILE_PATH).at(-1);
    expect(recorded?.bytes).toEqual(bytes);
    expect(sandbox.uploads.at(-1)).toMatchObject({ category: 'LOGO', fileName: 'logo.png', fileSize: png.length });
    // The same upload signed over its UTF-8 text (lossy: 0x89, 0xff… become U+FFFD) is refused.
    const lossy = new TextEncoder().encode(recorded?.body);
    expect(lossy).not.toEqual(bytes);
    const { requestId, timestamp, signature } = await signatureOver(FILE_PATH, lossy);
    const refused = await call({
      path: FILE_PATH,
      token: jwt,
      body: bytes,
      requestId,
      timestamp,
      headers: { ...headers, Signature: signature },
    });
    expect(refused).toMatchObject({ status: 401, code: 'INVALID_SIGNATURE' });
  });

  it('401 INVALID_TOKEN without a token, with another client’s, an expired or an expireTokens()-ed one', async () => {
    const form = () => upload({ category: 'LOGO', file_url: 'https://x.example/l.png' });
    expect(await call({ path: FILE_PATH, body: form() })).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    expect(await call({ path: FILE_PATH, body: form(), token: 'not-a-token' })).toMatchObject({
      code: 'INVALID_TOKEN',
    });
    const others = await token(OTHER);
    expect(await call({ path: FILE_PATH, body: form(), token: others })).toMatchObject({ code: 'INVALID_TOKEN' });
    const jwt = await token();
    const [h, p] = jwt.split('.');
    expect(await call({ path: FILE_PATH, body: form(), token: `${h}.${p}.forged` })).toMatchObject({
      code: 'INVALID_TOKEN',
    });
    clock.advance(301_000);
    expect(await call({ path: FILE_PATH, body: form(), token: jwt })).toMatchObject({ code: 'INVALID_TOKEN' });
    const fresh = await token();
    expect((await call({ path: FILE_PATH, body: form(), token: fresh })).status).toBe(200);
    sandbox.expireTokens();
    expect(await call({ path: FILE_PATH, body: form(), token: fresh })).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it.each([
    ['a JSON body', '{"category":"LOGO"}'],
    ['an unknown category', upload({ category: 'SELFIE', file_url: 'https://x.example/l.png' })],
    ['DOCUMENT without code', upload({ category: 'DOCUMENT', file_url: 'https://x.example/l.png' })],
    ['neither file nor file_url', upload({ category: 'LOGO' })],
  ])('400 INVALID_REQUEST for %s', async (_name, body) => {
    const jwt = await token();
    expect(await call({ path: FILE_PATH, token: jwt, body })).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
  });

  it('File Requirements (GET, no Digest, no token) needs its four query parameters', async () => {
    expect((await call({ method: 'GET', path: `${FILE_PATH}?${REQUIREMENTS_QUERY}` })).json).toMatchObject({
      business: { brand: { photo_proof: { max_size: 15 } } },
    });
    expect(await call({ method: 'GET', path: `${FILE_PATH}?businessType=PERSONAL` })).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
    });
  });
});

describe('notifications', () => {
  it('createNotification signs with the chosen client over the exact body, target = URL path', async () => {
    const request = sandbox.createNotification({
      url: 'https://merchant.example/payments/notifications?x=1',
      body: { order: { invoice_number: 'INV-1' } },
      clientId: OTHER.clientId,
      requestId: 'n-1',
      timestamp: '2024-08-21T07:00:00Z',
    });
    expect(request.headers.get('Client-Id')).toBe(OTHER.clientId);
    const body = await request.clone().text();
    expect(body).toBe('{"order":{"invoice_number":"INV-1"}}');
    expect(request.headers.get('Signature')).toBe(
      await dokuSignature({
        clientId: OTHER.clientId,
        requestId: 'n-1',
        timestamp: '2024-08-21T07:00:00Z',
        target: '/payments/notifications',
        body,
        secretKey: OTHER.secretKey,
      }),
    );
    expect(() => sandbox.createNotification({ url: 'https://m.example/n', body: '{}', clientId: 'nobody' })).toThrow(
      TypeError,
    );
  });
});
