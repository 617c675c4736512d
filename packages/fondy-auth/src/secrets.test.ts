import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { randomAlphanumeric } from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createFondyAuth,
  fondySignature,
  fondyTokenSignature,
  verifyFondyCallback,
  verifyFondySignature,
} from './index.js';
import { createFondySandbox, type FondySandbox } from './testing/index.js';

const START = Date.parse('2024-04-06T11:15:27Z');
const DATE = '2024-04-06 11:15:27';
const REPORT = 'api/extend/company/report/';
const body = { report_id: 745, merchant_id: 1, filters: [], on_page: 10, page: 1 };

let secretKey: string;
let sandbox: FondySandbox;
let running: RunningSandbox;
let now = START;
const clock = () => now;

beforeEach(async () => {
  now = START;
  // Random every run: nothing below may have it written in.
  secretKey = `sk-${randomAlphanumeric(40)}`;
  sandbox = createFondySandbox({ applications: [{ applicationId: '2', secretKey }], clock });
  running = await sandbox.listen();
});
afterEach(() => running.close());

const auth = (overrides: Record<string, unknown> = {}) =>
  createFondyAuth({
    applicationId: '2',
    secretKey,
    baseUrl: running.url,
    clock,
    retry: { limit: 1, backoffLimitMs: 5 },
    ...overrides,
  });

/** Every view of `value` a log line or an error report could show. */
function views(value: unknown): string[] {
  const out = [inspect(value, { depth: 10, showHidden: true }), String(JSON.stringify(value))];
  if (value instanceof Error) out.push(value.message, String(value.stack));
  return out;
}

