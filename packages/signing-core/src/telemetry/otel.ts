/**
 * OpenTelemetry spans and metrics, built from the event stream (`events.ts`), so that `onEvent`
 * and OpenTelemetry always report the same things.
 *
 * The toolkit never imports `@opentelemetry/api` (docs/decisions.md, "Telemetry without importing
 * OpenTelemetry"): the caller passes a tracer and/or a meter (`trace.getTracer('payauth')`,
 * `metrics.getMeter('payauth')`), and these structural types describe the few methods used, so
 * the packages load unchanged where the API is not installed (Bun, Deno, workerd included).
 *
 * Spans are made when an event reports finished work, with its real start time and duration:
 * - `payauth.token.fetch` (INTERNAL): `payauth.provider`, `payauth.token.reason`;
 * - `{METHOD} {url.template}` (CLIENT), one per attempt of a call, with the HTTP semantic
 *   conventions' `http.request.method`, `server.address`, `server.port`, `url.path` (the path
 *   template: no query, identifiers replaced by `{id}`), `url.template`,
 *   `http.response.status_code`, `error.type`, `http.request.resend_count`, and
 *   `payauth.retry.cause`;
 * - `payauth.notification.verify` (INTERNAL): `payauth.outcome`, `payauth.signature.check` (the
 *   check that refused it), `error.type`, `payauth.notification.duplicate`;
 * - the server kit's `{METHOD} {http.route}` (SERVER): `http.request.method`, `http.route` and
 *   `url.path` (the path template), `http.response.status_code`, `error.type` (the status of a
 *   4xx/5xx), `payauth.outcome`, `payauth.response_code`, `payauth.service_code`,
 *   `payauth.signature.check`; status ERROR for a 5xx only (a refused call is the server working).
 * A failed client or internal span has status ERROR and `error.type`. Attributes are names, numbers and codes only:
 * never a key, secret, token, signature, header value, body or query.
 *
 * Metrics (OpenTelemetry units: seconds for durations):
 * - `payauth.token.fetches` (counter): by `payauth.provider`, `payauth.token.reason`, `payauth.outcome`;
 * - `payauth.token.refresh_failures` (counter): background refreshes that failed;
 * - `payauth.token.cache.lookups` (counter): by `payauth.cache.result` (`hit` or `miss`);
 * - `payauth.token.wait.duration` (histogram, s): time callers waited for a token;
 * - `payauth.request.retries` (counter): by `payauth.retry.cause`;
 * - `payauth.signature.failures` (counter): by `payauth.signature.check`;
 * - `payauth.clock.offset` (gauge, s): the learned offset, provider time minus this clock;
 * - `http.client.request.duration` (histogram, s): per attempt, with the HTTP attributes above;
 * - `http.server.request.duration` (histogram, s): per request the server kit answered.
 */
import type { AuthEvent, AuthEventHandler } from './events.js';

/** Attribute values, as OpenTelemetry's `Attributes`. */
export type TelemetryAttributes = Record<string, string | number | boolean | undefined>;

/** The part of an OpenTelemetry `Span` used here. */
export interface TelemetrySpan {
  setStatus(status: { code: number; message?: string }): unknown;
  end(endTime?: number): void;
}

/** The part of an OpenTelemetry `Tracer` used here (`trace.getTracer(name)` is one). */
export interface TelemetryTracer {
  startSpan(
    name: string,
    options?: { kind?: number; attributes?: TelemetryAttributes; startTime?: number },
  ): TelemetrySpan;
}

interface InstrumentOptions {
  description?: string;
  unit?: string;
}

/** The part of an OpenTelemetry `Meter` used here (`metrics.getMeter(name)` is one). */
export interface TelemetryMeter {
  createCounter(
    name: string,
    options?: InstrumentOptions,
  ): { add(value: number, attributes?: TelemetryAttributes): void };
  createHistogram(
    name: string,
    options?: InstrumentOptions,
  ): { record(value: number, attributes?: TelemetryAttributes): void };
  /** Synchronous gauge (`@opentelemetry/api` ≥ 1.9); without it the clock offset is not recorded. */
  createGauge?(
    name: string,
    options?: InstrumentOptions,
  ): { record(value: number, attributes?: TelemetryAttributes): void };
}

/** The `telemetry` option: an OpenTelemetry tracer, meter, or both. */
export interface TelemetryOptions {
  tracer?: TelemetryTracer | undefined;
  meter?: TelemetryMeter | undefined;
}

// OpenTelemetry's numeric enums, written out so the API need not be imported.
const SPAN_KIND_INTERNAL = 0;
const SPAN_KIND_SERVER = 1;
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

