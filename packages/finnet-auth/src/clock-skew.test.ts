/** Clock-skew correction over HTTP against the Finnet sandbox (its refused `reqDtime` and its Date header). */
import { type AuthEvent, isProviderError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { bodyOf, setup } from './__fixtures__/harness.js';
import { FINNET_TOKEN_PATH, FINNET_WIDGET_TOP_UP_PATH } from './index.js';

const MINUTES = 60_000;
const topUp = { requestType: 'widgetTopUp', phoneNumber: '08111008696' } as const;

describe('Finnet clock skew', () => {
  it('a client 10 minutes ahead gets its token after exactly one re-signed retry (reqDtime)', async () => {
    const s = await setup({ clockSkewMs: -10 * MINUTES });
    const events: AuthEvent[] = [];
    const client = s.auth({ onEvent: (event) => void events.push(event) });
    await client.getToken();
    const tokenRequests = s.sandbox.requests.to(FINNET_TOKEN_PATH);
    expect(tokenRequests).toHaveLength(2);
    // 2024-08-21T07:27:50Z is 14:27:50 in GMT+7; the provider's clock reads 14:17:50.
    expect(bodyOf(tokenRequests[0]).reqDtime).toBe('20240821142750');
    expect(bodyOf(tokenRequests[1]).reqDtime).toBe('20240821141750');
    expect(events.filter((event) => event.type === 'clock.corrected')).toHaveLength(1);
    // The offset is kept: the top-up is signed with the corrected reqDtime at once.
    await client.request(FINNET_WIDGET_TOP_UP_PATH, topUp);
    const calls = s.sandbox.requests.to(FINNET_WIDGET_TOP_UP_PATH);
    expect(calls).toHaveLength(1);
    expect(bodyOf(calls[0]).reqDtime).toBe('20240821141750');
  });

  it('a call whose clock jumps is rebuilt and re-signed once (request(), ky and fetch)', async () => {
    const s = await setup();
    let ahead = 0;
    const client = s.auth({ clock: () => s.time.clock() + ahead });
    await client.getToken();
    ahead = -10 * MINUTES;
    await client.request(FINNET_WIDGET_TOP_UP_PATH, topUp);
    expect(s.sandbox.requests.count(FINNET_WIDGET_TOP_UP_PATH)).toBe(2);
    const calls = s.sandbox.requests.to(FINNET_WIDGET_TOP_UP_PATH);
    expect(bodyOf(calls[1]).signature).not.toBe(bodyOf(calls[0]).signature);
    expect(s.sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(1);
  });

  it('a Date header 2 hours off is refused with ERR_CLOCK_SKEW', async () => {
    const s = await setup({ clockSkewMs: 2 * 60 * MINUTES });
    const error = await s
      .auth()
      .getToken()
      .catch((e: unknown) => e);
    expect(isProviderError(error) && [error.code, error.providerCode]).toEqual(['ERR_CLOCK_SKEW', 'E05']);
    expect(s.sandbox.requests.count(FINNET_TOKEN_PATH)).toBe(1);
  });
});
