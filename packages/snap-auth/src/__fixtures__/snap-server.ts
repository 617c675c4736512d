/**
 * Test helpers for the server kit: a merchant served on 127.0.0.1 (token endpoint, a VA payment
 * endpoint with service code 25) and a partner that signs its calls by hand, so a test can
 * resend exactly the same bytes, change one header, or sign with another key.
 */
import { formatIsoTimestamp } from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { snapAccessTokenSignature } from '../protocol/access-token-signature.js';
import { snapNotificationSignature } from '../protocol/notification-signature.js';
import { snapServiceSignature } from '../protocol/service-signature.js';
import { createSnapServer, type SnapServer } from '../server/create-snap-server.js';
import type { SnapServerOptions } from '../server/options.js';
import type { SnapServiceHandler } from '../server/redelivery.js';
import { CHANNEL_ID, CLIENT_ID, CLIENT_SECRET, privateKeyPem, type TestClock } from './setup.js';

const TOKEN_PATH = '/v1.0/access-token/b2b';
export const PAY_PATH = '/v1.0/transfer-va/payment';

export const paymentBody = {
  partnerServiceId: '   88899',
  customerNo: '12345678901234567890',
  virtualAccountNo: '   8889912345678901234567890',
  paymentRequestId: '202603021000000001',
  paidAmount: { value: '10000.00', currency: 'IDR' },
};

export interface Merchant {
  readonly server: SnapServer;
  readonly url: string;
  /** How often the payment handler ran. */
  runs: number;
  /** The handler of the payment endpoint; replace it per test. */
  handler: SnapServiceHandler;
  close(): Promise<void>;
}

/** A merchant whose payment handler echoes the paymentRequestId, served on 127.0.0.1. */
export async function startMerchant(options: Partial<SnapServerOptions>, clock: TestClock): Promise<Merchant> {
  const server = createSnapServer({ clock, ...options } as SnapServerOptions);
  const merchant = {
    server,
    url: '',
    runs: 0,
    handler: ((call) => ({
      virtualAccountData: { paymentRequestId: (call.json as typeof paymentBody).paymentRequestId },
    })) as SnapServiceHandler,
    close: async () => {},
  };
  const running: RunningSandbox = await serveOnLoopback(async (request) => {
    const path = new URL(request.url).pathname;
    if (path === TOKEN_PATH) return server.handleAccessToken(request);
    return server.handle(request, { serviceCode: '25' }, async (call, context) => {
      merchant.runs += 1;
      return merchant.handler(call, context);
    });
  }, 0);
  merchant.url = running.url;
  merchant.close = () => running.close();
  return merchant;
}

export interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown>;
  readonly headers: Headers;
}

async function answer(response: Response): Promise<Answer> {
  return {
    status: response.status,
    json: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

/** A token request signed with `privateKey` (default: the SNAP-B2B-1 key of CLIENT_ID). */
export async function requestToken(
  url: string,
  clock: TestClock,
  options: {
    clientId?: string;
    privateKey?: string;
    body?: string;
    headers?: Record<string, string | undefined>;
  } = {},
): Promise<Answer> {
  const clientId = options.clientId ?? CLIENT_ID;
  const timestamp = formatIsoTimestamp(clock(), { offset: '+07:00' });
  const signature = await snapAccessTokenSignature({
    clientId,
    timestamp,
    privateKey: options.privateKey ?? privateKeyPem,
  });
  const headers: Record<string, string> = {};
  const all = {
    'Content-Type': 'application/json',
    'X-TIMESTAMP': timestamp,
    'X-CLIENT-KEY': clientId,
    'X-SIGNATURE': signature,
    ...options.headers,
  };
  for (const [name, value] of Object.entries(all)) if (value !== undefined) headers[name] = value;
  return answer(
    await fetch(`${url}${TOKEN_PATH}`, {
      method: 'POST',
      headers,
      body: options.body ?? '{"grantType":"client_credentials"}',
    }),
  );
}

/** A token for CLIENT_ID (or another client). */
export async function tokenOf(
  url: string,
  clock: TestClock,
  options: { clientId?: string; privateKey?: string } = {},
): Promise<string> {
  const reply = await requestToken(url, clock, options);
  if (reply.status !== 200) throw new Error(`no token: ${JSON.stringify(reply.json)}`);
  return reply.json.accessToken as string;
}

/** A signed service call, as headers and body text, ready to be sent (and sent again). */
export interface SignedCall {
  readonly headers: Record<string, string>;
  readonly body: string;
}

let nextExternalId = 1_000_000;

/**
 * Signs a call the way a SNAP partner does (symmetric unless `privateKey` is given). The default
 * body is `paymentBody` with a paymentRequestId of its own.
 */
export async function signCall(
  token: string,
  clock: TestClock,
  options: {
    body?: unknown;
    externalId?: string;
    partnerId?: string;
    channelId?: string;
    timestamp?: string;
    clientSecret?: string;
    privateKey?: string;
    path?: string;
  } = {},
): Promise<SignedCall> {
  const externalId = options.externalId ?? String(nextExternalId++);
  // By default every call pays another bill: two calls never carry the same signature by chance.
  const body =
    typeof options.body === 'string'
      ? options.body
      : JSON.stringify(options.body ?? { ...paymentBody, paymentRequestId: `2026${externalId}` });
  const timestamp = options.timestamp ?? formatIsoTimestamp(clock(), { offset: '+07:00' });
  const path = options.path ?? PAY_PATH;
  const signature =
    options.privateKey === undefined
      ? await snapServiceSignature({
          method: 'POST',
          path,
          accessToken: token,
          body,
          timestamp,
          clientSecret: options.clientSecret ?? CLIENT_SECRET,
        })
      : await snapNotificationSignature({ method: 'POST', path, body, timestamp, privateKey: options.privateKey });
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
      'X-TIMESTAMP': timestamp,
      'X-SIGNATURE': signature,
      'X-PARTNER-ID': options.partnerId ?? CLIENT_ID,
      'X-EXTERNAL-ID': externalId,
      'CHANNEL-ID': options.channelId ?? CHANNEL_ID,
    },
  };
}

/** Sends a signed call, with some headers changed or removed (`undefined`). */
export async function send(
  url: string,
  call: SignedCall,
  change: Record<string, string | undefined> = {},
  path = PAY_PATH,
): Promise<Answer> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...call.headers, ...change })) {
    if (value !== undefined) headers[name] = value;
  }
  return answer(await fetch(`${url}${path}`, { method: 'POST', headers, body: call.body }));
}
