// Fault modes of the request bounds: a stall after the headers, a redirect to another origin, an
// oversized body (hostile servers on the host), and a 503 the token request retries past.
import { isProviderError, isResponseFormatError, isTransportError } from '@org/signing-core';
import { equal, isTyped, rejects } from '../harness.mjs';
import { snapClient } from './lifecycle.mjs';

export const faultCases = [
  {
    name: 'faults: stall after the headers ends in ERR_TIMEOUT within the deadline',
    async run(t) {
      const server = await t.hostile('stallAfterHeaders');
      const auth = snapClient(t, { url: server.url, clientId: 'conformance-client' }, { timeoutMs: 300, retry: 0 });
      const started = Date.now();
      await rejects(auth.getAccessToken(), (error) => isTyped(error, 'ERR_TIMEOUT', isTransportError));
      equal(Date.now() - started < 5_000, true, 'settled well within 5 s');
    },
  },
  {
    name: 'faults: redirect to another origin refused (ERR_REDIRECT)',
    async run(t) {
      const server = await t.hostile('redirect', { status: 302, location: 'http://127.0.0.1:9/v1.0/access-token/b2b' });
      const auth = snapClient(t, { url: server.url, clientId: 'conformance-client' }, { retry: 0 });
      await rejects(auth.getAccessToken(), (error) => isTyped(error, 'ERR_REDIRECT', isTransportError));
    },
  },
  {
    name: 'faults: oversized body stops reading (ERR_RESPONSE_TOO_LARGE)',
    async run(t) {
      const server = await t.hostile('endlessBody');
      const auth = snapClient(
        t,
        { url: server.url, clientId: 'conformance-client' },
        { maxResponseBytes: 65_536, timeoutMs: 5_000, retry: 0 },
      );
      await rejects(auth.getAccessToken(), (error) => isTyped(error, 'ERR_RESPONSE_TOO_LARGE', isResponseFormatError));
    },
  },
  {
    name: 'faults: a 503 on the token endpoint is retried, then the token arrives',
    async run(t) {
      const sb = await t.sandbox('snap');
      await sb.op('inject', { fault: { type: 'status', status: 503 }, options: { path: '/v1.0/access-token/b2b' } });
      const token = await snapClient(t, sb).getAccessToken();
      equal(token.tokenType, 'Bearer', 'token type');
      equal(await sb.op('count', { path: '/v1.0/access-token/b2b' }), 2, 'token requests');
    },
  },
  {
    name: 'faults: a token rejected twice is ERR_TOKEN_REJECTED',
    async run(t) {
      const sb = await t.sandbox('snap');
      const body = JSON.stringify({ responseCode: '4011101', responseMessage: 'Invalid Token (B2B)' });
      await sb.op('inject', {
        fault: { type: 'status', status: 401, body },
        options: { path: '/v1.0/balance-inquiry', times: 2 },
      });
      const auth = snapClient(t, sb);
      await rejects(auth.ky.post('v1.0/balance-inquiry', { json: {} }), (error) =>
        isTyped(error, 'ERR_TOKEN_REJECTED', isProviderError),
      );
      equal(await sb.op('issuedTokens'), 2, 'tokens issued');
    },
  },
];
