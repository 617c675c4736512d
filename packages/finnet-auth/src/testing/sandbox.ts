/**
 * A local stand-in for Finnet's cobrand API: getToken and Widget Top Up. It checks Basic auth
 * (when configured), field presence, types and documented lengths, the signature (exactly as
 * documented: HMAC-SHA256 keyed with the hex text of the secret, uppercase hex), the reqDtime
 * window, transNumber reuse and, for Top Up, the tokenID. It answers the documented success
 * shapes.
 *
 * The signature is checked by the sandbox's own code (`sandbox-signature.ts`), written from the
 * protocol rather than taken from the package, so a wrong string to sign is caught end to end.
 *
 * Finnet publishes no error codes. The `E0x` codes and descriptions below are this sandbox's
 * own, chosen so tests can tell the failures apart; they are not Finnet's.
 */
import {
  encodeUtf8,
  formatCompactTimestamp,
  JAKARTA_OFFSET,
  parseUtcOffset,
  timingSafeEqual,
  toBase64,
  toHex,
} from '@org/signing-core';
import { optionSchemas, validateOptions } from '@org/signing-core/provider-kit';
import { createSandboxCore, jsonResponse, type RecordedRequest, type TokenSandbox } from '@org/signing-core/testing';
import * as v from 'valibot';
import { formatFinnetExpiry } from '../protocol/expiry.js';
import { FINNET_TOKEN_PATH, FINNET_WIDGET_TOP_UP_PATH } from '../protocol/provider.js';
import { type SandboxHexKeyCase, sandboxSignature } from './sandbox-signature.js';

/** The sandbox's own status codes (Finnet documents only `000`). */
export const FINNET_SANDBOX_CODES = Object.freeze({
  /** Success (the one code Finnet documents). */
  success: '000',
  /** HTTP 400: the body is not a JSON object. */
  badJson: 'E01',
  /** A field is missing, empty, not a string, longer than documented, malformed or unexpected. */
  badField: 'E02',
  /** `requestType` is not the one this endpoint serves. */
  unknownRequestType: 'E03',
  /** The signature does not match. */
  badSignature: 'E04',
  /** `reqDtime` is further from the sandbox clock than the tolerance. */
  staleReqDtime: 'E05',
  /** The transNumber was already used by a successful request. */
  duplicateTransNumber: 'E06',
  /** Top Up: the tokenID is unknown, expired or revoked (`statusDesc` "Invalid or expired token"). */
  badToken: 'E07',
  /** HTTP 401: Basic auth missing or wrong (only when the sandbox has a username and password). */
  unauthorized: 'E08',
  /** HTTP 404 / 405: no such endpoint, or not POST. */
  notFound: 'E09',
} as const);

export interface FinnetSandboxOptions {
  /** The merchant secret key the sandbox verifies signatures with. */
  secretKey: string;
  /** Hex case of the key the sandbox expects. Default `'lower'`. */
  hexKeyCase?: SandboxHexKeyCase | undefined;
  /** With `password`: every call must carry `Authorization: Basic base64(username:password)`. */
  username?: string | undefined;
  password?: string | undefined;
  /** Lifetime of issued tokens. Default 259 200 s (72 h, as in the documentation's sample). */
  tokenTtlSeconds?: number | undefined;
  /** Epoch-ms clock for token expiry, the reqDtime window and tokenID prefixes. Default `Date.now`. */
  clock?: (() => number) | undefined;
  /**
   * A provider whose clock is off by this many ms (positive: ahead of `clock`): it checks reqDtime
   * and token expiry against its own skewed time, and its `Date` header says that time. Default 0.
   */
  clockSkewMs?: number | undefined;
  /** Largest accepted distance between reqDtime (read as GMT+7) and the sandbox clock; `false` turns it off. Default 300 s. */
  reqDtimeToleranceSeconds?: number | false | undefined;
  /**
   * Put the expected signature (`expectedSignature`) in signature failures, as the documentation
   * suggests Finnet's dev server does. Default `false`.
   */
  debugExpectedSignature?: boolean | undefined;
  /** requestType values Top Up accepts. Default both documented spellings: `widgetTopUp` and `widgetTopup`. */
  topUpRequestTypes?: readonly string[] | undefined;
  /** Default `/apicobrand/security/getToken`. */
  tokenPath?: string | undefined;
  /** Default `/apicobrand/widget/topup`. */
  widgetTopUpPath?: string | undefined;
}

export interface FinnetSandbox extends TokenSandbox {
  readonly paths: { readonly token: string; readonly widgetTopUp: string };
  /** Every token issued so far stops being accepted (Top Up answers `E07`). */
  expireTokens(): void;
  /** How many issued tokens are still accepted now. */
  activeTokenCount(): number;
}

