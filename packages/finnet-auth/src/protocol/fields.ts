/**
 * Field rules from Finnet's request tables (getToken and Widget Top Up), checked before a
 * request is sent so a bad value fails here with the field named instead of at Finnet with an
 * undocumented code.
 *
 * Lengths are counted in UTF-8 bytes (the server is PHP, whose `strlen` counts bytes); for the
 * ASCII values these fields hold that is the number of characters.
 */
import { encodeUtf8, InputError } from '@org/signing-core';
import { FINNET_WIDGET_TOP_UP_PATH, PROVIDER } from './provider.js';

/** Documented maximum lengths of the fields whose limit does not depend on the call. */
export const FIELD_MAX_LENGTH: Readonly<Record<string, number>> = Object.freeze({
  reqDtime: 14,
  transNumber: 100,
  tokenID: 100,
  phoneNumber: 12,
  signature: 64,
});

/**
 * `requestType` is limited to 8 in the getToken table (`getToken` is 8 long) and to 12 in the
 * Widget Top Up table (`widgetTopUp` is 11): the Top Up limit applies to the Top Up requestType
 * (either spelling) and to anything sent to the Top Up path. Other calls document no limit.
 */
export function requestTypeMaxLength(requestType: string, path?: string): number | undefined {
  if (requestType === 'getToken') return 8;
  if (requestType.toLowerCase() === 'widgettopup' || path === FINNET_WIDGET_TOP_UP_PATH) return 12;
  return undefined;
}

/** What a transNumber may contain: letters and digits, 1 to 100 of them. */
const TRANS_NUMBER_PATTERN = /^[A-Za-z0-9]{1,100}$/;

function fieldError(context: string, field: string, problem: string): InputError {
  return new InputError(
    'ERR_INVALID_INPUT',
    `${context}: field "${field}" ${problem}`,
    { field },
    { provider: PROVIDER },
  );
}

/** Checks the transNumber rule; `source` says where the value came from, for the message. */
export function assertTransNumber(value: unknown, context: string, source = ''): asserts value is string {
  if (typeof value !== 'string' || !TRANS_NUMBER_PATTERN.test(value)) {
    const got =
      typeof value !== 'string'
        ? `a ${value === null ? 'null' : typeof value}`
        : value.length === 0 || value.length > 100
          ? `${value.length} characters`
          : 'other characters';
    throw fieldError(context, 'transNumber', `${source}must be 1 to 100 letters or digits (A-Z, a-z, 0-9), got ${got}`);
  }
}

/**
 * Validates the caller's fields of a request: every value a string; documented fields non-empty
 * and within their documented length; `transNumber` alphanumeric. Never repeats a value.
 *
 * @throws {InputError} `ERR_INVALID_INPUT` with `field` set to the offending field.
 */
export function validateFields(
  params: Readonly<Record<string, unknown>>,
  requestType: string,
  context: string,
  path?: string,
): void {
  for (const [field, value] of Object.entries(params)) {
    if (typeof value !== 'string') {
      throw fieldError(
        context,
        field,
        `must be a string (Finnet signs values exactly as sent), received ${value === null ? 'null' : typeof value}`,
      );
    }
    const max =
      field === 'requestType'
        ? requestTypeMaxLength(requestType, path)
        : Object.hasOwn(FIELD_MAX_LENGTH, field)
          ? FIELD_MAX_LENGTH[field]
          : undefined;
    if (field === 'transNumber') {
      assertTransNumber(value, context);
      continue;
    }
    if (max === undefined && field !== 'requestType') continue;
    if (value.length === 0) throw fieldError(context, field, 'must not be empty');
    if (max !== undefined) {
      const length = encodeUtf8(value).length;
      if (length > max) {
        const unit = length === value.length ? 'characters' : 'bytes (UTF-8)';
        throw fieldError(context, field, `is ${length} ${unit} long; Finnet documents at most ${max}`);
      }
    }
  }
}
