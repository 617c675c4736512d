/**
 * Fondy / Flitt as it calls a merchant's `server_callback_url`: `createFondyCallback` signs a
 * callback with the merchant's payment key, `sendFondyCallback` POSTs it and sends it again after
 * a non-2xx answer or a timeout, as Fondy does, reporting every attempt.
 *
 * Unlike the sandbox's token endpoint (which checks signatures with code of its own), the callback
 * is signed with this package's own functions: `fondySignature` for protocol 1.0 and the protocol
 * 2.0 signature `verifyFondyCallback` checks, so what it sends is exactly what the package signs.
 * The sending and redelivery are the core's `deliver` (one bounded attempt at a time).
 */
import {
  ConfigError,
  type ConfigIssue,
  describeType,
  isRecord,
  randomAlphanumeric,
  randomDigits,
  redactText,
  revealSecret,
  Secret,
} from '@org/signing-core';
import { deliver } from '@org/signing-core/testing';
import { fondyVersion2Data, fondyVersion2Signature } from '../protocol/callback.js';
import { PROVIDER } from '../protocol/constants.js';
import { invalid } from '../protocol/input-checks.js';
import { fondySignature } from '../protocol/payment-signature.js';

/** Fondy's documented test merchant (payment key `test`): the sample callback's `merchant_id` by default. */
const TEST_MERCHANT_ID = 1396424;
const DEFAULT_ATTEMPTS = 3;
const MAX_ATTEMPTS = 20;
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_WAIT_MS = 600_000;
/** At most this much of an answer is read; the excerpt is shorter still. */
const MAX_ANSWER_BYTES = 64 * 1024;
const EXCERPT_CHARS = 512;

/** What `createFondyCallback` signs. */
export interface FondyCallbackOptions {
  /** The merchant's callback URL (`server_callback_url`), http or https. */
  readonly url: string | URL;
  /** The merchant's payment key, which signs the callback. Never sent. */
  readonly paymentKey: string | Secret;
  /**
   * The callback's parameters. Protocol 1.0: strings and numbers (`null`, `undefined` and `''`
   * are not signed; JSON keeps `null` and `''`, a form drops `null`). Protocol 2.0: any JSON
   * object, sent as `data` = base64 of `{"order": params}`. A `signature` or
   * `response_signature_string` in them is dropped: the callback is signed anew.
   * Default: a sample approved purchase of 125.00 UAH with a new `order_id`.
   */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * The `merchant_id` the callback carries (a positive integer, or its digits as text; sent as a
   * number, as Fondy does). Added to `params` that have none; `params` with another `merchant_id`
   * are refused. Default for the sample: Fondy's test merchant 1396424.
   */
  readonly merchantId?: string | number;
  /** Signature protocol: `'1.0'` (default) or `'2.0'`. */
  readonly protocol?: '1.0' | '2.0';
  /** Body encoding: `'json'` (default) or `'form'` (`application/x-www-form-urlencoded`). */
  readonly format?: 'json' | 'form';
}

/** What `sendFondyCallback` sends, and how it redelivers. */
export interface SendFondyCallbackOptions extends FondyCallbackOptions {
  /** Attempts in all, the first included: 1 to 20. Default 3. */
  readonly attempts?: number;
  /** Deadline of one attempt, the answer's body included, in ms (1 to 600 000). Default 10 000. */
  readonly timeoutMs?: number;
  /** Wait before each redelivery, in ms (0 to 600 000). Default 0. */
  readonly delayMs?: number;
  /** The fetch used. Default: the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  /** Stops the delivery: the promise rejects with `TransportError` `ERR_ABORTED`. */
  readonly signal?: AbortSignal;
}