function expectNoSecrets(value: unknown, secrets: readonly string[]) {
  for (const view of views(value)) {
    for (const secret of secrets) expect(view).not.toContain(secret);
  }
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('no secret leaves the package', () => {
  it('signing functions: results and errors never carry the key', async () => {
    const signature = await fondyTokenSignature({ secretKey, applicationId: '2', date: DATE });
    const errors = [
      await caught(fondyTokenSignature({ secretKey, applicationId: 'x'.repeat(21), date: DATE })),
      await caught(fondyTokenSignature({ secretKey, applicationId: '2', date: 'x'.repeat(1025) })),
      await caught(fondyTokenSignature({ secretKey, applicationId: {} as never, date: DATE })),
      await caught(fondySignature({ order_id: secretKey, nested: { secretKey } } as never, secretKey)),
      await caught(verifyFondySignature({ amount: true, signature }, '')),
      await caught(verifyFondyCallback(JSON.stringify({ a: secretKey, signature }), '')),
    ];
    for (const error of errors) expectNoSecrets(error, [secretKey, signature]);
    expectNoSecrets(await verifyFondySignature({ a: '1', signature }, secretKey), [secretKey]);
    expectNoSecrets(await verifyFondySignature({ amount: true, signature }, secretKey), [secretKey]);
    const verified = await verifyFondyCallback(
      JSON.stringify({ a: '1', signature: await fondySignature({ a: '1' }, secretKey) }),
      secretKey,
    );
    expect(verified).toMatchObject({ protocol: '1.0' });
    expectNoSecrets(verified, [secretKey]);
  });

  it('option errors never show the key', () => {
    const error = (() => {
      try {
        createFondyAuth({
          applicationId: secretKey,
          secretKey,
          baseUrl: `ftp://${secretKey}`,
          timeoutMs: secretKey as never,
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeDefined();
    expectNoSecrets(error, [secretKey]);
  });

  it('the auth object, tokens and headers print without the key or the token', async () => {
    const fondy = auth();
    const token = await fondy.getToken();
    await fondy.ky.post(REPORT, { json: body }).json();
    await (await fondy.fetch(REPORT, { method: 'POST', body: JSON.stringify(body) })).json();
    expectNoSecrets(fondy, [secretKey, token.token]);
    expectNoSecrets(token, [secretKey, token.token]);
    expect(String(token)).toBe('[REDACTED]');
  });

  it('token endpoint errors (403, echoed key and signature, HTML, truncated) carry neither', async () => {
    const signature = createHash('sha512').update(`${secretKey}|2|${DATE}`).digest('hex');
    const wrongKey = `sk-${randomAlphanumeric(40)}`;
    const errors: unknown[] = [await caught(auth({ secretKey: wrongKey }).getToken())];
    const echo = `{"error_code":403,"error_message":"bad ${secretKey} / ${signature}","request_id":"r"}`;
    for (const status of [200, 403, 500]) {
      // 5xx is retried once (retry limit 1); 200 and 403 are final.
      sandbox.faults.inject(
        { type: 'status', status, body: echo },
        { path: sandbox.tokenPath, times: status >= 500 ? 2 : 1 },
      );
      errors.push(await caught(auth().getToken()));
    }
    sandbox.faults.inject(
      { type: 'status', status: 502, body: `<html>upstream said ${secretKey}</html>`, contentType: 'text/html' },
      { path: sandbox.tokenPath, times: 2 },
    );
    errors.push(await caught(auth().getToken()));
    sandbox.faults.inject(
      { type: 'status', status: 200, body: `{"token":"abc","expires_in":"never","note":"${secretKey}"}` },
      { path: sandbox.tokenPath },
    );
    errors.push(await caught(auth().getToken()));
    for (const error of errors) expectNoSecrets(error, [secretKey, wrongKey, signature]);
    expect(errors.map((error) => (error as { code: string }).code)).toEqual([
      'ERR_PROVIDER',
      'ERR_PROVIDER',
      'ERR_PROVIDER',
      'ERR_PROVIDER',
      'ERR_PROVIDER',
      'ERR_RESPONSE_FORMAT',
    ]);
  });

  it('API errors that echo a (since replaced) token carry no token', async () => {
    for (const status of [200, 401]) {
      const fondy = auth();
      const { token } = await fondy.getToken();
      const echo = JSON.stringify({ error: `Invalid auth token ${token}`, err_code: 'Invalid auth token' });
      sandbox.faults.inject({ type: 'status', status, body: echo }, { path: sandbox.reportPath, times: 2 });
      const error = await caught(fondy.ky.post(REPORT, { json: body }));
      expect(error).toMatchObject({ code: 'ERR_TOKEN_REJECTED', providerMessage: 'Invalid auth token [REDACTED]' });
      const fresh = await fondy.getToken();
      expectNoSecrets(error, [secretKey, token, fresh.token]);
    }
  });

  it('2xx answers that are not JSON and echo the token in use or the token signature carry neither', async () => {
    // The core scrubs a 2xx read by `.json()` of the request's own Authorization (the token in
    // use); the token request's excerpt, of the secrets this package hands it (pending signature).
    const fondy = auth();
    const { token } = await fondy.getToken();
    sandbox.faults.inject(
      { type: 'truncated-json', body: `{"data":[["${token}","${secretKey}` },
      { path: sandbox.reportPath },
    );
    const report = await caught(fondy.ky.post(REPORT, { json: body }).json());
    expect(report).toMatchObject({ code: 'ERR_RESPONSE_FORMAT' });
    expect((report as { bodyExcerpt: string }).bodyExcerpt).toBe('{"data":[["[REDACTED]","[REDACTED]');
    const signature = createHash('sha512').update(`${secretKey}|2|${DATE}`).digest('hex');
    sandbox.faults.inject(
      { type: 'truncated-json', body: `{"request_id":"r","echo":"${signature}` },
      { path: sandbox.tokenPath },
    );
    const tokenError = await caught(auth().getToken());
    expect(tokenError).toMatchObject({ code: 'ERR_RESPONSE_FORMAT' });
    expect((tokenError as { bodyExcerpt: string }).bodyExcerpt).toBe('{"request_id":"r","echo":"[REDACTED]');
    for (const error of [report, tokenError]) expectNoSecrets(error, [secretKey, token, signature]);
  });

  it('transport errors (ky and fetch) and log lines carry no secret', async () => {
    const warnings: unknown[] = [];
    const logger = { warn: (message: string, fields?: unknown) => warnings.push({ message, fields }) };
    const fondy = auth({ logger, timeoutMs: 100, refreshAheadMs: 600_000 });
    const { token } = await fondy.getToken();
    sandbox.faults.inject({ type: 'drop' }, { path: sandbox.reportPath });
    const dropped = await caught(fondy.ky.post(REPORT, { json: body }));
    sandbox.faults.inject({ type: 'drop' }, { path: sandbox.reportPath });
    const fetchDropped = await caught(fondy.fetch(REPORT, { method: 'POST', body: '{}' }));
    expect(dropped).toMatchObject({ code: 'ERR_NETWORK' });
    expect(fetchDropped).toMatchObject({ code: 'ERR_NETWORK' });
    // A failing background refresh is logged.
    sandbox.faults.inject(
      { type: 'status', status: 500, body: `{"error_message":"${secretKey}"}` },
      { path: sandbox.tokenPath, times: 2 },
    );
    now = START + 3_600_000 - 300_000;
    await fondy.getToken();
    await vi.waitFor(() => expect(warnings).toHaveLength(1));
    for (const value of [dropped, fetchDropped, warnings]) expectNoSecrets(value, [secretKey, token]);
  });
});
