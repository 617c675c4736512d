/**
 * SNAP signatures, all computed by @org/snap-auth: the access-token X-SIGNATURE
 * (SHA256withRSA of `clientId|X-TIMESTAMP`), the service-call X-SIGNATURE (HMAC-SHA512 of
 * `METHOD:path:token:sha256(minify(body)):X-TIMESTAMP`) and the asymmetric notification
 * X-SIGNATURE (SHA256withRSA of `METHOD:path:sha256(minify(body)):X-TIMESTAMP`, also the string
 * of asymmetric service calls, with or without a token) and ifortepay's payment notification
 * (HMAC-SHA512 of `notifyUrl:X-VERSION:sha256(minify(body)):X-TIMESTAMP`).
 */
import { formatIsoTimestamp, JAKARTA_OFFSET, minifyJson, randomDigits } from '@org/signing-core';
import {
  SNAP_TOKEN_REQUEST_BODY,
  type SnapStringToSignInput,
  type SnapStringToSignParts,
  snapAccessTokenSignature,
  snapIfortepayNotifySignature,
  snapNotificationSignature,
  snapServiceSignature,
  snapSignedHeaders,
  snapStringToSignParts,
  verifySnapAccessTokenSignature,
  verifySnapSignature,
  verifySnapStringToSign,
} from '@org/snap-auth';
import { checkedPrivateKey, checkedPublicKey } from '../keys.js';
import type { SettingSpec } from '../setting-spec.js';
import {
  changedInput,
  type Explanation,
  inputText,
  type KindInputs,
  type Mode,
  type SignatureKind,
  type Variant,
  withoutQueryVariant,
} from './kind.js';
import { bodyVariants, timestampVariants, trimmedSecret } from './variants.js';

function timestampSpec(mode: Mode, now: number): SettingSpec {
  return {
    name: 'timestamp',
    description: 'X-TIMESTAMP exactly as sent',
    value: '<iso>',
    flagOnly: true,
    ...(mode === 'sign' ? { default: formatIsoTimestamp(now, { offset: JAKARTA_OFFSET }) } : { required: true }),
  };
}

const clientId = (required: boolean): SettingSpec => ({
  name: 'clientId',
  description: 'client id (X-CLIENT-KEY)',
  value: '<id>',
  required,
});
const privateKey: SettingSpec = {
  name: 'privateKey',
  description: 'RSA private key (PEM or base64) that signs',
  value: '<pem>',
  required: true,
  fromFile: true,
  secret: true,
};
const publicKey: SettingSpec = {
  name: 'publicKey',
  description: "the signer's RSA public key (PEM or base64; a private key works too: its public half is used)",
  value: '<pem>',
  required: true,
  fromFile: true,
};
const method: SettingSpec = {
  name: 'method',
  description: 'HTTP method',
  value: '<method>',
  flagOnly: true,
  default: 'POST',
};
const path: SettingSpec = {
  name: 'path',
  description: 'relative URL exactly as sent: path (with any provider prefix) and query, starting with /',
  value: '<path>',
  flagOnly: true,
  required: true,
};
const body: SettingSpec = {
  name: 'body',
  description: 'the JSON body exactly as sent (minified before hashing; empty for none)',
  value: '<json>',
  flagOnly: true,
  fromFile: true,
  exactFile: true,
};
const accessToken: SettingSpec = {
  name: 'accessToken',
  description: 'the B2B access token, without "Bearer "',
  value: '<token>',
  flagOnly: true,
  fromFile: true,
  required: true,
};
const clientSecret: SettingSpec = {
  name: 'clientSecret',
  description: 'client secret (HMAC-SHA512 key)',
  value: '<secret>',
  required: true,
  fromFile: true,
  secret: true,
};
const headerSpecs = (mode: Mode): SettingSpec[] =>
  mode === 'sign'
    ? [
        { name: 'partnerId', description: 'X-PARTNER-ID header (default: --client-id, if given)', value: '<id>' },
        { name: 'channelId', description: 'CHANNEL-ID header (provider-assigned)', value: '<id>' },
        {
          name: 'externalId',
          description: 'X-EXTERNAL-ID header (default: 36 random digits)',
          value: '<id>',
          flagOnly: true,
        },
      ]
    : [];

