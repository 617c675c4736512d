/**
 * The classic Fondy payment signature (protocol 1.0 / 1.0.1), used for checkout requests and
 * to verify responses and callbacks:
 *
 *   signature = sha1_hex(paymentKey + "|" + join("|", values of the non-empty parameters sorted by name))
 *
 * `signature` and `response_signature_string` are never signed. The rules for values, chosen
 * where the Fondy SDKs disagree and written down in the README:
 *
 * - `undefined`, `null` and `''` are empty: skipped (docs: "non-empty"; the PHP SDK skips
 *   `''` and null, the Node SDK skips `''` only and would sign null as an empty field);
 * - strings are signed as they are, including `'0'` and whitespace;
 * - numbers are signed as `String(n)` (`125`, `10.5`, `0`); NaN and ±Infinity are refused;
 * - booleans, bigints, objects and arrays cannot be signed: the SDKs sign them differently
 *   (`true` → `"true"` in Node, `"1"` in PHP; objects as `[object Object]`), so any choice would
 *   fail silently on one side. Signing refuses them with `InputError` (convert them to the string
 *   Fondy expects first); verifying answers `false`.
 *
 * Names are sorted by UTF-16 code unit (`Array.prototype.sort`), which is byte order for the
 * ASCII names Fondy uses.
 */
import { describeType, digest, isInputError, type Secret, timingSafeEqual, toHex } from '@org/signing-core';
import { invalid, requireKey } from './input-checks.js';
import type { FondyStringToSignPart, FondyStringToSignParts } from './string-to-sign-parts.js';

/** A parameter value as Fondy signs it: strings and numbers; `null`/`undefined`/`''` are skipped. */
export type FondyParamValue = string | number | null | undefined;

/** Request, response or callback parameters. */
export type FondyParams = Readonly<Record<string, FondyParamValue>>;

/** Parameters never included in the signature. */
const EXCLUDED = new Set(['signature', 'response_signature_string']);

function toRecord(params: unknown, fn: string): Readonly<Record<string, unknown>> {
  if (params instanceof URLSearchParams) {
    // A null-prototype record: a field named `__proto__` (or `constructor`, ...) is an own field
    // like any other, signed and checked for repeats, never swallowed by Object.prototype.
    const record: Record<string, string> = Object.create(null);
    for (const [name, value] of params) {
      if (Object.hasOwn(record, name)) {
        throw invalid(
          `params.${name}`,
          `${fn}: parameter "${name}" appears more than once; Fondy signs one value per name`,
        );
      }
      record[name] = value;
    }
    return record;
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new TypeError(
      `[@org/fondy-auth] ${fn}: params must be an object of parameters or URLSearchParams, received ${describeType(params)}`,
    );
  }
  return params as Readonly<Record<string, unknown>>;
}

/** The fields that are signed, as [name, signed value], in order. */
function signedFields(record: Readonly<Record<string, unknown>>, fn: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const name of Object.keys(record).sort()) {
    if (EXCLUDED.has(name)) continue;
    const value = record[name];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'string') {
      fields.push([name, value]);
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        throw invalid(`params.${name}`, `${fn}: parameter "${name}" is not a finite number`);
      }
      fields.push([name, String(value)]);
    } else {
      throw invalid(
        `params.${name}`,
        `${fn}: parameter "${name}" is ${describeType(value)}; only strings and numbers can be signed (convert it to the string Fondy expects)`,
      );
    }
  }
  return fields;
}

/** The values that are signed, in order. */
function signedValues(record: Readonly<Record<string, unknown>>, fn: string): string[] {
  return signedFields(record, fn).map(([, value]) => value);
}

/**
 * The signed text without the leading `paymentKey|`: the values joined with `|`. Compare it with
 * the `response_signature_string` Fondy returns in test mode (which masks the key).
 *
 * @throws {TypeError} when `params` is not an object or URLSearchParams.
 * @throws {InputError} `ERR_INVALID_INPUT` (field `params.<name>`) for a value that cannot be signed.
 */
export function fondySigningString(params: FondyParams | URLSearchParams): string {
  return signedValues(toRecord(params, 'fondySigningString'), 'fondySigningString').join('|');
}

async function sign(record: Readonly<Record<string, unknown>>, key: string, fn: string): Promise<string> {
  const values = signedValues(record, fn);
  // The documented formula, also for no values: `paymentKey|` (the Node SDK does the same).
  return toHex(await digest('SHA-1', `${key}|${values.join('|')}`));
}

/**
 * The classic (protocol 1.0) signature of `params`: 40 lowercase hex characters.
 *
 * @throws {TypeError} when `params` is not an object or URLSearchParams, or `paymentKey` is not a string/Secret.
 * @throws {InputError} `ERR_INVALID_INPUT` for an empty `paymentKey` or a value that cannot be signed.
 */
export async function fondySignature(
  params: FondyParams | URLSearchParams,
  paymentKey: string | Secret,
): Promise<string> {
  const record = toRecord(params, 'fondySignature');
  return sign(record, requireKey('fondySignature', 'paymentKey', paymentKey, true), 'fondySignature');
}