/** An `onEvent` handler that records spans and metrics with the given tracer and meter. */
export function openTelemetryHandler(options: TelemetryOptions): AuthEventHandler {
  const { tracer, meter } = options;
  const fetches = meter?.createCounter('payauth.token.fetches', {
    description: 'Token requests made to the provider, by reason and outcome',
  });
  const refreshFailures = meter?.createCounter('payauth.token.refresh_failures', {
    description: 'Background token refreshes that failed (the current token stayed in use)',
  });
  const lookups = meter?.createCounter('payauth.token.cache.lookups', {
    description: 'getToken() calls served from the cache (hit) or that waited for a token (miss)',
  });
  const wait = meter?.createHistogram('payauth.token.wait.duration', {
    description: 'Time callers spent waiting for a token',
    unit: 's',
  });
  const retries = meter?.createCounter('payauth.request.retries', {
    description: 'Attempts made after the first one of a call, by cause',
  });
  const signatureFailures = meter?.createCounter('payauth.signature.failures', {
    description: 'Incoming signatures that failed verification, by check',
  });
  const offset = meter?.createGauge?.('payauth.clock.offset', {
    description: "Learned clock offset: the provider's time minus this machine's clock",
    unit: 's',
  });
  const attemptDuration = meter?.createHistogram('http.client.request.duration', {
    description: 'Duration of each HTTP attempt to the provider',
    unit: 's',
  });
  const serverDuration = meter?.createHistogram('http.server.request.duration', {
    description: 'Duration of each request a server kit (SNAP) answered',
    unit: 's',
  });

  const span = (
    name: string,
    kind: number,
    event: { startTime: number; durationMs: number },
    attributes: TelemetryAttributes,
    failed: boolean,
  ) => {
    if (!tracer) return;
    const created = tracer.startSpan(name, { kind, attributes, startTime: event.startTime });
    if (failed) created.setStatus({ code: STATUS_ERROR });
    created.end(event.startTime + event.durationMs);
  };

  return (event: AuthEvent) => {
    const provider = { 'payauth.provider': event.provider };
    switch (event.type) {
      case 'token.fetch': {
        const attributes = {
          ...provider,
          'payauth.token.reason': event.reason,
          'payauth.outcome': event.outcome,
          ...(event.errorCode === undefined ? {} : { 'error.type': event.errorCode }),
        };
        fetches?.add(1, attributes);
        span('payauth.token.fetch', SPAN_KIND_INTERNAL, event, attributes, event.outcome === 'failure');
        return;
      }
      case 'token.cache':
        lookups?.add(1, { ...provider, 'payauth.cache.result': event.result });
        return;
      case 'token.wait':
        wait?.record(event.durationMs / 1000, { ...provider, 'payauth.outcome': event.outcome });
        return;
      case 'token.refresh-failed':
        refreshFailures?.add(1, {
          ...provider,
          ...(event.errorCode === undefined ? {} : { 'error.type': event.errorCode }),
        });
        return;
      case 'request.attempt': {
        const http: TelemetryAttributes = {
          'http.request.method': event.method,
          'server.address': event.serverAddress,
          'server.port': event.serverPort,
          ...(event.status === undefined ? {} : { 'http.response.status_code': event.status }),
          ...(event.errorType === undefined ? {} : { 'error.type': event.errorType }),
        };
        attemptDuration?.record(event.durationMs / 1000, { ...provider, ...http, 'url.template': event.urlPath });
        if (event.retryCause !== undefined) retries?.add(1, { ...provider, 'payauth.retry.cause': event.retryCause });
        span(
          `${event.method} ${event.urlPath}`,
          SPAN_KIND_CLIENT,
          event,
          {
            ...provider,
            ...http,
            'url.path': event.urlPath,
            'url.template': event.urlPath,
            ...(event.attempt > 0 ? { 'http.request.resend_count': event.attempt } : {}),
            ...(event.retryCause === undefined ? {} : { 'payauth.retry.cause': event.retryCause }),
          },
          event.errorType !== undefined,
        );
        return;
      }
      case 'signature.failed':
        signatureFailures?.add(1, { ...provider, 'payauth.signature.check': event.check });
        return;
      case 'notification.verify':
        span(
          'payauth.notification.verify',
          SPAN_KIND_INTERNAL,
          event,
          {
            ...provider,
            'payauth.outcome': event.outcome,
            ...(event.check === undefined ? {} : { 'payauth.signature.check': event.check }),
            ...(event.errorCode === undefined ? {} : { 'error.type': event.errorCode }),
            ...(event.duplicate === undefined ? {} : { 'payauth.notification.duplicate': event.duplicate }),
          },
          event.outcome === 'failure',
        );
        return;
      case 'server.handle': {
        const http: TelemetryAttributes = {
          'http.request.method': event.method,
          'http.route': event.urlPath,
          'http.response.status_code': event.status,
          ...(event.errorType === undefined ? {} : { 'error.type': event.errorType }),
        };
        serverDuration?.record(event.durationMs / 1000, { ...provider, ...http });
        span(
          `${event.method} ${event.urlPath}`,
          SPAN_KIND_SERVER,
          event,
          {
            ...provider,
            ...http,
            'url.path': event.urlPath,
            'payauth.outcome': event.outcome,
            ...(event.responseCode === undefined ? {} : { 'payauth.response_code': event.responseCode }),
            ...(event.serviceCode === undefined ? {} : { 'payauth.service_code': event.serviceCode }),
            ...(event.check === undefined ? {} : { 'payauth.signature.check': event.check }),
          },
          // HTTP semantic conventions: a SERVER span is an error for a 5xx, not for a refused 4xx.
          event.status >= 500,
        );
        return;
      }
      case 'clock.corrected':
        offset?.record(event.offsetMs / 1000, provider);
        return;
      case 'clock.refused':
        return;
    }
  };
}
