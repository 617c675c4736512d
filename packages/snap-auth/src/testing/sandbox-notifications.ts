/**
 * The notification sender: signs a notification to a merchant URL, asymmetrically (§2.4, the
 * sandbox's RSA key), symmetrically (§2.3, a client secret and an access token) or in
 * ifortepay's notify-URL form (§2.8a, HMAC-SHA512 with the client secret over
 * `url:X-VERSION:bodyHash:X-TIMESTAMP`), and sends it once (the core's `deliver`: a deadline over
 * the answer, a size limit, no redirect followed).
 */
import type { KeyObject } from 'node:crypto';
import { formatIsoTimestamp, JAKARTA_OFFSET, minifyJson, TransportError } from '@org/signing-core';
import { type DeliveryAttempt, deliver } from '@org/signing-core/testing';
import type { SnapSandboxDelivery, SnapSandboxNotification } from './sandbox-api.js';
import type { ClientRecord } from './sandbox-settings.js';
import {
  asymmetricSignature,
  ifortepayNotifySignature,
  sha256Hex,
  symmetricSignature,
  toPrivateKey,
} from './sandbox-signature.js';
import { randomNumeric, randomToken } from './sandbox-tokens.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/** The sandbox imports none of the package's own code (sandbox-independence.test.ts). */
const PROVIDER = 'snap';

export interface NotificationContext {
  readonly clock: () => number;
  readonly clients: ReadonlyMap<string, ClientRecord>;
  readonly firstClient: ClientRecord;
  /** The sandbox's own RSA key (created on first use). */
  readonly providerPrivateKey: () => KeyObject;
  readonly fetch: typeof globalThis.fetch | undefined;
  /** The profile's notification format. */
  readonly defaultMode: 'asymmetric' | 'symmetric' | 'ifortepay-notify';
}

export async function sendNotification(
  context: NotificationContext,
  notification: SnapSandboxNotification,
): Promise<SnapSandboxDelivery> {
  const mode = notification.mode ?? context.defaultMode;
  const method = (notification.method ?? 'POST').toUpperCase();
  const body = typeof notification.body === 'string' ? notification.body : JSON.stringify(notification.body);
  const url = new URL(notification.url);
  const path = notification.path ?? url.pathname + url.search;
  const timestamp = notification.timestamp ?? formatIsoTimestamp(context.clock(), { offset: JAKARTA_OFFSET });
  const externalId = notification.externalId ?? randomNumeric(32);
  const bodyHash = sha256Hex(body.length === 0 ? '' : minifyJson(body));
  const client =
    notification.clientId === undefined
      ? context.firstClient
      : (context.clients.get(notification.clientId) ?? context.firstClient);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-TIMESTAMP': timestamp,
    'X-PARTNER-ID': client.partnerId,
    'X-EXTERNAL-ID': externalId,
    'CHANNEL-ID': '95221',
  };
  const parts = { method, path, bodyHash, timestamp };
  if (mode === 'asymmetric') {
    const key =
      notification.privateKey === undefined ? context.providerPrivateKey() : toPrivateKey(notification.privateKey);
    headers['X-SIGNATURE'] = asymmetricSignature(key, parts);
  } else if (mode === 'ifortepay-notify') {
    const version = notification.version ?? 'v1';
    headers['X-VERSION'] = version;
    headers['X-SIGNATURE'] = ifortepayNotifySignature(notification.clientSecret ?? client.clientSecret, {
      url: notification.notifyUrl ?? notification.url,
      version,
      bodyHash,
      timestamp,
    });
  } else {
    const accessToken = notification.accessToken ?? randomToken();
    headers.Authorization = `Bearer ${accessToken}`;
    headers['X-SIGNATURE'] = symmetricSignature(notification.clientSecret ?? client.clientSecret, accessToken, parts);
  }
  Object.assign(headers, notification.headers ?? {});
  const sent = notification.tamperBody ? notification.tamperBody(body) : body;
  const timeoutMs = notification.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const [attempt] = (await deliver({
    request: () =>
      new Request(url, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body: sent }) }),
    timeoutMs,
    fetch: context.fetch,
    name: 'snapSandbox.sendNotification',
    provider: PROVIDER,
  })) as [DeliveryAttempt];
  if (attempt.outcome !== 'answered') {
    const why =
      attempt.outcome === 'timeout'
        ? `the merchant did not answer within ${timeoutMs} ms`
        : `the merchant could not be reached${attempt.errorCode === undefined ? '' : ` (${attempt.errorCode})`}`;
    throw new TransportError(
      attempt.outcome === 'timeout' ? 'ERR_TIMEOUT' : 'ERR_NETWORK',
      `snapSandbox.sendNotification: ${why}`,
      {
        provider: PROVIDER,
        attempts: 1,
      },
    );
  }
  return { status: attempt.status as number, responseBody: attempt.answer, headers, body: sent, timestamp, externalId };
}