/** One POST of the callback and what came of it. */
export interface FondyCallbackAttempt {
  /** 1 for the first delivery, 2 for the first redelivery, … */
  readonly attempt: number;
  /** `answered`: a complete answer arrived; `timeout`: not within `timeoutMs`; `network-error`: no connection or a dropped one. */
  readonly outcome: 'answered' | 'timeout' | 'network-error';
  /** The HTTP status, when the answer's head arrived (also for a body that then timed out). */
  readonly status: number | undefined;
  /**
   * The first 512 characters of the answer's body, secret-free: the payment key and the
   * signature are replaced by `[REDACTED]` wherever they appear, and so are secret-named JSON fields.
   */
  readonly answer: string;
  /** For a network error: the system's error code when there is one (`ECONNREFUSED`, `ECONNRESET`, …). */
  readonly errorCode?: string | undefined;
  /** From sending to the end of the answer (or the failure), in whole milliseconds. */
  readonly durationMs: number;
}

/** The outcome of `sendFondyCallback`. Holds neither the key nor the signature. */
export interface FondyCallbackDelivery {
  /** Whether the last attempt was answered with a 2xx: the merchant accepted the callback. */
  readonly ok: boolean;
  readonly protocol: '1.0' | '2.0';
  readonly format: 'json' | 'form';
  /** The `order_id` sent, when the parameters have one. */
  readonly orderId: string | undefined;
  /** Every attempt, in order; delivery stops at the first 2xx. */
  readonly attempts: readonly FondyCallbackAttempt[];
  /** The last attempt's status. */
  readonly status: number | undefined;
  /** The last attempt's answer excerpt. */
  readonly answer: string;
}

const CALLBACK_OPTIONS = ['url', 'paymentKey', 'params', 'merchantId', 'protocol', 'format'];
const SEND_OPTIONS = [...CALLBACK_OPTIONS, 'attempts', 'timeoutMs', 'delayMs', 'fetch', 'signal'];

interface Checked {
  readonly url: URL;
  readonly key: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly protocol: '1.0' | '2.0';
  readonly format: 'json' | 'form';
}

interface Signed {
  readonly checked: Checked;
  readonly body: string;
  readonly contentType: string;
  /** The key and the signature: kept out of every excerpt. */
  readonly secrets: readonly string[];
}

const issue = (path: string, expected: string, value: unknown): ConfigIssue => ({
  path,
  expected,
  received: describeType(value),
});

function wholeNumber(
  issues: ConfigIssue[],
  options: Readonly<Record<string, unknown>>,
  name: string,
  min: number,
  max: number,
): void {
  const value = options[name];
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max)) {
    issues.push(issue(name, `a whole number from ${min} to ${max}`, value));
  }
}

function checkedUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string' && !(value instanceof URL)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
}

/** The parameters with `merchant_id` from `merchantId` (or the sample's), checked for agreement. */
function paramsOf(options: FondyCallbackOptions, issues: ConfigIssue[]): Readonly<Record<string, unknown>> {
  const { merchantId } = options;
  const validId =
    merchantId === undefined ||
    (typeof merchantId === 'number' && Number.isSafeInteger(merchantId) && merchantId > 0) ||
    (typeof merchantId === 'string' && /^[1-9]\d{0,14}$/.test(merchantId));
  if (!validId) issues.push(issue('merchantId', 'a positive whole number, or its digits as text', merchantId));
  const id = validId && merchantId !== undefined ? Number(merchantId) : undefined;
  if (options.params === undefined) return sampleApprovedOrder(id ?? TEST_MERCHANT_ID);
  if (!isRecord(options.params)) {
    issues.push(issue('params', 'an object of callback parameters', options.params));
    return {};
  }
  const params: Record<string, unknown> = { ...options.params };
  if (id !== undefined) {
    if (params.merchant_id === undefined || params.merchant_id === null || params.merchant_id === '') {
      params.merchant_id = id;
    } else if (String(params.merchant_id) !== String(id)) {
      issues.push(issue('merchantId', 'the merchant_id of params (or params without merchant_id)', merchantId));
    }
  }
  return params;
}

