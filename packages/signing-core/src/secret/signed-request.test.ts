import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from './secret.js';
import { SecretSet } from './secret-set.js';
import { createSignedRequest, SignedRequest } from './signed-request.js';

const SIGNATURE = 'SIG-marker-7f3a9c';
const TOKEN = 'TOKEN-marker-55e1';

describe('SecretSet', () => {
  it('collects values, skips short and missing ones, and scrubs longest first', () => {
    const set = new SecretSet(['abc', undefined, null, 'TOKEN-1234'], [new Secret('TOKEN-1234-and-more')]);
    set.add('', 'ab', 'kept-value');
    expect(set.size).toBe(3);
    expect(set.has('abc')).toBe(false);
    expect(set.scrub('x TOKEN-1234-and-more y TOKEN-1234 z kept-value')).toBe('x [REDACTED] y [REDACTED] z [REDACTED]');
    expect(new SecretSet().scrub('unchanged')).toBe('unchanged');
    expect([...set].sort()).toEqual(['TOKEN-1234', 'TOKEN-1234-and-more', 'kept-value']);
    // A value added after a scrub is scrubbed by the next one, longest first still.
    set.add('kept-value-and-a-longer-one');
    expect(set.scrub('kept-value-and-a-longer-one kept-value')).toBe('[REDACTED] [REDACTED]');
  });

  it('scrubs deeply, keys included, and never prints its values', () => {
    const set = new SecretSet([TOKEN]);
    expect(set.scrubDeep({ a: [`x${TOKEN}`, 1, { [TOKEN]: null }], b: new Uint8Array(2) })).toEqual({
      a: ['x[REDACTED]', 1, { '[REDACTED]': null }],
      b: new Uint8Array(2),
    });
    const printed = `${JSON.stringify({ set })} ${inspect(set)} ${String(set)}`;
    expect(printed).not.toContain(TOKEN);
    expect(printed).toContain('SecretSet(1 [REDACTED])');
  });

  it('stops at a depth bound', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(JSON.stringify(new SecretSet().scrubDeep(deep))).toContain('[REDACTED]');
  });
});

describe('SignedRequest', () => {
  const make = () =>
    createSignedRequest({
      kind: 'AcmeSignedRequest',
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, 'X-Sig': SIGNATURE },
      body: `{"tokenID":"${TOKEN}","signature":"${SIGNATURE}"}`,
      info: { url: 'https://api.example/pay', requestId: 'req-1' },
      sensitive: { signature: SIGNATURE, fields: { tokenID: TOKEN, amount: '10' } },
      secrets: [SIGNATURE, TOKEN],
    });

  it('hands out what to send: headers, body and the typed fields', async () => {
    const signed = make();
    expect(signed).toBeInstanceOf(SignedRequest);
    expect(signed.url).toBe('https://api.example/pay');
    expect(signed.signature).toBe(SIGNATURE);
    expect(signed.fields.tokenID).toBe(TOKEN);
    expect(signed.headers.Authorization).toBe(`Bearer ${TOKEN}`);
    expect(signed.body).toContain(TOKEN);
    // A fresh copy per read: a caller's change does not reach the request.
    signed.headers['X-Sig'] = 'changed';
    expect(signed.headers['X-Sig']).toBe(SIGNATURE);
    // Usable by fetch as it is.
    const request = new Request(signed.url, { method: signed.method, headers: signed.headers, body: signed.body });
    expect(request.headers.get('x-sig')).toBe(SIGNATURE);
    expect(await request.text()).toBe(signed.body);
    expect(Object.isFrozen(signed)).toBe(true);
  });

  it('never prints a secret: JSON, inspect, String, spreads, and its headers on their own', () => {
    const signed = make();
    const printed = [
      JSON.stringify(signed),
      inspect(signed, { depth: 10 }),
      String(signed),
      JSON.stringify({ ...signed }),
      inspect({ ...signed }, { depth: 10 }),
      JSON.stringify(signed.headers),
      inspect(signed.headers),
      JSON.stringify(Object.entries(signed)),
    ].join('\n');
    expect(printed).not.toContain(TOKEN);
    expect(printed).not.toContain(SIGNATURE);
    expect(JSON.parse(JSON.stringify(signed))).toEqual({
      method: 'POST',
      url: 'https://api.example/pay',
      requestId: 'req-1',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer [REDACTED]', 'X-Sig': '[REDACTED]' },
      bodyLength: signed.body?.length,
      signature: '[REDACTED]',
      fields: { tokenID: '[REDACTED]', amount: '10' },
    });
    expect(String(signed).startsWith('AcmeSignedRequest {')).toBe(true);
  });

  it('describes a byte body and a missing one by length', () => {
    const bytes = createSignedRequest({ kind: 'K', method: 'PUT', body: new Uint8Array([1, 2, 3]) });
    expect(bytes.toJSON()).toEqual({ method: 'PUT', headers: {}, bodyLength: 3 });
    const none = new SignedRequest({ kind: 'K', method: 'GET', body: null });
    expect(none.toJSON().bodyLength).toBe(0);
    expect(none.headers).toEqual({});
  });
});
