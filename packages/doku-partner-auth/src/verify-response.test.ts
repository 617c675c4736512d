import { isSignatureError, isTransportError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { verifyDokuResponse } from './protocol/verify-response.js';
import { sandboxSignature } from './testing/sandbox-signature.js';

const SECRET = 'SK-response-secret';
const REQUEST = { clientId: 'BRN-1', requestId: 'req-1', requestTarget: '/adv-core-api/partner/v1.0/token' };
const BODY = '{"token":"a.b.c","note":"\\/ é"}';
const TS = '2024-08-21T07:27:50Z';

function signedResponse(overrides: { body?: string; headers?: Record<string, string | null>; secret?: string } = {}) {
  const body = overrides.body ?? BODY;
  const headers = new Headers({
    'content-type': 'application/json',
    'Client-Id': REQUEST.clientId,
    'Request-Id': REQUEST.requestId,
    'Response-Timestamp': TS,
    Signature: sandboxSignature(overrides.secret ?? SECRET, {
      clientId: REQUEST.clientId,
      requestId: REQUEST.requestId,
      timestampName: 'Response-Timestamp',
      timestamp: TS,
      target: REQUEST.requestTarget,
      body: Buffer.from(BODY, 'utf8'),
    }),
  });
  for (const [name, value] of Object.entries(overrides.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  return new Response(body, { status: 200, headers });
}

async function failure(response: Response, required?: boolean) {
  try {
    await verifyDokuResponse(response, { secretKey: SECRET, request: REQUEST, required });
  } catch (error) {
    if (!isSignatureError(error)) throw error;
    return { code: error.code, check: error.check, message: error.message };
  }
  throw new Error('expected a SignatureError');
}

describe('verifyDokuResponse', () => {
  it('verifies DOKU’s response signature (Response-Timestamp line) and leaves the body readable', async () => {
    const response = signedResponse();
    expect(await verifyDokuResponse(response, { secretKey: SECRET, request: REQUEST })).toBe(true);
    expect(await response.text()).toBe(BODY);
  });

  it('accepts a response that does not echo Client-Id / Request-Id, and an unpadded signature', async () => {
    const response = signedResponse({ headers: { 'Client-Id': null, 'Request-Id': null } });
    expect(await verifyDokuResponse(response, { secretKey: SECRET, request: REQUEST })).toBe(true);
    const unpadded = signedResponse();
    unpadded.headers.set('Signature', (unpadded.headers.get('Signature') ?? '').replace(/=$/, ''));
    expect(await verifyDokuResponse(unpadded, { secretKey: SECRET, request: REQUEST })).toBe(true);
  });

  it('an unsigned response: false when not required, SignatureError (header) by default', async () => {
    const unsigned = () => signedResponse({ headers: { Signature: null } });
    expect(await verifyDokuResponse(unsigned(), { secretKey: SECRET, request: REQUEST, required: false })).toBe(false);
    expect(await failure(unsigned())).toMatchObject({ check: 'header', code: 'ERR_SIGNATURE_MISMATCH' });
  });

  it.each([
    ['no Response-Timestamp', { headers: { 'Response-Timestamp': null } }, 'header'],
    ['another Client-Id echoed', { headers: { 'Client-Id': 'BRN-2' } }, 'header'],
    ['another Request-Id echoed', { headers: { 'Request-Id': 'req-2' } }, 'header'],
    ['a changed body', { body: BODY.replace('a.b.c', 'a.b.d') }, 'signature'],
    ['a changed timestamp', { headers: { 'Response-Timestamp': '2024-08-21T07:27:51Z' } }, 'signature'],
    ['another secret', { secret: 'SK-other' }, 'signature'],
    ['a malformed signature', { headers: { Signature: 'HMACSHA256=nope' } }, 'signature'],
  ] as const)('refuses %s', async (_name, overrides, check) => {
    expect(await failure(signedResponse(overrides as never))).toMatchObject({ check });
  });

  it('refuses a response signed as a request (Request-Timestamp label)', async () => {
    const signature = sandboxSignature(SECRET, {
      clientId: REQUEST.clientId,
      requestId: REQUEST.requestId,
      timestampName: 'Request-Timestamp',
      timestamp: TS,
      target: REQUEST.requestTarget,
      body: Buffer.from(BODY, 'utf8'),
    });
    expect(await failure(signedResponse({ headers: { Signature: signature } }))).toMatchObject({ check: 'signature' });
  });

  it('reports a body that cannot be read as a TransportError', async () => {
    const stream = new ReadableStream({
      pull(controller) {
        controller.error(new Error('connection reset'));
      },
    });
    const response = new Response(stream, { headers: signedResponse().headers });
    const error = await verifyDokuResponse(response, { secretKey: SECRET, request: REQUEST }).catch((e: unknown) => e);
    expect(isTransportError(error)).toBe(true);
  });

  it('throws TypeError for programmer misuse', async () => {
    await expect(verifyDokuResponse({} as never, { secretKey: SECRET, request: REQUEST })).rejects.toThrow(TypeError);
    await expect(verifyDokuResponse(signedResponse(), { secretKey: SECRET } as never)).rejects.toThrow(TypeError);
    const read = signedResponse();
    await read.text();
    await expect(verifyDokuResponse(read, { secretKey: SECRET, request: REQUEST })).rejects.toThrow(/already read/);
  });
});
