import { isAuthError, isProviderError, isTransportError, randomAlphanumeric } from '@org/signing-core';
import type { Fault } from '@org/signing-core/testing';
import { describe, expect, it } from 'vitest';
import { bodyOf, SECRET, setup } from './__fixtures__/harness.js';
import type { FinnetAuth } from './client/types.js';
import { FINNET_TOKEN_PATH, FINNET_WIDGET_TOP_UP_PATH } from './protocol/provider.js';
import { finnetSignature } from './protocol/signature.js';

const topUp = { requestType: 'widgetTopUp', phoneNumber: '08111008696' } as const;

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (isAuthError(error) ? error.code : `untyped: ${String(error)}`),
  );

/** Every fault mode of the core sandbox kit, and the typed error each one must surface as. */
const FAULTS: [string, string, Fault][] = [
  ['5xx', 'ERR_PROVIDER', { type: 'status', status: 503 }],
  ['429 with Retry-After', 'ERR_RATE_LIMITED', { type: 'rate-limit', retryAfterSeconds: 0 }],
  ['an HTML error page', 'ERR_PROVIDER', { type: 'html' }],
  ['an HTML page with HTTP 200', 'ERR_RESPONSE_FORMAT', { type: 'html', status: 200 }],
  ['truncated JSON', 'ERR_RESPONSE_FORMAT', { type: 'truncated-json' }],
  ['a dropped connection', 'ERR_NETWORK', { type: 'drop' }],
  ['a delay beyond the timeout', 'ERR_TIMEOUT', { type: 'delay', ms: 2_000 }],
];

/** Short only where the timeout is the point, so a loaded machine cannot turn other faults into timeouts. */
const timeoutFor = (fault: Fault) => (fault.type === 'delay' ? 1_000 : 5_000);

describe('fault modes, without retries', () => {
  it.each(FAULTS)('getToken: %s → %s', async (_name, expected, fault) => {
    const { sandbox, auth } = await setup();
    sandbox.faults.inject(fault);
    const client = auth({ tokenRetry: 0, timeoutMs: timeoutFor(fault) });
    expect(await code(client.getToken())).toBe(expected);
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(1);
    // The failure is not cached: the next call fetches and succeeds.
    expect(await code(client.getToken())).toBe('ok');
  });

  it.each(FAULTS)('request(): %s → %s, and POST is not retried by default', async (_name, expected, fault) => {
    const { sandbox, auth } = await setup();
    const client = auth({ timeoutMs: timeoutFor(fault) });
    await client.getToken();
    sandbox.faults.inject(fault, { path: FINNET_WIDGET_TOP_UP_PATH, times: 3 });
    expect(await code(client.request(FINNET_WIDGET_TOP_UP_PATH, topUp))).toBe(expected);
    expect(sandbox.requests.count(FINNET_WIDGET_TOP_UP_PATH)).toBe(1);
  });
});

