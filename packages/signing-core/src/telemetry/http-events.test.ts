// The HTTP client's events over real HTTP on 127.0.0.1: one `request.attempt` per attempt with the
// cause of each retry (status, rate limit, timeout, network, clock skew), the clock correction
// learned from an answer's Date header (re-signed once, or refused past the bound), and the same
// events as OpenTelemetry spans and metrics (the real SDKs, in-memory exporters).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isProviderError } from '../errors/errors.js';
import { createHttpClient, type FailureDescriber } from '../http/http-client.js';
import { eventHandlerOf } from '../options/validate.js';
import { createClockCorrection } from '../time/clock-correction.js';
import type { AuthEvent } from './events.js';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let baseUrl: string;
let script: Answer[] = [];
const seen: Array<{ timestamp: string | undefined }> = [];

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
const stall: Answer = () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ timestamp: req.headers['x-timestamp'] as string | undefined });
      (script.shift() ?? json(200, { ok: true }))(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  script = [];
  seen.length = 0;
});

const attempts = (events: AuthEvent[]) =>
  events
    .filter((event) => event.type === 'request.attempt')
    .map((event) => {
      const { attempt, retryCause, status, errorType, method, serverAddress, urlPath } = event as Extract<
        AuthEvent,
        { type: 'request.attempt' }
      >;
      return { attempt, retryCause, status, errorType, method, serverAddress, urlPath };
    });

const retry = { limit: 1, backoffLimitMs: 10, methods: ['get', 'post'] };

describe('request.attempt events of the ky client', () => {
  it('a 503 then a 200: two attempts, the second caused by the status', async () => {
    const events: AuthEvent[] = [];
    const client = createHttpClient({ provider: 'test', baseUrl, retry, onEvent: (e) => void events.push(e) });
    script = [json(503, { error: 'busy' }), json(200, { ok: true })];
    expect(await client.ky.get('orders/123456/status?token=abc').json()).toEqual({ ok: true });
    expect(attempts(events)).toEqual([
      {
        attempt: 0,
        retryCause: undefined,
        status: 503,
        errorType: '503',
        method: 'GET',
        serverAddress: '127.0.0.1',
        urlPath: '/orders/{id}/status',
      },
      {
        attempt: 1,
        retryCause: 'status',
        status: 200,
        errorType: undefined,
        method: 'GET',
        serverAddress: '127.0.0.1',
        urlPath: '/orders/{id}/status',
      },
    ]);
  });

  it('a 429 is a rate-limited retry; a stalled answer a timeout; a closed origin a network failure', async () => {
    const events: AuthEvent[] = [];
    const onEvent = (event: AuthEvent) => void events.push(event);
    const client = createHttpClient({ provider: 'test', baseUrl, retry, timeoutMs: 200, onEvent });
    script = [json(429, {}, { 'retry-after': '0' }), json(200, { ok: true })];
    await client.ky.get('limited').json();
    expect(attempts(events).map(({ attempt, retryCause }) => [attempt, retryCause])).toEqual([
      [0, undefined],
      [1, 'rate-limited'],
    ]);

    events.length = 0;
    script = [stall, json(200, { ok: true })];
    await client.ky.get('slow').json();
    expect(attempts(events).map(({ retryCause, errorType }) => [retryCause, errorType])).toEqual([
      [undefined, 'ERR_TIMEOUT'],
      ['timeout', undefined],
    ]);

    events.length = 0;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = createHttpClient({ provider: 'test', baseUrl: closedUrl, retry, onEvent });
    await expect(nowhere.ky.get('x').json()).rejects.toMatchObject({ code: 'ERR_NETWORK' });
    expect(attempts(events).map(({ retryCause, errorType }) => [retryCause, errorType])).toEqual([
      [undefined, 'ERR_NETWORK'],
      ['network', 'ERR_NETWORK'],
    ]);
  });

  it('a throwing handler does not break the call', async () => {
    const client = createHttpClient({
      provider: 'test',
      baseUrl,
      onEvent: () => {
        throw new Error('handler bug');
      },
    });
    expect(await client.ky.get('ok').json()).toEqual({ ok: true });
  });
});

