/**
 * Every ```ts block of the README, run against the sandbox. The blocks appear verbatim below
 * (indentation and comment lines aside); the last test checks that none is missing.
 */

import type { RunningSandbox } from '@org/signing-core/testing';
import { untestedReadmeBlocks } from '@org/vitest-config/readme';
import { readVectors, vectorById } from '@org/vitest-config/vectors';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bodyOf } from './__fixtures__/harness.js';

// What the examples print, captured (the tests below spy on it).
const printed: unknown[][] = [];
const console = { log: (...args: unknown[]) => void printed.push(args) };

// --- README: the first example, at module level: it runs alone, as pasted into an empty .mjs file.
import {
  createFinnetAuth,
  FINNET_REQUEST_HEADERS,
  FINNET_WIDGET_TOP_UP_PATH,
  finnetSignature,
  finnetStringToSignParts,
  isFinnetTokenRejected,
  parseFinnetExpiry,
} from '@org/finnet-auth';
import { createFinnetSandbox } from '@org/finnet-auth/testing';
import { isInputError, isProviderError } from '@org/signing-core';

// Here the local sandbox plays Finnet. For Finnet itself, pass the base URL Finnet gives you
// (Finnet publishes no production URL) and your secret key, username and password instead.
const sandbox = createFinnetSandbox({ secretKey: 'my-secret-key', username: 'merchant', password: 'pass' });
const server = await sandbox.listen(); // http://127.0.0.1:<free port>

const finnet = createFinnetAuth({
  secretKey: 'my-secret-key',
  username: 'merchant',
  password: 'pass',
  baseUrl: server.url,
});

const topUp = await finnet.request(FINNET_WIDGET_TOP_UP_PATH, {
  requestType: 'widgetTopUp',
  phoneNumber: '08111008696',
});
console.log(topUp.data.widgetURL, topUp.transNumber);
await server.close(); // the examples below use `finnet` with the sandbox still running

// ---------------------------------------------------------------------------------------------

const SECRET = 'readme.secret.z';
let running: RunningSandbox;
let box: ReturnType<typeof createFinnetSandbox>;
let log: ReturnType<typeof vi.spyOn>;