const schema = v.strictObject({
  secretKey: optionSchemas.nonEmptyString('the secret key as a non-empty string'),
  hexKeyCase: v.optional(v.picklist(['lower', 'upper'], "'lower' or 'upper'")),
  username: v.optional(optionSchemas.nonEmptyString()),
  password: v.optional(optionSchemas.nonEmptyString()),
  tokenTtlSeconds: v.optional(
    v.pipe(v.number('a number of seconds greater than 0'), v.minValue(0.001, 'a number of seconds greater than 0')),
  ),
  clock: v.optional(optionSchemas.func<() => number>('a function returning epoch milliseconds')),
  clockSkewMs: v.optional(
    v.pipe(v.number('a finite number of milliseconds'), v.finite('a finite number of milliseconds')),
  ),
  reqDtimeToleranceSeconds: v.optional(
    v.union([v.literal(false), v.pipe(v.number(), v.minValue(0))], 'a non-negative number of seconds, or false'),
  ),
  debugExpectedSignature: v.optional(v.boolean('a boolean')),
  topUpRequestTypes: v.optional(v.array(v.string(), 'an array of strings')),
  tokenPath: v.optional(optionSchemas.path()),
  widgetTopUpPath: v.optional(optionSchemas.path()),
});

/** Documented maximum lengths (getToken and Widget Top Up tables). Every field is mandatory. */
const TOKEN_FIELDS: Readonly<Record<string, number>> = {
  reqDtime: 14,
  requestType: 8,
  transNumber: 100,
  signature: 64,
};
const TOP_UP_FIELDS: Readonly<Record<string, number>> = {
  phoneNumber: 12,
  reqDtime: 14,
  requestType: 12,
  signature: 64,
  tokenID: 100,
  transNumber: 100,
};

const GMT7_MS = parseUtcOffset(JAKARTA_OFFSET) * 60_000;

function parseReqDtime(text: string): number | undefined {
  if (!/^\d{14}$/.test(text)) return undefined;
  const n = (start: number, length: number) => Number(text.slice(start, start + length));
  const ms = Date.UTC(n(0, 4), n(4, 2) - 1, n(6, 2), n(8, 2), n(10, 2), n(12, 2)) - GMT7_MS;
  // Round trip: rejects 20240231…, hour 24 and the like.
  return formatCompactTimestamp(ms, { offset: JAKARTA_OFFSET }) === text ? ms : undefined;
}

function randomHex(characters: number, upperCase: boolean): string {
  return toHex(crypto.getRandomValues(new Uint8Array(Math.ceil(characters / 2))), { upperCase }).slice(0, characters);
}

