import { formatCompactTimestamp, isConfigError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { fakeClock, SECRET, T0 } from '../__fixtures__/harness.js';
import { parseFinnetExpiry } from '../protocol/expiry.js';
import { FINNET_TOKEN_PATH, FINNET_WIDGET_TOP_UP_PATH } from '../protocol/provider.js';
import { finnetSignature, type HexKeyCase } from '../protocol/signature.js';
import { createFinnetSandbox, FINNET_SANDBOX_CODES, type FinnetSandboxOptions } from './sandbox.js';

const ORIGIN = 'http://sandbox.test';

function sandbox(options: Partial<FinnetSandboxOptions> = {}) {
  const time = fakeClock();
  const box = createFinnetSandbox({ secretKey: SECRET, clock: time.clock, ...options });
  let counter = 0;

  async function signed(fields: Record<string, string>, hexKeyCase: HexKeyCase = 'lower', secret = SECRET) {
    return { ...fields, signature: await finnetSignature(fields, secret, { hexKeyCase }) };
  }

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await box.handler(
      new Request(`${ORIGIN}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const reqDtime = () => formatCompactTimestamp(time.now, { offset: '+07:00' });
  const tokenFields = () => ({ reqDtime: reqDtime(), requestType: 'getToken', transNumber: `TKN${++counter}` });

  async function token(): Promise<string> {
    const answer = await post(FINNET_TOKEN_PATH, await signed(tokenFields()));
    expect(answer.body.statusCode).toBe('000');
    return answer.body.tokenID as string;
  }

  const topUpFields = (tokenID: string) => ({
    phoneNumber: '08111008696',
    reqDtime: reqDtime(),
    requestType: 'widgetTopUp',
    tokenID,
    transNumber: `TRX${++counter}`,
  });

  return { box, time, signed, post, token, tokenFields, topUpFields };
}

describe('createFinnetSandbox: getToken', () => {
  it('answers the documented success shape', async () => {
    const s = sandbox();
    const answer = await s.post(FINNET_TOKEN_PATH, await s.signed(s.tokenFields()));
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body)).toEqual(['statusCode', 'statusDesc', 'tokenID', 'tokenExpiry', 'processingTime']);
    expect(answer.body.statusCode).toBe('000');
    expect(answer.body.statusDesc).toBe('Berhasil');
    // 17-digit GMT+7 issue time with milliseconds, then 61 uppercase hex characters (78 in all, as the samples).
    expect(answer.body.tokenID).toMatch(/^20240821142750000[0-9A-F]{61}$/);
    expect(answer.body.tokenExpiry).toBe('24-AUG-24 14:27:50');
    expect(parseFinnetExpiry(answer.body.tokenExpiry as string).getTime()).toBe(T0 + 259_200_000);
    expect(typeof answer.body.processingTime).toBe('number');
    expect(Number.isInteger(answer.body.processingTime)).toBe(false);
  });

  it('issues tokens for tokenTtlSeconds', async () => {
    const s = sandbox({ tokenTtlSeconds: 90 });
    const answer = await s.post(FINNET_TOKEN_PATH, await s.signed(s.tokenFields()));
    expect(answer.body.tokenExpiry).toBe('21-AUG-24 14:29:20');
  });

  it('verifies the signature with the configured key case', async () => {
    const s = sandbox({ secretKey: 'key.with.dots', hexKeyCase: 'upper' });
    const fields = s.tokenFields();
    expect((await s.post(FINNET_TOKEN_PATH, await s.signed(fields, 'lower', 'key.with.dots'))).body.statusCode).toBe(
      FINNET_SANDBOX_CODES.badSignature,
    );
    expect((await s.post(FINNET_TOKEN_PATH, await s.signed(fields, 'upper', 'key.with.dots'))).body.statusCode).toBe(
      '000',
    );
  });

  it('rejects a lowercase signature (the documented output is uppercase)', async () => {
    const s = sandbox();
    const body = await s.signed(s.tokenFields());
    const answer = await s.post(FINNET_TOKEN_PATH, { ...body, signature: body.signature.toLowerCase() });
    expect(answer.body).toMatchObject({ statusCode: 'E04', statusDesc: 'Invalid signature' });
    expect(answer.body.expectedSignature).toBeUndefined();
  });

  it('puts the expected signature in the failure only with debugExpectedSignature', async () => {
    const s = sandbox({ debugExpectedSignature: true });
    const fields = s.tokenFields();
    const right = await s.signed(fields);
    const answer = await s.post(FINNET_TOKEN_PATH, { ...right, signature: 'F'.repeat(64) });
    expect(answer.body).toMatchObject({ statusCode: 'E04', expectedSignature: right.signature });
  });

  it.each([
    [
      'a missing field',
      (f: Record<string, string>) => ({ ...f, transNumber: undefined }),
      'Bad field transNumber: missing',
    ],
    ['an empty field', (f: Record<string, string>) => ({ ...f, transNumber: '' }), 'Bad field transNumber: empty'],
    ['a number', (f: Record<string, string>) => ({ ...f, transNumber: 5 }), 'Bad field transNumber: not a string'],
    ['a long transNumber', (f: Record<string, string>) => ({ ...f, transNumber: 'A'.repeat(101) }), 'longer than 100'],
    ['a long reqDtime', (f: Record<string, string>) => ({ ...f, reqDtime: `${f.reqDtime}0` }), 'longer than 14'],
    [
      'a malformed reqDtime',
      (f: Record<string, string>) => ({ ...f, reqDtime: '20240231000000' }),
      'not yyyyMMddHHmmss',
    ],
    [
      'phoneNumber in getToken',
      (f: Record<string, string>) => ({ ...f, phoneNumber: '0811' }),
      'phoneNumber: unexpected',
    ],
    ['a long signature', (f: Record<string, string>) => ({ ...f, signature: 'A'.repeat(65) }), 'longer than 64'],
    [
      'a lone UTF-16 surrogate (a JSON escape), which cannot be signed as UTF-8',
      (f: Record<string, string>) => ({ ...f, transNumber: 'T\u{d800}' }),
      'Bad field transNumber: not well-formed text',
    ],
    // Names of Object.prototype members are fields like any other, not documented ones.
    ['constructor', (f: Record<string, string>) => ({ ...f, constructor: 'x' }), 'constructor: unexpected'],
    ['toString', (f: Record<string, string>) => ({ ...f, toString: 'x' }), 'toString: unexpected'],
    ['hasOwnProperty', (f: Record<string, string>) => ({ ...f, hasOwnProperty: 'x' }), 'hasOwnProperty: unexpected'],
    ['__proto__', (f: Record<string, string>) => ({ ...f, ['__proto__']: 'x' }), '__proto__: unexpected'],
  ])('answers E02 for %s', async (_name, change, desc) => {
    const s = sandbox();
    const answer = await s.post(FINNET_TOKEN_PATH, change(await s.signed(s.tokenFields())));
    expect(answer.status).toBe(200);
    expect(answer.body.statusCode).toBe(FINNET_SANDBOX_CODES.badField);
    expect(answer.body.statusDesc).toContain(desc);
  });

  it('answers E03 for another requestType', async () => {
    const s = sandbox();
    const answer = await s.post(FINNET_TOKEN_PATH, await s.signed({ ...s.tokenFields(), requestType: 'gettoken' }));
    expect(answer.body.statusCode).toBe(FINNET_SANDBOX_CODES.unknownRequestType);
  });

  it('answers E05 when reqDtime (read as GMT+7) is outside the window, e.g. a UTC reqDtime', async () => {
    const s = sandbox();
    const utc = formatCompactTimestamp(T0, { offset: 'Z' });
    const answer = await s.post(FINNET_TOKEN_PATH, await s.signed({ ...s.tokenFields(), reqDtime: utc }));
    expect(answer.body.statusCode).toBe(FINNET_SANDBOX_CODES.staleReqDtime);
    const off = sandbox({ reqDtimeToleranceSeconds: false });
    const accepted = await off.post(FINNET_TOKEN_PATH, await off.signed({ ...off.tokenFields(), reqDtime: utc }));
    expect(accepted.body.statusCode).toBe('000');
  });

  it('answers E06 for a transNumber already used', async () => {
    const s = sandbox();
    const fields = s.tokenFields();
    expect((await s.post(FINNET_TOKEN_PATH, await s.signed(fields))).body.statusCode).toBe('000');
    expect((await s.post(FINNET_TOKEN_PATH, await s.signed(fields))).body.statusCode).toBe(
      FINNET_SANDBOX_CODES.duplicateTransNumber,
    );
  });

  it('answers E01 (HTTP 400) for a body that is not a JSON object', async () => {
    const s = sandbox();
    expect(await s.post(FINNET_TOKEN_PATH, '{"reqDtime":')).toMatchObject({ status: 400, body: { statusCode: 'E01' } });
    expect(await s.post(FINNET_TOKEN_PATH, '[1]')).toMatchObject({ status: 400, body: { statusCode: 'E01' } });
  });

  it('answers E09 for an unknown path (404) or a method other than POST (405)', async () => {
    const s = sandbox();
    expect((await s.post('/nope', {})).status).toBe(404);
    const get = await s.box.handler(new Request(`${ORIGIN}${FINNET_TOKEN_PATH}`));
    expect(get.status).toBe(405);
    expect(((await get.json()) as { statusCode: string }).statusCode).toBe('E09');
  });

  it('requires Basic auth when it has a username and password (E08, HTTP 401)', async () => {
    const s = sandbox({ username: 'u', password: 'p' });
    const body = await s.signed(s.tokenFields());
    expect(await s.post(FINNET_TOKEN_PATH, body)).toMatchObject({ status: 401, body: { statusCode: 'E08' } });
    expect(await s.post(FINNET_TOKEN_PATH, body, { authorization: `Basic ${btoa('u:x')}` })).toMatchObject({
      status: 401,
    });
    expect(await s.post(FINNET_TOKEN_PATH, body, { authorization: `Basic ${btoa('u:p')}` })).toMatchObject({
      status: 200,
      body: { statusCode: '000' },
    });
  });
});

describe('createFinnetSandbox: Widget Top Up', () => {
  it('answers the documented success shape for a valid tokenID', async () => {
    const s = sandbox();
    const tokenID = await s.token();
    const answer = await s.post(FINNET_WIDGET_TOP_UP_PATH, await s.signed(s.topUpFields(tokenID)));
    expect(Object.keys(answer.body)).toEqual(['statusCode', 'statusDesc', 'widgetURL', 'processingTime']);
    expect(answer.body.statusCode).toBe('000');
    expect(answer.body.widgetURL).toMatch(
      /^http:\/\/sandbox\.test\/apicobrand\/widget\/api\/topup\.php\?access=[0-9a-f]{64}$/,
    );
  });

  it('accepts both documented requestType spellings, or the ones configured', async () => {
    const s = sandbox();
    const tokenID = await s.token();
    for (const requestType of ['widgetTopUp', 'widgetTopup']) {
      const answer = await s.post(
        FINNET_WIDGET_TOP_UP_PATH,
        await s.signed({ ...s.topUpFields(tokenID), requestType }),
      );
      expect(answer.body.statusCode).toBe('000');
    }
    const strict = sandbox({ topUpRequestTypes: ['widgetTopup'] });
    const strictToken = await strict.token();
    const answer = await strict.post(FINNET_WIDGET_TOP_UP_PATH, await strict.signed(strict.topUpFields(strictToken)));
    expect(answer.body.statusCode).toBe('E03');
  });

  it('checks the tokenID: unknown, expired, or expired by expireTokens()', async () => {
    const s = sandbox({ tokenTtlSeconds: 60 });
    const unknown = await s.post(FINNET_WIDGET_TOP_UP_PATH, await s.signed(s.topUpFields('T'.repeat(78))));
    expect(unknown.body).toMatchObject({ statusCode: 'E07', statusDesc: 'Invalid or expired token' });

    const tokenID = await s.token();
    expect(s.box.activeTokenCount()).toBe(1);
    s.time.advance(60_000);
    expect(s.box.activeTokenCount()).toBe(0);
    expect((await s.post(FINNET_WIDGET_TOP_UP_PATH, await s.signed(s.topUpFields(tokenID)))).body.statusCode).toBe(
      'E07',
    );

    const fresh = await s.token();
    s.box.expireTokens();
    expect(s.box.activeTokenCount()).toBe(0);
    expect((await s.post(FINNET_WIDGET_TOP_UP_PATH, await s.signed(s.topUpFields(fresh)))).body.statusCode).toBe('E07');
  });

  it('checks the documented lengths: phoneNumber ≤ 12, requestType ≤ 12, tokenID ≤ 100', async () => {
    const s = sandbox();
    const tokenID = await s.token();
    for (const [field, value, max] of [
      ['phoneNumber', '0811100869612', 12],
      ['requestType', 'widgetTopUpXY', 12],
      ['tokenID', 'T'.repeat(101), 100],
    ] as const) {
      const answer = await s.post(
        FINNET_WIDGET_TOP_UP_PATH,
        await s.signed({ ...s.topUpFields(tokenID), [field]: value }),
      );
      expect(answer.body).toMatchObject({ statusCode: 'E02', statusDesc: `Bad field ${field}: longer than ${max}` });
    }
  });

  it('signs over tokenID and phoneNumber too', async () => {
    const s = sandbox();
    const tokenID = await s.token();
    const body = await s.signed(s.topUpFields(tokenID));
    const answer = await s.post(FINNET_WIDGET_TOP_UP_PATH, { ...body, phoneNumber: '08111008697' });
    expect(answer.body.statusCode).toBe('E04');
  });
});

describe('createFinnetSandbox: options', () => {
  it('validates its options', () => {
    expect(() => createFinnetSandbox({} as never)).toThrow(/secretKey: expected the secret key/);
    let error: unknown;
    try {
      createFinnetSandbox({ secretKey: 's', tokenTtlSeconds: 0, hexKeyCase: 'UP' as never });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error) && error.issues.map((i) => i.path)).toEqual(['hexKeyCase', 'tokenTtlSeconds']);
    expect(() => createFinnetSandbox({ secretKey: 's', username: 'u' })).toThrow(TypeError);
  });

  it('serves on 127.0.0.1 with custom paths', async () => {
    const box = createFinnetSandbox({ secretKey: SECRET, tokenPath: '/t', widgetTopUpPath: '/w' });
    expect(box.paths).toEqual({ token: '/t', widgetTopUp: '/w' });
    const server = await box.listen();
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${server.url}/t`, { method: 'POST', body: '{}' });
      expect(((await response.json()) as { statusCode: string }).statusCode).toBe('E02');
      expect(box.requests.count('/t')).toBe(1);
    } finally {
      await server.close();
    }
  });
});
