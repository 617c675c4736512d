/**
 * `createFondySandbox(options)`: a local stand-in for Fondy's application token endpoint and
 * the Company Reports API, as a Web-standard handler plus a 127.0.0.1 server helper.
 *
 * - `POST /authorizer/token/application/get` checks `application_id` (string, ≤ 20), `date`
 *   (string, ≤ 1024) and `signature` = sha512_hex(secretKey|application_id|date), and answers
 *   `{ request_id, token, expires_in }` (200) or `{ error_code: 403, error_message, request_id }` (403).
 * - `POST /api/extend/company/report/` checks `Authorization: Token <token>` and answers the
 *   report page, or the `{ error, err_code }` shape: `Authorization token required`,
 *   `Invalid auth token` (unknown, expired or revoked), `Merchant not found`,
 *   `you have no access to this report`.
 * - The core kit's fault injection and request recording, and controls to expire or revoke tokens.
 */
import { digest, isInputError, randomAlphanumeric, timingSafeEqual, toHex } from '@org/signing-core';
import { createSandboxCore, jsonResponse, type TokenSandbox } from '@org/signing-core/testing';
import {
  AUTHORIZATION_TOKEN_REQUIRED,
  INVALID_AUTH_TOKEN,
  MAX_APPLICATION_ID_LENGTH,
  MAX_DATE_LENGTH,
  REPORT_PATH,
  TOKEN_PATH,
} from '../protocol/constants.js';
import { type FondySandboxReport, sampleReports } from './sample-report.js';

export interface FondySandboxApplication {
  /** The application (company) id the sandbox accepts; compared as a string. */
  readonly applicationId: string | number;
  /** Its private key. */
  readonly secretKey: string;
}

export interface FondySandboxOptions {
  /** The applications the token endpoint knows. */
  readonly applications: readonly FondySandboxApplication[];
  /** `expires_in` of issued tokens, in seconds. Default 3600 ("will expire in 1 hour"). */
  readonly tokenLifetimeSeconds?: number;
  /** Epoch-ms clock for token expiry. Default `Date.now`. */
  readonly clock?: () => number;
  /**
   * HTTP status of the report API's `{ error, err_code }` answers. The docs do not give one;
   * default 200 (the error is in the body, as the docs describe it). Set e.g. 401 to test the other case.
   */
  readonly reportErrorStatus?: number;
  /** When true, issuing a token revokes the application's earlier tokens (not documented either way). Default false. */
  readonly singleActiveToken?: boolean;
  /** Merchant ids the report API knows; others get `Merchant not found`. Default: any merchant. */
  readonly merchants?: readonly (string | number)[];
  /** Reports by id. Default: report 745 with the documentation's example rows. */
  readonly reports?: Readonly<Record<string, FondySandboxReport>>;
}

export interface FondySandbox extends TokenSandbox {
  /** `/authorizer/token/application/get` */
  readonly tokenPath: string;
  /** `/api/extend/company/report/` */
  readonly reportPath: string;
  /** Every token issued so far is now outdated: the report API answers `Invalid auth token`. */
  expireTokens(): void;
  /** Revokes one token; true when the sandbox had issued it. */
  revokeToken(token: string): boolean;
  /** Tokens that the report API would accept now. */
  activeTokenCount(): number;
}

interface IssuedToken {
  readonly applicationId: string;
  expiresAt: number;
  revoked: boolean;
}

const codePoints = (text: string) => [...text].length;

function checkOptions(options: FondySandboxOptions): void {
  if (options === null || typeof options !== 'object' || !Array.isArray(options.applications)) {
    throw new TypeError('createFondySandbox: options.applications must be an array of { applicationId, secretKey }');
  }
  for (const app of options.applications) {
    if (
      app === null ||
      typeof app !== 'object' ||
      !['string', 'number'].includes(typeof app.applicationId) ||
      String(app.applicationId).length === 0 ||
      typeof app.secretKey !== 'string' ||
      app.secretKey.length === 0
    ) {
      throw new TypeError('createFondySandbox: each application needs a non-empty applicationId and secretKey');
    }
  }
  const lifetime = options.tokenLifetimeSeconds;
  if (lifetime !== undefined && !(Number.isFinite(lifetime) && lifetime > 0)) {
    throw new TypeError('createFondySandbox: tokenLifetimeSeconds must be a positive number');
  }
  const status = options.reportErrorStatus;
  if (status !== undefined && !(Number.isInteger(status) && status >= 200 && status <= 599)) {
    throw new TypeError('createFondySandbox: reportErrorStatus must be an HTTP status (200–599)');
  }
}