describe('retries', () => {
  it.each([
    ['5xx', { type: 'status', status: 502 }],
    ['429', { type: 'rate-limit', retryAfterSeconds: 0 }],
    ['a dropped connection', { type: 'drop' }],
    ['a timeout', { type: 'delay', ms: 2_000 }],
  ] as [string, Fault][])('getToken retries after %s with a fresh transNumber and signature', async (_name, fault) => {
    const { sandbox, auth, time } = await setup();
    sandbox.faults.inject(fault);
    let ticks = 0;
    // Every clock reading is a second later, so each attempt has its own reqDtime.
    const token = await auth({
      timeoutMs: timeoutFor(fault),
      clock: () => time.now + 1000 * ticks++,
    }).getToken();
    expect(token.token).toMatch(/^\d{17}/);
    const attempts = sandbox.requests.to(FINNET_TOKEN_PATH).map(bodyOf);
    expect(attempts).toHaveLength(2);
    const [first, second] = attempts as [Record<string, string>, Record<string, string>];
    expect(second.transNumber).not.toBe(first.transNumber);
    expect(second.reqDtime).not.toBe(first.reqDtime);
    expect(second.signature).not.toBe(first.signature);
    for (const body of attempts) expect(body.signature).toBe(await finnetSignature(body, SECRET));
  });

  it('getToken gives up after its retry limit with the last typed error', async () => {
    const { sandbox, auth } = await setup();
    sandbox.faults.inject({ type: 'status', status: 503 }, { times: 10 });
    const error = await auth({ tokenRetry: 1 })
      .getToken()
      .catch((e: unknown) => e);
    expect(isProviderError(error) && error.status).toBe(503);
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(2);
  });

  it('reports the Retry-After of a final 429', async () => {
    const { sandbox, auth } = await setup();
    sandbox.faults.inject({ type: 'rate-limit', retryAfterSeconds: 0 }, { times: 10 });
    const error = await auth({ tokenRetry: { limit: 1 } })
      .getToken()
      .catch((e: unknown) => e);
    expect(isProviderError(error) && error.code).toBe('ERR_RATE_LIMITED');
    expect(isProviderError(error) && error.retryAfterMs).toBe(0);
  });

  it('a dropped connection on every attempt ends as ERR_NETWORK', async () => {
    const { sandbox, auth } = await setup();
    sandbox.faults.inject({ type: 'drop' }, { times: 10 });
    const error = await auth({ tokenRetry: 1 })
      .getToken()
      .catch((e: unknown) => e);
    expect(isTransportError(error) && error.code).toBe('ERR_NETWORK');
    expect(isTransportError(error) && error.attempts).toBe(2);
  });

  it('request() retries POST only when requestRetry allows it, re-signing each attempt', async () => {
    const { sandbox, auth } = await setup();
    const client = auth({ requestRetry: { limit: 1, methods: ['post'] } });
    await client.getToken();
    sandbox.faults.inject({ type: 'drop' }, { path: FINNET_WIDGET_TOP_UP_PATH });
    const result = await client.request(FINNET_WIDGET_TOP_UP_PATH, topUp);
    const attempts = sandbox.requests.to(FINNET_WIDGET_TOP_UP_PATH).map(bodyOf);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.transNumber).not.toBe(attempts[0]?.transNumber);
    expect(result.transNumber).toBe(attempts[1]?.transNumber);
    for (const body of attempts) expect(body.signature).toBe(await finnetSignature(body, SECRET));
  });

  it('request() signs each retry over the token current at that attempt', async () => {
    const { sandbox, auth } = await setup();
    let widgetAttempts = 0;
    const client: FinnetAuth = auth({
      requestRetry: { limit: 1, methods: ['post'] },
      // Runs once per attempt, after the attempt read its token: the first one drops that token,
      // so the retry must fetch and carry a new one.
      transNumber: ({ requestType }) => {
        if (requestType !== 'getToken' && widgetAttempts++ === 0) void client.invalidateToken();
        return `T${widgetAttempts}${randomAlphanumeric(12)}`;
      },
    });
    sandbox.faults.inject({ type: 'status', status: 503 }, { path: FINNET_WIDGET_TOP_UP_PATH });
    const result = await client.request(FINNET_WIDGET_TOP_UP_PATH, topUp);
    const attempts = sandbox.requests.to(FINNET_WIDGET_TOP_UP_PATH).map(bodyOf);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.tokenID).not.toBe(attempts[0]?.tokenID);
    expect(attempts[1]?.tokenID).toBe((await client.getToken()).token);
    expect(sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(2);
    expect(result.transNumber).toBe(attempts[1]?.transNumber);
    for (const body of attempts) expect(body.signature).toBe(await finnetSignature(body, SECRET));
  });

  it('request() keeps a caller-supplied transNumber across retries', async () => {
    const { sandbox, auth } = await setup();
    const client = auth({ requestRetry: { limit: 1, methods: ['post'] } });
    sandbox.faults.inject({ type: 'status', status: 503 }, { path: FINNET_WIDGET_TOP_UP_PATH });
    await client.request(FINNET_WIDGET_TOP_UP_PATH, { ...topUp, transNumber: 'ORDER42' });
    const attempts = sandbox.requests.to(FINNET_WIDGET_TOP_UP_PATH).map(bodyOf);
    expect(attempts.map((b) => b.transNumber)).toEqual(['ORDER42', 'ORDER42']);
  });

  it('aborts a request on the caller signal', async () => {
    const { sandbox, auth } = await setup();
    const client = auth();
    await client.getToken();
    sandbox.faults.inject({ type: 'delay', ms: 500 }, { path: FINNET_WIDGET_TOP_UP_PATH });
    const controller = new AbortController();
    const pending = client.request(FINNET_WIDGET_TOP_UP_PATH, topUp, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await code(pending)).toBe('ERR_ABORTED');
  });
});
