/**
 * The Finnet (Finpay Money widget / cobrand API) body signature, built in one place:
 *
 *   HMAC-SHA256(key = ASCII text of hex(UTF-8 secret), message = values of every field except
 *   `signature`, in ascending byte order of their names, joined with no separator) → UPPERCASE hex
 *
 * The hex case of the key text is the one open point of the rule: the published SDK uses
 * lowercase (`%02x`), the documentation's PHP calls an unshown `strToHex()`. It only matters for
 * secrets containing a character whose hex has a letter (`j` = 6a, `z` = 7a, `.` = 2e, …).
 */
import {
  describeType,
  encodeUtf8,
  type HmacKey,
  hmac,
  InputError,
  importHmacKey,
  isRecord,
  toHex,
} from '@org/signing-core';
import { PROVIDER } from './provider.js';

/** Case of the hex text used as the HMAC key: `'lower'` (the SDK's choice, default) or `'upper'`. */
export type HexKeyCase = 'lower' | 'upper';

export interface FinnetSignatureOptions {
  /** Case of the hex encoding of the secret that is used as the HMAC key. Default `'lower'`. */
  hexKeyCase?: HexKeyCase | undefined;
}

/** The fields of a Finnet request body: every value is sent, and signed, as a string. */
export type FinnetParams = Readonly<Record<string, string>>;

/** Compares two strings by their UTF-8 bytes (the same order as by code points), like PHP `ksort` on text keys. */
export function compareBytes(a: string, b: string): number {
  const x = encodeUtf8(a);
  const y = encodeUtf8(b);
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) {
    const d = (x[i] as number) - (y[i] as number);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * The text that is signed: the values of every field except `signature`, ordered by field name
 * in ascending byte order, joined with no separator. Values are used exactly as given.
 *
 * @throws {TypeError} when `params` is not a plain object.
 * @throws {InputError} `ERR_INVALID_INPUT` (field = the field name) for a value that is not a string.
 */
export function finnetStringToSign(params: FinnetParams): string {
  return stringToSignFor(params, 'finnetStringToSign');
}

function stringToSignFor(params: FinnetParams, caller: string): string {
  return signedFields(params, caller)
    .map((part) => part.value)
    .join('');
}

/** One signed field of a Finnet body, in the order its value is signed. */
export interface FinnetStringToSignPart {
  /** The field name. */
  readonly name: string;
  /** The field name, as the label of its value. */
  readonly label: string;
  /** The value exactly as signed. */
  readonly value: string;
}

/** The text Finnet signs with its parts: the values of the fields, in byte order of their names. */
export interface FinnetStringToSignParts {
  /** The values joined with no separator: the exact text that is signed. */
  readonly stringToSign: string;
  readonly parts: readonly FinnetStringToSignPart[];
}

function signedFields(params: FinnetParams, caller: string): FinnetStringToSignPart[] {
  if (!isRecord(params)) {
    throw new TypeError(
      `[@org/finnet-auth] ${caller}: params must be an object of string fields, received ${describeType(params)}`,
    );
  }
  const names = Object.keys(params)
    .filter((name) => name !== 'signature')
    .sort(compareBytes);
  const parts: FinnetStringToSignPart[] = [];
  for (const name of names) {
    const value: unknown = params[name];
    if (typeof value !== 'string') {
      throw new InputError(
        'ERR_INVALID_INPUT',
        `${caller}: field "${name}" must be a string (Finnet signs values exactly as sent), received ${describeType(value)}; convert it yourself, e.g. String(value)`,
        { field: name },
        { provider: PROVIDER },
      );
    }
    parts.push({ name, label: name, value });
  }
  return parts;
}

/**
 * The text of {@link finnetStringToSign} with its parts: each signed field by name, in the order
 * its value is signed, for tools that explain a signature.
 *
 * @throws {TypeError} when `params` is not a plain object.
 * @throws {InputError} `ERR_INVALID_INPUT` (field = the field name) for a value that is not a string.
 */
export function finnetStringToSignParts(params: FinnetParams): FinnetStringToSignParts {
  const parts = signedFields(params, 'finnetStringToSignParts');
  return { stringToSign: parts.map((part) => part.value).join(''), parts };
}

/** The ASCII hex text of the UTF-8 secret, used as the HMAC key. */
export function hexKeyText(secretKey: string, hexKeyCase: HexKeyCase): string {
  return toHex(encodeUtf8(secretKey), { upperCase: hexKeyCase === 'upper' });
}

function assertHexKeyCase(value: unknown, caller: string): asserts value is HexKeyCase | undefined {
  if (value !== undefined && value !== 'lower' && value !== 'upper') {
    throw new TypeError(`[@org/finnet-auth] ${caller}: hexKeyCase must be 'lower' or 'upper'`);
  }
}

function assertSecretKey(secretKey: unknown, caller: string): asserts secretKey is string {
  if (typeof secretKey !== 'string') {
    throw new TypeError(
      `[@org/finnet-auth] ${caller}: secretKey must be a string, received ${describeType(secretKey)}`,
    );
  }
  if (secretKey.length === 0) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      `${caller}: secretKey must not be empty`,
      { field: 'secretKey' },
      {
        provider: PROVIDER,
      },
    );
  }
}

/** Imports the HMAC key for a secret once (the core caches it by its text). */
export function importFinnetKey(secretKey: string, hexKeyCase: HexKeyCase = 'lower'): Promise<HmacKey> {
  return importHmacKey('SHA-256', hexKeyText(secretKey, hexKeyCase));
}

/** Signs with an already imported key: 64 uppercase hex characters. */
export async function signWithKey(key: HmacKey, params: FinnetParams, caller = 'finnetSignature'): Promise<string> {
  const message = stringToSignFor(params, caller);
  return toHex(await hmac('SHA-256', key, message), { upperCase: true });
}

/**
 * The Finnet signature of a request body: 64 uppercase hex characters.
 *
 * ```ts
 * await finnetSignature({ reqDtime: '20181127182011', requestType: 'getToken', transNumber: '20181234567890' }, 'e4siErApPs2020');
 * // '790E73A46D429ED0DBB80946C7FE5917A10AED2D689DF2EC88B0CD814CF11CA6'
 * ```
 *
 * @param params every field of the body; a `signature` field is ignored. Values must be strings.
 * @param secretKey the merchant secret key as issued (its UTF-8 bytes are hex-encoded for the key).
 * @throws {TypeError} when `params` is not an object, `secretKey` not a string or `hexKeyCase` unknown.
 * @throws {InputError} `ERR_INVALID_INPUT` for an empty `secretKey` or a non-string value (field named).
 */
export async function finnetSignature(
  params: FinnetParams,
  secretKey: string,
  options: FinnetSignatureOptions = {},
): Promise<string> {
  assertSecretKey(secretKey, 'finnetSignature');
  if (options === null || typeof options !== 'object') {
    throw new TypeError('[@org/finnet-auth] finnetSignature: options must be an object');
  }
  assertHexKeyCase(options.hexKeyCase, 'finnetSignature');
  return signWithKey(await importFinnetKey(secretKey, options.hexKeyCase ?? 'lower'), params);
}
