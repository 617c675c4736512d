/**
 * Telemetry of what a merchant receives, over real HTTP on 127.0.0.1 with the real OpenTelemetry
 * SDK (InMemorySpanExporter, InMemoryMetricExporter) beside `onEvent`:
 *
 * - notifications verified and refused by `verifySnapNotification` (the call's own `onEvent` and
 *   `telemetry`) and by `auth.verifyNotification` (the client's, unless the call gives its own):
 *   `notification.verify` and, for a refusal, `signature.failed` by check;
 * - the server kit (`createSnapServer({ onEvent, telemetry })`): a token issued, token requests
 *   refused, a handled call, refused calls and a failing handler: `server.handle` (SERVER spans,
 *   `http.server.request.duration`) and `signature.failed`.
 *
 * Secret markers: the partner's private key, the client secret, every token issued, every
 * signature sent, a body field and a query parameter are random markers; the last test checks
 * that none of them reached an event, a span or a metric of the tests before it.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  type AuthEvent,
  formatIsoTimestamp,
  isConfigError,
  memoryReplayStore,
  type TelemetryOptions,
} from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './__fixtures__/setup.js';
import { type Merchant, requestToken, send, signCall, startMerchant } from './__fixtures__/snap-server.js';
import { createSnapAuth } from './client/create-snap-auth.js';
import { type VerifySnapNotificationOptions, verifySnapNotification } from './client/verify-notification.js';
import { snapNotificationSignature } from './protocol/notification-signature.js';
import { snapServiceSignature } from './protocol/service-signature.js';
import { createSnapServer } from './server/create-snap-server.js';

const marker = () => `MARK${randomBytes(18).toString('base64url')}`;
const clientSecret = marker();
const bodyMarker = marker();
const queryMarker = marker();
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKeyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherPrivateKeyPem = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PARTNER = 'partner-otel';

/** Every credential or payload value a test sent or received: must never reach telemetry. */
const markers = new Set<string>([
  clientSecret,
  bodyMarker,
  queryMarker,
  ...privateKeyPem
    .split('\n')
    .slice(1, -2)
    .join('')
    .match(/.{1,40}/g)!,
  ...otherPrivateKeyPem
    .split('\n')
    .slice(1, -2)
    .join('')
    .match(/.{1,40}/g)!,
]);

const clock = testClock();
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
const telemetry: TelemetryOptions = {
  tracer: tracerProvider.getTracer('payauth-test'),
  meter: meterProvider.getMeter('payauth-test'),
};
/** Every event of every test, for the secret-marker check. */
const allEvents: AuthEvent[] = [];

afterAll(async () => {
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
});

type Points = { attributes: Record<string, unknown>; value: unknown }[];
async function metric(name: string): Promise<Points> {
  await reader.forceFlush();
  for (const scope of metricExporter.getMetrics().at(-1)?.scopeMetrics ?? []) {
    for (const found of scope.metrics) {
      if (found.descriptor.name === name) return found.dataPoints as unknown as Points;
    }
  }
  return [];
}
const sumWhere = (points: Points, attributes: Record<string, unknown>) =>
  points
    .filter((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))
    .reduce((total, point) => total + (typeof point.value === 'number' ? point.value : 0), 0);
const countWhere = (points: Points, attributes: Record<string, unknown>) =>
  points
    .filter((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))
    .reduce((total, point) => total + (point.value as { count: number }).count, 0);

/** A recorder of events: `onEvent` for one test, and the shared list for the marker check. */
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

/** A merchant notification endpoint on 127.0.0.1: `verify` decides, 200 or 401. */
async function notificationEndpoint(verify: (request: Request) => Promise<unknown>): Promise<RunningSandbox> {
  return serveOnLoopback(async (request) => {
    try {
      await verify(request);
      return Response.json({ responseCode: '2002500', responseMessage: 'Successful' });
    } catch {
      return Response.json({ responseCode: '4012500', responseMessage: 'Unauthorized' }, { status: 401 });
    }
  }, 0);
}

