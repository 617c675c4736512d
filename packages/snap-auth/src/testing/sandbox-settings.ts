/**
 * The sandbox's settings: its options with their defaults, and the clients it knows.
 */
import type { KeyObject } from 'node:crypto';
import { parseIsoTimestamp } from '@org/signing-core';
import type { SnapSandboxClient, SnapSandboxOptions, SnapSandboxService } from './sandbox-api.js';
import { toPublicKey } from './sandbox-signature.js';

/** A registered client, its key ready for verification. */
export interface ClientRecord {
  readonly clientId: string;
  readonly publicKey: KeyObject;
  readonly clientSecret: string;
  readonly partnerId: string;
}

/** A service endpoint with its defaults applied. */
export interface ServiceSettings {
  readonly path: string;
  readonly serviceCode: string;
  /** The accepted method; undefined: any (the sample service). */
  readonly method: string | undefined;
  readonly reply: SnapSandboxService['reply'] | 'balance-inquiry';
}

/** The options with their defaults applied (durations in milliseconds). */
export interface SandboxSettings {
  readonly clock: () => number;
  readonly tokenPath: string;
  readonly customerTokenPath: string;
  /** The services served, by path. */
  readonly services: ReadonlyMap<string, ServiceSettings>;
  readonly notificationFormat: 'asymmetric' | 'symmetric' | 'ifortepay-notify';
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
  const profile = options.profile ?? {};
  const tokenPath = options.tokenPath ?? pathOf(profile.tokenPath) ?? '/v1.0/access-token/b2b';
  return {
    clock: skewed(options.clock ?? Date.now, options.clockSkewMs ?? 0),
    tokenPath,
    customerTokenPath:
      options.customerTokenPath ?? pathOf(profile.customerTokenPath) ?? tokenPath.replace(/\/b2b$/, '/b2b2c'),
    services: resolveServices(options),
    notificationFormat: profile.notificationFormat ?? 'asymmetric',
    toleranceMs: options.timestampToleranceMs ?? 5 * 60_000,
    tokenTtlMs: (options.tokenTtlSeconds ?? 900) * 1000,
    customerTtlMs: (options.customerTokenTtlSeconds ?? 900) * 1000,
    refreshTtlMs: (options.refreshTokenTtlSeconds ?? 86_400) * 1000,
    authCodeTtlMs: (options.authCodeTtlSeconds ?? 300) * 1000,
    grantCase: options.grantTypeCase ?? profile.grantTypeCase ?? 'any',
    requireChannelId: options.requireChannelId ?? true,
    serviceSignature: options.serviceSignature ?? profile.serviceSignature ?? 'symmetric',
    grantTypeField: options.grantTypeField ?? profile.grantTypeField ?? 'grantType',
    externalIdValid: externalIdCheck(options.externalIdRule ?? profile.externalIdRule ?? {}),
    relativeUrl: options.relativeUrl ?? ((url: URL) => url.pathname + url.search),
    expiresInFormat: options.expiresInFormat,
    customerExpiryFormat: options.customerExpiryFormat,
  };
}

/** A clock `skewMs` off `clock` (the sandbox's own time, for a provider with a skewed clock). */
function skewed(clock: () => number, skewMs: number): () => number {
  if (typeof skewMs !== 'number' || !Number.isFinite(skewMs)) {
    throw new TypeError('createSnapSandbox: clockSkewMs must be a finite number of milliseconds');
  }
  return skewMs === 0 ? clock : () => clock() + skewMs;
}

/** The path of a path or absolute URL. */
function pathOf(pathOrUrl: string | undefined): string | undefined {
  if (pathOrUrl === undefined) return undefined;
  return /^https?:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl).pathname : pathOrUrl;
}

function resolveServices(options: SnapSandboxOptions): Map<string, ServiceSettings> {
  const services = new Map<string, ServiceSettings>();
  if (options.services === undefined) {
    const path = options.servicePath ?? '/v1.0/balance-inquiry';
    services.set(path, { path, serviceCode: options.serviceCode ?? '11', method: undefined, reply: 'balance-inquiry' });
    return services;
  }
  if (!Array.isArray(options.services) || options.services.length === 0) {
    throw new TypeError('createSnapSandbox: services must be a non-empty array of { path, serviceCode, reply? }');
  }
  for (const service of options.services) {
    if (typeof service?.path !== 'string' || !service.path.startsWith('/')) {
      throw new TypeError('createSnapSandbox: services[].path must be a path starting with "/"');
    }
    if (typeof service.serviceCode !== 'string' || !/^\d{2}$/.test(service.serviceCode)) {
      throw new TypeError(`createSnapSandbox: services[].serviceCode of ${service.path} must be two digits`);
    }
    if (services.has(service.path)) throw new TypeError(`createSnapSandbox: ${service.path} is served twice`);
    services.set(service.path, {
      path: service.path,
      serviceCode: service.serviceCode,
      method: (service.method ?? 'POST').toUpperCase(),
      reply: service.reply,
    });
  }
  return services;
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
