/**
 * The token endpoints: B2B (service code 73, client credentials) and B2B2C (service code 74,
 * auth codes and rotating refresh tokens). Both check the same headers and the SHA256withRSA
 * X-SIGNATURE of §2.1 before issuing anything.
 */
import { formatIsoTimestamp, JAKARTA_OFFSET } from '@org/signing-core';
import { jsonResponse, type RecordedRequest } from '@org/signing-core/testing';
import { parseJsonBody, responseHeaders, snapResponse } from './sandbox-answers.js';
import { type ClientRecord, type SandboxSettings, timestampInWindow } from './sandbox-settings.js';
import { tokenSignatureValid } from './sandbox-signature.js';
import { randomToken, type TokenLedger } from './sandbox-tokens.js';

export interface TokenEndpointContext {
  readonly settings: SandboxSettings;
  readonly clients: ReadonlyMap<string, ClientRecord>;
  readonly ledger: TokenLedger;
}

/** Checks shared by both token endpoints. Returns the client, or the error response. */
function checkTokenRequest(
  context: TokenEndpointContext,
  recorded: RecordedRequest,
  code: string,
): ClientRecord | Response {
  const h = recorded.headers;
  for (const name of ['X-TIMESTAMP', 'X-CLIENT-KEY', 'X-SIGNATURE']) {
    if (!h[name.toLowerCase()]) return snapResponse(400, code, '02', `Invalid Mandatory Field [${name}]`);
  }
  const timestamp = h['x-timestamp'] as string;
  if (!timestampInWindow(context.settings, timestamp)) {
    return snapResponse(400, code, '01', 'Invalid Field Format [X-TIMESTAMP]');
  }
  const client = context.clients.get(h['x-client-key'] as string);
  if (!client) return snapResponse(401, code, '00', 'Unauthorized. [Unknown client]');
  if (!tokenSignatureValid(client.publicKey, client.clientId, timestamp, h['x-signature'] as string)) {
    return snapResponse(401, code, '00', 'Unauthorized. [Signature]');
  }
  return client;
}

/** `POST {tokenPath}`: a B2B access token for `grantType: client_credentials`. */
export function b2bToken(context: TokenEndpointContext, recorded: RecordedRequest): Response {
  const { settings, ledger } = context;
  const checked = checkTokenRequest(context, recorded, '73');
  if (checked instanceof Response) return checked;
  const body = parseJsonBody(recorded.body);
  if (!body) return snapResponse(400, '73', '00', 'Bad Request');
  const field = settings.grantTypeField;
  if (body[field] === undefined) return snapResponse(400, '73', '02', `Invalid Mandatory Field [${field}]`);
  if (body[field] !== 'client_credentials') return snapResponse(400, '73', '01', `Invalid Field Format [${field}]`);
  const accessToken = randomToken();
  ledger.tokens.set(accessToken, { clientId: checked.clientId, expiresAt: ledger.expiryOf(settings.tokenTtlMs) });
  ledger.issuedTokenCount += 1;
  const expiresIn = String(settings.tokenTtlMs / 1000);
  return jsonResponse(
    200,
    {
      responseCode: '2007300',
      responseMessage: 'Successful',
      accessToken,
      tokenType: 'Bearer',
      expiresIn: settings.expiresInFormat === 'number' ? Number(expiresIn) : expiresIn,
      additionalInfo: {},
    },
    responseHeaders(settings.clock(), checked.clientId),
  );
}

function grantMatches(
  settings: SandboxSettings,
  value: unknown,
  expected: 'authorization_code' | 'refresh_token',
): boolean {
  if (typeof value !== 'string') return false;
  if (settings.grantCase === 'upper') return value === expected.toUpperCase();
  if (settings.grantCase === 'lower') return value === expected;
  return value.toLowerCase() === expected;
}

function expiryField(settings: SandboxSettings, at: number): string | number {
  return settings.customerExpiryFormat === 'seconds'
    ? Math.round((at - settings.clock()) / 1000)
    : formatIsoTimestamp(at, { offset: JAKARTA_OFFSET });
}

/** `POST {customerTokenPath}`: a B2B2C access token for an auth code or a refresh token. */
export function b2b2cToken(context: TokenEndpointContext, recorded: RecordedRequest): Response {
  const { settings, ledger } = context;
  const clock = settings.clock;
  const checked = checkTokenRequest(context, recorded, '74');
  if (checked instanceof Response) return checked;
  const body = parseJsonBody(recorded.body);
  if (!body) return snapResponse(400, '74', '00', 'Bad Request');
  if (body.grantType === undefined) return snapResponse(400, '74', '02', 'Invalid Mandatory Field [grantType]');
  let customerId: string;
  if (grantMatches(settings, body.grantType, 'authorization_code')) {
    if (typeof body.authCode !== 'string' || body.authCode.length === 0) {
      return snapResponse(400, '74', '02', 'Invalid Mandatory Field [authCode]');
    }
    const code = ledger.authCodes.get(body.authCode);
    ledger.authCodes.delete(body.authCode);
    if (!code || code.clientId !== checked.clientId || code.expiresAt <= clock()) {
      return snapResponse(401, '74', '00', 'Unauthorized. [Invalid authCode]');
    }
    customerId = code.customerId;
  } else if (grantMatches(settings, body.grantType, 'refresh_token')) {
    if (typeof body.refreshToken !== 'string' || body.refreshToken.length === 0) {
      return snapResponse(400, '74', '02', 'Invalid Mandatory Field [refreshToken]');
    }
    const refresh = ledger.refreshTokens.get(body.refreshToken);
    ledger.refreshTokens.delete(body.refreshToken);
    if (!refresh || refresh.clientId !== checked.clientId || refresh.expiresAt <= clock()) {
      return snapResponse(401, '74', '00', 'Unauthorized. [Invalid refreshToken]');
    }
    customerId = refresh.customerId;
  } else {
    return snapResponse(400, '74', '01', 'Invalid Field Format [grantType]');
  }
  const accessToken = randomToken();
  const refreshToken = randomToken();
  const accessExpiresAt = clock() + settings.customerTtlMs;
  const refreshExpiresAt = clock() + settings.refreshTtlMs;
  ledger.customerTokens.set(accessToken, {
    clientId: checked.clientId,
    customerId,
    expiresAt: ledger.expiryOf(settings.customerTtlMs),
  });
  ledger.refreshTokens.set(refreshToken, { clientId: checked.clientId, customerId, expiresAt: refreshExpiresAt });
  return jsonResponse(
    200,
    {
      responseCode: '2007400',
      responseMessage: 'Successful',
      tokenType: 'Bearer',
      accessToken,
      accessTokenExpiryTime: expiryField(settings, accessExpiresAt),
      refreshToken,
      refreshTokenExpiryTime: expiryField(settings, refreshExpiresAt),
      additionalInfo: { customerId },
    },
    responseHeaders(clock(), checked.clientId),
  );
}
