/**
 * Fondy signatures, computed by @org/fondy-auth: the application token signature
 * (`sha512_hex(secretKey|application_id|date)`) and the classic payment signature
 * (`sha1_hex(paymentKey|values of the non-empty parameters sorted by name)`). Both strings
 * start with the key, which is never printed: it is shown as a placeholder.
 */
import {
  FONDY_REQUEST_HEADERS,
  fondyPaymentStringToSignParts,
  fondySdkSignature,
  fondySignature,
  fondyTokenRequestBody,
  fondyTokenSignature,
  fondyTokenStringToSignParts,
  formatFondyDate,
  verifyFondySignature,
  verifyFondyTokenSignature,
} from '@org/fondy-auth';
import { formatUtcTimestamp, isInputError } from '@org/signing-core';
import { changedInput, inputText, type SignatureKind, type Variant } from './kind.js';
import { trimmedSecret } from './variants.js';

/** Fondy's default `date` (UTC `YYYY-MM-DD HH:mm:ss`), as @org/fondy-auth formats it. */
function fondyDate(ms: number): string {
  return formatFondyDate(new Date(ms));
}

/** Other renderings of the same `date`, when it is one of the usual forms. */
function dateVariants(date: string): Array<{ value: string; description: string }> {
  let ms: number | undefined;
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(date)) ms = Date.parse(`${date.replace(' ', 'T')}Z`);
  else if (/^\d{9,11}$/.test(date)) ms = Number(date) * 1000;
  if (ms === undefined || Number.isNaN(ms)) return [];
  const candidates = [
    { value: fondyDate(ms), description: 'the same time as YYYY-MM-DD HH:mm:ss (UTC)' },
    { value: String(Math.floor(ms / 1000)), description: 'the same time as Unix seconds (the PHP sample)' },
    { value: formatUtcTimestamp(ms), description: 'the same time as ISO-8601 UTC' },
    { value: fondyDate(ms + 7 * 3_600_000), description: 'the same time as YYYY-MM-DD HH:mm:ss in +07:00' },
  ];
  return candidates.filter((c) => c.value !== date);
}

export const fondyToken: SignatureKind = {
  provider: 'fondy',
  kind: 'token',
  unvaried: 'the application id',
  summary: 'signature of a Generate Access Token request (SHA-512, lowercase hex)',
  details:
    'The application token request carries signature = sha512_hex(secretKey|application_id|date). The\ndate is a salt in any format (default: now, UTC "YYYY-MM-DD HH:mm:ss"); give it with --timestamp.',
  settings: (mode, now) => [
    { name: 'applicationId', description: 'application (company) id', value: '<id>', required: true },
    {
      name: 'secretKey',
      description: "the application's private key",
      value: '<secret>',
      required: true,
      fromFile: true,
      secret: true,
    },
    {
      name: 'timestamp',
      description: 'the "date" field exactly as sent',
      value: '<date>',
      flagOnly: true,
      ...(mode === 'sign' ? { default: fondyDate(now) } : { required: true }),
    },
  ],
  async explain(inputs) {
    const input = {
      secretKey: inputText(inputs, 'secretKey'),
      applicationId: inputText(inputs, 'applicationId'),
      date: inputText(inputs, 'timestamp'),
    };
    const signature = await fondyTokenSignature(input);
    const explained = fondyTokenStringToSignParts(input);
    return {
      stringToSign: explained.stringToSign,
      parts: explained.parts,
      note: 'the string starts with the secret key, shown here as <secret key>',
      computed: [],
      headers: Object.entries(FONDY_REQUEST_HEADERS),
      body: fondyTokenRequestBody({ ...input, signature }),
      signature,
    };
  },
  async verify(inputs, signature) {
    const match = await verifyFondyTokenSignature({
      secretKey: inputText(inputs, 'secretKey'),
      applicationId: inputText(inputs, 'applicationId'),
      date: inputText(inputs, 'timestamp'),
      signature: signature.trim(),
    });
    return { match };
  },
  variants(inputs, signature) {
    const out: Variant[] = dateVariants(inputText(inputs, 'timestamp')).map((d) =>
      changedInput(this, inputs, signature, 'timestamp', d.description, { values: { timestamp: d.value } }, d.value),
    );
    const secret = trimmedSecret(inputText(inputs, 'secretKey'));
    if (secret)
      out.push(
        changedInput(this, inputs, signature, 'key', 'the secret key without surrounding whitespace or line break', {
          values: { secretKey: secret },
        }),
      );
    return out;
  },
  examples: [
    'payauth sign fondy token --application-id 1234 --secret-key-file ./fondy.key --timestamp "2020-04-06 11:15:27"',
    'payauth verify fondy token --application-id 1234 --secret-key-file ./fondy.key --timestamp "2020-04-06 11:15:27" --signature 5e67765d…',
  ],
};

