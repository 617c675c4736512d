/**
 * DOKU's non-SNAP signature, computed by @org/doku-partner-auth: HMAC-SHA256 with the Secret Key
 * over the `Client-Id` / `Request-Id` / `Request-Timestamp` (or `Response-Timestamp`) /
 * `Request-Target` / `Digest` lines, for requests to DOKU, DOKU's responses and DOKU's
 * notifications.
 */
import {
  DOKU_HEADERS,
  DOKU_SIGNATURE_PREFIX,
  type DokuSignatureKind,
  dokuSignature,
  dokuSignedHeaders,
  dokuStringToSignParts,
  verifyDokuSignature,
  verifyDokuStringToSign,
} from '@org/doku-partner-auth';
import { formatUtcTimestamp, randomUuid } from '@org/signing-core';
import type { SettingSpec } from '../setting-spec.js';
import {
  changedInput,
  inputText,
  type KindInputs,
  type Mode,
  type SignatureKind,
  type Variant,
  withoutQueryVariant,
} from './kind.js';
import { bodyVariants, timestampVariants, trimmedSecret } from './variants.js';

type DokuKindName = 'request' | 'response' | 'notification';

/** The header whose timestamp a kind signs: `Response-Timestamp` for DOKU's responses, else `Request-Timestamp`. */
const timestampHeaderOf = (kind: DokuKindName) =>
  kind === 'response' ? DOKU_HEADERS.responseTimestamp : DOKU_HEADERS.requestTimestamp;

function settings(kind: DokuKindName, mode: Mode, now: number): SettingSpec[] {
  const timestampHeader = timestampHeaderOf(kind);
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
    clientId: inputText(inputs, 'clientId'),
    requestId: inputText(inputs, 'requestId'),
    timestamp: inputText(inputs, 'timestamp'),
    target: inputText(inputs, 'target'),
    ...(body === undefined || body === '' ? {} : { body }),
    kind: signatureKind(kind),
  };
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
      const signature = await dokuSignature({ ...parts, secretKey: inputText(inputs, 'secretKey') });
      const explained = await dokuStringToSignParts(parts);
      const digest = explained.parts.find((part) => part.name === 'digest');
      return {
        stringToSign: explained.stringToSign,
        parts: explained.parts,
        computed: [
          digest
            ? ['Digest (base64 SHA-256 of the exact body bytes)', digest.value]
            : ['Digest', 'none: no body, so no Digest line'],
        ],
        headers: Object.entries(dokuSignedHeaders({ ...parts, signature })),
        signature,
      };
    },
    async verify(inputs, signature) {
      const match = await verifyDokuSignature({
        ...components(inputs, kind),
        secretKey: inputText(inputs, 'secretKey'),
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
      for (const t of timestampVariants(inputText(inputs, 'timestamp'))) {
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
      if (inputs.values.body) {
        out.push({
          input: 'padding',
          description: 'the Digest line written without base64 padding (=)',
          check: async () => {
            const { stringToSign } = await dokuStringToSignParts(components(inputs, kind), { unpaddedDigest: true });
            return verifyDokuStringToSign({ stringToSign, secretKey: inputText(inputs, 'secretKey'), signature });
          },
        });
      }
      const trimmed = signature.trim();
      if (!trimmed.toUpperCase().startsWith(DOKU_SIGNATURE_PREFIX)) {
        out.push(
          changedInput(
            self,
            inputs,
            `${DOKU_SIGNATURE_PREFIX}${trimmed}`,
            'signature',
            `the signature given without its "${DOKU_SIGNATURE_PREFIX}" prefix`,
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
        description: `the ${timestampHeaderOf(other)} line instead of the ${timestampHeaderOf(kind)} line`,
        check: async () =>
          verifyDokuSignature({ ...components(inputs, other), secretKey: inputText(inputs, 'secretKey'), signature }),
      });
      const secret = trimmedSecret(inputText(inputs, 'secretKey'));
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