const NOTIFY_PATH = `/v1.0/debit/notify?key=${queryMarker}`;

/** An asymmetric notification signed with `privateKey`; `change` alters what is sent after signing. */
async function notify(
  url: string,
  options: { privateKey?: string; timestampMs?: number; change?: Record<string, string | undefined> } = {},
): Promise<number> {
  const body = JSON.stringify({ originalPartnerReferenceNo: marker(), note: bodyMarker, amount: '10000.00' });
  const timestamp = formatIsoTimestamp(options.timestampMs ?? clock(), { offset: '+07:00' });
  const signature = await snapNotificationSignature({
    method: 'POST',
    path: NOTIFY_PATH,
    body,
    timestamp,
    privateKey: options.privateKey ?? privateKeyPem,
  });
  markers.add(signature);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries({
    'content-type': 'application/json',
    'x-timestamp': timestamp,
    'x-signature': signature,
    'x-partner-id': PARTNER,
    'x-external-id': String(Math.floor(Math.random() * 1e12)),
    ...options.change,
  })) {
    if (value !== undefined) headers[name] = value;
  }
  const response = await fetch(`${url}${NOTIFY_PATH}`, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return response.status;
}

const verifyEvents = (events: AuthEvent[]) =>
  events.flatMap((event) =>
    event.type === 'notification.verify' ? [[event.outcome, event.check, event.errorCode, event.duplicate]] : [],
  );
const failedChecks = (events: AuthEvent[]) =>
  events.flatMap((event) => (event.type === 'signature.failed' ? [[event.check, event.code]] : []));

describe('notification.verify from verifySnapNotification (the call’s onEvent and telemetry)', () => {
  it('a verified notification, a redelivery, and refusals by header, timestamp and signature', async () => {
    const { events, onEvent } = recorder();
    // One options object for every call, as a handler keeps it.
    const options: VerifySnapNotificationOptions = {
      publicKey: publicKeyPem,
      clock,
      replayStore: memoryReplayStore(),
      onEvent,
      telemetry,
    };
    let redelivered: Request | undefined;
    const endpoint = await notificationEndpoint(async (request) => {
      redelivered ??= request.clone();
      return verifySnapNotification(request, options);
    });
    try {
      expect(await notify(endpoint.url)).toBe(200);
      // The same bytes again: a redelivery, reported (duplicate), not refused.
      const again = redelivered as Request;
      expect((await verifySnapNotification(again, options)).duplicate).toBe(true);
      expect(await notify(endpoint.url, { change: { 'x-signature': undefined } })).toBe(401);
      expect(await notify(endpoint.url, { timestampMs: clock() - 10 * 60_000 })).toBe(401);
      expect(await notify(endpoint.url, { privateKey: otherPrivateKeyPem })).toBe(401);
    } finally {
      await endpoint.close();
    }

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
      expect(event.provider).toBe('snap');
      if (event.type === 'notification.verify') expect(event.durationMs).toBeGreaterThan(0);
    }

    const verifySpans = spans.getFinishedSpans().filter((span) => span.name === 'payauth.notification.verify');
    expect(verifySpans.map((span) => [span.status.code, span.attributes['payauth.signature.check']])).toEqual([
      [0, undefined],
      [0, undefined],
      [2, 'header'],
      [2, 'timestamp'],
      [2, 'signature'],
    ]);
    expect(verifySpans[1]?.attributes).toMatchObject({
      'payauth.provider': 'snap',
      'payauth.outcome': 'success',
      'payauth.notification.duplicate': true,
    });
    expect(verifySpans[4]?.attributes).toMatchObject({
      'payauth.outcome': 'failure',
      'error.type': 'ERR_SIGNATURE_MISMATCH',
    });
    const failures = await metric('payauth.signature.failures');
    expect(sumWhere(failures, { 'payauth.provider': 'snap', 'payauth.signature.check': 'header' })).toBe(1);
    expect(sumWhere(failures, { 'payauth.signature.check': 'timestamp' })).toBe(1);
    expect(sumWhere(failures, { 'payauth.signature.check': 'signature' })).toBe(1);
  });

  it('validates onEvent and telemetry like the other options (ConfigError naming the field)', async () => {
    const request = () => new Request('https://merchant.example/notify', { method: 'POST', body: '{}' });
    const bad = await verifySnapNotification(request(), { publicKey: publicKeyPem, onEvent: 'log' as never }).catch(
      (error: unknown) => error,
    );
    expect(isConfigError(bad) && bad.message).toMatch(/onEvent: expected an event handler function/);
    const badTelemetry = await verifySnapNotification(request(), {
      publicKey: publicKeyPem,
      telemetry: { meter: {} } as never,
    }).catch((error: unknown) => error);
    expect(isConfigError(badTelemetry) && badTelemetry.message).toMatch(/telemetry: expected \{ tracer\?, meter\? \}/);
  });
});