const bodyText = (inputs: KindInputs) => inputs.values.body ?? '';

/** The method, path, body and timestamp of a service call or notification, as given. */
function messageInputs(inputs: KindInputs) {
  return {
    method: inputText(inputs, 'method'),
    path: inputText(inputs, 'path'),
    body: bodyText(inputs),
    timestamp: inputText(inputs, 'timestamp'),
  };
}

/**
 * The "signer hashed the body as sent, without minifying it" variant of a service or
 * notification signature: the string to sign with the raw body's hash (the provider's
 * `minify: false`), checked with the client secret or the public key.
 */
function rawBodyVariant(
  inputs: KindInputs,
  signature: string,
  message: SnapStringToSignInput,
  key: () => { clientSecret: string } | { publicKey: string },
): Variant[] {
  if (bodyText(inputs).trim() === '') return [];
  return [
    {
      input: 'body',
      description: 'the body hashed as sent, without minifying it',
      check: async () => {
        const { stringToSign } = await snapStringToSignParts({ ...message, minify: false });
        return verifySnapStringToSign({ stringToSign, signature, ...key() });
      },
    },
  ];
}

/** The client secret without the whitespace or line break a file or a paste may add, when it has some. */
function trimmedClientSecretVariant(kind: SignatureKind, inputs: KindInputs, signature: string): Variant[] {
  const trimmed = trimmedSecret(inputText(inputs, 'clientSecret'));
  return trimmed
    ? [
        changedInput(kind, inputs, signature, 'key', 'the client secret without surrounding whitespace or line break', {
          values: { clientSecret: trimmed },
        }),
      ]
    : [];
}

/** X-PARTNER-ID (default: the client id), X-EXTERNAL-ID (default: 36 random digits) and CHANNEL-ID, when given. */
function optionalHeaders(inputs: KindInputs) {
  const partner = inputs.values.partnerId ?? inputs.values.clientId;
  return {
    ...(partner ? { partnerId: partner } : {}),
    externalId: inputs.values.externalId ?? randomDigits(36),
    ...(inputs.values.channelId ? { channelId: inputs.values.channelId } : {}),
  };
}

/**
 * The explanation of a service or notification signature: the string to sign and its parts,
 * the minified body and its hash (the string's `bodyHash` part), the headers and the signature.
 */
function bodyHashExplanation(
  explained: SnapStringToSignParts,
  body: string,
  headers: Record<string, string>,
  signature: string,
): Explanation {
  const bodyHash = explained.parts.find((part) => part.name === 'bodyHash')?.value as string;
  return {
    stringToSign: explained.stringToSign,
    parts: explained.parts,
    computed: minifiedBodyLines(body, bodyHash),
    headers: Object.entries(headers),
    signature,
  };
}

/**
 * A relative or full URL without its query string, and with the trailing slash of its path
 * toggled: what a signer's URL most often differs by.
 */
function urlVariants(
  kind: SignatureKind,
  inputs: KindInputs,
  signature: string,
  field: 'path' | 'notifyUrl' = 'path',
  label: string = field,
): Variant[] {
  const value = inputText(inputs, field);
  const out: Variant[] = withoutQueryVariant(kind, inputs, signature, field, label);
  const query = value.indexOf('?');
  const bare = query > 0 ? value.slice(0, query) : value;
  const rest = query > 0 ? value.slice(query) : '';
  const toggled = bare.endsWith('/') && bare.length > 1 ? bare.slice(0, -1) : `${bare}/`;
  out.push(
    changedInput(
      kind,
      inputs,
      signature,
      label,
      `the ${label} with its trailing slash toggled`,
      { values: { [field]: toggled + rest } },
      toggled + rest,
    ),
  );
  return out;
}

function timestampChanges(kind: SignatureKind, inputs: KindInputs, signature: string): Variant[] {
  return timestampVariants(inputText(inputs, 'timestamp')).map((t) =>
    changedInput(kind, inputs, signature, 'timestamp', t.description, { values: { timestamp: t.value } }, t.value),
  );
}

