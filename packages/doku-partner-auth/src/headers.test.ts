import { describe, expect, it } from 'vitest';
import { DOKU_HEADERS } from './protocol/constants.js';
import { dokuSignedHeaders } from './protocol/headers.js';

const input = { clientId: 'BRN-1', requestId: 'r1', timestamp: '2020-08-11T08:45:42Z', signature: 'HMACSHA256=x' };

describe('dokuSignedHeaders', () => {
  it('lays out a signed request, with Content-Type for a JSON body', () => {
    expect(Object.entries(dokuSignedHeaders({ ...input, body: '{}' }))).toEqual([
      ['Client-Id', 'BRN-1'],
      ['Request-Id', 'r1'],
      ['Request-Timestamp', '2020-08-11T08:45:42Z'],
      ['Signature', 'HMACSHA256=x'],
      ['Content-Type', 'application/json'],
    ]);
  });

  it('writes Response-Timestamp for a response, and no Content-Type without a text body', () => {
    expect(Object.keys(dokuSignedHeaders({ ...input, kind: 'response' }))).toEqual([
      'Client-Id',
      'Request-Id',
      'Response-Timestamp',
      'Signature',
    ]);
    expect(Object.keys(dokuSignedHeaders({ ...input, body: new Uint8Array([1]) }))).not.toContain('Content-Type');
  });

  it('refuses a value that is not a string and an unknown kind', () => {
    expect(() => dokuSignedHeaders({ ...input, signature: 1 as never })).toThrow(TypeError);
    expect(() => dokuSignedHeaders({ ...input, kind: 'other' as never })).toThrow(TypeError);
    expect(() => dokuSignedHeaders(null as never)).toThrow(TypeError);
  });

  it('names the headers, frozen', () => {
    expect(DOKU_HEADERS.signature).toBe('Signature');
    expect(Object.isFrozen(DOKU_HEADERS)).toBe(true);
  });
});
