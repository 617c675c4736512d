/**
 * The shapes of the sandbox's answers: the SNAP envelope `{ responseCode, responseMessage }`
 * with the HTTP status of the code's first three digits, the response headers of the token
 * endpoints, and the request body as the endpoints read it.
 */
import { formatIsoTimestamp, isRecord, JAKARTA_OFFSET } from '@org/signing-core';
import { jsonResponse } from '@org/signing-core/testing';

/** `responseCode` = HTTP status + service code + case code (§2.7). */
export function snapResponse(status: number, serviceCode: string, caseCode: string, message: string): Response {
  return jsonResponse(status, { responseCode: `${status}${serviceCode}${caseCode}`, responseMessage: message });
}

/** The headers a token endpoint answers with: its own X-TIMESTAMP (+07:00) and the client's key. */
export function responseHeaders(now: number, clientId: string): Record<string, string> {
  return { 'X-TIMESTAMP': formatIsoTimestamp(now, { offset: JAKARTA_OFFSET }), 'X-CLIENT-KEY': clientId };
}

/** The body as a JSON object, or undefined when it is not one. */
export function parseJsonBody(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
