/**
 * DOKU's non-SNAP signature, computed by @org/doku-partner-auth: HMAC-SHA256 with the Secret Key
 * over the `Client-Id` / `Request-Id` / `Request-Timestamp` (or `Response-Timestamp`) /
 * `Request-Target` / `Digest` lines, for requests to DOKU, DOKU's responses and DOKU's
 * notifications.
 */
import {
  type DokuSignatureKind,
  dokuDigest,
  dokuSignature,
  dokuStringToSign,
  verifyDokuSignature,
} from '@org/doku-partner-auth';
import { formatUtcTimestamp, fromBase64, hmac, randomUuid, timingSafeEqual } from '@org/signing-core';
import type { SettingSpec } from '../settings.js';
import {
  changedInput,
  type KindInputs,
  type Mode,
  type SignatureKind,
  type Variant,
  withoutQueryVariant,
} from './kind.js';
import { bodyVariants, timestampVariants, trimmedSecret } from './variants.js';

const v = (inputs: KindInputs, name: string) => inputs.values[name] as string;

type DokuKindName = 'request' | 'response' | 'notification';

function settings(kind: DokuKindName, mode: Mode, now: number): SettingSpec[] {
  const timestampHeader = kind === 'response' ? 'Response-Timestamp' : 'Request-Timestamp';
  return [
    { name: 'clientId', description: 'Client-Id (Brand ID, BRN-…)', value: '<id>', required: true },
    {
      name: 'secretKey',
      description: 'Secret Key from the DOKU Back Office',
      value: '<secret>',
      required: true,
      fromFile: true,
      secret: true,
    },
    {
      name: 'requestId',
      description: kind === 'response' ? 'Request-Id of your request' : 'Request-Id header',
      value: '<id>',
      flagOnly: true,
      ...(mode === 'sign' && kind !== 'response' ? { default: randomUuid() } : { required: true }),
    },
    {
      name: 'timestamp',
      description: `${timestampHeader} exactly as sent (yyyy-MM-ddTHH:mm:ssZ)`,
      value: '<iso>',
      flagOnly: true,
      ...(mode === 'sign' ? { default: formatUtcTimestamp(now) } : { required: true }),
    },
    {
      name: 'target',
      description:
        kind === 'notification'
          ? 'Request-Target: the path of YOUR notification URL, e.g. /payments/notifications'
          : kind === 'response'
            ? 'Request-Target of your request, e.g. /adv-core-api/partner/v1.0/token'
            : 'Request-Target: the path, e.g. /adv-core-api/partner/v1.0/token',
      value: '<path>',
      flagOnly: true,
      required: true,
    },
    {
      name: 'body',
      description: 'the body exactly as sent (no Digest line when empty)',
      value: '<text>',
      flagOnly: true,
      fromFile: true,
      exactFile: true,
    },
  ];
}

const signatureKind = (kind: DokuKindName): DokuSignatureKind => (kind === 'response' ? 'response' : 'request');

function components(inputs: KindInputs, kind: DokuKindName) {
  const body = inputs.values.body;
  return {
    clientId: v(inputs, 'clientId'),
    requestId: v(inputs, 'requestId'),
    timestamp: v(inputs, 'timestamp'),
    target: v(inputs, 'target'),
    ...(body === undefined || body === '' ? {} : { body }),
    kind: signatureKind(kind),
  };
}

/** The 32 MAC bytes of `HMACSHA256=<base64>`, padded or not; undefined when malformed. */
function macBytes(signature: string): Uint8Array | undefined {
  const value = signature.trim();
  if (!value.toUpperCase().startsWith('HMACSHA256=')) return undefined;
  try {
    const bytes = fromBase64(value.slice('HMACSHA256='.length));
    return bytes.length === 32 ? bytes : undefined;
  } catch {
    return undefined;
  }
}