function bodyChanges(kind: SignatureKind, inputs: KindInputs, signature: string): Variant[] {
  // SNAP minifies before hashing, so only changes that survive minification can matter.
  return bodyVariants(bodyText(inputs), { minified: false }).map((b) =>
    changedInput(kind, inputs, signature, 'body', b.description, { values: { body: b.value } }, b.value),
  );
}

export const snapToken: SignatureKind = {
  provider: 'snap',
  kind: 'token',
  unvaried: 'the client id',
  summary: 'X-SIGNATURE of a B2B/B2B2C access-token request (SHA256withRSA of clientId|X-TIMESTAMP)',
  details:
    'The access-token request is signed with your RSA private key over "clientId|X-TIMESTAMP".\nverify takes the public key you registered with the provider (or the private key).',
  settings: (mode, now) => [clientId(true), mode === 'sign' ? privateKey : publicKey, timestampSpec(mode, now)],
  async explain(inputs) {
    const input = {
      clientId: inputText(inputs, 'clientId'),
      timestamp: inputText(inputs, 'timestamp'),
      privateKey: checkedPrivateKey(inputText(inputs, 'privateKey'), inputs.origins.privateKey),
    };
    const signature = await snapAccessTokenSignature(input);
    const explained = await snapStringToSignParts({
      kind: 'access-token',
      clientId: input.clientId,
      timestamp: input.timestamp,
    });
    return {
      stringToSign: explained.stringToSign,
      parts: explained.parts,
      computed: [],
      headers: Object.entries(
        snapSignedHeaders({ kind: 'access-token', clientId: input.clientId, timestamp: input.timestamp, signature }),
      ),
      body: JSON.stringify(SNAP_TOKEN_REQUEST_BODY),
      signature,
    } satisfies Explanation;
  },
  async verify(inputs, signature) {
    const match = await verifySnapAccessTokenSignature({
      clientId: inputText(inputs, 'clientId'),
      timestamp: inputText(inputs, 'timestamp'),
      signature,
      publicKey: checkedPublicKey(inputText(inputs, 'publicKey'), inputs.origins.publicKey),
    });
    return { match };
  },
  variants(inputs, signature) {
    const out = timestampChanges(this, inputs, signature);
    const trimmed = trimmedSecret(inputText(inputs, 'clientId'));
    if (trimmed)
      out.push(
        changedInput(
          this,
          inputs,
          signature,
          'client id',
          'the client id without surrounding whitespace',
          { values: { clientId: trimmed } },
          trimmed,
        ),
      );
    return out;
  },
  examples: [
    'payauth sign snap token --client-id my-client --private-key-file ./snap-private.pem',
    'payauth verify snap token --client-id my-client --public-key-file ./snap-public.pem --timestamp 2024-08-21T14:27:50+07:00 --signature "iv5Y…"',
  ],
};

