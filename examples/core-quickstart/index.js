// A tour of @org/signing-core with nothing configured and no network beyond 127.0.0.1:
// a local token endpoint (built with the core's sandbox kit), a token manager that caches
// and single-flights, a transport that signs every attempt, and a signature check.
import { createTokenManager, formatIsoTimestamp, hmac, minifyJson, timingSafeEqual, toBase64 } from '@org/signing-core';
import { createHttpClient } from '@org/signing-core/provider-kit';
import { createSandboxCore, jsonResponse } from '@org/signing-core/testing';

const secret = 'quickstart-client-secret';

// 1. A local provider: issues tokens and checks an HMAC signature on /pay.
let issued = 0;
const sandbox = createSandboxCore(async (request, recorded) => {
  const url = new URL(request.url);
  if (url.pathname === '/token') {
    issued += 1;
    return jsonResponse(200, { accessToken: `token-${issued}`, expiresIn: 900 });
  }
  if (url.pathname === '/pay') {
    const expected = toBase64(await hmac('SHA-512', secret, `${recorded.headers['x-timestamp']}:${recorded.body}`));
    const ok = timingSafeEqual(expected, recorded.headers['x-signature'] ?? '');
    return jsonResponse(ok ? 200 : 401, { paid: ok });
  }
  return jsonResponse(404, { error: 'not found' });
});
const server = await sandbox.listen();

// 2. A transport and a token manager.
const client = createHttpClient({ provider: 'quickstart', baseUrl: server.url, retry: { methods: ['post'] } });
const tokens = createTokenManager({
  key: `quickstart:${server.url}:client-1`,
  fetchToken: async () => {
    const { data } = await client.requestJson({ method: 'POST', path: '/token', body: '{}' });
    return { token: data.accessToken, expiresAt: Date.now() + data.expiresIn * 1000 };
  },
});

const rows = [];
const concurrent = await Promise.all(Array.from({ length: 100 }, () => tokens.getToken()));
rows.push(['100 concurrent getToken() calls', `${sandbox.requests.count('/token')} token request`]);
await tokens.getToken();
rows.push(['one more getToken() call', `${sandbox.requests.count('/token')} token request (cached)`]);
rows.push(['JSON.stringify(token)', JSON.stringify(concurrent[0]).slice(0, 60) + '…']);

// 3. A signed call: the timestamp in the header is the one signed; the body sent is the body signed.
const body = minifyJson('{\n  "amount": "10000.00",\n  "currency": "IDR"\n}');
const { data } = await client.requestJson({
  method: 'POST',
  path: '/pay',
  body,
  sign: async (attempt) => {
    const timestamp = formatIsoTimestamp(new Date());
    const signed = `${timestamp}:${new TextDecoder().decode(attempt.body)}`;
    return { 'x-timestamp': timestamp, 'x-signature': toBase64(await hmac('SHA-512', secret, signed)) };
  },
});
rows.push(['signed POST /pay', data.paid ? 'accepted by the sandbox' : 'REJECTED']);

await server.close();
const width = Math.max(...rows.map(([label]) => label.length));
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
if (!data.paid || sandbox.requests.count('/token') !== 1) process.exit(1);
