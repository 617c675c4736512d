/**
 * `notification.verify` and `signature.failed` from DOKU notification verification, over real
 * HTTP on 127.0.0.1 with notifications the sandbox signs: `verifyDokuNotification` with the
 * call's own `onEvent`, and `auth.verifyNotification` with the client's (unless the call gives
 * its own). The spans and metrics built from these events are signing-core's, the same for every
 * provider (tested with the OpenTelemetry SDK in @org/snap-auth's incoming-telemetry.test.ts).
 *
 * Secret markers: the secret key, a body field, a query parameter and every Signature sent are
 * random; none may reach an event.
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { type AuthEvent, isConfigError, memoryReplayStore } from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDokuPartnerAuth } from './client/doku-partner-auth.js';
import { type VerifyDokuNotificationOptions, verifyDokuNotification } from './client/verify-notification.js';
import { createDokuSandbox } from './testing/index.js';

const marker = () => `MARK${randomBytes(18).toString('base64url')}`;
const CLIENT = { clientId: 'BRN-0001-10791114622547', secretKey: marker() };
const NOW = Date.UTC(2024, 7, 21, 7, 27, 50);
const bodyMarker = marker();
const queryMarker = marker();
const BODY = JSON.stringify({ order: { invoice_number: 'INV-1', amount: 15000 }, note: bodyMarker });
const markers = new Set<string>([CLIENT.secretKey, bodyMarker, queryMarker]);
const allEvents: AuthEvent[] = [];

let verify: (request: Request) => Promise<unknown> = async () => undefined;
let merchant: RunningSandbox;

beforeAll(async () => {
  merchant = await serveOnLoopback(async (request) => {
    try {
      await verify(request);
      return Response.json({ ok: true });
    } catch {
      return Response.json({ ok: false }, { status: 401 });
    }
  }, 0);
});
afterAll(() => merchant.close());

const url = () => `${merchant.url}/payments/notifications?key=${queryMarker}`;
const sandbox = (clock = () => NOW) => createDokuSandbox({ clients: [CLIENT], clock });

/** Sends `request` (a sandbox notification, maybe altered) to the merchant; resolves with the status. */
async function send(request: Request, change: (headers: Headers) => void = () => {}, body?: string): Promise<number> {
  markers.add(request.headers.get('Signature') ?? '');
  const headers = new Headers(request.headers);
  change(headers);
  const response = await fetch(request.url, { method: 'POST', headers, body: body ?? (await request.text()) });
  await response.arrayBuffer();
  return response.status;
}

function recorder(): { events: AuthEvent[]; onEvent: (event: AuthEvent) => void } {
  const events: AuthEvent[] = [];
  return {
    events,
    onEvent: (event) => {
      events.push(event);
      allEvents.push(event);
    },
  };
}

const verifyEvents = (events: AuthEvent[]) =>
  events.flatMap((event) =>
    event.type === 'notification.verify' ? [[event.outcome, event.check, event.errorCode, event.duplicate]] : [],
  );
const failedChecks = (events: AuthEvent[]) =>
  events.flatMap((event) => (event.type === 'signature.failed' ? [[event.check, event.code]] : []));

