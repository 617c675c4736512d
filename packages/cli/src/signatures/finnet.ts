/**
 * The Finnet (Finpay Money widget) body signature, computed by @org/finnet-auth's
 * `finnetSignature`: HMAC-SHA256 keyed with the hex text of the secret, over the values of
 * every field but `signature`, in byte order of their names, joined with no separator.
 * The string shown, with its parts, is the package's own `finnetStringToSignParts`.
 */
import { FINNET_REQUEST_HEADERS, finnetSignature, finnetStringToSignParts, type HexKeyCase } from '@org/finnet-auth';
import { formatCompactTimestamp, JAKARTA_OFFSET } from '@org/signing-core';
import { usageError } from '../exit-codes.js';
import { changedInput, type KindInputs, type SignatureKind, type Variant } from './kind.js';
import { trimmedSecret } from './variants.js';

function hexKeyCase(inputs: KindInputs): HexKeyCase {
  const value = inputs.values.hexKeyCase ?? 'lower';
  if (value !== 'lower' && value !== 'upper') throw usageError(`hex-key-case must be lower or upper (got "${value}")`);
  return value;
}

/** The params that are signed: in sign mode, `reqDtime` is filled from --timestamp or now. */
function signedParams(inputs: KindInputs): Record<string, string> {
  const params = { ...inputs.params } as Record<string, string>;
  delete params.signature;
  if (
    inputs.values.timestamp !== undefined &&
    (inputs.origins.timestamp !== undefined || params.reqDtime === undefined)
  ) {
    params.reqDtime = inputs.values.timestamp;
  }
  return params;
}

export const finnetRequest: SignatureKind = {
  provider: 'finnet',
  kind: 'request',
  unvaried: 'the field values',
  summary: 'signature of a getToken or widget request body (HMAC-SHA256, uppercase hex)',
  details:
    'Every Finnet request body carries a "signature": HMAC-SHA256, keyed with the ASCII hex text of the\nsecret key, over the values of all other fields in byte order of their names, joined with nothing.\nGive the fields with --param name=value (repeatable) and/or a JSON object in --body/--body-file.\nsign sets reqDtime (yyyyMMddHHmmss, GMT+7) to --timestamp when given, else to now when the body has none.',
  usesParams: true,
  signatureInParams: true,
  settings: (mode, now) => [
    {
      name: 'secretKey',
      description: 'the merchant secret key',
      value: '<secret>',
      required: true,
      fromFile: true,
      secret: true,
    },
    {
      name: 'hexKeyCase',
      description: 'case of the hex text of the secret (HMAC key): lower or upper',
      value: '<case>',
      default: 'lower',
    },
    ...(mode === 'sign'
      ? [
          {
            name: 'timestamp',
            description: "reqDtime (yyyyMMddHHmmss, GMT+7) to sign; without it the body's reqDtime is kept",
            value: '<yyyyMMddHHmmss>',
            flagOnly: true,
            default: formatCompactTimestamp(now, { offset: JAKARTA_OFFSET }),
          },
        ]
      : []),
  ],
  async explain(inputs) {
    const params = signedParams(inputs);
    const secretKey = inputs.values.secretKey as string;
    const keyCase = hexKeyCase(inputs);
    const signature = await finnetSignature(params, secretKey, { hexKeyCase: keyCase });
    const explained = finnetStringToSignParts(params);
    return {
      stringToSign: explained.stringToSign,
      parts: explained.parts,
      note: 'the values of every field but signature, in byte order of the names, joined with nothing',
      computed: [['HMAC key', `the ${keyCase}case hex text of the secret key (not shown)`]],
      headers: Object.entries(FINNET_REQUEST_HEADERS),
      body: JSON.stringify({ ...params, signature }),
      signature,
    };
  },
  async verify(inputs, signature) {
    const expected = await finnetSignature(signedParams(inputs), inputs.values.secretKey as string, {
      hexKeyCase: hexKeyCase(inputs),
    });
    const given = signature.trim();
    if (given === expected) return { match: true };
    if (given.toUpperCase() === expected) {
      return { match: true, note: 'the signature matches only ignoring case: Finnet sends and expects uppercase hex' };
    }
    return { match: false };
  },
  variants(inputs, signature) {
    const out: Variant[] = [];
    const other = hexKeyCase(inputs) === 'lower' ? 'upper' : 'lower';
    out.push(
      changedInput(
        this,
        inputs,
        signature,
        'hex key case',
        `the HMAC key as the ${other}case hex of the secret (--hex-key-case ${other})`,
        {
          values: { hexKeyCase: other },
        },
      ),
    );
    const trimmed = trimmedSecret(inputs.values.secretKey);
    if (trimmed) {
      out.push(
        changedInput(this, inputs, signature, 'key', 'the secret key without surrounding whitespace or line break', {
          values: { secretKey: trimmed },
        }),
      );
    }
    const params = signedParams(inputs);
    const untrimmed = Object.entries(params).filter(([, value]) => typeof value === 'string' && value.trim() !== value);
    if (untrimmed.length > 0) {
      const trimmedParams = Object.fromEntries(
        Object.entries(params).map(([k, value]) => [k, typeof value === 'string' ? value.trim() : value]),
      );
      out.push(
        changedInput(
          this,
          inputs,
          signature,
          'body',
          `the field values without surrounding whitespace (${untrimmed.map(([k]) => k).join(', ')})`,
          {
            params: { ...trimmedParams },
          },
        ),
      );
    }
    return out;
  },
  examples: [
    'payauth sign finnet request --param requestType=getToken --param transNumber=TKN20240821000001 --secret-key-file ./finnet.key',
    'payauth verify finnet request --body-file request.json --secret-key-file ./finnet.key',
  ],
};