export function createFondySandbox(options: FondySandboxOptions): FondySandbox {
  checkOptions(options);
  const clock = options.clock ?? Date.now;
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  const reportErrorStatus = options.reportErrorStatus ?? 200;
  const reports = options.reports ?? sampleReports;
  const merchants = options.merchants ? new Set(options.merchants.map(String)) : undefined;
  const secrets = new Map(options.applications.map((app) => [String(app.applicationId), app.secretKey]));
  const issued = new Map<string, IssuedToken>();

  const requestId = () => randomAlphanumeric(16);
  const tokenError = (status: number, message: string) =>
    jsonResponse(status, { error_code: status, error_message: message, request_id: requestId() });
  const reportError = (message: string) => jsonResponse(reportErrorStatus, { error: message, err_code: message });

  async function token(request: Request, body: string): Promise<Response> {
    if (request.method !== 'POST') return tokenError(405, 'Method not allowed');
    let params: unknown;
    try {
      params = JSON.parse(body);
    } catch {
      return tokenError(403, 'Invalid request parameters');
    }
    const { application_id: id, date, signature } = (params ?? {}) as Record<string, unknown>;
    if (
      typeof id !== 'string' ||
      id.length === 0 ||
      codePoints(id) > MAX_APPLICATION_ID_LENGTH ||
      typeof date !== 'string' ||
      date.length === 0 ||
      codePoints(date) > MAX_DATE_LENGTH ||
      typeof signature !== 'string' ||
      signature.length > 128
    ) {
      return tokenError(403, 'Invalid request parameters');
    }
    const secretKey = secrets.get(id);
    // An unknown application gets the same answer as a wrong key.
    let expected: string;
    try {
      expected = toHex(await digest('SHA-512', `${secretKey ?? ''}|${id}|${date}`));
    } catch (error) {
      // Text that cannot be hashed as UTF-8 (a lone UTF-16 surrogate, sent as a JSON escape).
      if (isInputError(error)) return tokenError(403, 'Invalid request parameters');
      throw error;
    }
    if (secretKey === undefined || !timingSafeEqual(signature, expected)) return tokenError(403, 'Incorrect signature');
    if (options.singleActiveToken) {
      for (const entry of issued.values()) if (entry.applicationId === id) entry.revoked = true;
    }
    const value = randomAlphanumeric(32);
    issued.set(value, { applicationId: id, expiresAt: clock() + lifetimeSeconds * 1000, revoked: false });
    return jsonResponse(200, { request_id: requestId(), token: value, expires_in: lifetimeSeconds });
  }

  function report(request: Request, body: string): Response {
    const header = request.headers.get('authorization');
    const match = header === null ? null : /^token\s+(\S+)\s*$/i.exec(header);
    if (!match) return reportError(AUTHORIZATION_TOKEN_REQUIRED);
    const entry = issued.get(match[1] as string);
    if (!entry || entry.revoked || clock() >= entry.expiresAt) return reportError(INVALID_AUTH_TOKEN);
    if (request.method !== 'POST') return reportError('Method not allowed');
    let params: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(body || '{}');
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      params = parsed as Record<string, unknown>;
    } catch {
      return reportError('Invalid request parameters');
    }
    if (merchants && !merchants.has(String(params.merchant_id))) return reportError('Merchant not found');
    const data = Object.hasOwn(reports, String(params.report_id)) ? reports[String(params.report_id)] : undefined;
    if (!data) return reportError('you have no access to this report');
    const onPage = positiveInteger(params.on_page, 10);
    const page = positiveInteger(params.page, 1);
    return jsonResponse(200, {
      data: data.rows.slice((page - 1) * onPage, page * onPage),
      fields: data.fields,
      rows_count: data.rows.length,
      rows_page: page,
      rows_on_page: onPage,
    });
  }

  const core = createSandboxCore(
    (request, recorded) => {
      const { pathname } = new URL(request.url);
      if (pathname === TOKEN_PATH) return token(request, recorded.body);
      if (pathname === REPORT_PATH) return report(request, recorded.body);
      return jsonResponse(404, { error: 'Not found', err_code: 'Not found' });
    },
    { clock },
  );

  return {
    handler: core.handler,
    faults: core.faults,
    requests: core.requests,
    listen: core.listen,
    tokenPath: TOKEN_PATH,
    reportPath: REPORT_PATH,
    expireTokens() {
      const now = clock();
      for (const entry of issued.values()) entry.expiresAt = Math.min(entry.expiresAt, now);
    },
    revokeToken(value: string) {
      const entry = issued.get(value);
      if (entry) entry.revoked = true;
      return entry !== undefined;
    },
    activeTokenCount() {
      return this.activeTokens;
    },
    get issuedTokens() {
      return issued.size;
    },
    get activeTokens() {
      const now = clock();
      let count = 0;
      for (const entry of issued.values()) if (!entry.revoked && now < entry.expiresAt) count += 1;
      return count;
    },
  };
}

function positiveInteger(value: unknown, fallback: number): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : fallback;
}
