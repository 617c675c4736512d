import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { SignatureError } from '../errors/errors.js';
import { eventHandlerOf } from '../options/validate.js';
import { createClockCorrection } from '../time/clock-correction.js';
import { createTokenManager } from '../token/token-manager.js';
import {
  type AuthEvent,
  combineHandlers,
  emitServerHandle,
  emitTo,
  emitVerification,
  pathTemplate,
  reportVerification,
  startTimer,
  targetOf,
} from './events.js';

const T = Date.parse('2026-03-02T03:00:00Z');

describe('clock correction', () => {
  it('learns the Date header offset within the bound, ignores what cannot be the cause, refuses beyond', () => {
    let now = T;
    const events: AuthEvent[] = [];
    const correction = createClockCorrection({ clock: () => now, provider: 'p', onEvent: (e) => void events.push(e) });
    expect(correction.learn(null)).toEqual({ action: 'none' });
    expect(correction.learn('2026-03-02T02:50:00Z')).toEqual({ action: 'none' }); // not an HTTP-date
    expect(correction.learn(new Date(T).toUTCString())).toEqual({ action: 'none' }); // agrees
    expect(correction.learn(new Date(T - 600_000).toUTCString())).toEqual({
      action: 'corrected',
      offsetMs: -599_500,
      previousOffsetMs: 0,
    });
    expect(correction.now()).toBe(T - 599_500);
    now += 1000;
    expect(correction.learn(new Date(T - 599_000).toUTCString())).toEqual({ action: 'none' }); // same offset
    expect(correction.learn(new Date(T + 2 * 3_600_000).toUTCString())).toMatchObject({ action: 'refused' });
    expect(correction.offsetMs()).toBe(-599_500);
    expect(events.map((e) => e.type)).toEqual(['clock.corrected', 'clock.refused']);
    const off = createClockCorrection({ clock: () => now, provider: 'p', maxOffsetMs: 0 });
    expect(off.learn(new Date(T - 600_000).toUTCString())).toEqual({ action: 'none' });
  });
});

