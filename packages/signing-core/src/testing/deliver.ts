/**
 * `deliver`: how the sandboxes and the CLI send a provider's call or notification to a merchant
 * and send it again, as providers do, after a non-2xx answer, a timeout or a network error. One
 * implementation for every provider: each builds its own signed `Request` per attempt (re-signed
 * or verbatim is its choice) and keeps its own report shape.
 *
 * Every attempt is bounded: one deadline over the answer's head and body, and at most
 * `maxAnswerBytes` of the body read. Redirects are not followed. Web APIs only.
 */
import * as v from 'valibot';
import { TransportError } from '../errors/errors.js';
import { optionSchemas, validateOptions } from '../options/validate.js';

/** One attempt of {@link deliver}. */
export interface DeliveryAttempt {
  /** 1 for the first delivery, 2 for the first redelivery, … */
  readonly attempt: number;
  /** `answered`: a complete answer arrived; `timeout`: not within `timeoutMs`; `network-error`: no connection or a dropped one. */
  readonly outcome: 'answered' | 'timeout' | 'network-error';
  /** The HTTP status, when the answer's head arrived (also for a body that then timed out). */
  readonly status: number | undefined;
  /** The answer's body as (lenient) UTF-8, at most `maxAnswerBytes` of it; '' unless answered. */
  readonly answer: string;
  /** Whether the body was longer than `maxAnswerBytes` (and cut there). */
  readonly truncated: boolean;
  /** For a network error: the system's error code when there is one (`ECONNREFUSED`, `ECONNRESET`, …). */
  readonly errorCode?: string | undefined;
  /** From sending to the end of the answer (or the failure), in whole milliseconds. */
  readonly durationMs: number;
}

