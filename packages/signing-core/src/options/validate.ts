/**
 * Up-front option validation with valibot. Schemas write their messages as the *expected*
 * description (`v.string('a non-empty string')`), and `validateOptions` turns every issue
 * into `path: expected …, received <type>`. The received *value* is never shown: options
 * hold secrets.
 */

import * as v from 'valibot';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import type { RedirectPolicy } from '../http/bounded-fetch.js';
import type { RetryOptions } from '../http/retry-policy.js';
import type { Logger } from '../logger/logger.js';
import { type AuthEventHandler, combineHandlers } from '../telemetry/events.js';
import { openTelemetryHandler, type TelemetryOptions } from '../telemetry/otel.js';
import type { Clock } from '../time/clock.js';
import { type ClockCorrection, createClockCorrection } from '../time/clock-correction.js';
import type { TokenStore } from '../token/token-store.js';
import { isRecord } from '../values/values.js';

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  if (value instanceof Date) return 'a Date';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return value.length === 0
        ? 'an empty string'
        : `a string of ${value.length} character${value.length === 1 ? '' : 's'}`;
    case 'number':
      return Number.isNaN(value) ? 'NaN' : 'a number';
    case 'object':
      return 'an object';
    case 'function':
      return 'a function';
    default:
      return `a ${typeof value}`;
  }
}

/**
 * The expected text of the schema at `path`: its own message (schemas here are written with
 * the expected text as their message), looking through `optional` wrappers and pipes.
 */
function expectedAt(schema: unknown, path: readonly PropertyKey[]): string | undefined {
  let current = schema as Record<string, unknown> | undefined;
  const unwrap = () => {
    for (let guard = 0; current && guard < 8; guard++) {
      if (Array.isArray(current.pipe)) current = current.pipe[0] as Record<string, unknown>;
      else if (current.wrapped && typeof current.wrapped === 'object')
        current = current.wrapped as Record<string, unknown>;
      else break;
    }
  };
  for (const key of path) {
    unwrap();
    const entries = current?.entries as Record<PropertyKey, unknown> | undefined;
    current = entries?.[key] as Record<string, unknown> | undefined;
  }
  unwrap();
  return typeof current?.message === 'string' ? current.message : undefined;
}

/** The option names an object schema at `path` knows. */
function knownKeys(schema: unknown, path: readonly PropertyKey[]): string[] {
  let current = schema as Record<string, unknown> | undefined;
  for (let i = 0; i <= path.length; i++) {
    for (let guard = 0; current && guard < 8; guard++) {
      if (Array.isArray(current.pipe)) current = current.pipe[0] as Record<string, unknown>;
      else if (current.wrapped && typeof current.wrapped === 'object')
        current = current.wrapped as Record<string, unknown>;
      else break;
    }
    const entries = current?.entries as Record<PropertyKey, unknown> | undefined;
    if (i === path.length) return entries ? Object.keys(entries) : [];
    // A list (`v.array(item)`): every index has the item's schema.
    const item = current?.item as Record<string, unknown> | undefined;
    current = (
      entries === undefined && item !== undefined && typeof path[i] === 'number'
        ? item
        : entries?.[path[i] as PropertyKey]
    ) as Record<string, unknown> | undefined;
  }
  return [];
}

/**
 * The known name closest to `name`, if it is close enough to be a typo: case-insensitive
 * optimal-string-alignment distance (a swap of two neighbours counts once) of at most a third of
 * the name's length, at least 1, at most 3.
 */
