// @org/signing-core/provider-kit — the names only provider authors need: the request primitive,
// the signing fetch and the bounded fetch, option validation, error rewording and signed requests.
// Merchant code imports `@org/signing-core`; a provider package imports both.

export { rewordProviderError, withProvider } from './errors/errors.js';
export {
  type BoundedFetchOptions,
  createBoundedFetch,
  DEFAULT_MAX_RESPONSE_BYTES,
  readBodyBounded,
} from './http/bounded-fetch.js';
export {
  type AttemptBuilder,
  type BuiltRequest,
  createHttpClient,
  type DescribedResponse,
  type FailureDescriber,
  type HttpClient,
  type HttpClientOptions,
  type JsonRequest,
  type ProviderErrorDescription,
  type RequestSigner,
  type SignedOptions,
  type SigningContext,
  type TransportOptions,
} from './http/http-client.js';
export { type JsonResponse, readJson } from './http/response-body.js';
export {
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RETRY_STATUS_CODES,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TOTAL_TIMEOUT_MS,
  tokenRequestRetry,
} from './http/retry-policy.js';
export { createSigningFetch, type SigningFetch, type SigningFetchOptions } from './http/signing-fetch.js';
export {
  clockCorrectionOf,
  eventHandlerOf,
  eventOptionEntries,
  httpClientOptionsOf,
  optionSchemas,
  type TokenClientParts,
  tokenClientOptionEntries,
  tokenClientPartsOf,
  tokenManagerOptionsOf,
  validateOptions,
} from './options/validate.js';
export { createSignedRequest, type SignedRequestInit, type SignedRequestOf } from './secret/signed-request.js';
export {
  type EventTimer,
  emitServerHandle,
  emitSignatureFailed,
  emitTo,
  emitVerification,
  errorCodeOf,
  pathTemplate,
  type Refusal,
  reportVerification,
  startTimer,
  targetOf,
} from './telemetry/events.js';
export { type ClockCorrectionOptions, createClockCorrection } from './time/clock-correction.js';