describe('notification.verify from auth.verifyNotification (the client’s onEvent and telemetry)', () => {
  it("a symmetric notification: the client's handler reports it, unless the call gives its own", async () => {
    const client = recorder();
    const auth = createSnapAuth({
      baseUrl: 'https://provider.example',
      clientId: PARTNER,
      privateKey: privateKeyPem,
      clientSecret,
      clock,
      onEvent: client.onEvent,
      telemetry,
    });
    const call = recorder();
    let own = false;
    const endpoint = await notificationEndpoint((request) =>
      auth.verifyNotification(request, own ? { onEvent: call.onEvent } : {}),
    );
    const accessToken = marker();
    markers.add(accessToken);
    const sendSymmetric = async (secret: string) => {
      const body = JSON.stringify({ note: bodyMarker });
      const timestamp = formatIsoTimestamp(clock(), { offset: '+07:00' });
      const signature = await snapServiceSignature({
        method: 'POST',
        path: NOTIFY_PATH,
        accessToken,
        body,
        timestamp,
        clientSecret: secret,
      });
      markers.add(signature);
      const response = await fetch(`${endpoint.url}${NOTIFY_PATH}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${accessToken}`,
          'x-timestamp': timestamp,
          'x-signature': signature,
          'x-partner-id': PARTNER,
          'x-external-id': '7001',
        },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    };
    const before = spans.getFinishedSpans().length;
    try {
      expect(await sendSymmetric(clientSecret)).toBe(200);
      expect(await sendSymmetric(marker())).toBe(401);
      own = true;
      expect(await sendSymmetric(clientSecret)).toBe(200);
    } finally {
      await endpoint.close();
    }
    expect(verifyEvents(client.events)).toEqual([
      ['success', undefined, undefined, false],
      ['failure', 'signature', 'ERR_SIGNATURE_MISMATCH', undefined],
    ]);
    expect(failedChecks(client.events)).toEqual([['signature', 'ERR_SIGNATURE_MISMATCH']]);
    // The call's own onEvent replaced the client's (its telemetry included).
    expect(verifyEvents(call.events)).toEqual([['success', undefined, undefined, false]]);
    const added = spans.getFinishedSpans().slice(before);
    expect(added.map((span) => [span.name, span.attributes['payauth.outcome']])).toEqual([
      ['payauth.notification.verify', 'success'],
      ['payauth.notification.verify', 'failure'],
    ]);
  });
});

