/**
 * The vectors of vectors/doku-partner.json (docs/protocols.md §3.2), in the shapes the tests use.
 * DOKU publishes no secret, so the signatures are [SELF] vectors computed with the secret
 * `SK-test`; the component strings of POST and GET are DOKU's own; the file also lists the
 * published values that cannot be reproduced (and one negative).
 */
import { readVectors, unreproducibleById, vectorById } from '@org/vitest-config/vectors';

export const DOKU_VECTORS = readVectors('doku-partner');

const post = vectorById(DOKU_VECTORS, 'DOKU-POST-1');
const get = vectorById(DOKU_VECTORS, 'DOKU-GET-1');
const token = vectorById(DOKU_VECTORS, 'DOKU-TOKEN-1');
const response = vectorById(DOKU_VECTORS, 'DOKU-RESPONSE-1');
const required = (value: string | undefined, what: string): string => {
  if (value === undefined) throw new Error(`vectors/doku-partner.json: ${what} is missing`);
  return value;
};
const components = ({ clientId, requestId, timestamp, target }: typeof post.inputs) => ({
  clientId,
  requestId,
  timestamp,
  target,
});

export const SECRET = token.inputs.secretKey;

/** DOKU's documented POST component string (Digest as published; the body is not shown). */
export const POST_VECTOR = {
  ...components(post.inputs),
  digest: required(post.inputs.digest, 'DOKU-POST-1 inputs.digest'),
  stringToSign: post.stringToSign,
  signature: post.expected.signature,
} as const;

/** DOKU's documented GET component string (no Digest line). */
export const GET_VECTOR = {
  ...components(get.inputs),
  stringToSign: get.stringToSign,
  signature: get.expected.signature,
  /** DOKU's published sample output: a placeholder, not even canonical base64 of 32 bytes. */
  publishedPlaceholder: required(
    unreproducibleById(DOKU_VECTORS, 'DOKU-GET-PLACEHOLDER').published.signature,
    'DOKU-GET-PLACEHOLDER',
  ),
} as const;

/** Generate Token with the seed's sample headers and body. */
export const TOKEN_VECTOR = {
  ...components(token.inputs),
  body: required(token.inputs.body, 'DOKU-TOKEN-1 inputs.body'),
  digest: required(token.expected.digest, 'DOKU-TOKEN-1 expected.digest'),
  signature: token.expected.signature,
  /** The seed's sample Signature: unknown secret, cannot be reproduced. */
  publishedSample: required(
    unreproducibleById(DOKU_VECTORS, 'DOKU-TOKEN-SAMPLE').published.signature,
    'DOKU-TOKEN-SAMPLE',
  ),
} as const;

/** The negative: this body is NOT the one behind the published POST Digest. */
export const ORDER_BODY_VECTOR = (() => {
  const candidate = unreproducibleById(DOKU_VECTORS, 'DOKU-POST-DIGEST').candidate;
  if (candidate === undefined) throw new Error('vectors/doku-partner.json: DOKU-POST-DIGEST has no candidate');
  return candidate;
})();

/** The JWT from DOKU's Generate Token sample response (payload exp 1704866191, iat 1704844591). */
export const DOKU_SAMPLE_TOKEN: string = JSON.parse(
  required(response.inputs.body, 'DOKU-RESPONSE-1 inputs.body'),
).token;