export const snapService: SignatureKind = {
  provider: 'snap',
  kind: 'service',
  unvaried: 'the method, path, access token',
  summary: 'X-SIGNATURE of a service call or symmetric notification (HMAC-SHA512 with the client secret)',
  details:
    'Service (transactional) calls are signed with the client secret over\n"METHOD:path:accessToken:lowerhex(sha256(minified body)):X-TIMESTAMP". Symmetric notifications\n(e.g. DOKU SNAP) use the same form: verify them with this kind.',
  settings: (mode, now) => [
    method,
    path,
    accessToken,
    body,
    timestampSpec(mode, now),
    clientSecret,
    clientId(false),
    ...headerSpecs(mode),
  ],
  async explain(inputs) {
    const input = { ...messageInputs(inputs), accessToken: inputText(inputs, 'accessToken') };
    const signature = await snapServiceSignature({ ...input, clientSecret: inputText(inputs, 'clientSecret') });
    const headers = snapSignedHeaders({
      kind: 'service',
      accessToken: input.accessToken,
      timestamp: input.timestamp,
      signature,
      ...optionalHeaders(inputs),
    });
    return bodyHashExplanation(
      await snapStringToSignParts({ kind: 'service', ...input }),
      input.body,
      headers,
      signature,
    );
  },
  async verify(inputs, signature) {
    const match = await verifySnapSignature({
      ...messageInputs(inputs),
      signature,
      clientSecret: inputText(inputs, 'clientSecret'),
      accessToken: inputText(inputs, 'accessToken'),
    });
    return { match };
  },
  variants(inputs, signature) {
    const out = [...timestampChanges(this, inputs, signature)];
    out.push(
      ...rawBodyVariant(
        inputs,
        signature,
        { kind: 'service', ...messageInputs(inputs), accessToken: inputText(inputs, 'accessToken') },
        () => ({ clientSecret: inputText(inputs, 'clientSecret') }),
      ),
    );
    out.push(...bodyChanges(this, inputs, signature));
    const token = inputText(inputs, 'accessToken');
    out.push(
      /^bearer /i.test(token)
        ? changedInput(this, inputs, signature, 'access token', 'the token without the "Bearer " prefix given here', {
            values: { accessToken: token.replace(/^bearer /i, '') },
          })
        : changedInput(this, inputs, signature, 'access token', 'the token signed with its "Bearer " prefix', {
            values: { accessToken: `Bearer ${token}` },
          }),
    );
    out.push(...urlVariants(this, inputs, signature), ...trimmedClientSecretVariant(this, inputs, signature));
    return out;
  },
  examples: [
    'payauth sign snap service --path /v1.0/balance-inquiry --access-token "$TOKEN" --client-secret-file ./secret.txt --body \'{"partnerReferenceNo":"1"}\'',
    'payauth verify snap service --path /v1.0/balance-inquiry --access-token "$TOKEN" --client-secret-file ./secret.txt --body-file body.json --timestamp 2024-08-21T14:27:50+07:00 --signature "…"',
  ],
};

function minifiedBodyLines(body: string, hash: string): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  if (body.trim() !== '') lines.push(['minified body (hashed; send these bytes)', minifyJson(body)]);
  lines.push(['body hash (lowercase hex SHA-256 of the minified body)', hash]);
  return lines;
}

export const snapNotification: SignatureKind = {
  provider: 'snap',
  kind: 'notification',
  unvaried: 'the method, path',
  summary: 'X-SIGNATURE of an asymmetric notification (SHA256withRSA of METHOD:path:bodyHash:X-TIMESTAMP)',
  details:
    'Asymmetric notifications (provider → merchant) are signed with the provider\'s RSA private key over\n"METHOD:path:lowerhex(sha256(minified body)):X-TIMESTAMP", with the path of the notification URL.\nverify takes the provider\'s public key. For symmetric notifications use the "service" kind.',
  settings: (mode, now) => [
    method,
    { ...path, description: 'relative URL of the notification endpoint (path and query), starting with /' },
    body,
    timestampSpec(mode, now),
    mode === 'sign' ? privateKey : publicKey,
    ...(mode === 'sign' ? [clientId(false), ...headerSpecs(mode).filter((s) => s.name !== 'channelId')] : []),
  ],
  async explain(inputs) {
    const input = messageInputs(inputs);
    const signature = await snapNotificationSignature({
      ...input,
      privateKey: checkedPrivateKey(inputText(inputs, 'privateKey'), inputs.origins.privateKey),
    });
    const headers = snapSignedHeaders({
      kind: 'notification',
      timestamp: input.timestamp,
      signature,
      ...optionalHeaders(inputs),
    });
    return bodyHashExplanation(
      await snapStringToSignParts({ kind: 'notification', ...input }),
      input.body,
      headers,
      signature,
    );
  },
  async verify(inputs, signature) {
    const match = await verifySnapSignature({
      ...messageInputs(inputs),
      signature,
      publicKey: checkedPublicKey(inputText(inputs, 'publicKey'), inputs.origins.publicKey),
    });
    return { match };
  },
  variants(inputs, signature) {
    const out = [...timestampChanges(this, inputs, signature)];
    out.push(
      ...rawBodyVariant(inputs, signature, { kind: 'notification', ...messageInputs(inputs) }, () => ({
        publicKey: checkedPublicKey(inputText(inputs, 'publicKey'), inputs.origins.publicKey),
      })),
    );
    out.push(...bodyChanges(this, inputs, signature), ...urlVariants(this, inputs, signature));
    return out;
  },
  examples: [
    'payauth sign snap notification --path /payments/notify --body-file notification.json --private-key-file ./provider-private.pem',
    'payauth verify snap notification --path /payments/notify --body-file notification.json --public-key-file ./provider-public.pem --timestamp 2024-08-21T14:27:50+07:00 --signature "…"',
  ],
};