export interface DeliverOptions {
  /** The request of attempt `attempt` (1-based), built afresh for each attempt. */
  readonly request: (attempt: number) => Request | Promise<Request>;
  /** Attempts in all, the first included, 1 to 20. Default 1. */
  readonly attempts?: number | undefined;
  /** Deadline of each attempt, over the answer's head and body. Default 10 000 ms. */
  readonly timeoutMs?: number | undefined;
  /** Wait before each redelivery. Default 0. */
  readonly delayMs?: number | undefined;
  /** Most bytes of an answer's body read. Default 1 MiB. */
  readonly maxAnswerBytes?: number | undefined;
  /** Ends the delivery: `deliver` rejects with `TransportError` `ERR_ABORTED`. */
  readonly signal?: AbortSignal | undefined;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Who delivers, for the abort error's message and `provider` (e.g. `sendFondyCallback`, `fondy`). */
  readonly name?: string | undefined;
  readonly provider?: string | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_ANSWER_BYTES = 1 << 20;

const optional = <T extends v.GenericSchema>(schema: T) => v.exactOptional(v.optional(schema));
const optionsSchema = v.strictObject({
  request: optionSchemas.func<DeliverOptions['request']>('a function (attempt) => Request'),
  attempts: optional(optionSchemas.wholeNumber(1, 20)),
  timeoutMs: optional(optionSchemas.milliseconds(1, 600_000)),
  delayMs: optional(optionSchemas.milliseconds(0, 600_000)),
  maxAnswerBytes: optional(optionSchemas.wholeNumber(1, 1 << 30)),
  signal: optional(
    optionSchemas.withMethods<AbortSignal>(['addEventListener', 'removeEventListener'], 'an AbortSignal'),
  ),
  fetch: optional(optionSchemas.func<typeof globalThis.fetch>('a fetch function')),
  name: optional(v.string('a string')),
  provider: optional(v.string('a string')),
});

/**
 * Sends the request of attempt 1, and while the answer is not a 2xx (or none came), the request
 * of the next attempt, until a 2xx or `attempts` run out. Resolves with every attempt; rejects
 * only for bad options, a `request` builder that throws, or `signal`.
 *
 * @throws {ConfigError} `ERR_CONFIG` for a missing, unknown or out-of-range option (`issues` names each).
 * @throws {TransportError} `ERR_ABORTED` when `signal` aborts (before, between or during attempts).
 */
export async function deliver(options: DeliverOptions): Promise<readonly DeliveryAttempt[]> {
  validateOptions('@org/signing-core/testing', optionsSchema, options);
  const attemptsAllowed = options.attempts ?? 1;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const delayMs = options.delayMs ?? 0;
  const maxBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const { signal } = options;
  const attempts: DeliveryAttempt[] = [];
  const aborted = () =>
    new TransportError('ERR_ABORTED', `${options.name ?? 'deliver'}: the delivery was aborted`, {
      ...(options.provider === undefined ? {} : { provider: options.provider }),
      attempts: attempts.length,
    });

  for (let attempt = 1; attempt <= attemptsAllowed; attempt += 1) {
    if (signal?.aborted) throw aborted();
    if (attempt > 1 && delayMs > 0) {
      try {
        await sleep(delayMs, signal);
      } catch {
        throw aborted();
      }
    }
    const request = await options.request(attempt);
    const started = performance.now();
    const end = endOfAttempt(timeoutMs, signal);
    let status: number | undefined;
    let result: Omit<DeliveryAttempt, 'attempt' | 'durationMs'>;
    try {
      // The wait ends at the deadline or on abort even if the runtime's fetch missed the abort
      // (Node's Request signal can lose its link to the caller's after GC: nodejs/node#55428).
      const response = await Promise.race([
        fetchImpl(new Request(request, { redirect: 'manual', signal: end.signal })),
        end.ended,
      ]);
      status = response.status;
      const { text, truncated } = await Promise.race([readAnswer(response, maxBytes), end.ended]);
      result = { outcome: 'answered', status, answer: text, truncated };
    } catch (error) {
      if (signal?.aborted) throw aborted();
      result = end.timedOut()
        ? { outcome: 'timeout', status, answer: '', truncated: false }
        : { outcome: 'network-error', status, answer: '', truncated: false, errorCode: errorCodeOf(error) };
    } finally {
      end.clear();
    }
    attempts.push({ attempt, ...result, durationMs: Math.round(performance.now() - started) });
    if (result.outcome === 'answered' && status !== undefined && status >= 200 && status < 300) break;
  }
  return attempts;
}

/**
 * One attempt's end: `signal` aborts at the deadline or when the caller's signal does, and
 * `ended` rejects then, so an attempt never outlives either; `clear()` stops the timer.
 */
function endOfAttempt(timeoutMs: number, caller: AbortSignal | undefined) {
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const ended = new Promise<never>((_, reject) => {
    const end = (reason: unknown) => {
      controller.abort(reason);
      reject(reason);
    };
    timer = setTimeout(() => {
      timedOut = true;
      end(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'));
    }, timeoutMs);
    onAbort = () => end(caller?.reason);
    caller?.addEventListener('abort', onAbort, { once: true });
  });
  // Rejected after the attempt settled (or never awaited again): nothing is left unhandled.
  ended.catch(() => {});
  return {
    signal: controller.signal,
    ended,
    timedOut: () => timedOut,
    clear() {
      clearTimeout(timer);
      if (onAbort) caller?.removeEventListener('abort', onAbort);
    },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Reads at most `maxBytes` of a body as (lenient) UTF-8, then stops reading. */
async function readAnswer(response: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (response.body === null) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value.byteLength > maxBytes - total) {
      text += decoder.decode(value.subarray(0, maxBytes - total), { stream: true });
      await reader.cancel().catch(() => {});
      return { text: text + decoder.decode(), truncated: true };
    }
    total += value.byteLength;
    text += decoder.decode(value, { stream: true });
  }
  return { text: text + decoder.decode(), truncated: false };
}

/** The system error code of a failed fetch (undici puts it on `cause`), when it looks like one. */
function errorCodeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
    current = current.cause;
  }
  return undefined;
}
