/**
 * How `payauth token <provider>` builds each provider's client from its settings. Each client
 * is the provider package's own factory (createSnapAuth, createFinnetAuth,
 * createDokuPartnerAuth, createFondyAuth): the CLI adds nothing to the protocol.
 */
import { createDokuPartnerAuth, DOKU_PARTNER_TOKEN_PATH } from '@org/doku-partner-auth';
import { createFinnetAuth, FINNET_DEVELOPMENT_URL, FINNET_TOKEN_PATH } from '@org/finnet-auth';
import { createFondyAuth } from '@org/fondy-auth';
import { type AccessToken, JAKARTA_OFFSET } from '@org/signing-core';
import { createSnapAuth, SNAP_TOKEN_PATH, type SnapPreset, snapPresets } from '@org/snap-auth';
import { usageError } from '../exit-codes.js';
import { checkedPrivateKey } from '../keys.js';
import type { SettingSpec } from '../settings.js';
import type { ProviderName } from './provider-name.js';

interface TokenClient {
  getToken(signal: AbortSignal): Promise<AccessToken>;
  /** Where the token comes from, for the output (no secret). */
  readonly endpoint: string;
}

interface TransportChoices {
  readonly timeoutMs?: number | undefined;
  readonly retry?: number | undefined;
}

export interface TokenProvider {
  readonly settings: readonly SettingSpec[];
  /** Settings that depend on others (SNAP's preset fills the base URL and the token path): resolve `from` first. */
  readonly refine?: {
    readonly from: readonly SettingSpec[];
    settings(values: Record<string, string | undefined>): readonly SettingSpec[];
  };
  create(
    values: Record<string, string | undefined>,
    origins: Record<string, string>,
    transport: TransportChoices,
  ): TokenClient;
}

const transportOptions = (t: TransportChoices) => ({
  ...(t.timeoutMs === undefined ? {} : { timeoutMs: t.timeoutMs }),
  ...(t.retry === undefined ? {} : { retry: t.retry }),
});

/** Every preset of `snapPresets`, by its dotted name (`ifortepay.payment.stage`). */
function snapPresetNames(): Map<string, SnapPreset> {
  const out = new Map<string, SnapPreset>();
  const walk = (node: unknown, path: string[]) => {
    if (node === null || typeof node !== 'object') return;
    if ('baseUrl' in node && 'tokenPath' in node) {
      out.set(path.join('.'), node as SnapPreset);
      return;
    }
    for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
  };
  walk(snapPresets, []);
  return out;
}

function snapPreset(name: string | undefined): SnapPreset | undefined {
  if (name === undefined) return undefined;
  const presets = snapPresetNames();
  const preset = presets.get(name);
  if (!preset) throw usageError(`unknown SNAP preset "${name}"`, `presets: ${[...presets.keys()].join(', ')}`);
  return preset;
}

function timestampFormat(values: Record<string, string | undefined>) {
  const offset = values.timestampOffset;
  const ms = values.timestampMilliseconds;
  if (ms !== undefined && ms !== 'true' && ms !== 'false') {
    throw usageError(`timestamp-milliseconds must be true or false (got "${ms}")`);
  }
  return {
    ...(offset === undefined ? {} : { offset }),
    ...(ms === undefined ? {} : { milliseconds: ms === 'true' }),
  };
}

function positiveInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw usageError(`${name} must be a whole number greater than 0 (got "${value}")`);
  return Number(value);
}

const snapBase: readonly SettingSpec[] = [
  {
    name: 'preset',
    description: 'a provider preset, e.g. ifortepay.payment.stage (sets base URL and token path)',
    value: '<name>',
  },
];

const snapRest = (preset: SnapPreset | undefined): readonly SettingSpec[] => [
  {
    name: 'baseUrl',
    description: 'scheme and host of the SNAP provider',
    value: '<url>',
    required: preset === undefined,
    ...(preset ? { default: preset.baseUrl } : {}),
  },
  {
    name: 'tokenPath',
    description: 'path of the B2B token endpoint',
    value: '<path>',
    default: preset?.tokenPath ?? SNAP_TOKEN_PATH,
  },
  { name: 'clientId', description: 'client id issued by the provider (X-CLIENT-KEY)', value: '<id>', required: true },
  {
    name: 'privateKey',
    description: 'your RSA private key (PEM or base64)',
    value: '<pem>',
    required: true,
    fromFile: true,
    secret: true,
  },
  {
    name: 'timestampOffset',
    description: 'X-TIMESTAMP offset: +07:00 or Z',
    value: '<offset>',
    default: JAKARTA_OFFSET,
  },
  {
    name: 'timestampMilliseconds',
    description: 'X-TIMESTAMP with .SSS milliseconds: true or false',
    value: '<bool>',
    default: 'false',
  },
];

