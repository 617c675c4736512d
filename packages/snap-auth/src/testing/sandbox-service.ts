/**
 * The service endpoints: every configured path (by default one sample balance inquiry, service
 * code 11) checks the headers of a service call, the B2B bearer token, the X-SIGNATURE in the
 * profile's mode (§2.3 symmetric, §2.8a asymmetric with or without a token), the customer token
 * and X-EXTERNAL-ID unique per day, then answers the configured reply.
 */
import { formatIsoTimestamp, JAKARTA_OFFSET, minifyJson } from '@org/signing-core';
import { jsonResponse, type RecordedRequest } from '@org/signing-core/testing';
import { parseJsonBody, snapResponse } from './sandbox-answers.js';
import type { SnapSandboxCall } from './sandbox-api.js';
import {
  type ClientRecord,
  type SandboxSettings,
  type ServiceSettings,
  timestampInWindow,
} from './sandbox-settings.js';
import { asymmetricSignatureValid, safeEqual, sha256Hex, symmetricSignature } from './sandbox-signature.js';
import { randomNumeric, type TokenLedger } from './sandbox-tokens.js';

export interface ServiceContext {
  readonly settings: SandboxSettings;
  readonly clients: ReadonlyMap<string, ClientRecord>;
  readonly ledger: TokenLedger;
  /** `partnerId:day:externalId` of every call accepted so far. */
  readonly externalIds: Set<string>;
}

export async function service(
  context: ServiceContext,
  endpoint: ServiceSettings,
  request: Request,
  recorded: RecordedRequest,
): Promise<Response> {
  const { settings, ledger } = context;
  const { clock } = settings;
  const { serviceCode } = endpoint;
  if (endpoint.method !== undefined && request.method.toUpperCase() !== endpoint.method) {
    return snapResponse(405, serviceCode, '00', 'Requested Function Is Not Supported');
  }
  const h = recorded.headers;
  const mode = settings.serviceSignature;
  const required = ['X-TIMESTAMP', 'X-SIGNATURE', 'X-PARTNER-ID', 'X-EXTERNAL-ID'];
  if (mode !== 'asymmetric') required.unshift('Authorization');
  if (settings.requireChannelId) required.push('CHANNEL-ID');
  for (const name of required) {
    if (!h[name.toLowerCase()]) return snapResponse(400, serviceCode, '02', `Invalid Mandatory Field [${name}]`);
  }
  const timestamp = h['x-timestamp'] as string;
  if (!timestampInWindow(settings, timestamp)) {
    return snapResponse(400, serviceCode, '01', 'Invalid Field Format [X-TIMESTAMP]');
  }
  const externalId = h['x-external-id'] as string;
  if (!settings.externalIdValid(externalId)) {
    return snapResponse(400, serviceCode, '01', 'Invalid Field Format [X-EXTERNAL-ID]');
  }
  let bearer: string | undefined;
  let client: ClientRecord | undefined;
  if (mode === 'asymmetric') {
    // No token: the partner is named by X-PARTNER-ID and proven by its RSA signature.
    for (const candidate of context.clients.values()) if (candidate.partnerId === h['x-partner-id']) client = candidate;
    if (client === undefined) return snapResponse(401, '73', '00', 'Unauthorized. [Unknown client]');
  } else {
    bearer = /^Bearer (\S+)$/.exec(h.authorization as string)?.[1];
    const token = bearer === undefined ? undefined : ledger.tokens.get(bearer);
    if (bearer === undefined || token === undefined || token.expiresAt <= clock()) {
      return snapResponse(401, '73', '01', 'Invalid Token (B2B)');
    }
    client = context.clients.get(token.clientId) as ClientRecord;
  }
  if (h['x-partner-id'] !== client.partnerId) return snapResponse(401, '73', '00', 'Unauthorized. [Unknown client]');
  let minified = '';
  if (recorded.body.length > 0) {
    try {
      minified = minifyJson(recorded.body);
    } catch {
      return snapResponse(400, serviceCode, '00', 'Bad Request');
    }
  }
  const parts = {
    method: request.method.toUpperCase(),
    path: settings.relativeUrl(new URL(request.url)),
    bodyHash: sha256Hex(minified),
    timestamp,
  };
  const signatureValid =
    mode === 'symmetric'
      ? safeEqual(symmetricSignature(client.clientSecret, bearer as string, parts), h['x-signature'] as string)
      : asymmetricSignatureValid(client.publicKey, parts, h['x-signature'] as string);
  if (!signatureValid) {
    return snapResponse(401, '73', '00', 'Unauthorized. [Signature]');
  }
  let customerId: string | undefined;
  const customerHeader = h['authorization-customer'];
  if (customerHeader !== undefined) {
    const customerBearer = /^Bearer (\S+)$/.exec(customerHeader)?.[1];
    const customer = customerBearer === undefined ? undefined : ledger.customerTokens.get(customerBearer);
    if (!customer || customer.clientId !== client.clientId || customer.expiresAt <= clock()) {
      return snapResponse(401, '73', '02', 'Invalid Customer Token');
    }
    customerId = customer.customerId;
  }
  const day = formatIsoTimestamp(clock(), { offset: JAKARTA_OFFSET }).slice(0, 10);
  const key = `${client.partnerId}:${day}:${externalId}`;
  if (context.externalIds.has(key)) return snapResponse(409, serviceCode, '00', 'Conflict');
  context.externalIds.add(key);
  const body = minified === '' ? undefined : parseJsonBody(minified);
  const success = { responseCode: `200${serviceCode}00`, responseMessage: 'Successful' };
  if (endpoint.reply === 'balance-inquiry') {
    return jsonResponse(200, {
      ...success,
      referenceNo: randomNumeric(12),
      partnerReferenceNo: typeof body?.partnerReferenceNo === 'string' ? body.partnerReferenceNo : undefined,
      accountNo: typeof body?.accountNo === 'string' ? body.accountNo : '1234567890',
      ...(customerId === undefined ? {} : { customerId }),
      accountInfos: [{ balanceType: 'Cash', amount: { value: '1000000.00', currency: 'IDR' } }],
    });
  }
  let reply: Readonly<Record<string, unknown>> | Response = {};
  if (typeof endpoint.reply === 'function') {
    const call: SnapSandboxCall = {
      body,
      rawBody: recorded.body,
      method: parts.method,
      path: parts.path,
      clientId: client.clientId,
      partnerId: client.partnerId,
      externalId,
      customerId,
      headers: h,
    };
    try {
      reply = await endpoint.reply(call);
    } catch {
      // The call was not carried out: its X-EXTERNAL-ID may be used again.
      context.externalIds.delete(key);
      return snapResponse(500, serviceCode, '00', 'General Error');
    }
  } else if (endpoint.reply !== undefined) {
    reply = endpoint.reply;
  }
  if (reply instanceof Response) return reply;
  return jsonResponse(200, { ...success, ...reply });
}
