/**
 * Answering each SNAP call once, however often it is delivered.
 *
 * A call is a duplicate when its (partner, X-EXTERNAL-ID) was seen within `recordTtlMs` (one
 * day by default), or when its X-SIGNATURE was seen while its X-TIMESTAMP is still in the window.
 * The partner is the one its token was issued to, never the unsigned X-PARTNER-ID, and the
 * signature covers the method, path, body and timestamp, so changing an unsigned header
 * (X-EXTERNAL-ID, X-PARTNER-ID, CHANNEL-ID) cannot get a call processed twice.
 *
 * Both keys are claimed in an `IdempotencyStore` (first writer wins) with the call's fingerprint,
 * the hash of `serviceCode:METHOD:path:bodyHash`:
 *
 * - a duplicate with the same fingerprint gets the stored answer and the handler does not run;
 * - a duplicate with another fingerprint (another body under the same X-EXTERNAL-ID) gets `409xx00`;
 * - a duplicate that arrives while the first copy is still being handled waits for it (up to
 *   `duplicateWaitMs`) and gets its answer; if the first is still running after that, `429xx00`
 *   with `Retry-After: 1`, so the partner retries later;
 * - when the handler throws (or answers a 5xx code), both claims are released and the partner's
 *   retry is processed; past the deadline the call is answered `504xx00` at once, but the claims
 *   are kept until the handler settles, so a retry meanwhile never runs it a second time.
 */
import { type Clock, digest, type IdempotencyStore, isRecord, type Logger, log, toHex } from '@org/signing-core';
import { sha256Hex } from '../protocol/body-hash.js';
import { parseSnapResponseCode } from '../protocol/response-code.js';
import { describeFailure, type SnapAnswer, snapAnswer } from './answers.js';
import type { VerifiedSnapCall } from './verify-request.js';

/**
 * The reply fields a handler returns; they follow `responseCode` and `responseMessage` in the
 * answer. `responseCode` (a SNAP code of the same service) and `responseMessage` override the
 * success code and message.
 */
export type SnapReply = Readonly<Record<string, unknown>>;

/** What a handler of `handle()` receives besides the verified call. */
export interface SnapHandlerContext {
  /** Aborts when the call runs past its deadline (`timeoutMs`). */
  readonly signal: AbortSignal;
}

/**
 * Handles one verified call and returns the reply fields, which follow `responseCode` and
 * `responseMessage` in the answer. A reply with its own `responseCode` (same service code, e.g.
 * `4042412` for an unknown bill) and `responseMessage` is answered with that code's HTTP status.
 */
export type SnapServiceHandler = (
  call: VerifiedSnapCall,
  context: SnapHandlerContext,
) => SnapReply | Promise<SnapReply>;

/**
 * How long a pending claim lives when its process dies before completing or releasing it: five
 * minutes, or a minute more than the handler deadline when that is longer.
 */
const CLAIM_LEASE_MS = 5 * 60_000;

interface AnswerOnceInput {
  readonly call: VerifiedSnapCall;
  readonly signature: Uint8Array;
  readonly serviceCode: string;
  readonly handler: SnapServiceHandler;
  readonly store: IdempotencyStore;
  readonly clock: Clock;
  readonly recordTtlMs: number;
  readonly signatureTtlMs: number;
  readonly timeoutMs: number | undefined;
  readonly duplicateWaitMs: number;
  readonly logger: Logger | undefined;
}

type Attempt =
  | { readonly kind: 'claimed'; readonly idOwner: string; readonly signatureOwner: string }
  | { readonly kind: 'answer'; readonly answer: SnapAnswer }
  | { readonly kind: 'pending' };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The answer to a verified call, running the handler only for the first copy (module comment). */
