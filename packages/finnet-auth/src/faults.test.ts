/**
 * `createFinnetAuth` against the core's fault suite (`runFaultSuite`: a hostile server on
 * 127.0.0.1, over real HTTP): every fault of getToken and of a widget call (`request()`) ends in
 * a typed error within its bound, the client recovers afterwards, a redirect to another origin
 * (or from https to http) reaches nobody, a provider quoting the request back never gets a
 * signature, tokenID or secret into an error, and an unusable tokenID or tokenExpiry is never
 * cached. This file only says how Finnet does each step.
 */
import { runFaultSuite } from '@org/signing-core/testing/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFinnetAuth } from './client/auth.js';
import { formatFinnetExpiry } from './protocol/expiry.js';
import { FINNET_TOKEN_PATH, FINNET_WIDGET_TOP_UP_PATH } from './protocol/provider.js';

// `.`, `j` and `z` have letters in their hex, so the lower- and upper-case hex keys differ.
const SECRET = 'Faults.Secret-zj9';
const USERNAME = 'faults-merchant';
const PASSWORD = 'faults-password-7Hq2';
const topUp = { requestType: 'widgetTopUp', phoneNumber: '08111008696' } as const;

/** A tokenID shaped like Finnet's: 17-digit GMT+7 time + 61 uppercase hex. */
const tokenId = (marker: string) => `20240821142750123${marker.toUpperCase().padEnd(61, 'F')}`.slice(0, 78);
const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');

// tokenExpiry is an absolute `DD-MMM-YY HH24:MI:SS` (GMT+7, seconds, years 2000 to 2099): a
// lifetime of 0.0004 s needs a clock 0.4 ms before a whole second, and 1e12 s or 1e13 s
// (tens of thousands of years) cannot be written at all, so the farthest expiry the format
// can express (31-DEC-99 23:59:59, about 75 years ahead) and 31 days stand in for them.
const wholeSecond = Math.floor(Date.now() / 1000) * 1000;
const lifetime = (name: string, expiry: number, clock = () => wholeSecond) => ({
  name: `a tokenExpiry ${name} ahead`,
  lifetime: formatFinnetExpiry(expiry),
  field: /tokenExpiry/,
  clock,
  next: formatFinnetExpiry(wholeSecond + 3_600_000),
});

/** The request quoted back in Finnet's answer shape, alternately on HTTP 200 (read by the client) and 400 (by the core). */
const quoteBack = (req: { headers: unknown }, body: string, n: number) => ({
  status: n % 2 === 0 ? 200 : 400,
  body: {
    statusCode: 'E04',
    statusDesc: `Signature mismatch: ${JSON.stringify(req.headers)} ${body}`,
    request: body,
    headers: req.headers,
  },
});

runFaultSuite(
  { describe, it, expect, beforeAll, afterAll, afterEach },
  {
    tokenPath: FINNET_TOKEN_PATH,
    names: { tokenRequest: 'getToken', serviceCall: 'a widget call' },
    createClient: (settings) =>
      createFinnetAuth({
        secretKey: SECRET,
        username: USERNAME,
        password: PASSWORD,
        tokenRetry: 0,
        requestRetry: 0,
        ...settings,
      }),
    getToken: (auth) => auth.getToken(),
    calls: [['request()', (auth) => auth.request(FINNET_WIDGET_TOP_UP_PATH, topUp)]],
    token: tokenId,
    // The documented getToken answer (as the sandbox in `src/testing/` sends it).
    tokenBody: (tokenID, tokenExpiry = formatFinnetExpiry(Date.now() + 72 * 3_600_000)) => ({
      statusCode: '000',
      statusDesc: 'Berhasil',
      tokenID,
      tokenExpiry,
      processingTime: 0.0123,
    }),
    serviceBody: { statusCode: '000', statusDesc: 'Success', widgetURL: 'https://x.test/' },
    secrets: [
      SECRET,
      hex(SECRET),
      hex(SECRET).toUpperCase(),
      PASSWORD,
      Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64'),
    ],
    // Basic credentials, the body signature and tokenID.
    sentBy: (req, body) => {
      const fields = JSON.parse(body) as Record<string, unknown>;
      return [req.headers.authorization?.replace(/^Basic\s+/i, ''), fields.signature, fields.tokenID].filter(
        (value) => typeof value === 'string',
      );
    },
    echo: {
      token: quoteBack,
      service: quoteBack,
      // The 5 fixed secrets, the token, the getToken signature and one signature a widget call.
      sentAfterServiceCalls: (calls) => 5 + 2 + calls,
    },
    unusableTokens: {
      field: 'tokenID',
      cases: [
        ['CR/LF', '20240821142750123ABC\r\nX-Injected: 1'],
        ['a trailing space', `${tokenId('E1')} `],
        ['only whitespace', '     '],
        ['a character above U+007E', '20240821142750123ÄBCDEF'],
      ],
    },
    lifetimes: [
      lifetime('0.0004 s', wholeSecond + 1_000, () => wholeSecond + 1_000 - 0.4),
      lifetime('0 s', wholeSecond),
      lifetime('already expired (a past tokenExpiry)', wholeSecond - 60_000),
      lifetime('31 days', wholeSecond + 31 * 86_400_000),
      lifetime('the farthest the format can write (31-DEC-99 23:59:59)', Date.parse('2099-12-31T16:59:59Z')),
    ],
  },
);
