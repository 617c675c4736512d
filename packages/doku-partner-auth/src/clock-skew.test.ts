/** Clock-skew correction over HTTP against the DOKU sandbox (its `STALE_TIMESTAMP` refusal and its Date header). */
import { type AuthEvent, isProviderError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  FAST_RETRY,
  FILE_PATH,
  logoUpload,
  manualClock,
  TOKEN_PATH,
  withSandbox,
} from './__fixtures__/helpers.js';
import { createDokuPartnerAuth } from './index.js';

const MINUTES = 60_000;
const START = Date.parse('2026-03-02T03:00:00Z');

describe('DOKU clock skew', () => {
  it('a client 10 minutes ahead gets its token after exactly one re-signed retry; calls then go through', async () => {
    const clock = manualClock(START);
    await withSandbox({ clock, clockSkewMs: -10 * MINUTES }, async (sandbox, baseUrl) => {
      const events: AuthEvent[] = [];
      const auth = createDokuPartnerAuth({
        ...CLIENT,
        baseUrl,
        clock,
        retry: FAST_RETRY,
        onEvent: (e) => void events.push(e),
      });
      await auth.getToken();
      const tokenRequests = sandbox.requests.to(TOKEN_PATH);
      expect(tokenRequests).toHaveLength(2);
      expect(tokenRequests[0]?.headers['request-timestamp']).toBe('2026-03-02T03:00:00Z');
      expect(tokenRequests[1]?.headers['request-timestamp']).toBe('2026-03-02T02:50:00Z');
      const [correction] = events.filter((e) => e.type === 'clock.corrected');
      expect(
        correction?.type === 'clock.corrected' && Math.abs(correction.offsetMs + 10 * MINUTES),
      ).toBeLessThanOrEqual(1000);
      const answer = await auth.ky.post('adv-core-api/partner/v1.0/file', { body: logoUpload() }).json();
      expect(answer).toBeTruthy();
      expect(sandbox.requests.count(FILE_PATH)).toBe(1);
      expect(sandbox.requests.count(TOKEN_PATH)).toBe(2);
    });
  });

  it('a call whose clock jumps is re-signed once, without dropping the token', async () => {
    const clock = manualClock(START);
    let ahead = 0;
    await withSandbox({ clock, tokenLifetimeSeconds: 3600 }, async (sandbox, baseUrl) => {
      const auth = createDokuPartnerAuth({ ...CLIENT, baseUrl, clock: () => clock() + ahead, retry: FAST_RETRY });
      await auth.getToken();
      ahead = 10 * MINUTES;
      const response = await auth.fetch('adv-core-api/partner/v1.0/file', { method: 'POST', body: logoUpload() });
      expect(response.status).toBe(200);
      const uploads = sandbox.requests.to(FILE_PATH);
      expect(uploads).toHaveLength(2);
      expect(uploads[1]?.headers['request-id']).toBe(uploads[0]?.headers['request-id']);
      expect(sandbox.requests.count(TOKEN_PATH)).toBe(1);
      const viaKy = await auth.ky.post('adv-core-api/partner/v1.0/file', { body: logoUpload() }).json();
      expect(viaKy).toBeTruthy();
      expect(sandbox.requests.count(FILE_PATH)).toBe(3);
    });
  });

  it('a Date header 2 hours off is refused with ERR_CLOCK_SKEW', async () => {
    const clock = manualClock(START);
    await withSandbox({ clock, clockSkewMs: 2 * 60 * MINUTES }, async (sandbox, baseUrl) => {
      const auth = createDokuPartnerAuth({ ...CLIENT, baseUrl, clock, retry: FAST_RETRY });
      const error = await auth.getToken().catch((e: unknown) => e);
      expect(isProviderError(error) && [error.code, error.status, error.providerCode]).toEqual([
        'ERR_CLOCK_SKEW',
        401,
        'STALE_TIMESTAMP',
      ]);
      expect(isProviderError(error) && error.message).toMatch(/2 h 0 min behind it/);
      expect(sandbox.requests.count(TOKEN_PATH)).toBe(1);
    });
  });
});