function check(options: FondyCallbackOptions, fn: string, known: readonly string[]): Checked {
  if (!isRecord(options)) {
    throw new ConfigError(
      `${fn}: expected an options object { url, paymentKey, … }`,
      [issue('options', 'an object', options)],
      { provider: PROVIDER },
    );
  }
  const issues: ConfigIssue[] = [];
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      issues.push(
        issue(name, `no such option (known: ${known.join(', ')})`, (options as Record<string, unknown>)[name]),
      );
    }
  }
  const url = checkedUrl(options.url);
  if (url === undefined) issues.push(issue('url', 'an absolute http(s) URL', options.url));
  const key = options.paymentKey;
  if (!((typeof key === 'string' && key.length > 0) || (key instanceof Secret && revealSecret(key).length > 0))) {
    issues.push(issue('paymentKey', 'a non-empty string or Secret', key));
  }
  if (options.protocol !== undefined && options.protocol !== '1.0' && options.protocol !== '2.0') {
    issues.push(issue('protocol', "'1.0' or '2.0'", options.protocol));
  }
  if (options.format !== undefined && options.format !== 'json' && options.format !== 'form') {
    issues.push(issue('format', "'json' or 'form'", options.format));
  }
  const send = options as SendFondyCallbackOptions;
  const record = options as unknown as Readonly<Record<string, unknown>>;
  wholeNumber(issues, record, 'attempts', 1, MAX_ATTEMPTS);
  wholeNumber(issues, record, 'timeoutMs', 1, MAX_WAIT_MS);
  wholeNumber(issues, record, 'delayMs', 0, MAX_WAIT_MS);
  if (send.fetch !== undefined && typeof send.fetch !== 'function')
    issues.push(issue('fetch', 'a function', send.fetch));
  if (send.signal !== undefined && !(send.signal instanceof AbortSignal)) {
    issues.push(issue('signal', 'an AbortSignal', send.signal));
  }
  const params = paramsOf(options, issues);
  if (issues.length > 0) {
    const list = issues.map((item) => `${item.path} (expected ${item.expected}, received ${item.received})`);
    throw new ConfigError(`${fn}: invalid options: ${list.join('; ')}`, issues, { provider: PROVIDER });
  }
  return {
    url: url as URL,
    key: revealSecret(key as string | Secret),
    params,
    protocol: options.protocol ?? '1.0',
    format: options.format ?? 'json',
  };
}

