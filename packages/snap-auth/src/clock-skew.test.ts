/**
 * Clock-skew correction over HTTP, against the sandbox (a provider whose clock is off says so in
 * its Date header and rejects X-TIMESTAMP outside its ±5 min window with `400xx01`).
 */
import { type AuthEvent, isProviderError } from '@org/signing-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, harness, testClock } from './__fixtures__/setup.js';

const TOKEN = '/v1.0/access-token/b2b';
const SERVICE = '/v1.0/balance-inquiry';
const MINUTES = 60_000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function recorder() {
  const events: AuthEvent[] = [];
  return { events, onEvent: (event: AuthEvent) => void events.push(event) };
}

describe('a client whose clock is 10 minutes ahead', () => {
  it('gets its token after exactly one re-signed retry, and keeps the offset for later calls', async () => {
    const { events, onEvent } = recorder();
    // The provider's clock is 10 minutes behind the client's: the same as the client being ahead.
    h = await harness({ sandbox: { clockSkewMs: -10 * MINUTES }, auth: { onEvent } });
    const token = await h.auth.getToken();
    expect(token.token.length).toBeGreaterThan(0);

    const tokenRequests = h.sandbox.requests.to(TOKEN);
    expect(tokenRequests).toHaveLength(2);
    const [rejected, resigned] = tokenRequests;
    // The first X-TIMESTAMP is 10 minutes ahead of the provider; the retry's is within a second of it.
    const providerNow = h.clock() - 10 * MINUTES;
    expect(Date.parse(rejected?.headers['x-timestamp'] ?? '') - providerNow).toBeGreaterThanOrEqual(
      10 * MINUTES - 1000,
    );
    expect(Math.abs(Date.parse(resigned?.headers['x-timestamp'] ?? '') - providerNow)).toBeLessThanOrEqual(1000);
    expect(resigned?.headers['x-signature']).not.toBe(rejected?.headers['x-signature']);

    const corrections = events.filter((event) => event.type === 'clock.corrected');
    expect(corrections).toHaveLength(1);
    const [correction] = corrections;
    expect(correction).toMatchObject({ provider: 'snap', previousOffsetMs: 0 });
    expect(
      Math.abs((correction?.type === 'clock.corrected' ? correction.offsetMs : 0) + 10 * MINUTES),
    ).toBeLessThanOrEqual(1000);
    const attempts = events.filter((event) => event.type === 'request.attempt');
    expect(attempts.map((event) => [event.attempt, event.status, event.retryCause])).toEqual([
      [0, 400, undefined],
      [1, 200, 'clock-skew'],
    ]);

    // The offset is kept: service calls are signed with the corrected clock at once.
    const answer = await h.auth.ky.post('v1.0/balance-inquiry', { json: { partnerReferenceNo: 'r-1' } }).json();
    expect(answer).toMatchObject({ responseCode: '2001100' });
    expect(h.sandbox.requests.count(SERVICE)).toBe(1);
    const response = await h.auth.fetch('v1.0/balance-inquiry', { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(h.sandbox.requests.count(SERVICE)).toBe(2);
    expect(h.sandbox.requests.count(TOKEN)).toBe(2);
  });

  it('a service call (ky) rejected for its X-TIMESTAMP succeeds after one re-signed retry', async () => {
    const { events, onEvent } = recorder();
    const clock = testClock();
    let ahead = 0;
    h = await harness({ clock, auth: { clock: () => clock() + ahead, onEvent } });
    await h.auth.getToken();
    ahead = 10 * MINUTES; // the machine's clock jumps; the token (15 min) is still valid
    const answer = await h.auth.ky.post('v1.0/balance-inquiry', { json: { partnerReferenceNo: 'r-2' } }).json();
    expect(answer).toMatchObject({ responseCode: '2001100' });
    const calls = h.sandbox.requests.to(SERVICE);
    expect(calls).toHaveLength(2);
    // One logical call: the same X-EXTERNAL-ID, a new timestamp and signature.
    expect(calls[1]?.headers['x-external-id']).toBe(calls[0]?.headers['x-external-id']);
    expect(calls[1]?.headers['x-timestamp']).not.toBe(calls[0]?.headers['x-timestamp']);
    const serviceAttempts = events.filter((e) => e.type === 'request.attempt' && e.urlPath === SERVICE);
    expect(serviceAttempts.map((e) => e.type === 'request.attempt' && [e.status, e.retryCause])).toEqual([
      [400, undefined],
      [200, 'clock-skew'],
    ]);
    expect(h.sandbox.requests.count(TOKEN)).toBe(1);
  });

  it('auth.fetch re-signs once too, and hands back the answer', async () => {
    const clock = testClock();
    let ahead = 0;
    h = await harness({ clock, auth: { clock: () => clock() + ahead } });
    await h.auth.getToken();
    ahead = -10 * MINUTES; // behind, this time
    const response = await h.auth.fetch('v1.0/balance-inquiry', { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(h.sandbox.requests.count(SERVICE)).toBe(2);
  });
});

describe('a Date header further off than the bound', () => {
  it('is refused with ERR_CLOCK_SKEW: no correction, no re-signed retry', async () => {
    const { events, onEvent } = recorder();
    h = await harness({ sandbox: { clockSkewMs: -2 * 60 * MINUTES }, auth: { onEvent } });
    const error = await h.auth.getToken().catch((e: unknown) => e);
    expect(isProviderError(error)).toBe(true);
    if (!isProviderError(error)) return;
    expect(error.code).toBe('ERR_CLOCK_SKEW');
    expect(error.status).toBe(400);
    expect(error.providerCode).toBe('4007301');
    expect(error.details).toMatchObject({ maxClockSkewMs: 3_600_000 });
    expect(Math.abs((error.details?.clockOffsetMs as number) + 2 * 60 * MINUTES)).toBeLessThanOrEqual(1000);
    expect(error.message).toMatch(/2 h 0 min ahead of it, more than the 1 h 0 min a correction may move it/);
    expect(h.sandbox.requests.count(TOKEN)).toBe(1);
    expect(events.some((event) => event.type === 'clock.corrected')).toBe(false);
    expect(events.filter((event) => event.type === 'clock.refused')).toHaveLength(1);
    expect(events.find((event) => event.type === 'token.fetch')).toMatchObject({
      outcome: 'failure',
      reason: 'initial',
      errorCode: 'ERR_CLOCK_SKEW',
    });
  });

  it('maxClockSkewMs sets the bound (a 10-minute skew refused under a 5-minute bound)', async () => {
    h = await harness({ sandbox: { clockSkewMs: 10 * MINUTES }, auth: { maxClockSkewMs: 5 * MINUTES } });
    const error = await h.auth.getToken().catch((e: unknown) => e);
    expect(isProviderError(error) && error.code).toBe('ERR_CLOCK_SKEW');
    expect(isProviderError(error) && error.message).toMatch(/10 min [01] s behind it/);
  });

  it('maxClockSkewMs: 0 turns the correction off: the rejection stands as it came', async () => {
    h = await harness({ sandbox: { clockSkewMs: 10 * MINUTES }, auth: { maxClockSkewMs: 0 } });
    const error = await h.auth.getToken().catch((e: unknown) => e);
    expect(isProviderError(error) && [error.code, error.providerCode]).toEqual(['ERR_PROVIDER', '4007301']);
    expect(h.sandbox.requests.count(TOKEN)).toBe(1);
  });

  it('a rejection whose Date header agrees with the client is not retried', async () => {
    // The provider's window is 0 ms: it rejects every timestamp, whatever the clocks say.
    h = await harness({ sandbox: { timestampToleranceMs: -1 } });
    const error = await h.auth.getToken().catch((e: unknown) => e);
    expect(isProviderError(error) && [error.code, error.providerCode]).toEqual(['ERR_PROVIDER', '4007301']);
    expect(h.sandbox.requests.count(TOKEN)).toBe(1);
  });
});
