/**
 * Known-answer vectors from docs/protocols.md §3.2. DOKU publishes no secret, so
 * these are [SELF] vectors (computed from the documented algorithm with the secret `SK-test`
 * and recomputed independently), plus DOKU's documented component strings and one negative.
 */
export const SECRET = 'SK-test';

/** DOKU's documented POST component string (Digest as published; the body is not shown). */
export const POST_VECTOR = {
  clientId: 'MCH-0001-10791114622547',
  requestId: 'cc682442-6c22-493e-8121-b9ef6b3fa728',
  timestamp: '2020-08-11T08:45:42Z',
  target: '/doku-virtual-account/v2/payment-code',
  digest: '5WIYK2TJg6iiZ0d5v4IXSR0EkYEkYOezJIma3Ufli5s=',
  stringToSign:
    'Client-Id:MCH-0001-10791114622547\nRequest-Id:cc682442-6c22-493e-8121-b9ef6b3fa728\nRequest-Timestamp:2020-08-11T08:45:42Z\nRequest-Target:/doku-virtual-account/v2/payment-code\nDigest:5WIYK2TJg6iiZ0d5v4IXSR0EkYEkYOezJIma3Ufli5s=',
  signature: 'HMACSHA256=rE/NFJKPpLynDwTlOi7lVbJapxZ8qcprohsF0pIyQSQ=',
} as const;

/** DOKU's documented GET component string (no Digest line). */
export const GET_VECTOR = {
  clientId: 'MCH-0001-10791114622547',
  requestId: 'd895fb53-479c-4f77-a76a-ab81b40d77cb',
  timestamp: '2020-08-11T08:45:42Z',
  target: '/orders/v1/status/INV-123123-12313',
  stringToSign:
    'Client-Id:MCH-0001-10791114622547\nRequest-Id:d895fb53-479c-4f77-a76a-ab81b40d77cb\nRequest-Timestamp:2020-08-11T08:45:42Z\nRequest-Target:/orders/v1/status/INV-123123-12313',
  signature: 'HMACSHA256=n/DL8g/bLhZCywgVkmZCIvT3ZKONba7gakaLMULYCOs=',
  /** DOKU's published sample output: a placeholder, not even canonical base64 of 32 bytes. */
  publishedPlaceholder: 'HMACSHA256=B1cKBzk/aB1AXADCZkq135bnktxY1o02zmmdd2cVgf12=',
} as const;

/** Generate Token with the seed's sample headers and body. */
export const TOKEN_VECTOR = {
  clientId: 'BRN-0001-10791114622547',
  requestId: 'fdb69f47-96da-499d-acec-7cdc318ab2fe',
  timestamp: '2020-08-11T08:45:42Z',
  target: '/adv-core-api/partner/v1.0/token',
  body: '{"grant_type":"client_credentials","valid_time":"360"}',
  digest: '23kYsU7yk6vZ/exEcBe1UAFmjn17wuk165Oc+E3Cb8Y=',
  signature: 'HMACSHA256=FVyzSMy9TDueknPvpmykNHNVvD/V7w+/AvqEMxo6sws=',
  /** The seed's sample Signature: unknown secret, cannot be reproduced. */
  publishedSample: 'HMACSHA256=1jap2tpgvWt83tG4J7IhEwUrwmMt71OaIk0oL0e6sPM=',
} as const;

/** The negative: this body is NOT the one behind the published POST Digest. */
export const ORDER_BODY_VECTOR = {
  body: '{"order":{"invoice_number":"INV-20210124-0001","amount":15000}}',
  digest: 'WSRQz8xVfGKg8RcXmSrmzOG9B7BL896QZOM/oo0eieM=',
} as const;

/** The JWT from DOKU's Generate Token sample response (payload exp 1704866191, iat 1704844591). */
export const DOKU_SAMPLE_TOKEN =
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwYXlsb2FkIiwiZXhwIjoxNzA0ODY2MTkxLCJ1c2VyIjp7ImJ1c2luZXNzU2VydmljZUNsaWVudElkIjoiQlJOLTAyNDktMTY5NzUzNzM5Njc4MyJ9LCJpYXQiOjE3MDQ4NDQ1OTF9.F5HtcC4qmzTdvfSNow1mHneHKDQ4OYJl1bLghlKbEDJaIwFpIhKcbh93qEyGbTlAZsX2Akwz6idlpqd2acM4hq07jIbw5w_JbeGtB56P9bNIJJBAFEuf84ijGUOd3UPetwn0oXRnC1mvt3aCufcAqCnaR86gW8Mxs-GCA5XvkIfyc2OTnuuH5qI4ozhyYrInW3iJxs-s7CI81hPaAxfo6kC075Ub8eYcWxbtOygxthPcoSVI28OCiWGlBoBDq27DCYT3CbSlsljhEJIDMLBEkkaAMSt8RbxVi9RS2VvNwTxYLfcLiJG9UgCoKjtGCMg7M81mcD8VxkrHh5ftekbrKw';