const withoutSignature = (params: Readonly<Record<string, unknown>>) => {
  const copy = { ...params };
  delete copy.signature;
  return copy;
};

export const fondyPayment: SignatureKind = {
  provider: 'fondy',
  kind: 'payment',
  unvaried: 'the parameter values',
  summary: 'classic payment signature (protocol 1.0: SHA-1 of key|sorted non-empty values)',
  details:
    'Checkout requests, responses and callbacks carry signature = sha1_hex(paymentKey|values of the\nnon-empty parameters sorted by name, joined with |). Give the parameters with --param name=value\n(repeatable) and/or a JSON object in --body/--body-file (a callback body, with its signature).',
  usesParams: true,
  signatureInParams: true,
  settings: () => [
    {
      name: 'paymentKey',
      description: 'the merchant payment key',
      value: '<key>',
      required: true,
      fromFile: true,
      secret: true,
    },
  ],
  async explain(inputs) {
    const params = withoutSignature(inputs.params) as Record<string, string | number>;
    const signature = await fondySignature(params, inputText(inputs, 'paymentKey'));
    const explained = fondyPaymentStringToSignParts(params);
    return {
      stringToSign: explained.stringToSign,
      parts: explained.parts,
      note: 'the string starts with the payment key, shown here as <payment key>; empty parameters are skipped',
      computed: [],
      headers: Object.entries(FONDY_REQUEST_HEADERS),
      body: JSON.stringify({ ...params, signature }),
      signature,
    };
  },
  async verify(inputs, signature) {
    try {
      const match = await verifyFondySignature(
        { ...withoutSignature(inputs.params), signature: signature.trim() } as Record<string, unknown>,
        inputText(inputs, 'paymentKey'),
      );
      return { match };
    } catch (error) {
      // A boolean, null-like or nested value cannot be signed by the package's rule; the variants
      // below try the SDKs' own ways of signing it.
      if (isInputError(error) && error.field?.startsWith('params.')) {
        return { match: false, note: error.message };
      }
      throw error;
    }
  },
  variants(inputs, signature) {
    const out: Variant[] = [];
    const params = withoutSignature(inputs.params);
    const key = inputText(inputs, 'paymentKey');
    const values = Object.values(params);
    const given = signature.trim().toLowerCase();
    if (
      values.some(
        (value) => value === null || typeof value === 'boolean' || (typeof value === 'object' && value !== null),
      )
    ) {
      out.push({
        input: 'body',
        description: 'null signed as an empty field and booleans as "true"/"false" (the Node SDK)',
        check: async () => (await fondySdkSignature(params, key, 'node')) === given,
      });
      out.push({
        input: 'body',
        description: 'booleans signed as "1"/"" and objects as JSON (the PHP SDK)',
        check: async () => (await fondySdkSignature(params, key, 'php')) === given,
      });
    }
    out.push({
      input: 'key',
      description: 'the key hashed alone when no parameter is left (the PHP SDK)',
      check: async () => (await fondySdkSignature(params, key, 'php')) === given,
    });
    const secret = trimmedSecret(key);
    if (secret)
      out.push(
        changedInput(this, inputs, signature, 'key', 'the payment key without surrounding whitespace or line break', {
          values: { paymentKey: secret },
        }),
      );
    return out;
  },
  examples: [
    'payauth sign fondy payment --payment-key-file ./payment.key --param order_id=test123456 --param order_desc="test order" --param currency=USD --param amount=125 --param merchant_id=1396424',
    'payauth verify fondy payment --payment-key-file ./payment.key --body-file callback.json',
  ],
};