function dokuKind(kind: DokuKindName, summary: string, details: string, examples: string[]): SignatureKind {
  const self: SignatureKind = {
    provider: 'doku',
    kind,
    unvaried: 'the Client-Id, Request-Id, target',
    summary,
    details,
    settings: (mode, now) => settings(kind, mode, now),
    async explain(inputs) {
      const parts = components(inputs, kind);
      const signature = await dokuSignature({ ...parts, secretKey: v(inputs, 'secretKey') });
      const computed: Array<[string, string]> = [];
      if (parts.body !== undefined)
        computed.push(['Digest (base64 SHA-256 of the exact body bytes)', await dokuDigest(parts.body)]);
      else computed.push(['Digest', 'none: no body, so no Digest line']);
      return {
        stringToSign: await dokuStringToSign(parts),
        computed,
        headers: [
          ['Client-Id', parts.clientId],
          ['Request-Id', parts.requestId],
          [kind === 'response' ? 'Response-Timestamp' : 'Request-Timestamp', parts.timestamp],
          ['Signature', signature],
          ...(parts.body === undefined ? [] : ([['Content-Type', 'application/json']] as Array<[string, string]>)),
        ],
        signature,
      };
    },
    async verify(inputs, signature) {
      const match = await verifyDokuSignature({
        ...components(inputs, kind),
        secretKey: v(inputs, 'secretKey'),
        signature,
      });
      if (match && !signature.trim().endsWith('=')) {
        return {
          match,
          note: 'the signature is unpadded base64: this package accepts it, but DOKU documents padded values (and the sandbox refuses unpadded ones)',
        };
      }
      return { match };
    },
    variants(inputs, signature) {
      const out: Variant[] = [];
      for (const t of timestampVariants(v(inputs, 'timestamp'))) {
        out.push(
          changedInput(
            self,
            inputs,
            signature,
            'timestamp',
            t.description,
            { values: { timestamp: t.value } },
            t.value,
          ),
        );
      }
      for (const b of bodyVariants(inputs.values.body ?? '')) {
        out.push(changedInput(self, inputs, signature, 'body', b.description, { values: { body: b.value } }, b.value));
      }
      const body = inputs.values.body;
      if (body) {
        out.push({
          input: 'padding',
          description: 'the Digest line written without base64 padding (=)',
          check: async () => {
            const bytes = macBytes(signature);
            if (!bytes) return false;
            const digest = await dokuDigest(body);
            const text = (await dokuStringToSign(components(inputs, kind))).replace(
              `Digest:${digest}`,
              `Digest:${digest.replace(/=+$/, '')}`,
            );
            return timingSafeEqual(await hmac('SHA-256', v(inputs, 'secretKey'), text), bytes);
          },
        });
      }
      const trimmed = signature.trim();
      if (!trimmed.toUpperCase().startsWith('HMACSHA256=')) {
        out.push(
          changedInput(
            self,
            inputs,
            `HMACSHA256=${trimmed}`,
            'signature',
            'the signature given without its "HMACSHA256=" prefix',
            {},
          ),
        );
      }
      if (/[-_]/.test(trimmed)) {
        out.push(
          changedInput(
            self,
            inputs,
            trimmed.replace(/-/g, '+').replace(/_/g, '/'),
            'padding',
            'the signature in URL-safe base64 (- and _ instead of + and /)',
            {},
          ),
        );
      }
      out.push(...withoutQueryVariant(self, inputs, signature, 'target'));
      const other: DokuKindName = kind === 'response' ? 'request' : 'response';
      out.push({
        input: 'timestamp header',
        description: `the ${other === 'response' ? 'Response' : 'Request'}-Timestamp line instead of the ${kind === 'response' ? 'Response' : 'Request'}-Timestamp line`,
        check: async () =>
          verifyDokuSignature({ ...components(inputs, other), secretKey: v(inputs, 'secretKey'), signature }),
      });
      const secret = trimmedSecret(v(inputs, 'secretKey'));
      if (secret)
        out.push(
          changedInput(self, inputs, signature, 'key', 'the Secret Key without surrounding whitespace or line break', {
            values: { secretKey: secret },
          }),
        );
      return out;
    },
    examples,
  };
  return self;
}

export const dokuRequest = dokuKind(
  'request',
  'Signature of a request to DOKU (Request-Timestamp line)',
  'A request to DOKU is signed over Client-Id, Request-Id, Request-Timestamp, Request-Target (the\npath) and, when there is a body, Digest (base64 SHA-256 of the exact body bytes).',
  [
    'payauth sign doku request --client-id BRN-0001-10791114622547 --secret-key-file ./doku.key --target /adv-core-api/partner/v1.0/token --body \'{"grant_type":"client_credentials"}\'',
    'payauth verify doku request --client-id BRN-… --secret-key-file ./doku.key --request-id fdb69f47-… --timestamp 2020-08-11T08:45:42Z --target /adv-core-api/partner/v1.0/token --body-file body.json --signature "HMACSHA256=…"',
  ],
);

export const dokuResponse = dokuKind(
  'response',
  "Signature of DOKU's response (Response-Timestamp line, your request's Client-Id, Request-Id and target)",
  "DOKU signs its answers over your request's Client-Id, Request-Id and Request-Target, the\nResponse-Timestamp header and the response body.",
  [
    'payauth verify doku response --client-id BRN-… --secret-key-file ./doku.key --request-id … --timestamp 2020-08-11T08:45:43Z --target /adv-core-api/partner/v1.0/token --body-file response.json --signature "HMACSHA256=…"',
  ],
);

export const dokuNotification = dokuKind(
  'notification',
  "Signature of DOKU's notification to you (Request-Target = the path of your notification URL)",
  'DOKU signs HTTP notifications with your Client-Id and Secret Key, with the path of YOUR\nnotification URL as Request-Target and a Digest over the raw bytes it sent.',
  [
    'payauth verify doku notification --client-id BRN-… --secret-key-file ./doku.key --request-id … --timestamp … --target /payments/notifications --body-file raw-body.json --signature "HMACSHA256=…"',
  ],
);