describe('server.handle from the SNAP server kit', () => {
  let merchant: Merchant;
  let recorded: ReturnType<typeof recorder>;

  beforeAll(async () => {
    recorded = recorder();
    merchant = await startMerchant(
      {
        partners: [{ clientId: PARTNER, publicKey: publicKeyPem, clientSecret }],
        onEvent: recorded.onEvent,
        telemetry,
      },
      clock,
    );
  });
  afterAll(() => merchant.close());

  const handled = () =>
    recorded.events.flatMap((event) =>
      event.type === 'server.handle'
        ? [[event.urlPath, event.status, event.outcome, event.responseCode, event.serviceCode, event.check]]
        : [],
    );

  it('a token issued and token requests refused: server.handle, signature.failed, SERVER spans', async () => {
    const before = spans.getFinishedSpans().length;
    recorded.events.length = 0;
    const issued = await requestToken(merchant.url, clock, { clientId: PARTNER, privateKey: privateKeyPem });
    expect(issued.json.responseCode).toBe('2007300');
    markers.add(issued.json.accessToken as string);
    const forged = await requestToken(merchant.url, clock, { clientId: PARTNER, privateKey: otherPrivateKeyPem });
    expect(forged.json.responseCode).toBe('4017300');
    const unknown = await requestToken(merchant.url, clock, { clientId: 'someone-else', privateKey: privateKeyPem });
    expect(unknown.json.responseCode).toBe('4017300');
    const noGrant = await requestToken(merchant.url, clock, {
      clientId: PARTNER,
      privateKey: privateKeyPem,
      body: '{}',
    });
    expect(noGrant.json.responseCode).toBe('4007302');

    const path = '/v1.0/access-token/b2b';
    expect(handled()).toEqual([
      [path, 200, 'success', '2007300', '73', undefined],
      [path, 401, 'failure', '4017300', '73', 'signature'],
      [path, 401, 'failure', '4017300', '73', 'signer'],
      // Not a signature failure: the request was authentic, its body was not complete.
      [path, 400, 'failure', '4007302', '73', undefined],
    ]);
    expect(failedChecks(recorded.events)).toEqual([
      ['signature', 'ERR_SIGNATURE_MISMATCH'],
      ['signer', 'ERR_SIGNATURE_MISMATCH'],
    ]);
    const serverSpans = spans.getFinishedSpans().slice(before);
    expect(serverSpans.map((span) => [span.name, span.kind, span.status.code])).toEqual([
      [`POST ${path}`, 1, 0],
      [`POST ${path}`, 1, 0],
      [`POST ${path}`, 1, 0],
      [`POST ${path}`, 1, 0],
    ]);
    expect(serverSpans[0]?.attributes).toMatchObject({
      'payauth.provider': 'snap',
      'http.request.method': 'POST',
      'http.route': path,
      'url.path': path,
      'http.response.status_code': 200,
      'payauth.outcome': 'success',
      'payauth.response_code': '2007300',
      'payauth.service_code': '73',
    });
    expect(serverSpans[0]?.attributes['error.type']).toBeUndefined();
    expect(serverSpans[1]?.attributes).toMatchObject({
      'http.response.status_code': 401,
      'error.type': '401',
      'payauth.signature.check': 'signature',
    });
  });

  it('a handled call, refused calls (header, timestamp, signature), a failing handler', async () => {
    const before = spans.getFinishedSpans().length;
    const token = (await requestToken(merchant.url, clock, { clientId: PARTNER, privateKey: privateKeyPem })).json
      .accessToken as string;
    markers.add(token);
    recorded.events.length = 0;
    const signed = async (options: Parameters<typeof signCall>[2] = {}) => {
      const call = await signCall(token, clock, { clientSecret, partnerId: PARTNER, ...options });
      markers.add(call.headers['X-SIGNATURE'] as string);
      return call;
    };
    expect((await send(merchant.url, await signed())).json.responseCode).toBe('2002500');
    expect((await send(merchant.url, await signed(), { 'X-EXTERNAL-ID': undefined })).json.responseCode).toBe(
      '4002502',
    );
    const stale = await signed({ timestamp: formatIsoTimestamp(clock() - 10 * 60_000, { offset: '+07:00' }) });
    expect((await send(merchant.url, stale)).json.responseCode).toBe('4012500');
    expect((await send(merchant.url, await signed({ clientSecret: marker() }))).json.responseCode).toBe('4012500');
    merchant.handler = () => {
      throw new Error(`handler failure ${bodyMarker}`);
    };
    try {
      expect((await send(merchant.url, await signed())).status).toBe(500);
    } finally {
      merchant.handler = () => ({});
    }

    const path = '/v1.0/transfer-va/payment';
    expect(handled()).toEqual([
      [path, 200, 'success', '2002500', '25', undefined],
      [path, 400, 'failure', '4002502', '25', 'header'],
      [path, 401, 'failure', '4012500', '25', 'timestamp'],
      [path, 401, 'failure', '4012500', '25', 'signature'],
      [path, 500, 'failure', '5002500', '25', undefined],
    ]);
    expect(failedChecks(recorded.events)).toEqual([
      ['header', 'ERR_SIGNATURE_MISMATCH'],
      ['timestamp', 'ERR_TIMESTAMP_OUT_OF_WINDOW'],
      ['signature', 'ERR_SIGNATURE_MISMATCH'],
    ]);
    const callSpans = spans
      .getFinishedSpans()
      .slice(before)
      .filter((span) => span.name === `POST ${path}`);
    // A SERVER span is an error for a 5xx only: a refused call is the server doing its job.
    expect(callSpans.map((span) => [span.attributes['http.response.status_code'], span.status.code])).toEqual([
      [200, 0],
      [400, 0],
      [401, 0],
      [401, 0],
      [500, 2],
    ]);
    expect(callSpans[4]?.attributes).toMatchObject({ 'error.type': '500', 'payauth.response_code': '5002500' });

    const durations = await metric('http.server.request.duration');
    expect(countWhere(durations, { 'http.route': path, 'http.response.status_code': 401 })).toBe(2);
    expect(countWhere(durations, { 'http.route': '/v1.0/access-token/b2b', 'http.response.status_code': 200 })).toBe(2);
    const failures = await metric('payauth.signature.failures');
    expect(sumWhere(failures, { 'payauth.signature.check': 'signer' })).toBe(1);
  });

  it('verifyRequest reports a refusal as signature.failed (it answers nothing itself)', async () => {
    recorded.events.length = 0;
    const server = createSnapServer({
      partners: [{ clientId: PARTNER, publicKey: publicKeyPem, clientSecret }],
      clock,
      onEvent: recorded.onEvent,
    });
    const result = await server.verifyRequest(new Request('https://merchant.example/v1.0/x', { method: 'POST' }));
    expect(result.ok).toBe(false);
    expect(recorded.events.map((event) => event.type)).toEqual(['signature.failed']);
    expect(failedChecks(recorded.events)).toEqual([['header', 'ERR_SIGNATURE_MISMATCH']]);
  });

  it('validates onEvent and telemetry (ConfigError naming the field)', () => {
    const partners = [{ clientId: PARTNER, publicKey: publicKeyPem, clientSecret }];
    expect(() => createSnapServer({ partners, onEvent: 42 as never })).toThrow(
      /onEvent: expected an event handler function/,
    );
    expect(() => createSnapServer({ partners, telemetry: { tracer: {} } as never })).toThrow(
      /telemetry: expected \{ tracer\?, meter\? \}/,
    );
  });
});

describe('secret markers', () => {
  it('no key, secret, token, signature, body or query value reached an event, a span or a metric', async () => {
    await reader.forceFlush();
    const printed = [
      inspect(
        spans.getFinishedSpans().map((span) => ({ name: span.name, attributes: span.attributes, events: span.events })),
        { depth: 10 },
      ),
      JSON.stringify(metricExporter.getMetrics().map((batch) => batch.scopeMetrics)),
      JSON.stringify(allEvents),
      inspect(allEvents, { depth: 10 }),
    ].join('\n');
    // The tests above ran and recorded: tokens and signatures were added as they were made.
    expect(allEvents.length).toBeGreaterThanOrEqual(28);
    expect(markers.size).toBeGreaterThan(60);
    expect(printed).toContain('payauth.notification.verify');
    for (const secret of markers) expect(printed.includes(secret), `a secret reached telemetry: ${secret}`).toBe(false);
    // And no path carries its query.
    expect(printed.includes('?key=')).toBe(false);
  });
});
