/**
 * SNAP `responseCode`: String(7) = HTTP status (3 digits) + service code (2) + case code (2),
 * e.g. `4017300` = HTTP 401, service 73 (B2B access token), case 00 (Unauthorized).
 *
 * The case table is the generic ASPI table (protocols.md §2.7). Unknown or malformed codes
 * parse without throwing: `wellFormed` / `known` say how much could be read.
 */

/** A parsed SNAP response code. Secret-free: safe to log and to put in `ProviderError.details`. */
export interface SnapResponseCode {
  /** The code as given (a number is converted to its decimal text). */
  readonly code: string;
  /** True when the code is exactly 7 digits. */
  readonly wellFormed: boolean;
  /** HTTP status part (first 3 digits), when well formed. */
  readonly httpStatus: number | undefined;
  /** Service code (digits 4-5), e.g. `73` for the B2B access token. */
  readonly serviceCode: string | undefined;
  /** Case code (digits 6-7). */
  readonly caseCode: string | undefined;
  /** The standard meaning of this HTTP status + case code, when it is in the ASPI table. */
  readonly meaning: string | undefined;
  /** The service's name when the service code is one the documentation names. */
  readonly service: string | undefined;
  /** True when the meaning came from the table (HTTP status + case code known). */
  readonly known: boolean;
  /** 2xx: the request succeeded (or, for 202, was accepted). */
  readonly success: boolean;
  /** `202xx00`: request in progress; check the status later. */
  readonly inProgress: boolean;
  /**
   * `401xx01` (invalid token) or `401xx03` (token not found): the B2B access token was not
   * accepted. The client drops it, fetches a new one and retries the call once.
   */
  readonly tokenRejected: boolean;
  /** `401xx02` (invalid customer token) or `401xx04` (customer token not found). */
  readonly customerTokenRejected: boolean;
}

const CASES: Readonly<Record<number, readonly string[]>> = {
  200: ['Successful'],
  202: ['Request In Progress'],
  400: ['Bad Request', 'Invalid Field Format', 'Invalid Mandatory Field'],
  401: [
    'Unauthorized',
    'Invalid Token (B2B)',
    'Invalid Customer Token',
    'Token Not Found (B2B)',
    'Customer Token Not Found',
  ],
  403: [
    'Transaction Expired',
    'Feature Not Allowed',
    'Exceeds Transaction Amount Limit',
    'Suspected Fraud',
    'Activity Count Limit Exceeded',
    'Do Not Honor',
    'Feature Not Allowed At This Time',
    'Card Blocked',
    'Card Expired',
    'Dormant Account',
    'Need To Set Token Limit',
    'OTP Blocked',
    'OTP Lifetime Expired',
    'OTP Sent To Cardholder',
    'Insufficient Funds',
    'Transaction Not Permitted',
    'Suspend Transaction',
    'Token Limit Exceeded',
    'Inactive Card/Account/Customer',
    'Merchant Blacklisted',
    'Merchant Limit Exceed',
    'Set Limit Not Allowed',
    'Token Limit Invalid',
    'Account Limit Exceed',
  ],
  404: [
    'Invalid Transaction Status',
    'Transaction Not Found',
    'Invalid Routing',
    'Bank Not Supported By Switch',
    'Transaction Cancelled',
    'Merchant Is Not Registered For Card Registration Services',
    'Need To Request OTP',
    'Journey Not Found',
    'Invalid Merchant',
    'No Issuer',
    'Invalid API Transition',
    'Invalid Card/Account/Customer/Virtual Account',
    'Invalid Bill/Virtual Account',
    'Invalid Amount',
    'Paid Bill',
    'Invalid OTP',
    'Partner Not Found',
    'Invalid Terminal',
    'Inconsistent Request',
    'Invalid Bill/Virtual Account',
  ],
  405: ['Requested Function Is Not Supported', 'Requested Operation Is Not Allowed'],
  409: ['Conflict', 'Duplicate partnerReferenceNo'],
  429: ['Too Many Requests'],
  500: ['General Error', 'Internal Server Error', 'External Server Error'],
  504: ['Timeout'],
};

/** Service codes named in the documentation that was read (the full ASPI list was not available). */
const SERVICES: Readonly<Record<string, string>> = {
  '11': 'Balance Inquiry',
  '24': 'Virtual Account Inquiry',
  '25': 'Virtual Account Payment',
  '54': 'Direct Debit Payment',
  '73': 'B2B Access Token',
  '74': 'B2B2C Access Token',
};

/**
 * Parses a SNAP `responseCode`: `parseSnapResponseCode('4017300')` →
 * `{ httpStatus: 401, serviceCode: '73', caseCode: '00', meaning: 'Unauthorized', … }`.
 * Never throws for a string or number; anything that is not 7 digits gives `wellFormed: false`.
 *
 * @throws {TypeError} when `code` is neither a string nor a number.
 */
export function parseSnapResponseCode(code: string | number): SnapResponseCode {
  if (typeof code !== 'string' && typeof code !== 'number') {
    throw new TypeError(
      `[@org/snap-auth] parseSnapResponseCode: expected a string or a number, received ${typeof code}`,
    );
  }
  const text = typeof code === 'number' ? String(code) : code;
  if (!/^\d{7}$/.test(text)) {
    return Object.freeze({
      code: text,
      wellFormed: false,
      httpStatus: undefined,
      serviceCode: undefined,
      caseCode: undefined,
      meaning: undefined,
      service: undefined,
      known: false,
      success: false,
      inProgress: false,
      tokenRejected: false,
      customerTokenRejected: false,
    });
  }
  const httpStatus = Number(text.slice(0, 3));
  const serviceCode = text.slice(3, 5);
  const caseCode = text.slice(5, 7);
  const caseNumber = Number(caseCode);
  const meaning = CASES[httpStatus]?.[caseNumber];
  return Object.freeze({
    code: text,
    wellFormed: true,
    httpStatus,
    serviceCode,
    caseCode,
    meaning,
    service: SERVICES[serviceCode],
    known: meaning !== undefined,
    success: httpStatus >= 200 && httpStatus < 300,
    inProgress: httpStatus === 202,
    tokenRejected: httpStatus === 401 && (caseCode === '01' || caseCode === '03'),
    customerTokenRejected: httpStatus === 401 && (caseCode === '02' || caseCode === '04'),
  });
}
