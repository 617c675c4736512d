/**
 * The sandbox's settings: its options with their defaults, and the clients it knows.
 */
import type { KeyObject } from 'node:crypto';
import { parseIsoTimestamp } from '@org/signing-core';
import type { SnapSandboxClient, SnapSandboxOptions } from './sandbox-api.js';
import { toPublicKey } from './sandbox-signature.js';

/** A registered client, its key ready for verification. */
export interface ClientRecord {
  readonly clientId: string;
  readonly publicKey: KeyObject;
  readonly clientSecret: string;
  readonly partnerId: string;
}

/** The options with their defaults applied (durations in milliseconds). */
export interface SandboxSettings {
  readonly clock: () => number;
  readonly tokenPath: string;
  readonly customerTokenPath: string;
  readonly servicePath: string;
  readonly serviceCode: string;
  readonly toleranceMs: number;
  readonly tokenTtlMs: number;
  readonly customerTtlMs: number;
  readonly refreshTtlMs: number;
  readonly authCodeTtlMs: number;
  readonly grantCase: 'upper' | 'lower' | 'any';
  readonly requireChannelId: boolean;
  readonly serviceSignature: 'symmetric' | 'asymmetric' | 'asymmetric-with-token';
  readonly grantTypeField: 'grantType' | 'grant_type';
  /** Whether an X-EXTERNAL-ID obeys the configured rule. */
  readonly externalIdValid: (id: string) => boolean;
  readonly relativeUrl: (url: URL) => string;
  readonly expiresInFormat: SnapSandboxOptions['expiresInFormat'];
  readonly customerExpiryFormat: SnapSandboxOptions['customerExpiryFormat'];
}

export function resolveSettings(options: SnapSandboxOptions): SandboxSettings {
  if (!options || !Array.isArray(options.clients) || options.clients.length === 0) {
    throw new TypeError(
      'createSnapSandbox: clients must be a non-empty array of { clientId, publicKey, clientSecret }',
    );
  }
  return {
    clock: options.clock ?? Date.now,
    tokenPath: options.tokenPath ?? '/v1.0/access-token/b2b',
    customerTokenPath: options.customerTokenPath ?? '/v1.0/access-token/b2b2c',
    servicePath: options.servicePath ?? '/v1.0/balance-inquiry',
    serviceCode: options.serviceCode ?? '11',
    toleranceMs: options.timestampToleranceMs ?? 5 * 60_000,
    tokenTtlMs: (options.tokenTtlSeconds ?? 900) * 1000,
    customerTtlMs: (options.customerTokenTtlSeconds ?? 900) * 1000,
    refreshTtlMs: (options.refreshTokenTtlSeconds ?? 86_400) * 1000,
    authCodeTtlMs: (options.authCodeTtlSeconds ?? 300) * 1000,
    grantCase: options.grantTypeCase ?? 'any',
    requireChannelId: options.requireChannelId ?? true,
    serviceSignature: options.serviceSignature ?? 'symmetric',
    grantTypeField: options.grantTypeField ?? 'grantType',
    externalIdValid: externalIdCheck(options.externalIdRule ?? {}),
    relativeUrl: options.relativeUrl ?? ((url: URL) => url.pathname + url.search),
    expiresInFormat: options.expiresInFormat,
    customerExpiryFormat: options.customerExpiryFormat,
  };
}

/** The clients by id (the first one is the default of `issueAuthCode` and `sendNotification`). */
export function registerClients(clients: readonly SnapSandboxClient[]): Map<string, ClientRecord> {
  const registered = new Map<string, ClientRecord>();
  for (const client of clients) {
    registered.set(client.clientId, {
      clientId: client.clientId,
      publicKey: toPublicKey(client.publicKey),
      clientSecret: client.clientSecret,
      partnerId: client.partnerId ?? client.clientId,
    });
  }
  return registered;
}

/** Whether an X-TIMESTAMP parses and lies within the tolerance of the sandbox clock. */
export function timestampInWindow(settings: SandboxSettings, timestamp: string): boolean {
  try {
    return Math.abs(parseIsoTimestamp(timestamp) - settings.clock()) <= settings.toleranceMs;
  } catch {
    return false;
  }
}

/** The sandbox's own reading of an X-EXTERNAL-ID rule (independent of the library's). */
function externalIdCheck(rule: NonNullable<SnapSandboxOptions['externalIdRule']>): (id: string) => boolean {
  const pattern = rule.charset === 'numeric' ? /^\d+$/ : rule.charset === 'alphanumeric' ? /^[A-Za-z\d]+$/ : /^[!-~]+$/;
  return (id) =>
    pattern.test(id) &&
    id.length <= (rule.maxLength ?? 36) &&
    (rule.lengths === undefined || rule.lengths.includes(id.length));
}