/** `dd.MM.yyyy HH:mm:ss` in UTC, the form of Fondy's `order_time`. */
function orderTime(now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(now.getUTCDate())}.${two(now.getUTCMonth() + 1)}.${now.getUTCFullYear()} ${two(now.getUTCHours())}:${two(now.getUTCMinutes())}:${two(now.getUTCSeconds())}`;
}

/** A callback for an approved card purchase of 125.00 UAH, with the fields Fondy's callbacks carry. */
function sampleApprovedOrder(merchantId: number): Record<string, string | number> {
  return {
    order_id: `payauth-${randomAlphanumeric(12)}`,
    merchant_id: merchantId,
    amount: 12500,
    currency: 'UAH',
    actual_amount: 12500,
    actual_currency: 'UAH',
    order_status: 'approved',
    response_status: 'success',
    tran_type: 'purchase',
    payment_id: Number(`8${randomDigits(8)}`),
    payment_system: 'card',
    card_type: 'VISA',
    card_bin: 444455,
    masked_card: '444455XXXXXX1111',
    approval_code: randomDigits(6),
    rrn: randomDigits(12),
    order_time: orderTime(new Date()),
    sender_email: 'buyer@example.com',
    response_code: '',
    merchant_data: '',
  };
}

function withoutSignature(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { signature: _signature, response_signature_string: _string, ...rest } = params;
  return rest;
}

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    // A bigint or a cycle; the native message is not repeated (it could quote a value).
    throw invalid('params', 'the callback parameters cannot be written as JSON (a bigint, or a cycle)');
  }
}

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

async function sign(checked: Checked): Promise<Signed> {
  const { key, protocol, format } = checked;
  const params = withoutSignature(checked.params);
  let fields: Record<string, unknown>;
  let signature: string;
  if (protocol === '1.0') {
    // The package's classic signature; it refuses a value it cannot sign (InputError, field params.<name>).
    signature = await fondySignature(params as Parameters<typeof fondySignature>[0], key);
    fields = { ...params, signature };
  } else {
    jsonText(params); // refuses a bigint or a cycle with a message that quotes nothing
    const data = fondyVersion2Data({ order: params });
    signature = await fondyVersion2Signature(data, key);
    fields = { version: '2.0', data, signature };
  }
  let body: string;
  if (format === 'json') {
    body = jsonText(fields);
  } else {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) {
      // Strings and numbers only here (the signature refused the rest); null and undefined are not sent.
      if (value !== null && value !== undefined) form.append(name, String(value));
    }
    body = form.toString();
  }
  return {
    checked,
    body,
    contentType: format === 'json' ? JSON_TYPE : FORM_TYPE,
    secrets: [key, signature, signature.toUpperCase()],
  };
}

const requestOf = (signed: Signed): Request =>
  new Request(signed.checked.url, {
    method: 'POST',
    headers: { 'Content-Type': signed.contentType },
    body: signed.body,
    redirect: 'manual',
  });

/**
 * A signed Fondy callback as a Web `Request` (POST to `url`), without sending it: for testing a
 * callback handler directly.
 *
 * @throws {ConfigError} `ERR_CONFIG` for a missing or malformed option (`issues` names each).
 * @throws {InputError} `ERR_INVALID_INPUT` (field `params.<name>`) for a protocol 1.0 value that
 *   cannot be signed (a boolean, an array, an object).
 */
export async function createFondyCallback(options: FondyCallbackOptions): Promise<Request> {
  return requestOf(await sign(check(options, 'createFondyCallback', CALLBACK_OPTIONS)));
}

/**
 * Signs a Fondy callback with the merchant's payment key (protocol 1.0 as JSON or a form, or
 * protocol 2.0), POSTs it to the merchant's URL and, as Fondy does, sends the same callback again
 * after a non-2xx answer, a timeout or a network error, until a 2xx or `attempts` run out.
 * Resolves with every attempt (outcome, status, a secret-free answer excerpt, duration); it
 * rejects only for bad options, parameters that cannot be signed, or `signal`.
 *
 * @throws {ConfigError} `ERR_CONFIG` for a missing or malformed option (`issues` names each).
 * @throws {InputError} `ERR_INVALID_INPUT` (field `params.<name>`) for a protocol 1.0 value that
 *   cannot be signed.
 * @throws {TransportError} `ERR_ABORTED` when `signal` aborts.
 */
export async function sendFondyCallback(options: SendFondyCallbackOptions): Promise<FondyCallbackDelivery> {
  const signed = await sign(check(options, 'sendFondyCallback', SEND_OPTIONS));
  const excerpt = (text: string) => redactText(text, { secrets: signed.secrets, limit: EXCERPT_CHARS });
  const delivered = await deliver({
    request: () => requestOf(signed),
    attempts: options.attempts ?? DEFAULT_ATTEMPTS,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    delayMs: options.delayMs ?? 0,
    maxAnswerBytes: MAX_ANSWER_BYTES,
    signal: options.signal,
    fetch: options.fetch,
    name: 'sendFondyCallback',
    provider: PROVIDER,
  });
  const attempts: FondyCallbackAttempt[] = delivered.map(({ truncated: _, answer, ...attempt }) => ({
    ...attempt,
    answer: excerpt(answer),
  }));

  const last = attempts[attempts.length - 1] as FondyCallbackAttempt;
  const orderId = signed.checked.params.order_id;
  return {
    ok: last.outcome === 'answered' && last.status !== undefined && last.status >= 200 && last.status < 300,
    protocol: signed.checked.protocol,
    format: signed.checked.format,
    orderId: typeof orderId === 'string' || typeof orderId === 'number' ? String(orderId) : undefined,
    attempts,
    status: last.status,
    answer: last.answer,
  };
}