const snap: TokenProvider = {
  settings: [...snapBase, ...snapRest(undefined)],
  refine: { from: snapBase, settings: (values) => [...snapBase, ...snapRest(snapPreset(values.preset))] },
  create(values, origins, transport) {
    const preset = snapPreset(values.preset);
    const auth = createSnapAuth({
      ...(preset?.tokenRequestBody ? { tokenRequestBody: preset.tokenRequestBody } : {}),
      baseUrl: values.baseUrl as string,
      tokenPath: values.tokenPath,
      clientId: values.clientId as string,
      privateKey: checkedPrivateKey(values.privateKey as string, origins.privateKey),
      tokenTimestampFormat: timestampFormat(values),
      ...transportOptions(transport),
    });
    return {
      endpoint: `${values.baseUrl}${values.tokenPath}`,
      getToken: (signal) => auth.getAccessToken({ signal }),
    };
  },
};

const finnet: TokenProvider = {
  settings: [
    {
      name: 'baseUrl',
      description: 'scheme and host (Finnet publishes no production URL)',
      value: '<url>',
      default: FINNET_DEVELOPMENT_URL,
    },
    { name: 'tokenPath', description: 'path of getToken', value: '<path>', default: FINNET_TOKEN_PATH },
    {
      name: 'secretKey',
      description: 'the merchant secret key',
      value: '<secret>',
      required: true,
      fromFile: true,
      secret: true,
    },
    { name: 'username', description: 'merchant username for Basic auth (with --password)', value: '<name>' },
    {
      name: 'password',
      description: 'merchant password for Basic auth (with --username)',
      value: '<password>',
      fromFile: true,
      secret: true,
    },
    {
      name: 'hexKeyCase',
      description: 'case of the hex text of the secret used as HMAC key: lower or upper',
      value: '<case>',
      default: 'lower',
    },
  ],
  create(values, _origins, transport) {
    const hexKeyCase = values.hexKeyCase;
    if (hexKeyCase !== 'lower' && hexKeyCase !== 'upper')
      throw usageError(`hex-key-case must be lower or upper (got "${hexKeyCase}")`);
    const auth = createFinnetAuth({
      baseUrl: values.baseUrl,
      tokenPath: values.tokenPath,
      secretKey: values.secretKey as string,
      username: values.username,
      password: values.password,
      hexKeyCase,
      ...(transport.timeoutMs === undefined ? {} : { timeoutMs: transport.timeoutMs }),
      ...(transport.retry === undefined ? {} : { tokenRetry: transport.retry }),
    });
    return { endpoint: `${values.baseUrl}${values.tokenPath}`, getToken: (signal) => auth.getToken({ signal }) };
  },
};

const doku: TokenProvider = {
  settings: [
    { name: 'baseUrl', description: 'test, production or a URL', value: '<url>', required: true },
    { name: 'clientId', description: 'Client ID (Brand ID, BRN-…)', value: '<id>', required: true },
    {
      name: 'secretKey',
      description: 'Secret Key from the DOKU Back Office',
      value: '<secret>',
      required: true,
      fromFile: true,
      secret: true,
    },
    { name: 'validTimeMinutes', description: 'token lifetime to ask for, in minutes', value: '<minutes>' },
  ],
  create(values, _origins, transport) {
    const validTimeMinutes = positiveInteger(values.validTimeMinutes, 'valid-time-minutes');
    const auth = createDokuPartnerAuth({
      baseUrl: values.baseUrl as string,
      clientId: values.clientId as string,
      secretKey: values.secretKey as string,
      ...(validTimeMinutes === undefined ? {} : { validTimeMinutes }),
      ...transportOptions(transport),
    });
    return { endpoint: `${auth.baseUrl}${DOKU_PARTNER_TOKEN_PATH}`, getToken: (signal) => auth.getToken({ signal }) };
  },
};

const fondy: TokenProvider = {
  settings: [
    { name: 'baseUrl', description: 'wallet, portal, flitt or a URL', value: '<url>', default: 'wallet' },
    {
      name: 'applicationId',
      description: 'application (company) id from Fondy support',
      value: '<id>',
      required: true,
    },
    {
      name: 'secretKey',
      description: "the application's private key",
      value: '<secret>',
      required: true,
      fromFile: true,
      secret: true,
    },
  ],
  create(values, _origins, transport) {
    const auth = createFondyAuth({
      baseUrl: values.baseUrl,
      applicationId: values.applicationId as string,
      secretKey: values.secretKey as string,
      ...transportOptions(transport),
    });
    return { endpoint: auth.baseUrl, getToken: (signal) => auth.getToken({ signal }) };
  },
};

export const TOKEN_PROVIDERS: Readonly<Record<ProviderName, TokenProvider>> = { snap, finnet, doku, fondy };
