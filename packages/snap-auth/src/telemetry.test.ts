/**
 * Telemetry of a SNAP client over HTTP, with the real OpenTelemetry SDK: spans in an
 * InMemorySpanExporter, metrics through an InMemoryMetricExporter, and `onEvent` beside them.
 * Secret-marker check: the client secret, the private key, every token issued and every
 * signature sent are random markers that must not appear in any span, metric or event.
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
import { type AuthEvent, isProviderError } from '@org/signing-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testClock } from './__fixtures__/setup.js';
import { createSnapAuth, type SnapAuth } from './client/create-snap-auth.js';
import { createSnapSandbox, type SnapSandbox } from './testing/sandbox.js';

const MINUTES = 60_000;
const marker = () => `MARK${randomBytes(18).toString('base64url')}`;
const clientSecret = marker();
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKeyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const keyBody = privateKeyPem.split('\n').slice(1, -2).join('');

let spans: InMemorySpanExporter;
let tracerProvider: BasicTracerProvider;
let metricExporter: InMemoryMetricExporter;
let reader: PeriodicExportingMetricReader;
let meterProvider: MeterProvider;
let closeSandbox: (() => Promise<void>) | undefined;

beforeEach(() => {
  spans = new InMemorySpanExporter();
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  meterProvider = new MeterProvider({ readers: [reader] });
});
afterEach(async () => {
  await closeSandbox?.();
  closeSandbox = undefined;
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
});

async function setup(
  options: { skewMs?: number; onEvent?: (event: AuthEvent) => void } = {},
): Promise<{ auth: SnapAuth; sandbox: SnapSandbox; events: AuthEvent[] }> {
  const clock = testClock();
  const sandbox = createSnapSandbox({
    clients: [
      {
        clientId: 'client-otel',
        publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        clientSecret,
      },
    ],
    clock,
    clockSkewMs: options.skewMs ?? 0,
  });
  const running = await sandbox.listen();
  closeSandbox = () => running.close();
  const events: AuthEvent[] = [];
  const auth = createSnapAuth({
    baseUrl: running.url,
    clientId: 'client-otel',
    privateKey: privateKeyPem,
    clientSecret,
    channelId: '95221',
    clock,
    retry: { limit: 2, backoffLimitMs: 20 },
    telemetry: { tracer: tracerProvider.getTracer('payauth-test'), meter: meterProvider.getMeter('payauth-test') },
    // The user's handler's own result (a thrown error, a rejected promise) is handed back as it is.
    onEvent: (event) => {
      events.push(event);
      return options.onEvent?.(event);
    },
  });
  return { auth, sandbox, events };
}

type Points = { attributes: Record<string, unknown>; value: unknown }[];
async function metric(name: string): Promise<Points> {
  await reader.forceFlush();
  const batches = metricExporter.getMetrics();
  const latest = batches.at(-1);
  for (const scope of latest?.scopeMetrics ?? []) {
    for (const found of scope.metrics) {
      if (found.descriptor.name === name) return found.dataPoints as unknown as Points;
    }
  }
  return [];
}
const sumWhere = (points: Points, attributes: Record<string, unknown>) =>
  points
    .filter((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))
    .reduce((total, point) => total + (point.value as number), 0);

describe('OpenTelemetry spans and metrics of a SNAP client', () => {
  it('a token fetch, a clock-skew retry, a rejected token and service calls', async () => {
    const { auth, sandbox, events } = await setup({ skewMs: -10 * MINUTES });
    await auth.getToken();
    await auth.ky.post('v1.0/balance-inquiry', { json: { partnerReferenceNo: 'p-1' } }).json();
    sandbox.expireTokens(); // the next call's token is rejected: dropped, fetched again, call re-sent
    await auth.ky.post('v1.0/balance-inquiry', { json: { partnerReferenceNo: 'p-2' } }).json();

    const finished = spans.getFinishedSpans();
    const tokenSpans = finished.filter((span) => span.name === 'payauth.token.fetch');
    expect(tokenSpans.map((span) => span.attributes['payauth.token.reason'])).toEqual(['initial', 'rejected']);
    expect(tokenSpans.every((span) => span.attributes['payauth.provider'] === 'snap')).toBe(true);

    const tokenAttempts = finished.filter((span) => span.name === 'POST /v1.0/access-token/b2b');
    expect(tokenAttempts).toHaveLength(3);
    const [rejected, resigned] = tokenAttempts;
    expect(rejected?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'url.path': '/v1.0/access-token/b2b',
      'http.response.status_code': 400,
      'error.type': '400',
    });
    expect(rejected?.status.code).toBe(2);
    expect(resigned?.attributes).toMatchObject({
      'http.response.status_code': 200,
      'http.request.resend_count': 1,
      'payauth.retry.cause': 'clock-skew',
    });
    expect(resigned?.attributes['error.type']).toBeUndefined();
    expect(typeof resigned?.attributes['server.port']).toBe('number');
    // The attempt span lies inside the token-fetch span.
    const first = tokenSpans[0];
    expect(first && rejected && first.startTime[0] * 1e9 + first.startTime[1]).toBeLessThanOrEqual(
      rejected ? rejected.startTime[0] * 1e9 + rejected.startTime[1] : 0,
    );

    const serviceAttempts = finished.filter((span) => span.name === 'POST /v1.0/balance-inquiry');
    expect(
      serviceAttempts.map((span) => [
        span.attributes['http.response.status_code'],
        span.attributes['payauth.retry.cause'],
      ]),
    ).toEqual([
      [200, undefined],
      [401, undefined],
      [200, 'token-rejected'],
    ]);

    const fetches = await metric('payauth.token.fetches');
    expect(sumWhere(fetches, { 'payauth.provider': 'snap', 'payauth.token.reason': 'initial' })).toBe(1);
    expect(sumWhere(fetches, { 'payauth.token.reason': 'rejected', 'payauth.outcome': 'success' })).toBe(1);
    const retries = await metric('payauth.request.retries');
    expect(sumWhere(retries, { 'payauth.retry.cause': 'clock-skew' })).toBe(1);
    expect(sumWhere(retries, { 'payauth.retry.cause': 'token-rejected' })).toBe(1);
    const lookups = await metric('payauth.token.cache.lookups');
    expect(sumWhere(lookups, { 'payauth.cache.result': 'miss' })).toBe(2);
    expect(sumWhere(lookups, { 'payauth.cache.result': 'hit' })).toBeGreaterThanOrEqual(1);
    const waits = await metric('payauth.token.wait.duration');
    expect(waits.reduce((n, point) => n + (point.value as { count: number }).count, 0)).toBe(2);
    const offset = await metric('payauth.clock.offset');
    expect(offset).toHaveLength(1);
    expect(Math.abs((offset[0]?.value as number) + 600)).toBeLessThanOrEqual(1);
    const durations = await metric('http.client.request.duration');
    expect(sumWhere(durations, {}) === 0 || durations.length > 0).toBe(true);
    expect(durations.some((point) => point.attributes['http.response.status_code'] === 401)).toBe(true);

    expect(events.filter((event) => event.type === 'clock.corrected')).toHaveLength(1);

    // Secret markers: nothing printed from spans, metrics or events carries a credential.
    const markers = new Set<string>([clientSecret, ...keyBody.match(/.{1,40}/g)!]);
    for (const request of sandbox.requests.all) {
      for (const name of ['x-signature', 'authorization']) {
        const value = request.headers[name];
        if (value) markers.add(value.replace(/^Bearer /, ''));
      }
    }
    for (const event of events) if (event.type === 'request.attempt') expect(event.urlPath.includes('?')).toBe(false);
    const printed = [
      inspect(
        finished.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events })),
        { depth: 10 },
      ),
      JSON.stringify(metricExporter.getMetrics().map((batch) => batch.scopeMetrics)),
      JSON.stringify(events),
    ].join('\n');
    expect(markers.size).toBeGreaterThan(10);
    for (const secret of markers) expect(printed.includes(secret), 'a credential reached telemetry').toBe(false);
  });

  it('a refused correction: a failed token-fetch span with error.type ERR_CLOCK_SKEW, no offset recorded', async () => {
    const { auth } = await setup({ skewMs: 2 * 60 * MINUTES });
    const error = await auth.getToken().catch((e: unknown) => e);
    expect(isProviderError(error) && error.code).toBe('ERR_CLOCK_SKEW');
    const [span] = spans.getFinishedSpans().filter((s) => s.name === 'payauth.token.fetch');
    expect(span?.status.code).toBe(2);
    expect(span?.attributes).toMatchObject({ 'payauth.outcome': 'failure', 'error.type': 'ERR_CLOCK_SKEW' });
    expect(await metric('payauth.clock.offset')).toEqual([]);
    expect(sumWhere(await metric('payauth.token.fetches'), { 'payauth.outcome': 'failure' })).toBe(1);
  });
});

describe('onEvent', () => {
  it('a handler that throws, or rejects, never breaks a call', async () => {
    let calls = 0;
    const { auth, sandbox } = await setup({
      onEvent: () => {
        calls += 1;
        if (calls % 2 === 0) throw new Error('handler failure');
        return Promise.reject(new Error('async handler failure')) as unknown as undefined;
      },
    });
    const answer = await auth.ky.post('v1.0/balance-inquiry', { json: { partnerReferenceNo: 'p-3' } }).json();
    expect(answer).toMatchObject({ responseCode: '2001100' });
    const response = await auth.fetch('v1.0/balance-inquiry', { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(calls).toBeGreaterThan(4);
    expect(sandbox.requests.all).toHaveLength(3);
    // OpenTelemetry still got everything, the throwing handler beside it notwithstanding.
    expect(spans.getFinishedSpans().filter((span) => span.name.startsWith('POST '))).toHaveLength(3);
  });

  it('is validated: a non-function is a ConfigError naming the field', () => {
    expect(() =>
      createSnapAuth({
        baseUrl: 'https://sandbox.example',
        clientId: 'c',
        privateKey: privateKeyPem,
        clientSecret,
        onEvent: 'log' as never,
      }),
    ).toThrow(/onEvent: expected an event handler function/);
    expect(() =>
      createSnapAuth({
        baseUrl: 'https://sandbox.example',
        clientId: 'c',
        privateKey: privateKeyPem,
        clientSecret,
        telemetry: { tracer: {} } as never,
      }),
    ).toThrow(/telemetry: expected \{ tracer\?, meter\? \}/);
  });
});