beforeEach(async () => {
  box = createFinnetSandbox({ secretKey: SECRET, username: 'merchant', password: 'pass' });
  running = await box.listen();
  vi.stubEnv('FINNET_SECRET_KEY', SECRET);
  vi.stubEnv('FINNET_USERNAME', 'merchant');
  vi.stubEnv('FINNET_PASSWORD', 'pass');
  vi.stubEnv('FINNET_BASE_URL', running.url);
  log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(async () => {
  await running.close();
  vi.unstubAllEnvs();
});

const client = () =>
  createFinnetAuth({ secretKey: SECRET, username: 'merchant', password: 'pass', baseUrl: running.url });

describe('README examples', () => {
  it('the first example: a widget call (Widget Top Up) against the sandbox', () => {
    expect(printed[0]).toEqual([expect.stringContaining('/topup.php?access='), topUp.transNumber]);
    expect(topUp.transNumber).toMatch(/^TRX/);
    expect(sandbox.requests.all.every((r) => r.headers.authorization === `Basic ${btoa('merchant:pass')}`)).toBe(true);
  });

  it('the token', async () => {
    const finnet = client();
    const token = await finnet.getToken();
    console.log(token.expiresAt); // from tokenExpiry, read as GMT+7
    const tokenID = token.token; // the tokenID itself; printing `token` shows [REDACTED]

    expect(tokenID).toMatch(/^\d{17}[0-9A-F]{61}$/);
    expect(JSON.stringify(token)).not.toContain(tokenID);
    expect(log).toHaveBeenCalledWith(token.expiresAt);
  });

  it('the signature', async () => {
    const signature = await finnetSignature(
      { reqDtime: '20181127182011', requestType: 'getToken', transNumber: '20181234567890' },
      'e4siErApPs2020',
    );
    // '790E73A46D429ED0DBB80946C7FE5917A10AED2D689DF2EC88B0CD814CF11CA6'

    const withUpperCaseHexKey = await finnetSignature({ phoneNumber: '0811' }, 'my.secret', { hexKeyCase: 'upper' });

    // The value printed in the README is vector FINNET-2 of vectors/finnet.json.
    expect(signature).toBe(vectorById(readVectors('finnet'), 'FINNET-2').expected.signature);
    expect(withUpperCaseHexKey).not.toBe(await finnetSignature({ phoneNumber: '0811' }, 'my.secret'));
  });

  it('the signature, part by part', () => {
    const explained = finnetStringToSignParts({
      transNumber: '20181234567890',
      reqDtime: '20181127182011',
      requestType: 'getToken',
    });
    explained.stringToSign; // '20181127182011getToken20181234567890'
    explained.parts.map((part) => part.name); // ['reqDtime', 'requestType', 'transNumber']
    FINNET_REQUEST_HEADERS; // { 'Content-Type': 'application/json', Accept: 'application/json' }

    expect(explained.stringToSign).toBe('20181127182011getToken20181234567890');
    expect(explained.parts).toEqual([
      { name: 'reqDtime', label: 'reqDtime', value: '20181127182011' },
      { name: 'requestType', label: 'requestType', value: 'getToken' },
      { name: 'transNumber', label: 'transNumber', value: '20181234567890' },
    ]);
    expect(FINNET_REQUEST_HEADERS).toEqual({ 'Content-Type': 'application/json', Accept: 'application/json' });
  });

  it('the expiry', () => {
    const expiry = parseFinnetExpiry('24-AUG-24 16:23:30');
    console.log(expiry.toISOString()); // '2024-08-24T09:23:30.000Z'

    expect(log).toHaveBeenCalledWith('2024-08-24T09:23:30.000Z');
  });

  it('your own HTTP client: sign()', async () => {
    // A sandbox without Basic auth, so the plain fetch below needs no Authorization header.
    const open = createFinnetSandbox({ secretKey: SECRET });
    const openServer = await open.listen();
    try {
      const finnet = createFinnetAuth({ secretKey: SECRET, baseUrl: openServer.url });
      const baseUrl = openServer.url;

      const signed = await finnet.sign({ requestType: 'widgetTopUp', phoneNumber: '08111008696' });
      const response = await fetch(`${baseUrl}/apicobrand/widget/topup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' }, // add Authorization: Basic … if Finnet wants it
        body: signed.body,
      });

      expect(((await response.json()) as { statusCode: string }).statusCode).toBe('000');
      expect(bodyOf(open.requests.to('/apicobrand/widget/topup')[0]).transNumber).toBe(signed.transNumber);

      const viaKy = await finnet.ky
        .post('apicobrand/widget/topup', { json: { requestType: 'widgetTopUp', phoneNumber: '08111008696' } })
        .json();
      expect(viaKy).toMatchObject({ statusCode: '000' });
    } finally {
      await openServer.close();
    }
  });

  it('when is a token "rejected"?', async () => {
    const strict = createFinnetAuth({
      secretKey: process.env.FINNET_SECRET_KEY!,
      baseUrl: process.env.FINNET_BASE_URL,
      // "T01" stands for whatever code Finnet really uses.
      isTokenRejected: (answer) => answer.statusCode === 'T01' || isFinnetTokenRejected(answer),
    });

    const sandbox = createFinnetSandbox({ secretKey: SECRET });
    const local = await sandbox.listen();
    try {
      const probe = createFinnetAuth({
        secretKey: SECRET,
        baseUrl: local.url,
        isTokenRejected: (answer) => answer.statusCode === 'T01' || isFinnetTokenRejected(answer),
      });
      sandbox.faults.inject(
        { type: 'status', status: 200, body: '{"statusCode":"T01","statusDesc":"Gagal"}' },
        { path: FINNET_WIDGET_TOP_UP_PATH },
      );
      await probe.request(FINNET_WIDGET_TOP_UP_PATH, { requestType: 'widgetTopUp', phoneNumber: '0811' });
      expect(sandbox.requests.count(sandbox.paths.token)).toBe(2);
    } finally {
      await local.close();
    }
    expect(strict).toBeDefined();
  });

  it('errors', async () => {
    const finnet = client();
    try {
      await finnet.request(FINNET_WIDGET_TOP_UP_PATH, { requestType: 'widgetTopUp', phoneNumber: '0811100869612' });
    } catch (error) {
      if (isInputError(error)) console.log(error.field); // 'phoneNumber': 13 characters, Finnet documents 12
      if (isProviderError(error)) console.log(error.providerCode, error.providerMessage); // statusCode, statusDesc
    }
    expect(log).toHaveBeenCalledWith('phoneNumber');

    box.faults.inject({ type: 'status', status: 200, body: '{"statusCode":"E04","statusDesc":"Invalid signature"}' });
    try {
      await finnet.request(FINNET_WIDGET_TOP_UP_PATH, { requestType: 'widgetTopUp', phoneNumber: '0811' });
    } catch (error) {
      if (isProviderError(error)) console.log(error.providerCode, error.providerMessage);
    }
    expect(log).toHaveBeenCalledWith('E04', 'Invalid signature');
  });

  it('testing with the sandbox', async () => {
    const sandbox = createFinnetSandbox({ secretKey: 'test-secret' });
    const server = await sandbox.listen(); // http://127.0.0.1:<port>
    const auth = createFinnetAuth({ secretKey: 'test-secret', baseUrl: server.url });

    await auth.getToken();
    sandbox.expireTokens(); // the next Top Up answers "Invalid or expired token"…
    await auth.request(FINNET_WIDGET_TOP_UP_PATH, { requestType: 'widgetTopUp', phoneNumber: '0811' }); // …so the client fetches a new token and re-sends once
    console.log(sandbox.requests.count(sandbox.paths.token)); // 2

    sandbox.faults.inject({ type: 'status', status: 503 }); // the next request gets a 503
    await server.close();

    expect(log).toHaveBeenCalledWith(2);
    expect(sandbox.requests.count(sandbox.paths.widgetTopUp)).toBe(2);
  });
});

it('every README example is tested', () => {
  expect(
    untestedReadmeBlocks(new URL('../README.md', import.meta.url).pathname, [
      new URL('./readme.test.ts', import.meta.url).pathname,
    ]),
  ).toEqual([]);
});