describe('events', () => {
  it('path templates drop the query and identifiers', () => {
    expect(pathTemplate('/v1.0/balance-inquiry')).toBe('/v1.0/balance-inquiry');
    expect(pathTemplate('/orders/123456/items/6f1c2a9e-1b2c-4d5e-8f90-1234567890ab')).toBe('/orders/{id}/items/{id}');
    expect(pathTemplate('/t/eyJhbGciOiJSUzI1NiJ9abcdefgh')).toBe('/t/{id}');
    expect(targetOf(new URL('https://api.example/v1/pay?token=abc'))).toEqual({
      serverAddress: 'api.example',
      serverPort: 443,
      urlPath: '/v1/pay',
    });
  });

  it('a throwing or rejecting handler is isolated from the others and from the caller', async () => {
    const got: string[] = [];
    const handler = combineHandlers(
      () => {
        throw new Error('boom');
      },
      () => Promise.reject(new Error('async boom')) as unknown as undefined,
      (event) => void got.push(event.type),
    );
    emitTo(handler, { type: 'token.cache', provider: 'p', startTime: 0, result: 'hit' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(got).toEqual(['token.cache']);
    expect(combineHandlers(undefined)).toBeUndefined();
  });

  it('the token manager reports reasons: initial, forced, rejected, expired', async () => {
    let now = T;
    const events: AuthEvent[] = [];
    let n = 0;
    const tokens = createTokenManager({
      key: 'k',
      provider: 'p',
      clock: () => now,
      fetchToken: async () => ({ token: `tok-${++n}`, expiresAt: now + 900_000 }),
      onEvent: (e) => void events.push(e),
    });
    await tokens.getToken();
    await tokens.getToken({ forceRefresh: true });
    await tokens.invalidate();
    await tokens.getToken();
    now += 900_000;
    await tokens.getToken();
    const reasons = events.flatMap((e) => (e.type === 'token.fetch' ? [[e.reason, e.outcome]] : []));
    expect(reasons).toEqual([
      ['initial', 'success'],
      ['forced', 'success'],
      ['rejected', 'success'],
      ['expired', 'success'],
    ]);
    expect(events.filter((e) => e.type === 'token.wait')).toHaveLength(4);
  });
});

describe('incoming messages', () => {
  it('eventHandlerOf: undefined without onEvent or telemetry; one handler per onEvent and tracer, whatever object carries them', () => {
    expect(eventHandlerOf({})).toBeUndefined();
    expect(eventHandlerOf({ onEvent: undefined, telemetry: undefined })).toBeUndefined();
    const onEvent = () => {};
    const tracer = new BasicTracerProvider().getTracer('t');
    expect(eventHandlerOf({ onEvent })).toBe(eventHandlerOf({ onEvent }));
    expect(eventHandlerOf({ onEvent, telemetry: { tracer } })).toBe(eventHandlerOf({ telemetry: { tracer }, onEvent }));
    expect(eventHandlerOf({ onEvent, telemetry: { tracer } })).not.toBe(eventHandlerOf({ onEvent }));
    expect(eventHandlerOf({ telemetry: {} })).toBeUndefined();
  });

  it('emitVerification: signature.failed by check before a refused notification.verify; a pass has none', () => {
    const events: AuthEvent[] = [];
    const handler = (event: AuthEvent) => void events.push(event);
    const timer = startTimer();
    emitVerification(handler, 'p', timer, { duplicate: true });
    emitVerification(handler, 'p', timer, {
      error: new SignatureError('ERR_REPLAYED', 'seen before', 'replay'),
    });
    emitVerification(handler, 'p', timer, { error: new TypeError('not a signature failure') });
    expect(events.map((e) => [e.type, 'check' in e ? e.check : undefined])).toEqual([
      ['notification.verify', undefined],
      ['signature.failed', 'replay'],
      ['notification.verify', 'replay'],
      ['notification.verify', undefined],
    ]);
    expect(events[0]).toMatchObject({ outcome: 'success', duplicate: true, provider: 'p' });
    expect(events[2]).toMatchObject({ outcome: 'failure', errorCode: 'ERR_REPLAYED' });
    expect(events[3]).toMatchObject({ outcome: 'failure' });
    expect(events[3] && 'errorCode' in events[3]).toBe(false);
  });

  it('emitServerHandle: a path template without the query; a SERVER span that is an error for a 5xx only', () => {
    const events: AuthEvent[] = [];
    const spans = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }).getTracer('t');
    const handler = combineHandlers((event) => void events.push(event), eventHandlerOf({ telemetry: { tracer } }));
    const answered = (status: number, refused?: { check: 'signature'; code: 'ERR_SIGNATURE_MISMATCH' }) =>
      emitServerHandle(handler, 'p', startTimer(), {
        method: 'post',
        url: 'https://shop.example/v1/orders/1234567/pay?token=abc',
        status,
        responseCode: `${status}2500`,
        serviceCode: '25',
        refused,
      });
    answered(200);
    answered(401, { check: 'signature', code: 'ERR_SIGNATURE_MISMATCH' });
    answered(503);
    expect(events.map((e) => e.type)).toEqual(['server.handle', 'signature.failed', 'server.handle', 'server.handle']);
    expect(events[0]).toMatchObject({ method: 'POST', urlPath: '/v1/orders/{id}/pay', outcome: 'success' });
    expect(events[2]).toMatchObject({ status: 401, outcome: 'failure', check: 'signature', errorType: '401' });
    expect(spans.getFinishedSpans().map((span) => [span.name, span.kind, span.status.code])).toEqual([
      ['POST /v1/orders/{id}/pay', 1, 0],
      ['POST /v1/orders/{id}/pay', 1, 0],
      ['POST /v1/orders/{id}/pay', 1, 2],
    ]);
  });
});

describe('reportVerification', () => {
  it('without a handler returns the verification itself; with one reports success, duplicate and refusal', async () => {
    const verified = Promise.resolve({ duplicate: false });
    expect(reportVerification(undefined, 'p', () => verified)).toBe(verified);

    const events: AuthEvent[] = [];
    const handler = (event: AuthEvent) => void events.push(event);
    expect(await reportVerification(handler, 'p', async () => ({ duplicate: true, body: 'x' }))).toEqual({
      duplicate: true,
      body: 'x',
    });
    const refusal = new SignatureError('ERR_SIGNATURE_MISMATCH', 'the signature does not match', 'signature');
    await expect(
      reportVerification(handler, 'p', async () => {
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(events.map((event) => [event.type, 'outcome' in event ? event.outcome : undefined])).toEqual([
      ['notification.verify', 'success'],
      ['signature.failed', undefined],
      ['notification.verify', 'failure'],
    ]);
    expect(events[0]).toMatchObject({ provider: 'p', duplicate: true });
    expect(events[2]).toMatchObject({ check: 'signature', errorCode: 'ERR_SIGNATURE_MISMATCH' });
  });
});
