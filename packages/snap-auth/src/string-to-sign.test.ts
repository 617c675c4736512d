import { AccessToken, isInputError } from '@org/signing-core';
import { readVectors, vectorById } from '@org/vitest-config/vectors';
import { describe, expect, it } from 'vitest';
import { EMPTY_BODY_HASH } from './protocol/body-hash.js';
import { snapStringToSign } from './protocol/string-to-sign.js';

describe('snapStringToSign', () => {
  it('builds the access-token string: clientId|timestamp (SNAP-B2B-1)', async () => {
    const { inputs, stringToSign } = vectorById(readVectors('snap'), 'SNAP-B2B-1', 'access-token');
    expect(
      await snapStringToSign({ kind: 'access-token', clientId: inputs.clientId, timestamp: inputs.timestamp }),
    ).toBe(stringToSign);
  });

  it('builds the service string with an upper-case method and the bare token', async () => {
    const token = new AccessToken({ token: 'tok', expiresAt: Date.now() + 1000, obtainedAt: Date.now() });
    expect(
      await snapStringToSign({
        kind: 'service',
        method: 'post',
        path: '/v1.0/x?a=1',
        accessToken: token,
        body: '{ "a": 1 }',
        timestamp: '2020-01-01T00:00:00+07:00',
      }),
    ).toBe(
      'POST:/v1.0/x?a=1:tok:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862:2020-01-01T00:00:00+07:00',
    );
  });

  it('builds the notification string without a token; no body hashes the empty string', async () => {
    expect(
      await snapStringToSign({
        kind: 'notification',
        method: 'GET',
        path: '/notify',
        timestamp: '2020-01-01T00:00:00Z',
      }),
    ).toBe(`GET:/notify:${EMPTY_BODY_HASH}:2020-01-01T00:00:00Z`);
  });

  it('rejects malformed parts', async () => {
    const base = { kind: 'notification', method: 'POST', path: '/n', timestamp: 't' } as const;
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (isInputError(e) ? `${e.code}:${e.field}` : (e as Error).name),
      );
    expect(await code(snapStringToSign({ ...base, path: 'n' }))).toBe('ERR_INVALID_INPUT:path');
    expect(await code(snapStringToSign({ ...base, method: 'PO ST' }))).toBe('ERR_INVALID_INPUT:method');
    expect(await code(snapStringToSign({ ...base, timestamp: '' }))).toBe('ERR_INVALID_INPUT:timestamp');
    expect(await code(snapStringToSign({ ...base, body: '{' }))).toBe('ERR_INVALID_JSON:body');
    expect(await code(snapStringToSign({ ...base, method: 1 as never }))).toBe('TypeError');
    expect(await code(snapStringToSign({ kind: 'access-token', clientId: '', timestamp: 't' }))).toBe(
      'ERR_INVALID_INPUT:clientId',
    );
    expect(await code(snapStringToSign({ kind: 'other' } as never))).toBe('TypeError');
    expect(await code(snapStringToSign(null as never))).toBe('TypeError');
    expect(
      await code(snapStringToSign({ kind: 'service', method: 'POST', path: '/x', accessToken: '', timestamp: 't' })),
    ).toBe('ERR_INVALID_INPUT:accessToken');
  });
});
