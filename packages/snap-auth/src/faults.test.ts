/**
 * `createSnapAuth` against the core's fault suite (`runFaultSuite`: a hostile server on
 * 127.0.0.1, over real HTTP): every fault of the token request and of a signed service call
 * (`auth.ky`, `auth.fetch`) ends in a typed error within its bound, the client recovers
 * afterwards, a redirect to another origin (or from https to http) reaches nobody, a provider
 * quoting the request back never gets a signature or token into an error, and an unusable token
 * or lifetime is never cached. This file only says how SNAP does each step.
 */
import { runFaultSuite } from '@org/signing-core/testing/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_ID, CLIENT_ID, CLIENT_SECRET, privateKeyPem } from './__fixtures__/setup.js';
import { createSnapAuth } from './index.js';

const SERVICE_PATH = 'v1.0/balance-inquiry';
const partnerReferenceNo = (i: number) => `20201029000000000${String(i).padStart(5, '0')}`;

runFaultSuite(
  { describe, it, expect, beforeAll, afterAll, afterEach },
  {
    tokenPath: '/v1.0/access-token/b2b',
    createClient: (settings) =>
      createSnapAuth({
        clientId: CLIENT_ID,
        privateKey: privateKeyPem,
        clientSecret: CLIENT_SECRET,
        channelId: CHANNEL_ID,
        retry: 0,
        ...settings,
      }),
    getToken: (auth) => auth.getAccessToken(),
    calls: [
      [
        'auth.ky',
        (auth, i) => auth.ky.post(SERVICE_PATH, { json: { partnerReferenceNo: partnerReferenceNo(i) } }).json(),
      ],
      [
        'auth.fetch',
        (auth, i) =>
          auth
            .fetch(`/${SERVICE_PATH}`, {
              method: 'POST',
              body: JSON.stringify({ partnerReferenceNo: partnerReferenceNo(i) }),
            })
            .then((response) => response.text()),
      ],
    ],
    token: (marker) => `${marker}token${'T'.repeat(30)}`,
    // The documented B2B token answer (as the sandbox in `src/testing/` sends it).
    tokenBody: (accessToken, expiresIn: unknown = '900') => ({
      responseCode: '2007300',
      responseMessage: 'Successful',
      accessToken,
      tokenType: 'Bearer',
      expiresIn,
    }),
    serviceBody: { responseCode: '2001100' },
    secrets: [CLIENT_SECRET],
    // The bearer token and X-SIGNATURE.
    sentBy: (req) =>
      [req.headers.authorization?.replace(/^Bearer\s+/i, ''), req.headers['x-signature']].filter(
        (value) => typeof value === 'string',
      ),
    // The request quoted back in SNAP's error envelope: every header and the body.
    echo: {
      token: (req, body) => ({ status: 401, body: envelope('4017300', req.headers, body) }),
      service: (req, body) => ({ status: 400, body: envelope('4001101', req.headers, body) }),
      // The client secret, the token, 1 token signature and one signature a call.
      sentAfterServiceCalls: (calls) => 3 + calls,
    },
    lifetimes: [
      ['0.0004 s', 0.0004],
      ['already expired', -60],
      ['already expired (a string)', '-60'],
      ['1e12 s', 1e12],
      ['1e13 s', 1e13],
    ].map(([name, lifetime]) => ({ name: `an expiresIn of ${name}`, lifetime, field: /expiresIn/ })),
  },
);

function envelope(responseCode: string, headers: unknown, body: string) {
  return { responseCode, responseMessage: `Bad request ${JSON.stringify(headers)} body ${body}`, headers, body };
}
