import { createHash } from 'node:crypto';
import { isInputError } from '@org/signing-core';
import { readVectors, vectorById } from '@org/vitest-config/vectors';
import { describe, expect, it } from 'vitest';
import { EMPTY_BODY_HASH } from './protocol/body-hash.js';
import { snapStringToSign, snapStringToSignParts } from './protocol/string-to-sign.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const service = {
  kind: 'service',
  method: 'post',
  path: '/v1.0/debit/payment-host-to-host',
  accessToken: 'gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a',
  body: '{ "partnerReferenceNo": "2020102900000000000001" }',
  timestamp: '2020-01-01T00:00:00+07:00',
} as const;

describe('snapStringToSignParts', () => {
  it('gives the service string with each labelled part, joined with ":"', async () => {
    const result = await snapStringToSignParts(service);
    expect(result.stringToSign).toBe(await snapStringToSign(service));
    expect(result.separator).toBe(':');
    expect(result.parts).toEqual([
      { name: 'method', label: 'HTTP method', value: 'POST' },
      { name: 'path', label: 'relative URL (path and query)', value: service.path },
      { name: 'accessToken', label: 'access token (without "Bearer ")', value: service.accessToken },
      {
        name: 'bodyHash',
        label: 'lowerhex(SHA-256(minify(body)))',
        value: sha256('{"partnerReferenceNo":"2020102900000000000001"}'),
      },
      { name: 'timestamp', label: 'X-TIMESTAMP', value: service.timestamp },
    ]);
  });

  it('gives the access-token string clientId|timestamp and the notification string without a token', async () => {
    const { inputs, stringToSign } = vectorById(readVectors('snap'), 'SNAP-B2B-1', 'access-token');
    const token = await snapStringToSignParts({
      kind: 'access-token',
      clientId: inputs.clientId,
      timestamp: inputs.timestamp,
    });
    expect(token).toEqual({
      stringToSign,
      separator: '|',
      parts: [
        { name: 'clientId', label: 'client id (X-CLIENT-KEY)', value: inputs.clientId },
        { name: 'timestamp', label: 'X-TIMESTAMP', value: inputs.timestamp },
      ],
    });
    const notification = await snapStringToSignParts({
      kind: 'notification',
      method: 'POST',
      path: '/notify',
      timestamp: '2020-01-01T00:00:00Z',
    });
    expect(notification.stringToSign).toBe(`POST:/notify:${EMPTY_BODY_HASH}:2020-01-01T00:00:00Z`);
    expect(notification.parts.map((part) => part.name)).toEqual(['method', 'path', 'bodyHash', 'timestamp']);
  });

  it('with minify: false, hashes the body exactly as given (senders that skip the minify step)', async () => {
    const raw = await snapStringToSignParts({ ...service, minify: false });
    expect(raw.parts[3]).toEqual({
      name: 'bodyHash',
      label: 'lowerhex(SHA-256(body as sent))',
      value: sha256(service.body),
    });
    expect(raw.stringToSign).toBe(
      `POST:${service.path}:${service.accessToken}:${sha256(service.body)}:${service.timestamp}`,
    );
    // A body that is not JSON can still be hashed as sent; an absent body hashes the empty string.
    expect((await snapStringToSignParts({ ...service, body: 'not json', minify: false })).parts[3]?.value).toBe(
      sha256('not json'),
    );
    expect((await snapStringToSignParts({ ...service, body: undefined, minify: false })).parts[3]?.value).toBe(
      EMPTY_BODY_HASH,
    );
  });

  it('checks its input as snapStringToSign does', async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (isInputError(e) ? `${e.code}:${e.field}` : (e as Error).name),
      );
    expect(await code(snapStringToSignParts({ ...service, body: '{' }))).toBe('ERR_INVALID_JSON:body');
    expect(await code(snapStringToSignParts({ ...service, path: 'x' }))).toBe('ERR_INVALID_INPUT:path');
    expect(await code(snapStringToSignParts({ ...service, accessToken: '' }))).toBe('ERR_INVALID_INPUT:accessToken');
    expect(await code(snapStringToSignParts({ ...service, body: 1 as never, minify: false }))).toBe('TypeError');
    expect(await code(snapStringToSignParts({ kind: 'other' } as never))).toBe('TypeError');
    expect(await code(snapStringToSignParts(null as never))).toBe('TypeError');
  });
});
