/**
 * Clock-skew correction, per client: when a provider rejects a request for its timestamp, the
 * offset between its clock and ours is read from the answer's `Date` header (RFC 9110 §6.6.1) and
 * every later timestamp this client writes is shifted by it. The same approach as the AWS SDK's
 * `systemClockOffset` (it corrects from the `Date` header of a `RequestTimeTooSkewed` answer and
 * retries) and octokit's auth-app (it reads `Date` after a JWT `iat`/`exp` rejection and retries
 * once); see docs/telemetry.md, "Clock skew".
 *
 * - The offset is bounded (`maxOffsetMs`, default 1 hour): a hostile or broken `Date` header must
 *   not move the clock far, so a larger one is refused (the call fails with `ERR_CLOCK_SKEW`) and
 *   the offset stays as it was.
 * - `Date` has a resolution of one second: a learned offset that differs from the current one by
 *   at most `MIN_CORRECTION_MS` cannot be the cause of the rejection, so nothing changes and the
 *   caller does not re-sign (the provider's error stands as it came).
 * - Every change is logged (`info`) and emitted as a `clock.corrected` event; a refusal is logged
 *   (`warn`) and emitted as `clock.refused`.
 */
import { type Logger, log } from '../logger/logger.js';
import { type AuthEventHandler, emitTo } from '../telemetry/events.js';
import type { Clock } from './clock.js';

/** The bound of a correction: one hour either way. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;
/** A correction smaller than this (the `Date` header's resolution, and then some) is not one. */
const MIN_CORRECTION_MS = 2_000;

/** What one rejection taught. */
export type ClockVerdict =
  /** The offset changed: re-sign the request once. */
  | { readonly action: 'corrected'; readonly offsetMs: number; readonly previousOffsetMs: number }
  /** The `Date` header is further off than the bound: fail with `ERR_CLOCK_SKEW`. */
  | { readonly action: 'refused'; readonly offsetMs: number; readonly maxOffsetMs: number }
  /** No usable `Date` header, or it agrees with the current offset: the rejection stands. */
  | { readonly action: 'none' };

export interface ClockCorrection {
  /** The corrected clock (this machine's clock plus the offset): use it for every timestamp sent. */
  readonly now: Clock;
  /** The current offset, provider time minus this machine's clock, in ms (0 until corrected). */
  offsetMs(): number;
  /** The bound of a correction, in ms. */
  readonly maxOffsetMs: number;
  /** Learns from the `Date` header of an answer that rejected the request's timestamp. */
  learn(dateHeader: string | null | undefined): ClockVerdict;
}

export interface ClockCorrectionOptions {
  /** This machine's clock. Default `Date.now`. */
  clock?: Clock | undefined;
  /** The largest offset accepted, in ms. Default 1 hour; 0 turns correction off. */
  maxOffsetMs?: number | undefined;
  provider: string;
  logger?: Logger | undefined;
  onEvent?: AuthEventHandler | undefined;
}

/** An RFC 9110 HTTP-date (IMF-fixdate, or the obsolete RFC 850 / asctime forms `Date.parse` reads), in epoch ms. */
function parseHttpDate(value: string | null | undefined): number | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  // Every HTTP-date form names a weekday and a month; this keeps ISO strings and numbers out.
  if (!/^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /i.test(value.trim())) return undefined;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

export function createClockCorrection(options: ClockCorrectionOptions): ClockCorrection {
  const clock = options.clock ?? Date.now;
  const maxOffsetMs = options.maxOffsetMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  const { provider, logger, onEvent } = options;
  let offset = 0;
  return {
    now: () => clock() + offset,
    offsetMs: () => offset,
    maxOffsetMs,
    learn(dateHeader) {
      const providerTime = parseHttpDate(dateHeader);
      if (providerTime === undefined || maxOffsetMs === 0) return { action: 'none' };
      const local = clock();
      // The header is truncated to the second: the provider's clock read somewhere in
      // [providerTime, providerTime + 1 s); the middle of that second is the best guess.
      const learned = Math.round(providerTime + 500 - local);
      if (Math.abs(learned) > maxOffsetMs) {
        log(logger, 'warn', "refused a clock correction: the provider's Date header is further off than the bound", {
          provider,
          offsetMs: learned,
          maxClockSkewMs: maxOffsetMs,
        });
        emitTo(onEvent, { type: 'clock.refused', provider, startTime: Date.now(), offsetMs: learned, maxOffsetMs });
        return { action: 'refused', offsetMs: learned, maxOffsetMs };
      }
      if (Math.abs(learned - offset) <= MIN_CORRECTION_MS) return { action: 'none' };
      const previousOffsetMs = offset;
      offset = learned;
      log(logger, 'info', "corrected the clock from the provider's Date header after a timestamp rejection", {
        provider,
        offsetMs: learned,
        previousOffsetMs,
      });
      emitTo(onEvent, {
        type: 'clock.corrected',
        provider,
        startTime: Date.now(),
        offsetMs: learned,
        previousOffsetMs,
      });
      return { action: 'corrected', offsetMs: learned, previousOffsetMs };
    },
  };
}
