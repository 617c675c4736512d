/**
 * The application token signature (Generate Access Token):
 * `sha512_hex(secretKey + "|" + application_id + "|" + date)` over UTF-8, 128 lowercase hex
 * characters. `date` is any string up to 1024 characters (a salt); `application_id` at most 20.
 */
import { describeType, digest, type Secret, timingSafeEqual, toHex } from '@org/signing-core';
import { MAX_APPLICATION_ID_LENGTH, MAX_DATE_LENGTH } from './constants.js';
import { characterCount, invalid, requireKey } from './input-checks.js';
import type { FondyStringToSignParts } from './string-to-sign-parts.js';

export interface FondyTokenSignatureInput {
  /** The application's private key from Fondy support. */
  readonly secretKey: string | Secret;
  /** The application (company) id; a number is sent as its decimal string. At most 20 characters. */
  readonly applicationId: string | number;
  /** The `date` sent in the request: any text up to 1024 characters (e.g. `2020-04-06 11:15:27`). */
  readonly date: string;
}

const FN = 'fondyTokenSignature';

/** `application_id` as the string that is signed and sent. Throws `InputError` when unusable. */
function normaliseApplicationId(value: unknown, fn = FN): string {
  let text: string;
  if (typeof value === 'string') {
    text = value;
  } else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    text = String(value);
  } else {
    throw invalid(
      'applicationId',
      `${fn}: applicationId must be a string or a non-negative whole number, received ${describeType(value)}`,
    );
  }
  if (text.trim().length === 0) throw invalid('applicationId', `${fn}: applicationId is empty`);
  const length = characterCount(text);
  if (length > MAX_APPLICATION_ID_LENGTH) {
    throw invalid(
      'applicationId',
      `${fn}: applicationId is ${length} characters long; Fondy accepts at most ${MAX_APPLICATION_ID_LENGTH}`,
    );
  }
  return text;
}

/** Checks the `date` salt. Throws `InputError` when unusable. */
function checkDate(value: unknown, fn = FN): string {
  if (typeof value !== 'string') throw invalid('date', `${fn}: date must be a string, received ${describeType(value)}`);
  if (value.length === 0) throw invalid('date', `${fn}: date is empty`);
  const length = characterCount(value);
  if (length > MAX_DATE_LENGTH) {
    throw invalid('date', `${fn}: date is ${length} characters long; Fondy accepts at most ${MAX_DATE_LENGTH}`);
  }
  return value;
}

/**
 * The `signature` of a Generate Access Token request: 128 lowercase hex characters.
 *
 * @throws {TypeError} when the argument is not an object.
 * @throws {InputError} `ERR_INVALID_INPUT` (with `field`) for an empty key, an `applicationId`
 *   longer than 20 characters, or a `date` that is empty or longer than 1024 characters.
 */
export async function fondyTokenSignature(input: FondyTokenSignatureInput): Promise<string> {
  if (input === null || typeof input !== 'object') {
    throw new TypeError(
      `[@org/fondy-auth] ${FN}: expected an object { secretKey, applicationId, date }, received ${describeType(input)}`,
    );
  }
  const secretKey = requireKey(FN, 'secretKey', input.secretKey);
  const applicationId = normaliseApplicationId(input.applicationId);
  const date = checkDate(input.date);
  return toHex(await digest('SHA-512', `${secretKey}|${applicationId}|${date}`));
}

/** The placeholder that stands for the secret key in {@link fondyTokenStringToSignParts}. */
const SECRET_KEY_PLACEHOLDER = '<secret key>';

/**
 * The token signature's string to sign, `secretKey|application_id|date`, with the key shown as
 * the placeholder `<secret key>` (the key is not an input), and its labelled parts.
 *
 * @throws {TypeError} when the argument is not an object.
 * @throws {InputError} `ERR_INVALID_INPUT` (with `field`) for an unusable `applicationId` or `date`,
 *   as in {@link fondyTokenSignature}.
 */
export function fondyTokenStringToSignParts(
  input: Pick<FondyTokenSignatureInput, 'applicationId' | 'date'>,
): FondyStringToSignParts {
  const fn = 'fondyTokenStringToSignParts';
  if (input === null || typeof input !== 'object') {
    throw new TypeError(
      `[@org/fondy-auth] ${fn}: expected an object { applicationId, date }, received ${describeType(input)}`,
    );
  }
  const parts = [
    { name: 'secretKey', label: 'secret key (not shown)', value: SECRET_KEY_PLACEHOLDER },
    { name: 'applicationId', label: 'application_id', value: normaliseApplicationId(input.applicationId, fn) },
    { name: 'date', label: 'date', value: checkDate(input.date, fn) },
  ];
  return { stringToSign: parts.map((part) => part.value).join('|'), parts };
}

/** What {@link verifyFondyTokenSignature} checks. */
export interface VerifyFondyTokenSignatureInput extends FondyTokenSignatureInput {
  /** The `signature` of the token request (hex, either case). */
  readonly signature: string;
}

/**
 * True when `signature` is the token signature of these inputs; hex case is ignored and the
 * comparison is constant-time. A signature of another length or type is `false`.
 *
 * @throws {TypeError} when the argument is not an object.
 * @throws {InputError} `ERR_INVALID_INPUT` for inputs {@link fondyTokenSignature} refuses.
 */
export async function verifyFondyTokenSignature(input: VerifyFondyTokenSignatureInput): Promise<boolean> {
  const expected = await fondyTokenSignature(input);
  const given = input.signature;
  return (
    typeof given === 'string' && given.length === expected.length && timingSafeEqual(given.toLowerCase(), expected)
  );
}