const notifyUrl: SettingSpec = {
  name: 'notifyUrl',
  description: 'the complete notification URL registered with ifortepay (scheme, host, path, query)',
  value: '<url>',
  flagOnly: true,
  required: true,
};
const xVersion: SettingSpec = {
  name: 'xVersion',
  description: 'X-VERSION header exactly as sent',
  value: '<version>',
  flagOnly: true,
  required: true,
};

/** The notify URL, X-VERSION, body and timestamp of an ifortepay notification, as given. */
function ifortepayInputs(inputs: KindInputs) {
  return {
    notifyUrl: inputText(inputs, 'notifyUrl'),
    version: inputText(inputs, 'xVersion'),
    body: bodyText(inputs),
    timestamp: inputText(inputs, 'timestamp'),
  };
}

export const snapIfortepayNotify: SignatureKind = {
  provider: 'snap',
  kind: 'ifortepay-notify',
  unvaried: 'the notification URL, X-VERSION',
  summary: 'X-SIGNATURE of an ifortepay payment notification (HMAC-SHA512 of notifyUrl:X-VERSION:bodyHash:X-TIMESTAMP)',
  details:
    'ifortepay signs its payment notifications with your client secret over\n"notifyUrl:X-VERSION:lowerhex(sha256(minified body)):X-TIMESTAMP", where notifyUrl is the complete URL\nregistered with ifortepay (developer.ifortepay.id/snap/auth/payment-notify).',
  settings: (mode, now) => [notifyUrl, xVersion, body, timestampSpec(mode, now), clientSecret],
  async explain(inputs) {
    const input = ifortepayInputs(inputs);
    const signature = await snapIfortepayNotifySignature({ ...input, clientSecret: inputText(inputs, 'clientSecret') });
    const headers = snapSignedHeaders({
      kind: 'ifortepay-notify',
      timestamp: input.timestamp,
      version: input.version,
      signature,
    });
    return bodyHashExplanation(
      await snapStringToSignParts({ kind: 'ifortepay-notify', ...input }),
      input.body,
      headers,
      signature,
    );
  },
  async verify(inputs, signature) {
    const { stringToSign } = await snapStringToSignParts({ kind: 'ifortepay-notify', ...ifortepayInputs(inputs) });
    return {
      match: await verifySnapStringToSign({ stringToSign, signature, clientSecret: inputText(inputs, 'clientSecret') }),
    };
  },
  variants(inputs, signature) {
    return [
      ...timestampChanges(this, inputs, signature),
      ...rawBodyVariant(inputs, signature, { kind: 'ifortepay-notify', ...ifortepayInputs(inputs) }, () => ({
        clientSecret: inputText(inputs, 'clientSecret'),
      })),
      ...bodyChanges(this, inputs, signature),
      ...urlVariants(this, inputs, signature, 'notifyUrl', 'notification URL'),
      ...trimmedClientSecretVariant(this, inputs, signature),
    ];
  },
  examples: [
    'payauth sign snap ifortepay-notify --notify-url https://shop.example/ifortepay/notify --x-version v1 --body-file notification.json --client-secret-file ./secret.txt',
    'payauth verify snap ifortepay-notify --notify-url https://shop.example/ifortepay/notify --x-version v1 --body-file notification.json --client-secret-file ./secret.txt --timestamp 2024-08-21T14:27:50+07:00 --signature "…"',
  ],
};