export async function answerOnce(input: AnswerOnceInput): Promise<SnapAnswer> {
  const { call, serviceCode, store } = input;
  const generalError = () => snapAnswer(500, serviceCode, '00', 'General Error');
  const fields = { serviceCode, clientId: call.clientId, externalId: call.externalId };
  let idKey: string;
  let signatureKey: string;
  let fingerprint: string;
  try {
    fingerprint = await sha256Hex(`${serviceCode}:${call.method}:${call.path}:${call.bodyHash}`);
    signatureKey = `snap:server:sig:${toHex(await digest('SHA-256', input.signature))}:${call.clientId}`;
    idKey = `snap:server:id:${call.externalId}:${call.clientId}`;
  } catch (error) {
    log(input.logger, 'error', '[@org/snap-auth] server: hashing the call failed', {
      ...fields,
      error: describeFailure(error),
    });
    return generalError();
  }

  const stored = (result: string): SnapAnswer => {
    try {
      const parsed: unknown = JSON.parse(result);
      if (isRecord(parsed) && typeof parsed.status === 'number' && isRecord(parsed.body)) {
        return { status: parsed.status, body: parsed.body };
      }
    } catch {
      // falls through
    }
    log(input.logger, 'error', '[@org/snap-auth] server: a stored answer is unreadable', fields);
    return generalError();
  };
  const seen = (claim: { state: 'pending' | 'completed'; fingerprint: string; result?: string }): Attempt => {
    if (claim.fingerprint !== fingerprint) {
      return { kind: 'answer', answer: snapAnswer(409, serviceCode, '00', 'Conflict') };
    }
    return claim.state === 'completed'
      ? { kind: 'answer', answer: stored(claim.result as string) }
      : { kind: 'pending' };
  };

  const leaseMs = Math.max(CLAIM_LEASE_MS, (input.timeoutMs ?? 0) + 60_000);
  const attempt = async (): Promise<Attempt> => {
    const id = await store.claim(idKey, fingerprint, leaseMs);
    if (id.state !== 'claimed') return seen(id);
    let signature: Awaited<ReturnType<IdempotencyStore['claim']>>;
    try {
      signature = await store.claim(signatureKey, fingerprint, leaseMs);
    } catch (error) {
      await store.release(idKey, id.owner).catch(() => {});
      throw error;
    }
    if (signature.state === 'claimed') {
      return { kind: 'claimed', idOwner: id.owner, signatureOwner: signature.owner };
    }
    // The same signed call under another X-EXTERNAL-ID: answer as the first copy, under no new id.
    await store.release(idKey, id.owner);
    return seen(signature);
  };

  let claimed: Extract<Attempt, { kind: 'claimed' }>;
  try {
    let waited = 0;
    let delay = 5;
    for (;;) {
      const outcome = await attempt();
      if (outcome.kind === 'answer') return outcome.answer;
      if (outcome.kind === 'claimed') {
        claimed = outcome;
        break;
      }
      if (waited >= input.duplicateWaitMs) return snapAnswer(429, serviceCode, '00', 'Too Many Requests');
      const pause = Math.min(delay, input.duplicateWaitMs - waited);
      await sleep(pause);
      waited += pause;
      delay = Math.min(delay * 2, 200);
    }
  } catch (error) {
    log(input.logger, 'error', '[@org/snap-auth] server: the idempotency store failed', {
      ...fields,
      error: describeFailure(error),
    });
    return generalError();
  }

  const controller = new AbortController();
  const outcome = Promise.resolve()
    .then(() => input.handler(call, { signal: controller.signal }))
    .then(
      (reply) => ({ ok: true as const, answer: replyAnswer(reply, serviceCode) }),
      (error: unknown) => ({ ok: false as const, error }),
    )
    .catch((error: unknown) => ({ ok: false as const, error }));

  const settle = outcome.then(async (result) => {
    try {
      if (result.ok && result.answer.status < 500) {
        const text = JSON.stringify({ status: result.answer.status, body: result.answer.body });
        await store.complete(idKey, claimed.idOwner, text, input.recordTtlMs);
        await store.complete(signatureKey, claimed.signatureOwner, text, input.signatureTtlMs);
      } else {
        await store.release(idKey, claimed.idOwner);
        await store.release(signatureKey, claimed.signatureOwner);
      }
    } catch (error) {
      log(input.logger, 'error', '[@org/snap-auth] server: recording the answer failed', {
        ...fields,
        error: describeFailure(error),
      });
    }
    if (!result.ok) {
      log(input.logger, 'error', '[@org/snap-auth] server: the handler failed', {
        ...fields,
        error: describeFailure(result.error),
      });
    }
    return result;
  });

  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline =
    input.timeoutMs === undefined
      ? undefined
      : new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), input.timeoutMs);
        });
  const first = await (deadline === undefined ? settle : Promise.race([settle, deadline]));
  if (timer !== undefined) clearTimeout(timer);
  if (first === 'timeout') {
    controller.abort(new DOMException('the SNAP handler ran past its deadline', 'TimeoutError'));
    log(input.logger, 'warn', '[@org/snap-auth] server: the handler ran past its deadline', fields);
    return snapAnswer(504, serviceCode, '00', 'Timeout');
  }
  return first.ok ? first.answer : generalError();
}

/** The answer of a handler's reply: success, or the reply's own SNAP code of the same service. */
function replyAnswer(reply: unknown, serviceCode: string): SnapAnswer {
  if (!isRecord(reply)) throw new TypeError('[@org/snap-auth] handle: the handler must return an object');
  const { responseCode, responseMessage, ...rest } = reply;
  if (responseMessage !== undefined && typeof responseMessage !== 'string') {
    throw new TypeError('[@org/snap-auth] handle: responseMessage must be a string');
  }
  if (responseCode === undefined) return snapAnswer(200, serviceCode, '00', responseMessage ?? 'Successful', rest);
  const code = typeof responseCode === 'string' ? parseSnapResponseCode(responseCode) : undefined;
  if (code === undefined || !code.known || code.serviceCode !== serviceCode) {
    throw new TypeError(`[@org/snap-auth] handle: responseCode must be a SNAP code of service ${serviceCode}`);
  }
  return snapAnswer(
    code.httpStatus as number,
    serviceCode,
    code.caseCode as string,
    responseMessage ?? (code.meaning as string),
    rest,
  );
}
