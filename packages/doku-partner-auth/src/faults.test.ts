/**
 * `createDokuPartnerAuth` against the core's fault suite (`runFaultSuite`: a hostile server on
 * 127.0.0.1, over real HTTP): every fault of the Generate Token request and of a Partner API call
 * (`doku.ky`) ends in a typed error within its bound, the client recovers afterwards, a redirect
 * to another origin (or from https to http) reaches nobody, a provider quoting the request back
 * never gets a `Signature` or token into an error, and an unusable token or lifetime is never
 * cached. This file only says how DOKU does each step.
 */
import { runFaultSuite } from '@org/signing-core/testing/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT, FILE_PATH, TOKEN_PATH } from './__fixtures__/helpers.js';
import { createDokuPartnerAuth } from './index.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT shaped like DOKU's (and the sandbox's): its `exp` claim is the expiry. */
const jwt = (marker: string, expSeconds = Math.floor(Date.now() / 1000) + 3_600) =>
  `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({
    sub: marker,
    exp: expSeconds,
    iat: Math.floor(Date.now() / 1000),
    user: { businessServiceClientId: CLIENT.clientId },
  })}.${Buffer.from(`signature-of-${marker}`).toString('base64url')}`;

const past = new Date(Date.now() - 60_000).toISOString();
const notJwt = 'plain-token-not-a-jwt';

runFaultSuite(
  { describe, it, expect, beforeAll, afterAll, afterEach },
  {
    tokenPath: TOKEN_PATH,
    names: { tokenRequest: 'Generate Token', serviceCall: 'a Partner API call' },
    createClient: (settings) =>
      createDokuPartnerAuth({ clientId: CLIENT.clientId, secretKey: CLIENT.secretKey, retry: 0, ...settings }),
    getToken: (doku) => doku.getToken(),
    calls: [
      [
        'doku.ky',
        (doku) =>
          doku.ky
            .post(FILE_PATH.slice(1), { json: { category: 'LOGO', file_url: 'https://merchant.test/logo.png' } })
            .json(),
      ],
    ],
    token: (marker) => jwt(marker),
    // DOKU's documented Generate Token answer, `{"token": "<JWT>"}`, plus optional expiry fields.
    tokenBody: (token, extra: Record<string, unknown> = {}) => ({ token, ...extra }),
    serviceBody: { id: '1', link: 'https://x.test/', category: 'LOGO' },
    secrets: [CLIENT.secretKey],
    // The bearer token and `Signature` (whole, and its MAC).
    sentBy: (req) => {
      const { authorization, signature } = req.headers;
      return [
        authorization?.replace(/^Bearer\s+/i, ''),
        ...(typeof signature === 'string' ? [signature, signature.replace(/^HMACSHA256=/, '')] : []),
      ].filter((value) => typeof value === 'string');
    },
    // The request quoted back in the sandbox's error shape: every header and the body.
    echo: {
      token: (req, body) => ({ status: 401, body: refusal(req.headers, body) }),
      service: (req, body) => ({ status: 400, body: refusal(req.headers, body) }),
      // The secret, the token, and (whole + MAC) 1 token signature and one signature a call.
      sentAfterServiceCalls: (calls) => 2 + 2 * (1 + calls),
      // The secret, and (whole + MAC) one signature a client: each has its own Request-Id.
      sentAfterTokenRequests: (clients) => 1 + 2 * clients,
    },
    // Not JWTs, so they come with an explicit lifetime. A token DOKU sends with a trailing space
    // is refused, not trimmed into one DOKU did not issue.
    unusableTokens: { lifetime: { expires_in: 3_600 } },
    lifetimes: [
      { name: 'expires_in 0.0004 s', token: notJwt, lifetime: { expires_in: 0.0004 }, field: 'expires_in' },
      { name: 'expires_at already past', token: notJwt, lifetime: { expires_at: past }, field: 'expires_at' },
      { name: 'a JWT exp already past', token: jwt('expired', Math.floor(Date.now() / 1000) - 60), field: 'jwt-exp' },
      { name: 'expires_in 1e12 s', token: notJwt, lifetime: { expires_in: 1e12 }, field: 'expires_in' },
      { name: 'expires_in 1e13 s', token: notJwt, lifetime: { expires_in: 1e13 }, field: 'expires_in' },
    ],
  },
);

function refusal(headers: unknown, body: string) {
  return {
    error: { code: 'INVALID_SIGNATURE', message: `Refused ${JSON.stringify(headers)} body ${body}` },
    headers,
    body,
  };
}
