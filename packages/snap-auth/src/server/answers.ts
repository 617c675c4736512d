/**
 * The SNAP answers the server kit writes: `{ responseCode, responseMessage, … }` with the HTTP
 * status of the code. Every code is built from an HTTP status, a service code and a case code
 * and checked against the ASPI case table of `parseSnapResponseCode` (protocols.md §2.7), so the
 * kit cannot answer a code that is not on the list.
 */
import { parseSnapResponseCode } from '../protocol/response-code.js';

/** One SNAP answer: HTTP status and the JSON body. */
export interface SnapAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

/** The service code of the B2B access-token endpoint. */
export const ACCESS_TOKEN_SERVICE = '73';

/**
 * `{ responseCode: status + service + case, responseMessage, ...extra }`.
 *
 * @throws {Error} when the code is not in the SNAP case table (a bug in the kit, never input).
 */
export function snapAnswer(
  status: number,
  serviceCode: string,
  caseCode: string,
  responseMessage: string,
  extra: Readonly<Record<string, unknown>> = {},
): SnapAnswer {
  const responseCode = `${status}${serviceCode}${caseCode}`;
  if (!parseSnapResponseCode(responseCode).known) {
    throw new Error(`[@org/snap-auth] server: ${responseCode} is not a SNAP response code`);
  }
  return { status, body: { responseCode, responseMessage, ...extra } };
}

/** The `Response` of an answer: JSON, never cached. */
export function toResponse(answer: SnapAnswer, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(JSON.stringify(answer.body), {
    status: answer.status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

/** A failure for a log line: its name and code, never its message (a handler's message may hold anything). */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} ${code}` : error.name;
  }
  return typeof error;
}