/**
 * Verifies the `signature` of a Fondy response or callback (protocol 1.0), in constant time.
 * Accepts parsed JSON (`Record<string, unknown>`) or form data (`URLSearchParams`).
 *
 * Resolves `false` when `signature` is missing, malformed or does not match (hex case is
 * ignored), and also when the parameters cannot be signed by the documented rule, because then no
 * signature can be checked: a boolean, an array, a nested object, a bigint, a number that is not
 * finite, text with a lone UTF-16 surrogate, or a form field repeated under one name. (The SDKs
 * sign such values differently, see the README; {@link fondySdkSignature} tells which one did.)
 *
 * @throws {TypeError} when `params` is not an object or URLSearchParams, or `paymentKey` is not a string/Secret.
 * @throws {InputError} `ERR_INVALID_INPUT` for an empty `paymentKey`.
 */
export async function verifyFondySignature(
  params: FondyParams | Readonly<Record<string, unknown>> | URLSearchParams,
  paymentKey: string | Secret,
): Promise<boolean> {
  const fn = 'verifyFondySignature';
  const key = requireKey(fn, 'paymentKey', paymentKey, true);
  let record: Readonly<Record<string, unknown>>;
  let expected: string;
  try {
    record = toRecord(params, fn);
    expected = await sign(record, key, fn);
  } catch (error) {
    // A value the rule cannot sign (or a repeated form field): nothing to verify against.
    if (isInputError(error)) return false;
    throw error;
  }
  return matchesSignature(record.signature, expected);
}

/** Constant-time comparison of a received hex signature (any case) with the expected lowercase one. */
export function matchesSignature(received: unknown, expected: string): boolean {
  if (typeof received !== 'string' || received.length !== expected.length) return false;
  return timingSafeEqual(received.toLowerCase(), expected);
}

/** The placeholder that stands for the payment key in {@link fondyPaymentStringToSignParts}. */
const PAYMENT_KEY_PLACEHOLDER = '<payment key>';

/**
 * The classic payment signature's string to sign, with the payment key shown as the
 * placeholder `<payment key>` (the key never appears), and its labelled parts: the key, then
 * each signed parameter by name. Empty parameters are skipped, as in {@link fondySignature}.
 *
 * @throws {TypeError} when `params` is not an object or URLSearchParams.
 * @throws {InputError} `ERR_INVALID_INPUT` (field `params.<name>`) for a value that cannot be signed.
 */
export function fondyPaymentStringToSignParts(params: FondyParams | URLSearchParams): FondyStringToSignParts {
  const fn = 'fondyPaymentStringToSignParts';
  const parts: FondyStringToSignPart[] = [
    { name: 'paymentKey', label: 'payment key (not shown)', value: PAYMENT_KEY_PLACEHOLDER },
    ...signedFields(toRecord(params, fn), fn).map(([name, value]) => ({ name, label: name, value })),
  ];
  return { stringToSign: parts.map((part) => part.value).join('|'), parts };
}

/** An official Fondy SDK whose way of signing values {@link fondySdkSignature} reproduces. */
export type FondySdk = 'node' | 'php';

/** The values an SDK signs, in name order, for values the package refuses or skips. */
function sdkValues(record: Readonly<Record<string, unknown>>, sdk: FondySdk): string[] {
  const out: string[] = [];
  for (const name of Object.keys(record).sort()) {
    if (EXCLUDED.has(name)) continue;
    const value = record[name];
    if (value === undefined || value === '') continue;
    if (value === null) {
      if (sdk === 'node') out.push('');
      continue;
    }
    if (typeof value === 'boolean') out.push(sdk === 'node' ? String(value) : value ? '1' : '');
    else if (typeof value === 'number' || typeof value === 'string') out.push(String(value));
    else out.push(sdk === 'node' ? String(value) : JSON.stringify(value));
  }
  return out;
}

/**
 * The signature an official Fondy SDK computes for these parameters, including the values this
 * package refuses: for telling which SDK signed a callback while diagnosing a mismatch. Never
 * sign with it (the values it accepts are signed differently by each side).
 *
 * - `node`: `null` is signed as an empty field, booleans as `"true"`/`"false"`, objects as
 *   `String(value)`; no value left gives `sha1(paymentKey + "|")`.
 * - `php`: `null` is skipped, booleans are `"1"`/`""`, objects JSON; no value left hashes the
 *   key alone, `sha1(paymentKey)`.
 *
 * `''` and `undefined` are skipped by both. Returns 40 lowercase hex characters.
 *
 * @throws {TypeError} when `params` is not an object or URLSearchParams, `paymentKey` is not a
 *   string/Secret or `sdk` is unknown.
 * @throws {InputError} `ERR_INVALID_INPUT` for an empty `paymentKey`.
 */
export async function fondySdkSignature(
  params: Readonly<Record<string, unknown>> | URLSearchParams,
  paymentKey: string | Secret,
  sdk: FondySdk,
): Promise<string> {
  const fn = 'fondySdkSignature';
  if (sdk !== 'node' && sdk !== 'php') throw new TypeError(`[@org/fondy-auth] ${fn}: sdk must be 'node' or 'php'`);
  const record = toRecord(params, fn);
  const key = requireKey(fn, 'paymentKey', paymentKey, true);
  const values = sdkValues(record, sdk);
  const text = sdk === 'php' ? [key, ...values].join('|') : `${key}|${values.join('|')}`;
  return toHex(await digest('SHA-1', text));
}