/** False for text with a lone UTF-16 surrogate (no UTF-8 form, so it cannot be signed): encodeURIComponent refuses it. */
function isWellFormedText(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A Finnet sandbox: `handler` (Web-standard), `listen()` (127.0.0.1, Node), fault injection
 * (`faults`), request recording (`requests`) and controls (`expireTokens()`).
 */
export function createFinnetSandbox(options: FinnetSandboxOptions): FinnetSandbox {
  const parsed = validateOptions('@org/finnet-auth/testing', schema, options);
  if ((parsed.username === undefined) !== (parsed.password === undefined)) {
    throw new TypeError('createFinnetSandbox: give username and password together, or neither');
  }
  const baseClock = parsed.clock ?? Date.now;
  const skewMs = parsed.clockSkewMs ?? 0;
  const clock = skewMs === 0 ? baseClock : () => baseClock() + skewMs;
  const hexKeyCase = parsed.hexKeyCase ?? 'lower';
  const ttlMs = (parsed.tokenTtlSeconds ?? 259_200) * 1000;
  const toleranceMs =
    parsed.reqDtimeToleranceSeconds === false ? undefined : (parsed.reqDtimeToleranceSeconds ?? 300) * 1000;
  const topUpTypes = new Set(parsed.topUpRequestTypes ?? ['widgetTopUp', 'widgetTopup']);
  const paths = Object.freeze({
    token: parsed.tokenPath ?? FINNET_TOKEN_PATH,
    widgetTopUp: parsed.widgetTopUpPath ?? FINNET_WIDGET_TOP_UP_PATH,
  });
  const expectedAuthorization =
    parsed.username === undefined || parsed.password === undefined
      ? undefined
      : `Basic ${toBase64(encodeUtf8(`${parsed.username}:${parsed.password}`))}`;

  /** tokenID → epoch ms after which it is refused. */
  const tokens = new Map<string, number>();
  const usedTransNumbers = new Set<string>();

  async function route(request: Request, recorded: RecordedRequest): Promise<Response> {
    const started = performance.now();
    const answer = (status: number, body: Record<string, unknown>) =>
      jsonResponse(status, { ...body, processingTime: (performance.now() - started) / 1000 + 1e-6 });
    const fail = (status: number, statusCode: string, statusDesc: string, extra: Record<string, unknown> = {}) =>
      answer(status, { statusCode, statusDesc, ...extra });
    const codes = FINNET_SANDBOX_CODES;

    const path = new URL(request.url).pathname;
    const endpoint = path === paths.token ? 'token' : path === paths.widgetTopUp ? 'topUp' : undefined;
    if (endpoint === undefined) return fail(404, codes.notFound, 'Not found');
    if (request.method !== 'POST') return fail(405, codes.notFound, 'Method not allowed');
    if (
      expectedAuthorization !== undefined &&
      !timingSafeEqual(request.headers.get('authorization') ?? '', expectedAuthorization)
    ) {
      return fail(401, codes.unauthorized, 'Unauthorized');
    }

    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(recorded.body);
    } catch {
      return fail(400, codes.badJson, 'Body is not JSON');
    }
    if (parsedBody === null || typeof parsedBody !== 'object' || Array.isArray(parsedBody)) {
      return fail(400, codes.badJson, 'Body is not a JSON object');
    }
    const body = parsedBody as Record<string, unknown>;
    const spec = endpoint === 'token' ? TOKEN_FIELDS : TOP_UP_FIELDS;
    const badField = (field: string, problem: string) => fail(200, codes.badField, `Bad field ${field}: ${problem}`);
    for (const [field, max] of Object.entries(spec)) {
      const value = body[field];
      if (value === undefined) return badField(field, 'missing');
      if (typeof value !== 'string') return badField(field, 'not a string');
      if (!isWellFormedText(value)) return badField(field, 'not well-formed text (a lone UTF-16 surrogate)');
      if (value.length === 0) return badField(field, 'empty');
      if (encodeUtf8(value).length > max) return badField(field, `longer than ${max}`);
    }
    for (const field of Object.keys(body)) {
      if (!Object.hasOwn(spec, field)) return badField(field, 'unexpected');
    }
    const fields = body as Record<string, string>;
    const reqDtimeMs = parseReqDtime(fields.reqDtime as string);
    if (reqDtimeMs === undefined) return badField('reqDtime', 'not yyyyMMddHHmmss');

    const requestType = fields.requestType as string;
    if (endpoint === 'token' ? requestType !== 'getToken' : !topUpTypes.has(requestType)) {
      return fail(200, codes.unknownRequestType, 'Unknown requestType for this endpoint');
    }

    const expected = await sandboxSignature(fields, parsed.secretKey, hexKeyCase);
    if (!timingSafeEqual(expected, fields.signature as string)) {
      return fail(
        200,
        codes.badSignature,
        'Invalid signature',
        parsed.debugExpectedSignature === true ? { expectedSignature: expected } : {},
      );
    }

    const now = clock();
    if (toleranceMs !== undefined && Math.abs(reqDtimeMs - now) > toleranceMs) {
      return fail(200, codes.staleReqDtime, 'reqDtime outside the allowed window');
    }
    const transNumber = fields.transNumber as string;
    if (usedTransNumbers.has(transNumber)) return fail(200, codes.duplicateTransNumber, 'Duplicate transNumber');

    if (endpoint === 'token') {
      usedTransNumbers.add(transNumber);
      const issuedAt =
        formatCompactTimestamp(now, { offset: JAKARTA_OFFSET }) + String(Math.floor(now) % 1000).padStart(3, '0');
      const tokenID = issuedAt + randomHex(61, true);
      const expiresAt = now + ttlMs;
      tokens.set(tokenID, expiresAt);
      return answer(200, {
        statusCode: codes.success,
        statusDesc: 'Berhasil',
        tokenID,
        tokenExpiry: formatFinnetExpiry(expiresAt),
      });
    }

    const tokenExpiresAt = tokens.get(fields.tokenID as string);
    if (tokenExpiresAt === undefined || now >= tokenExpiresAt) {
      return fail(200, codes.badToken, 'Invalid or expired token');
    }
    usedTransNumbers.add(transNumber);
    return answer(200, {
      statusCode: codes.success,
      statusDesc: 'Success',
      widgetURL: `${new URL(request.url).origin}/apicobrand/widget/api/topup.php?access=${randomHex(64, false)}`,
    });
  }

  const core = createSandboxCore(route, { clock });
  return {
    handler: core.handler,
    faults: core.faults,
    requests: core.requests,
    listen: (listenOptions) => core.listen(listenOptions),
    paths,
    expireTokens() {
      for (const tokenID of tokens.keys()) tokens.set(tokenID, Number.NEGATIVE_INFINITY);
    },
    activeTokenCount() {
      return this.activeTokens;
    },
    get issuedTokens() {
      return tokens.size;
    },
    get activeTokens() {
      const now = clock();
      let count = 0;
      for (const expiresAt of tokens.values()) if (now < expiresAt) count += 1;
      return count;
    },
  };
}