function nearest(name: string, known: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 4;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const up = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = value;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Validates `input` against `schema`. On failure throws a `ConfigError` whose message starts
 * with `[packageName]` and lists every bad field by path with what was expected.
 */
export function validateOptions<const TSchema extends v.GenericSchema>(
  packageName: string,
  schema: TSchema,
  input: unknown,
  options: { provider?: string } = {},
): v.InferOutput<TSchema> {
  const errorOptions = options.provider === undefined ? {} : { provider: options.provider };
  if (input === null || typeof input !== 'object') {
    throw new ConfigError(
      `[${packageName}] options: expected an object, received ${typeOf(input)}`,
      [{ path: '(options)', expected: 'an object', received: typeOf(input) }],
      errorOptions,
    );
  }
  const result = v.safeParse(schema, input, { abortEarly: false });
  if (result.success) return result.output;
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const issue of result.issues) {
    const keys = (issue.path ?? []).map((item) => item.key as PropertyKey);
    const path = keys.map(String).join('.') || '(options)';
    // Unions report one issue per branch; keep the first per path.
    if (seen.has(path)) continue;
    seen.add(path);
    // valibot words a missing or unknown key with the *object's* message: word those here.
    const unknownKey = issue.type.endsWith('object') && issue.expected === 'never';
    const missingKey =
      issue.type.endsWith('object') && !unknownKey && keys.length > 0 && valueAt(input, keys) === undefined;
    const known = unknownKey ? knownKeys(schema, keys.slice(0, -1)) : [];
    const suggestion = unknownKey ? nearest(String(keys.at(-1)), known) : undefined;
    const expected = unknownKey
      ? `a known option (${known.join(', ')})`
      : missingKey
        ? (expectedAt(schema, keys) ?? issue.message)
        : issue.message;
    issues.push({
      path,
      expected,
      received: typeOf(valueAt(input, keys)),
      ...(suggestion === undefined ? {} : { suggestion }),
    });
  }
  const lines = issues.map(
    (issue) =>
      `  - ${issue.path}: expected ${issue.expected}, received ${issue.received}${issue.suggestion === undefined ? '' : ` (did you mean \`${issue.suggestion}\`?)`}`,
  );
  throw new ConfigError(
    `[${packageName}] invalid option${issues.length > 1 ? 's' : ''}:\n${lines.join('\n')}`,
    issues,
    errorOptions,
  );
}

/** Reusable schema pieces for provider option schemas. Each message is the expected description. */
export const optionSchemas = {
  /** A `TokenStore` (get, set, delete; lock optional). */
  tokenStore: () =>
    v.custom<TokenStore>(
      (value) =>
        isRecord(value) &&
        ['get', 'set', 'delete'].every((name) => typeof (value as Record<string, unknown>)[name] === 'function'),
      'a TokenStore (an object with get, set and delete)',
    ),
  /** A logger object such as `console` or a pino instance. */
  logger: () => v.custom<Logger>((value) => isRecord(value), 'a logger object (e.g. console)'),
  /**
   * A retry limit from 0 to 10, or a `RetryOptions` object whose every field is checked
   * (so `{ limit: 99 }` is refused here rather than handed to ky).
   */
  retry: (): v.GenericSchema<RetryOptions | number> => {
    const limit = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10));
    const shape = v.union([
      limit,
      v.strictObject({
        limit: v.exactOptional(v.optional(limit)),
        methods: v.exactOptional(v.optional(v.array(v.string()))),
        statusCodes: v.exactOptional(
          v.optional(v.array(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599)))),
        ),
        backoffLimitMs: v.exactOptional(v.optional(optionSchemas.milliseconds())),
        maxRetryAfterMs: v.exactOptional(v.optional(optionSchemas.milliseconds())),
      }),
    ]);
    // One message for the whole value, whichever branch or field failed.
    return v.custom<RetryOptions | number>(
      (value) => v.is(shape, value),
      'a retry limit from 0 to 10, or { limit?, methods?, statusCodes?, backoffLimitMs?, maxRetryAfterMs? }',
    );
  },
  /** A string with at least one non-space character. */
  nonEmptyString: (what = 'a non-empty string') =>
    v.pipe(
      v.string(what),
      v.check((value) => value.trim().length > 0, what),
    ),
  /** An absolute http(s) URL without query or fragment; trailing slashes removed. */
  baseUrl: () =>
    v.pipe(
      v.string('an absolute http(s) URL'),
      v.check((value) => {
        try {
          const url = new URL(value);
          return (
            (url.protocol === 'https:' || url.protocol === 'http:') &&
            !url.search &&
            !url.hash &&
            !url.username &&
            !url.password
          );
        } catch {
          return false;
        }
      }, 'an absolute http(s) URL without user:password@, query or fragment'),
      v.transform((value) => value.replace(/\/+$/, '')),
    ),
  /** A path starting with `/`. */
  path: () => v.pipe(v.string('a path starting with "/"'), v.startsWith('/', 'a path starting with "/"')),
  /** A function (fetch, clock, id generator, logger method…). */
  func: <T extends (...args: never[]) => unknown>(what = 'a function') =>
    v.custom<T>((value) => typeof value === 'function', what),
  /** A whole number within [min, max]; the message is `a whole number from <min> to <max>`. */
  wholeNumber: (min: number, max: number) => {
    const what = `a whole number from ${min} to ${max}`;
    return v.pipe(v.number(what), v.integer(what), v.minValue(min, what), v.maxValue(max, what));
  },
  /** A whole number of milliseconds within [min, max]. */
  milliseconds: (min = 0, max = 24 * 60 * 60 * 1000) =>
    v.pipe(
      v.number(`a number of milliseconds from ${min} to ${max}`),
      v.integer(`a whole number of milliseconds from ${min} to ${max}`),
      v.minValue(min, `a number of milliseconds from ${min} to ${max}`),
      v.maxValue(max, `a number of milliseconds from ${min} to ${max}`),
    ),
  /** An object with the given methods. */
  withMethods: <T>(methods: readonly string[], what: string) =>
    v.custom<T>(
      (value) =>
        value !== null &&
        typeof value === 'object' &&
        methods.every((name) => typeof (value as Record<string, unknown>)[name] === 'function'),
      what,
    ),
  /** OpenTelemetry objects: `{ tracer?, meter? }`, each checked for the methods used. */
  telemetry: () =>
    v.custom<TelemetryOptions>((value) => {
      if (!isRecord(value)) return false;
      const { tracer, meter } = value as Record<string, unknown>;
      const has = (object: unknown, names: readonly string[]) =>
        isRecord(object) && names.every((name) => typeof (object as Record<string, unknown>)[name] === 'function');
      return (
        (tracer === undefined || has(tracer, ['startSpan'])) &&
        (meter === undefined || has(meter, ['createCounter', 'createHistogram']))
      );
    }, '{ tracer?, meter? }: an OpenTelemetry tracer (startSpan) and/or meter (createCounter, createHistogram)'),
};

/**
 * The telemetry options: of every factory, and of the calls that verify what a provider sends
 * (notifications, the SNAP server kit).
 */
export interface AuthEventOptions {
  /**
   * Receives every event (token fetches, cache hits and misses, waits, each call attempt,
   * background-refresh failures, clock corrections, notification verifications, signature
   * failures, server answers), typed as `AuthEvent`. Called synchronously; what it throws is
   * ignored. Events never carry a secret.
   */
  onEvent?: AuthEventHandler | undefined;
  /** OpenTelemetry: `{ tracer: trace.getTracer('payauth'), meter: metrics.getMeter('payauth') }` (either may be left out). */
  telemetry?: TelemetryOptions | undefined;
}

/** The valibot entries for {@link AuthEventOptions}, to spread into an option schema. */
export function eventOptionEntries() {
  return {
    onEvent: v.exactOptional(v.optional(optionSchemas.func<AuthEventHandler>('an event handler function'))),
    telemetry: v.exactOptional(v.optional(optionSchemas.telemetry())),
  };
}

/** The options every provider's `create…Auth` takes for its token client, besides credentials. */
export interface TokenClientOptions extends AuthEventOptions {
  /** A `fetch` implementation. Default: the global one. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Epoch-ms clock. Default `Date.now`. */
  clock?: Clock | undefined;
  /** Where tokens are cached. Default: in memory; `@org/token-store-redis` to share between replicas. */
  tokenStore?: TokenStore | undefined;
  /** How long before expiry a background refresh starts. Default: ⅕ of the lifetime, at most 5 min. */
  refreshAheadMs?: number | undefined;
  /** A token counts as expired this long before the provider's expiry. Default: 10 s, at most ⅒ of the lifetime. */
  expiryMarginMs?: number | undefined;
  /** Deadline of one attempt, from sending to the last body byte, in ms. Default 15 s. */
  timeoutMs?: number | undefined;
  /** Deadline of one call, retries and waits included, in ms. Default 30 s. */
  totalTimeoutMs?: number | undefined;
  /** Largest response body read, in bytes. Default 4 MiB. */
  maxResponseBytes?: number | undefined;
  /** `'error'` (default): a 3xx is `ERR_REDIRECT`; `'same-origin'`: followed on the same origin, without credentials. */
  redirect?: RedirectPolicy | undefined;
  /** Retry policy, or a retry limit. */
  retry?: RetryOptions | number | undefined;
  /** Longest wait for another process's token fetch (stores with a lock), in ms. Default 30 s. */
  lockWaitMs?: number | undefined;
  /** Longest time one token fetch may hold the single-flight slot, in ms. Default 60 s. */
  tokenFetchTimeoutMs?: number | undefined;
  /** Receives store outages and background-refresh failures. Default: silent. */
  logger?: Logger | undefined;
  /**
   * The largest clock correction learned from a provider's `Date` header after it rejected a
   * timestamp, in ms; a larger one is refused (`ERR_CLOCK_SKEW`). Default 1 hour; 0 turns the
   * correction off.
   */
  maxClockSkewMs?: number | undefined;
}

/** The valibot entries for {@link TokenClientOptions}, to spread into a provider's option schema. */
export function tokenClientOptionEntries() {
  return {
    fetch: v.exactOptional(v.optional(optionSchemas.func<typeof globalThis.fetch>('a fetch function'))),
    clock: v.exactOptional(v.optional(optionSchemas.func<Clock>('a function returning epoch milliseconds'))),
    tokenStore: v.exactOptional(v.optional(optionSchemas.tokenStore())),
    refreshAheadMs: v.exactOptional(v.optional(optionSchemas.milliseconds())),
    expiryMarginMs: v.exactOptional(v.optional(optionSchemas.milliseconds())),
    timeoutMs: v.exactOptional(v.optional(optionSchemas.milliseconds(1, 300_000))),
    totalTimeoutMs: v.exactOptional(v.optional(optionSchemas.milliseconds(1, 600_000))),
    maxResponseBytes: v.exactOptional(
      v.optional(
        v.pipe(
          v.number('a whole number of bytes from 1024 to 1073741824'),
          v.integer('a whole number of bytes from 1024 to 1073741824'),
          v.minValue(1024, 'a whole number of bytes from 1024 to 1073741824'),
          v.maxValue(1024 ** 3, 'a whole number of bytes from 1024 to 1073741824'),
        ),
      ),
    ),
    redirect: v.exactOptional(v.optional(v.picklist(['error', 'same-origin'], "'error' or 'same-origin'"))),
    retry: v.exactOptional(v.optional(optionSchemas.retry())),
    lockWaitMs: v.exactOptional(v.optional(optionSchemas.milliseconds(0, 600_000))),
    tokenFetchTimeoutMs: v.exactOptional(v.optional(optionSchemas.milliseconds(1, 600_000))),
    logger: v.exactOptional(v.optional(optionSchemas.logger())),
    ...eventOptionEntries(),
    maxClockSkewMs: v.exactOptional(v.optional(optionSchemas.milliseconds(0, 24 * 60 * 60 * 1000))),
  };
}

const handlers = new WeakMap<object, AuthEventHandler | undefined>();
/** Stands for an absent tracer, meter or `onEvent` in the memo keys below. */
const NONE = {};
/** OpenTelemetry handlers by tracer, then meter: instruments are created once per pair. */
const telemetryHandlers = new WeakMap<object, WeakMap<object, AuthEventHandler>>();
/** The combined handlers by `onEvent`, then OpenTelemetry handler. */
const combined = new WeakMap<object, WeakMap<object, AuthEventHandler | undefined>>();

function memo<V>(map: WeakMap<object, WeakMap<object, V>>, first: object, second: object, make: () => V): V {
  let inner = map.get(first);
  if (inner === undefined) {
    inner = new WeakMap();
    map.set(first, inner);
  }
  if (inner.has(second)) return inner.get(second) as V;
  const value = make();
  inner.set(second, value);
  return value;
}

/**
 * The one event handler of a client's (or a call's) options: its `onEvent` and its `telemetry`
 * (OpenTelemetry) together, each isolated from the other's failures; `undefined` when neither is
 * set, without allocating anything. The same `onEvent` and the same tracer and meter always give
 * the same handler, whatever object carries them (instruments are created once), so a call that
 * builds its options anew each time costs no new handler.
 */
export function eventHandlerOf(options: AuthEventOptions): AuthEventHandler | undefined {
  const { onEvent, telemetry } = options;
  if (onEvent === undefined && telemetry === undefined) return undefined;
  if (handlers.has(options)) return handlers.get(options);
  const otel =
    telemetry && (telemetry.tracer || telemetry.meter)
      ? memo(telemetryHandlers, telemetry.tracer ?? NONE, telemetry.meter ?? NONE, () =>
          openTelemetryHandler(telemetry),
        )
      : undefined;
  const handler = memo(combined, onEvent ?? NONE, otel ?? NONE, () => combineHandlers(onEvent, otel));
  handlers.set(options, handler);
  return handler;
}

/**
 * The request-bounding options of {@link TokenClientOptions}, ready for `createHttpClient`, so a
 * provider passes every present and future transport option through without naming each one.
 */
export function httpClientOptionsOf(options: TokenClientOptions) {
  return {
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    totalTimeoutMs: options.totalTimeoutMs,
    maxResponseBytes: options.maxResponseBytes,
    redirect: options.redirect,
    onEvent: eventHandlerOf(options),
  };
}

/** A provider's shared options split for the core: `transport` for the HTTP client, `lifecycle` for the token manager. */
export interface TokenClientParts {
  readonly transport: ReturnType<typeof httpClientOptionsOf>;
  readonly lifecycle: ReturnType<typeof tokenManagerOptionsOf>;
}

/** {@link httpClientOptionsOf} and {@link tokenManagerOptionsOf} at once. */
export function tokenClientPartsOf(options: TokenClientOptions): TokenClientParts {
  return { transport: httpClientOptionsOf(options), lifecycle: tokenManagerOptionsOf(options) };
}

/** The token-lifecycle options of {@link TokenClientOptions}, ready for `createTokenManager`. */
export function tokenManagerOptionsOf(options: TokenClientOptions) {
  return {
    store: options.tokenStore,
    refreshAheadMs: options.refreshAheadMs,
    expiryMarginMs: options.expiryMarginMs,
    clock: options.clock,
    logger: options.logger,
    lockWaitMs: options.lockWaitMs,
    fetchTimeoutMs: options.tokenFetchTimeoutMs,
    onEvent: eventHandlerOf(options),
  };
}

/**
 * The client's clock correction (one per client: pass it to every HTTP client and signing fetch
 * of the client, and write every timestamp with its `now`), from the shared options.
 */
export function clockCorrectionOf(options: TokenClientOptions, provider: string): ClockCorrection {
  return createClockCorrection({
    clock: options.clock,
    maxOffsetMs: options.maxClockSkewMs,
    provider,
    logger: options.logger,
    onEvent: eventHandlerOf(options),
  });
}
