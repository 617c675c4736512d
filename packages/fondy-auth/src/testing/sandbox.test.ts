import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tokenSignatureVector } from '../__fixtures__/vectors.js';
import { createFondySandbox, type FondySandboxOptions } from './sandbox.js';

const APP = { applicationId: '1234', secretKey: 'secret-key' };
const sign = (key: string, id: string, date: string) =>
  createHash('sha512').update(`${key}|${id}|${date}`).digest('hex');
const goodBody = (date = '2020-04-06 11:15:27') => ({
  application_id: '1234',
  date,
  signature: sign('secret-key', '1234', date),
});

function setup(options: Partial<FondySandboxOptions> = {}) {
  let now = Date.parse('2020-04-06T11:15:27Z');
  const sandbox = createFondySandbox({ applications: [APP], clock: () => now, ...options });
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await sandbox.handler(new Request(`http://sandbox${path}`, init));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const getToken = (body: unknown) =>
    call(sandbox.tokenPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const report = (
    authorization: string | undefined,
    body: unknown = { report_id: 745, merchant_id: 1, on_page: 10, page: 1 },
  ) =>
    call(sandbox.reportPath, {
      method: 'POST',
      headers: authorization === undefined ? {} : { authorization },
      body: JSON.stringify(body),
    });
  const advance = (ms: number) => {
    now += ms;
  };
  return { sandbox, call, getToken, report, advance };
}

describe('createFondySandbox — token endpoint', () => {
  it('answers the documented 200 for a correct signature (the [SELF] vector)', async () => {
    const { getToken, sandbox } = setup();
    const body = goodBody();
    expect(body.signature).toBe(tokenSignatureVector.signature);
    const { status, body: answer } = await getToken(body);
    expect(status).toBe(200);
    expect(Object.keys(answer).sort()).toEqual(['expires_in', 'request_id', 'token']);
    expect(answer.expires_in).toBe(3600);
    expect(answer.token).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(answer.request_id).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(sandbox.activeTokenCount()).toBe(1);
  });

  it('accepts any date format (the date is a salt) and a configurable lifetime', async () => {
    const { getToken } = setup({ tokenLifetimeSeconds: 3602 });
    for (const date of ['1586171872', '2020-04-06T11:15:27.000Z', 'п’ятниця 🕚', 'x'.repeat(1024)]) {
      const { status, body } = await getToken(goodBody(date));
      expect(status, date.slice(0, 20)).toBe(200);
      expect(body.expires_in).toBe(3602);
    }
  });

  it('answers the documented 403 for a wrong signature, key or application', async () => {
    const { getToken } = setup();
    const wrong = [
      { ...goodBody(), signature: sign('other-key', '1234', '2020-04-06 11:15:27') },
      { ...goodBody(), signature: goodBody().signature.toUpperCase() },
      { ...goodBody(), date: '2020-04-06 11:15:28' },
      { ...goodBody(), application_id: '999', signature: sign('secret-key', '999', '2020-04-06 11:15:27') },
    ];
    for (const body of wrong) {
      const answer = await getToken(body);
      expect(answer.status).toBe(403);
      expect(Object.keys(answer.body).sort()).toEqual(['error_code', 'error_message', 'request_id']);
      expect(answer.body).toMatchObject({ error_code: 403, error_message: 'Incorrect signature' });
    }
  });

  it('answers 403 "Invalid request parameters" for malformed requests', async () => {
    const { getToken, call, sandbox } = setup();
    const malformed: unknown[] = [
      'not json',
      {},
      { ...goodBody(), application_id: 1234 },
      { ...goodBody(), application_id: '1'.repeat(21) },
      { ...goodBody(), date: '' },
      { ...goodBody(), date: 'x'.repeat(1025) },
      { ...goodBody(), signature: 'a'.repeat(129) },
      // A lone UTF-16 surrogate (sent as a JSON escape) cannot be hashed as UTF-8.
      { ...goodBody(), date: '2020-04-06 \u{d800}' },
      { ...goodBody(), application_id: '12\u{dc00}' },
      null,
    ];
    for (const body of malformed) {
      const answer = await getToken(body === null ? 'null' : body);
      expect(answer).toMatchObject({
        status: 403,
        body: { error_code: 403, error_message: 'Invalid request parameters' },
      });
    }
    expect(await call(sandbox.tokenPath)).toMatchObject({ status: 405, body: { error_code: 405 } });
  });

  it('compares application ids as strings (numbers allowed in the options)', async () => {
    const { getToken } = setup({ applications: [{ applicationId: 77, secretKey: 'k' }] });
    const date = 'd';
    expect((await getToken({ application_id: '77', date, signature: sign('k', '77', date) })).status).toBe(200);
  });
});

describe('createFondySandbox — report endpoint', () => {
  async function tokenOf(getToken: (body: unknown) => Promise<{ body: Record<string, unknown> }>) {
    return (await getToken(goodBody())).body.token as string;
  }

  it('serves the report to Authorization: Token <token>, paginated', async () => {
    const { getToken, report } = setup();
    const token = await tokenOf(getToken);
    const page1 = await report(`Token ${token}`, { report_id: '745', merchant_id: 1, on_page: 1, page: 1 });
    expect(page1.status).toBe(200);
    expect(page1.body).toMatchObject({ rows_count: 2, rows_page: 1, rows_on_page: 1 });
    expect((page1.body.data as unknown[][])[0]?.[0]).toBe(1234567890);
    const page2 = await report(`token ${token}`, { report_id: 745, merchant_id: 1, on_page: 1, page: 2 });
    expect((page2.body.data as unknown[][])[0]?.[0]).toBe(1234567891);
    expect((page1.body.fields as string[]).length).toBe(20);
  });

  it('answers "Authorization token required" without a Token header', async () => {
    const { getToken, report } = setup();
    const token = await tokenOf(getToken);
    for (const header of [undefined, `Bearer ${token}`, 'Token', token]) {
      expect(await report(header)).toEqual({
        status: 200,
        body: { error: 'Authorization token required', err_code: 'Authorization token required' },
      });
    }
  });

  it('answers "Invalid auth token" for unknown, expired, expired-by-control and revoked tokens', async () => {
    const { getToken, report, sandbox, advance } = setup({ tokenLifetimeSeconds: 60 });
    const invalid = { status: 200, body: { error: 'Invalid auth token', err_code: 'Invalid auth token' } };
    expect(await report('Token nope')).toEqual(invalid);

    const expiring = await tokenOf(getToken);
    advance(59_999);
    expect((await report(`Token ${expiring}`)).body.rows_count).toBe(2);
    advance(1);
    expect(await report(`Token ${expiring}`)).toEqual(invalid);

    const controlled = await tokenOf(getToken);
    sandbox.expireTokens();
    expect(await report(`Token ${controlled}`)).toEqual(invalid);
    expect(sandbox.activeTokenCount()).toBe(0);

    const revoked = await tokenOf(getToken);
    const kept = await tokenOf(getToken);
    expect(sandbox.revokeToken(revoked)).toBe(true);
    expect(sandbox.revokeToken('never-issued')).toBe(false);
    expect(await report(`Token ${revoked}`)).toEqual(invalid);
    expect((await report(`Token ${kept}`)).status).toBe(200);
  });

  it('with singleActiveToken, a new token revokes the application’s earlier ones', async () => {
    const { getToken, report, sandbox } = setup({ singleActiveToken: true });
    const first = await tokenOf(getToken);
    const second = await tokenOf(getToken);
    expect((await report(`Token ${first}`)).body.err_code).toBe('Invalid auth token');
    expect((await report(`Token ${second}`)).status).toBe(200);
    expect(sandbox.activeTokenCount()).toBe(1);
  });

  it('answers "Merchant not found" and "you have no access to this report", with a configurable status', async () => {
    const { getToken, report } = setup({ merchants: [1549901], reportErrorStatus: 401 });
    const token = await tokenOf(getToken);
    expect(await report(`Token ${token}`, { report_id: 745, merchant_id: 1 })).toEqual({
      status: 401,
      body: { error: 'Merchant not found', err_code: 'Merchant not found' },
    });
    expect(await report(`Token ${token}`, { report_id: 1, merchant_id: '1549901' })).toEqual({
      status: 401,
      body: { error: 'you have no access to this report', err_code: 'you have no access to this report' },
    });
    expect((await report(`Token ${token}`, { report_id: 745, merchant_id: 1549901 })).status).toBe(200);
  });

  it('serves custom reports', async () => {
    const { getToken, report } = setup({ reports: { '1': { fields: ['a'], rows: [[1], [2], [3]] } } });
    const token = await tokenOf(getToken);
    expect((await report(`Token ${token}`, { report_id: 1, on_page: 2, page: 2 })).body).toEqual({
      data: [[3]],
      fields: ['a'],
      rows_count: 3,
      rows_page: 2,
      rows_on_page: 2,
    });
    expect((await report(`Token ${token}`, { report_id: 745 })).body.err_code).toBe(
      'you have no access to this report',
    );
  });

  it('answers unknown paths with 404 and records every request', async () => {
    const { call, sandbox } = setup();
    expect(await call('/nope')).toMatchObject({ status: 404 });
    expect(sandbox.requests.count('/nope')).toBe(1);
  });
});

describe('createFondySandbox — server and faults', () => {
  it('serves on 127.0.0.1 and injects faults per path', async () => {
    const { sandbox } = setup();
    const running = await sandbox.listen();
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      sandbox.faults.inject({ type: 'status', status: 503 }, { path: sandbox.tokenPath });
      const post = () =>
        fetch(`${running.url}${sandbox.tokenPath}`, { method: 'POST', body: JSON.stringify(goodBody()) });
      expect((await post()).status).toBe(503);
      expect((await post()).status).toBe(200);
      expect(sandbox.requests.count(sandbox.tokenPath)).toBe(2);
    } finally {
      await running.close();
    }
  });

  it('refuses bad options with TypeError', () => {
    expect(() => createFondySandbox({} as never)).toThrow(TypeError);
    expect(() => createFondySandbox({ applications: [{ applicationId: '', secretKey: 'k' }] })).toThrow(TypeError);
    expect(() => createFondySandbox({ applications: [APP], tokenLifetimeSeconds: 0 })).toThrow(TypeError);
    expect(() => createFondySandbox({ applications: [APP], reportErrorStatus: 99 })).toThrow(TypeError);
  });
});
