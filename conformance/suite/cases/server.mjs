// The SNAP server kit (`@org/snap-auth/server`) inside the runtime: the merchant's token endpoint
// and a payment endpoint, as Web Request → Response functions, called by this package's own SNAP
// client through its `fetch` option (no socket: the server is the runtime's code under test).
import { createSnapAuth } from '@org/snap-auth';
import { createSnapServer } from '@org/snap-auth/server';
import { equal, ok } from '../harness.mjs';

const PARTNER = 'conformance-bank';
const SECRET = 'conformance-partner-secret';

/** A merchant with one partner (the host's SNAP key pair) and a payment handler that counts runs. */
function merchant(t) {
  const runs = [];
  const server = createSnapServer({
    partners: [{ clientId: PARTNER, publicKeys: [t.info.snapKey.publicKeyPem], clientSecret: SECRET }],
    tokenTtlSeconds: 900,
  });
  const route = async (request) => {
    const path = new URL(request.url).pathname;
    if (path === '/v1.0/access-token/b2b') return server.handleAccessToken(request);
    if (path === '/v1.0/transfer-va/payment')
      return server.handle(request, { serviceCode: '25' }, async (call) => {
        runs.push(call.externalId);
        return { virtualAccountData: { paymentRequestId: call.json.paymentRequestId } };
      });
    return new Response('not found', { status: 404 });
  };
  // What the bank sent, to redeliver it byte for byte.
  const sent = [];
  const fetchThrough = async (input, init) => {
    const request = new Request(input, init);
    sent.push(request.clone());
    return route(request);
  };
  const bank = createSnapAuth({
    baseUrl: 'http://merchant.invalid',
    clientId: PARTNER,
    privateKey: t.info.snapKey.privateKeyPem,
    clientSecret: SECRET,
    channelId: '95221',
    fetch: fetchThrough,
  });
  return { server, route, bank, runs, sent };
}

export const serverCases = [
  {
    name: 'server: issues a token to a signed request and answers a payment signed with it (2002500)',
    async run(t) {
      const { bank, runs } = merchant(t);
      const token = await bank.getAccessToken();
      ok(token.token.length >= 43, 'an opaque token of at least 256 bits');
      const answer = await bank.ky
        .post('v1.0/transfer-va/payment', { json: { paymentRequestId: 'PAY-1', paidAmount: { value: '1.00' } } })
        .json();
      equal(answer.responseCode, '2002500', 'response code');
      equal(answer.virtualAccountData.paymentRequestId, 'PAY-1', 'the handler reply');
      equal(runs.length, 1, 'handler runs');
    },
  },
  {
    name: 'server: a verbatim redelivery gets the same answer, and the handler runs once',
    async run(t) {
      const { bank, route, runs, sent } = merchant(t);
      const first = await bank.ky.post('v1.0/transfer-va/payment', { json: { paymentRequestId: 'PAY-2' } }).text();
      const delivered = sent.at(-1);
      const again = await route(delivered.clone());
      equal(again.status, 200, 'status of the redelivery');
      equal(await again.text(), first, 'the same answer');
      equal(runs.length, 1, 'handler runs');
    },
  },
  {
    name: 'server: a forged signature and an unknown token are refused with SNAP codes',
    async run(t) {
      const { bank, route, runs, sent } = merchant(t);
      await bank.getAccessToken();
      await bank.ky.post('v1.0/transfer-va/payment', { json: { paymentRequestId: 'PAY-3' } });
      const delivered = sent.at(-1);
      const headers = new Headers(delivered.headers);
      headers.set('X-EXTERNAL-ID', '99999999999999999999');
      headers.set('X-SIGNATURE', 'AAAA');
      const forged = await route(new Request(delivered.url, { method: 'POST', headers, body: await delivered.text() }));
      equal(forged.status, 401, 'status of a forged call');
      equal((await forged.json()).responseCode, '4012500', 'forged signature');
      headers.set('Authorization', 'Bearer not-a-token-this-server-issued');
      const unknown = await route(new Request(delivered.url, { method: 'POST', headers, body: '{}' }));
      equal((await unknown.json()).responseCode, '4012501', 'unknown token');
      equal(runs.length, 1, 'handler runs');
    },
  },
];