describe('verifyDokuNotification: the call’s onEvent', () => {
  it('a verified notification, a redelivery, and refusals by header, timestamp and signature', async () => {
    const { events, onEvent } = recorder();
    const options: VerifyDokuNotificationOptions = {
      secretKey: CLIENT.secretKey,
      clientId: CLIENT.clientId,
      clock: () => NOW,
      replayStore: memoryReplayStore(),
      onEvent,
    };
    verify = (request) => verifyDokuNotification(request, options);
    const first = sandbox().createNotification({ url: url(), body: BODY });
    const again = first.clone();
    expect(await send(first)).toBe(200);
    expect(await send(again)).toBe(200); // a redelivery: reported, not refused
    expect(await send(sandbox().createNotification({ url: url(), body: BODY }), (h) => h.delete('Request-Id'))).toBe(
      401,
    );
    expect(await send(sandbox(() => NOW - 10 * 60_000).createNotification({ url: url(), body: BODY }))).toBe(401);
    expect(
      await send(sandbox().createNotification({ url: url(), body: BODY }), () => {}, BODY.replace('15000', '15001')),
    ).toBe(401);

    expect(verifyEvents(events)).toEqual([
      ['success', undefined, undefined, false],
      ['success', undefined, undefined, true],
      ['failure', 'header', 'ERR_SIGNATURE_MISMATCH', undefined],
      ['failure', 'timestamp', 'ERR_TIMESTAMP_OUT_OF_WINDOW', undefined],
      ['failure', 'signature', 'ERR_SIGNATURE_MISMATCH', undefined],
    ]);
    expect(failedChecks(events)).toEqual([
      ['header', 'ERR_SIGNATURE_MISMATCH'],
      ['timestamp', 'ERR_TIMESTAMP_OUT_OF_WINDOW'],
      ['signature', 'ERR_SIGNATURE_MISMATCH'],
    ]);
    for (const event of events) {
      expect(event.provider).toBe('doku');
      if (event.type === 'notification.verify') expect(event.durationMs).toBeGreaterThan(0);
    }
  });

  it('a throwing handler never changes the outcome of a verification', async () => {
    let calls = 0;
    verify = (request) =>
      verifyDokuNotification(request, {
        secretKey: CLIENT.secretKey,
        clock: () => NOW,
        onEvent: () => {
          calls += 1;
          throw new Error('handler failure');
        },
      });
    expect(await send(sandbox().createNotification({ url: url(), body: BODY }))).toBe(200);
    expect(await send(sandbox().createNotification({ url: url(), body: BODY }), (h) => h.set('Signature', 'x'))).toBe(
      401,
    );
    expect(calls).toBe(3); // verify; signature.failed and verify
  });

  it('validates onEvent and telemetry like its other options (TypeError naming the option)', async () => {
    const request = () => sandbox().createNotification({ url: url(), body: BODY });
    await expect(
      verifyDokuNotification(request(), { secretKey: CLIENT.secretKey, onEvent: 'log' as never }),
    ).rejects.toThrow(/verifyDokuNotification: onEvent must be an event handler function/);
    await expect(
      verifyDokuNotification(request(), { secretKey: CLIENT.secretKey, telemetry: { tracer: {} } as never }),
    ).rejects.toThrow(/verifyDokuNotification: telemetry must be \{ tracer\?, meter\? \}/);
  });
});

describe('auth.verifyNotification: the client’s onEvent', () => {
  it("reports to the client's handler, unless the call gives its own", async () => {
    const client = recorder();
    const auth = createDokuPartnerAuth({ ...CLIENT, baseUrl: 'test', clock: () => NOW, onEvent: client.onEvent });
    const call = recorder();
    let own = false;
    verify = (request) => auth.verifyNotification(request, own ? { onEvent: call.onEvent } : {});
    expect(await send(sandbox().createNotification({ url: url(), body: BODY }))).toBe(200);
    expect(
      await send(sandbox().createNotification({ url: url(), body: BODY }), (h) => h.set('Client-Id', 'BRN-other')),
    ).toBe(401);
    own = true;
    expect(await send(sandbox().createNotification({ url: url(), body: BODY }))).toBe(200);
    expect(verifyEvents(client.events)).toEqual([
      ['success', undefined, undefined, false],
      ['failure', 'header', 'ERR_SIGNATURE_MISMATCH', undefined],
    ]);
    expect(failedChecks(client.events)).toEqual([['header', 'ERR_SIGNATURE_MISMATCH']]);
    expect(verifyEvents(call.events)).toEqual([['success', undefined, undefined, false]]);
  });

  it('the factory validates onEvent and telemetry (ConfigError naming the field)', () => {
    const error = (() => {
      try {
        createDokuPartnerAuth({ ...CLIENT, baseUrl: 'test', telemetry: { meter: {} } as never });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isConfigError(error) && error.message).toMatch(/telemetry: expected \{ tracer\?, meter\? \}/);
  });
});

describe('secret markers', () => {
  it('no secret key, Signature, body or query value reached an event', () => {
    const printed = `${JSON.stringify(allEvents)}\n${inspect(allEvents, { depth: 10 })}`;
    expect(allEvents.length).toBeGreaterThanOrEqual(12);
    expect(markers.size).toBeGreaterThan(8);
    for (const secret of markers) expect(printed.includes(secret), `a secret reached an event: ${secret}`).toBe(false);
  });
});
