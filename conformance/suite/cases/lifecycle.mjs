// The token lifecycle over HTTP against the sandboxes on the host: cached, single-flight,
// background refresh, B2B2C, and refresh-and-retry when the provider rejects the token.
import { createDokuPartnerAuth } from '@org/doku-partner-auth';
import { createFinnetAuth, FINNET_WIDGET_TOP_UP_PATH } from '@org/finnet-auth';
import { createFondyAuth } from '@org/fondy-auth';
import { createSnapAuth } from '@org/snap-auth';
import { equal, eventually, ok } from '../harness.mjs';

/** A SNAP client of the host's sandbox `sb`. */
export function snapClient(t, sb, extra = {}) {
  return createSnapAuth({
    baseUrl: sb.url,
    clientId: sb.clientId,
    privateKey: t.info.snapKey.privateKeyPem,
    clientSecret: 'conformance-secret',
    channelId: '95221',
    ...extra,
  });
}

const SNAP_TOKEN_PATH = '/v1.0/access-token/b2b';

export const lifecycleCases = [
  {
    name: 'snap: B2B token fetched once, then cached',
    async run(t) {
      const sb = await t.sandbox('snap');
      const auth = snapClient(t, sb);
      const first = await auth.getAccessToken();
      const second = await auth.getAccessToken();
      equal(second.token, first.token, 'same token');
      equal(first.tokenType, 'Bearer', 'token type');
      equal(await sb.op('count', { path: SNAP_TOKEN_PATH }), 1, 'token requests');
      ok(!JSON.stringify(first).includes(first.token), 'the token text is redacted in JSON');
    },
  },
  {
    name: 'snap: 25 concurrent callers, one token request (single-flight)',
    async run(t) {
      const sb = await t.sandbox('snap');
      const auth = snapClient(t, sb);
      const tokens = await Promise.all(Array.from({ length: 25 }, () => auth.getAccessToken()));
      equal(new Set(tokens.map((token) => token.token)).size, 1, 'distinct tokens');
      equal(await sb.op('count', { path: SNAP_TOKEN_PATH }), 1, 'token requests');
    },
  },
  {
    name: 'snap: background refresh ahead of expiry, callers keep the current token',
    async run(t) {
      // 900 s tokens refresh 180 s ahead; the client's clock jumps 780 s (the sandbox accepts
      // its timestamps within an hour).
      const sb = await t.sandbox('snap', { timestampToleranceMs: 3_600_000 });
      let offset = 0;
      const auth = snapClient(t, sb, { clock: () => Date.now() + offset });
      const first = await auth.getAccessToken();
      offset = 780_000;
      const during = await auth.getAccessToken();
      equal(during.token, first.token, 'the current token while the refresh runs');
      await eventually(async () => (await sb.op('issuedTokens')) === 2, 5_000, 'a second token issued');
      await eventually(async () => (await auth.getAccessToken()).token !== first.token, 3_000, 'the new token used');
      equal(await sb.op('issuedTokens'), 2, 'tokens issued');
    },
  },
  {
    name: 'snap: rejected token dropped, new token fetched, call retried once',
    async run(t) {
      const sb = await t.sandbox('snap');
      const auth = snapClient(t, sb);
      await auth.getAccessToken();
      await sb.op('expireTokens');
      const answer = await auth.ky.post('v1.0/balance-inquiry', { json: { partnerReferenceNo: '1' } }).json();
      equal(answer.responseCode, '2001100', 'service answer');
      equal(await sb.op('issuedTokens'), 2, 'tokens issued');
    },
  },
  {
    name: 'snap: signRequest with plain fetch is accepted by the sandbox',
    async run(t) {
      const sb = await t.sandbox('snap');
      const auth = snapClient(t, sb);
      const signed = await auth.signRequest({ method: 'POST', path: '/v1.0/balance-inquiry', body: { a: 1 } });
      const response = await fetch(signed.url, { method: signed.method, headers: signed.headers, body: signed.body });
      equal(response.status, 200, 'status');
      equal((await response.json()).responseCode, '2001100', 'responseCode');
    },
  },
  {
    name: 'snap: B2B2C customer token from an auth code, then refreshed',
    async run(t) {
      const sb = await t.sandbox('snap');
      const auth = snapClient(t, sb);
      const authCode = await sb.op('issueAuthCode', { customerId: 'customer-42' });
      const customer = await auth.getCustomerToken({ authCode });
      ok(customer.accessTokenExpiresAt instanceof Date, 'access token expiry');
      const call = await auth.signRequest({
        method: 'POST',
        path: '/v1.0/balance-inquiry',
        body: { partnerReferenceNo: '2' },
        customerToken: customer,
      });
      ok(call.headers['Authorization-Customer']?.startsWith('Bearer '), 'Authorization-Customer header');
      const renewed = await auth.getCustomerToken({ refreshToken: customer.refreshToken });
      ok(renewed.accessToken.token !== customer.accessToken.token, 'a new customer token');
    },
  },
  {
    name: 'doku: token cached, rejected token refreshed and the upload re-signed',
    async run(t) {
      const sb = await t.sandbox('doku');
      const doku = createDokuPartnerAuth({
        clientId: 'BRN-0001-10791114622547',
        secretKey: 'SK-conformance-secret',
        baseUrl: sb.url,
      });
      const token = await doku.getToken();
      equal((await doku.getToken()).token, token.token, 'cached');
      await sb.op('expireTokens');
      const form = new FormData();
      form.set('category', 'LOGO');
      form.set('file', new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'logo.png', { type: 'image/png' }));
      const uploaded = await doku.ky.post('adv-core-api/partner/v1.0/file', { body: form }).json();
      equal(uploaded.category, 'LOGO', 'upload answer');
      equal(await sb.op('issuedTokens'), 2, 'tokens issued');
    },
  },
  {
    name: 'finnet: token cached, rejected token refreshed and the call re-sent',
    async run(t) {
      const sb = await t.sandbox('finnet');
      const finnet = createFinnetAuth({ secretKey: 'finnet-conformance-secret', baseUrl: sb.url });
      const token = await finnet.getToken();
      equal((await finnet.getToken()).token, token.token, 'cached');
      await sb.op('expireTokens');
      const topUp = await finnet.request(FINNET_WIDGET_TOP_UP_PATH, {
        requestType: 'widgetTopUp',
        phoneNumber: '08111008696',
      });
      ok(typeof topUp.data.widgetURL === 'string', 'widgetURL');
      equal(await sb.op('count', { path: sb.paths.token }), 2, 'token requests');
    },
  },
  {
    name: 'fondy: token cached, rejected token refreshed and the report re-sent',
    async run(t) {
      const sb = await t.sandbox('fondy');
      const fondy = createFondyAuth({ applicationId: '1234', secretKey: 'fondy-conformance-secret', baseUrl: sb.url });
      const token = await fondy.getToken();
      equal((await fondy.getToken()).token, token.token, 'cached');
      await sb.op('expireTokens');
      const report = await fondy.ky
        .post('api/extend/company/report/', { json: { report_id: 745, merchant_id: 1 } })
        .json();
      ok(Array.isArray(report.fields), 'report fields');
      equal(await sb.op('count', { path: sb.tokenPath }), 2, 'token requests');
    },
  },
];
