/**
 * `createFondyAuth` against the core's fault suite (`runFaultSuite`: a hostile server on
 * 127.0.0.1, over real HTTP): every fault of the Generate Access Token request and of an API call
 * (`fondy.ky`, `fondy.fetch`) ends in a typed error within its bound, the client recovers
 * afterwards, a redirect to another origin (or from https to http) reaches nobody, a provider
 * quoting the request back never gets the body `signature` or the token into an error, and an
 * unusable token or lifetime is never cached. This file only says how Fondy does each step.
 */
import { runFaultSuite } from '@org/signing-core/testing/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFondyAuth } from './index.js';
import { REPORT_PATH, TOKEN_PATH } from './protocol/constants.js';

const SECRET_KEY = 'faults-secret-key-Zq81';
const reportBody = (i: number) => ({ report_id: 745, merchant_id: 1549901, filters: [], on_page: 10, page: i + 1 });

runFaultSuite(
  { describe, it, expect, beforeAll, afterAll, afterEach },
  {
    tokenPath: TOKEN_PATH,
    names: { serviceCall: 'an API call' },
    createClient: (settings) =>
      createFondyAuth({
        applicationId: '1234',
        secretKey: SECRET_KEY,
        apiBaseUrl: settings.baseUrl,
        retry: 0,
        ...settings,
      }),
    getToken: (fondy) => fondy.getToken(),
    calls: [
      ['fondy.ky', (fondy, i) => fondy.ky.post(REPORT_PATH.slice(1), { json: reportBody(i) }).json()],
      [
        'fondy.fetch',
        (fondy, i) =>
          fondy
            .fetch(REPORT_PATH.slice(1), {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(reportBody(i)),
            })
            .then((response) => response.text()),
      ],
    ],
    token: (marker) => `${marker}Token${'q'.repeat(24)}`,
    // The documented token answer (as the sandbox in `src/testing/` sends it).
    tokenBody: (token, expiresIn: unknown = 3602) => ({ request_id: 'cGeC7PH59ESqQw30', token, expires_in: expiresIn }),
    serviceBody: { data: [], fields: [], rows_count: 0 },
    secrets: [SECRET_KEY],
    // The `Token` and the body `signature`.
    sentBy: (req, body) =>
      [
        req.headers.authorization?.replace(/^Token\s+/i, ''),
        body.length > 0 ? (JSON.parse(body) as Record<string, unknown>).signature : undefined,
      ].filter((value) => typeof value === 'string'),
    // The request quoted back, every header and the body, in the shape of the endpoint it hit.
    echo: {
      // The documented 403 shape.
      token: (req, body) => ({
        status: 403,
        body: {
          error_code: 403,
          error_message: `Incorrect signature ${JSON.stringify(req.headers)} body ${body}`,
          request_id: 'r1',
          headers: req.headers,
        },
      }),
      // `{ error, err_code }`, alternately on 200 and 400.
      service: (req, body, n) => ({
        status: n % 2 === 0 ? 200 : 400,
        body: {
          error: `you have no access to this report ${JSON.stringify(req.headers)} body ${body}`,
          err_code: '1013',
          headers: req.headers,
          body,
        },
      }),
      // The secret, the token request's signature and the token (API calls carry no signature).
      sentAfterServiceCalls: () => 3,
      tokenError: { status: 403 },
    },
    lifetimes: [
      ['0.0004 s', 0.0004],
      ['already expired', -60],
      ['1e12 s', 1e12],
      ['1e13 s', 1e13],
    ].map(([name, lifetime]) => ({ name: `an expires_in of ${name}`, lifetime, field: /expires_in/ })),
  },
);