describe('clock skew', () => {
  const T = Date.parse('2026-03-02T03:00:00Z');
  const timestampRejected: FailureDescriber = ({ status, body }) =>
    status === 400 && (body as { code?: string }).code === 'BAD_TIMESTAMP'
      ? { providerCode: 'BAD_TIMESTAMP', timestampRejected: true }
      : undefined;
  /** A client whose clock is 10 minutes ahead of the provider's, signing X-TIMESTAMP with the correction. */
  const skewedClient = (events: AuthEvent[]) => {
    const onEvent = (event: AuthEvent) => void events.push(event);
    const correction = createClockCorrection({ clock: () => T + 600_000, provider: 'test', onEvent });
    const client = createHttpClient({
      provider: 'test',
      baseUrl,
      retry: { limit: 1, backoffLimitMs: 10, methods: ['get'] },
      describeError: ({ status, body }) => {
        const description = timestampRejected({ status, body, text: '', headers: new Headers() });
        return description instanceof Promise ? undefined : description;
      },
      clockCorrection: correction,
      onEvent,
    });
    const sign = () => ({ 'x-timestamp': new Date(correction.now()).toISOString() });
    return { client, correction, sign };
  };
  const providerDate = new Date(T).toUTCString();

  it('ky: learns the offset from the Date header and re-signs once; the next call is right at once', async () => {
    const events: AuthEvent[] = [];
    const { client, correction, sign } = skewedClient(events);
    const signed = client.signed({ sign });
    script = [json(400, { code: 'BAD_TIMESTAMP' }, { date: providerDate }), json(200, { ok: true })];
    expect(await signed.get('pay').json()).toEqual({ ok: true });
    expect(seen.map((request) => request.timestamp)).toEqual([
      new Date(T + 600_000).toISOString(),
      // The Date header has whole seconds: the correction takes the middle of that second.
      new Date(T + 500).toISOString(),
    ]);
    expect(correction.offsetMs()).toBe(-599_500);
    expect(events.map((event) => event.type)).toContain('clock.corrected');
    expect(attempts(events).map(({ retryCause, status }) => [retryCause, status])).toEqual([
      [undefined, 400],
      ['clock-skew', 200],
    ]);
  });

  it('requestJson: the request is built and signed again with the corrected clock', async () => {
    const events: AuthEvent[] = [];
    const { client, correction } = skewedClient(events);
    script = [json(400, { code: 'BAD_TIMESTAMP' }, { date: providerDate }), json(200, { token: 't' })];
    const answer = await client.requestJson({
      method: 'POST',
      path: '/token',
      build: () => ({ body: '{}', headers: { 'x-timestamp': new Date(correction.now()).toISOString() } }),
      describeFailure: timestampRejected,
    });
    expect(answer.data).toEqual({ token: 't' });
    expect(seen.map((request) => request.timestamp)).toEqual([
      new Date(T + 600_000).toISOString(),
      // The Date header has whole seconds: the correction takes the middle of that second.
      new Date(T + 500).toISOString(),
    ]);
    expect(attempts(events).map(({ attempt, retryCause }) => [attempt, retryCause])).toEqual([
      [0, undefined],
      [1, 'clock-skew'],
    ]);
  });

  it('a Date header 2 hours off is refused: ERR_CLOCK_SKEW after one request, the clock unchanged', async () => {
    const events: AuthEvent[] = [];
    const { client, correction, sign } = skewedClient(events);
    const farOff = { date: new Date(T - 2 * 3_600_000).toUTCString() };
    script = [json(400, { code: 'BAD_TIMESTAMP' }, farOff)];
    const error = await client
      .signed({ sign })
      .get('pay')
      .json()
      .catch((caught: unknown) => caught);
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_CLOCK_SKEW', status: 400 });
    expect(seen).toHaveLength(1);
    expect(correction.offsetMs()).toBe(0);
    expect(events.map((event) => event.type)).toContain('clock.refused');

    script = [json(400, { code: 'BAD_TIMESTAMP' }, farOff)];
    const refused = await client
      .requestJson({ method: 'POST', path: '/token', body: '{}', describeFailure: timestampRejected })
      .catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ code: 'ERR_CLOCK_SKEW' });
  });
});

describe('the same events as OpenTelemetry spans and metrics', () => {
  it('one CLIENT span per attempt with the HTTP attribute names, and retries counted by cause', async () => {
    const spans = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }).getTracer('test');
    const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter: metrics, exportIntervalMillis: 60_000 });
    const meter = new MeterProvider({ readers: [reader] }).getMeter('test');
    const onEvent = eventHandlerOf({ telemetry: { tracer, meter } });
    expect(onEvent).toBeTypeOf('function');
    const client = createHttpClient({ provider: 'test', baseUrl, retry, onEvent });
    script = [json(503, {}), json(200, { ok: true })];
    await client.ky.get('v1.0/balance-inquiry').json();

    const finished = spans.getFinishedSpans();
    expect(finished).toHaveLength(2);
    expect(finished[0]?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'url.path': '/v1.0/balance-inquiry',
      'http.response.status_code': 503,
      'error.type': '503',
    });
    expect(finished[1]?.attributes).toMatchObject({ 'http.response.status_code': 200 });
    await reader.forceFlush();
    const names = metrics
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics.map((m) => m.descriptor.name)));
    expect(names).toContain('http.client.request.duration');
    expect(names).toContain('payauth.request.retries');
    await reader.shutdown();
  });
});
