/**
 * The public types of `createFinnetAuth`: the client, its calls and their results.
 */
import type { AccessToken, AuthFetch, GetTokenOptions, RequestSigningAuth } from '@org/signing-core';
import type { SignedRequestOf } from '@org/signing-core/provider-kit';
import type { KyInstance } from 'ky';
import type { FinnetParams } from '../protocol/signature.js';

/** What a Finnet tokenID keeps in `data`: `tokenExpiry` exactly as Finnet wrote it. */
export type FinnetTokenData = { readonly tokenExpiry: string };

/**
 * A request body ready to POST, as built by `auth.sign(params)`: the core's `SignedRequest`,
 * which prints and serialises with the tokenID and signature redacted.
 */
export type FinnetSignedRequest = SignedRequestOf<
  {
    readonly requestType: string;
    /** `yyyyMMddHHmmss` in GMT+7: the same string in the body and in the signature. */
    readonly reqDtime: string;
    readonly transNumber: string;
  },
  {
    /** Every field of the body, `signature` included. */
    readonly fields: FinnetParams;
    /** The 64 uppercase hex characters sent as `signature`. */
    readonly signature: string;
  }
> & {
  /** The exact JSON text to send (holds tokenID and signature: never log it). */
  readonly body: string;
};

/** The caller's fields of a widget call: `requestType` plus the call's own fields (e.g. `phoneNumber`). */
export interface FinnetRequestParams {
  /** e.g. `widgetTopUp`. */
  readonly requestType: string;
  /** Optional: your own transNumber (1 to 100 letters or digits); by default one is generated. */
  readonly transNumber?: string | undefined;
  readonly [field: string]: string | undefined;
}

/** A successful Finnet answer (`statusCode` `"000"`). */
export interface FinnetResponseBody {
  readonly statusCode: string;
  readonly statusDesc?: string;
  readonly processingTime?: number;
  readonly [field: string]: unknown;
}

/** What `request()` resolves to. */
export interface FinnetResponse<T extends FinnetResponseBody = FinnetResponseBody> {
  /** HTTP status. */
  readonly status: number;
  /** The answer's JSON body, as received. */
  readonly data: T;
  readonly requestType: string;
  /** The `reqDtime` of the attempt that succeeded. */
  readonly reqDtime: string;
  /** The `transNumber` of the attempt that succeeded (keep it for reconciliation). */
  readonly transNumber: string;
}

export interface FinnetRequestOptions {
  /** Aborts the call (and this caller's wait for a token). */
  signal?: AbortSignal | undefined;
}

/**
 * What `createFinnetAuth` returns: the core's provider shape (`TokenAuth`), plus Finnet's own
 * `request()`. Finnet signs inside the body, so `ky` and `fetch` take the caller's fields as a
 * JSON body (`{ requestType, phoneNumber, … }`) and complete and sign it for every attempt.
 */
export interface FinnetAuth extends RequestSigningAuth<FinnetRequestParams, FinnetSignedRequest> {
  /** A valid tokenID (`.token`): cached until `tokenExpiry` minus a margin, refreshed ahead, one fetch at a time. */
  getToken(options?: GetTokenOptions): Promise<AccessToken<FinnetTokenData>>;
  /** {@link FinnetAuth.sign} under the core's name. */
  signRequest(params: FinnetRequestParams): Promise<FinnetSignedRequest>;
  /**
   * ky for widget calls: the JSON body you send holds the call's own fields; every attempt adds
   * `tokenID`, `reqDtime`, `transNumber` and `signature`. A `statusCode` other than `"000"` is a
   * `ProviderError` (also on HTTP 200), and a rejected tokenID is refreshed and sent once more.
   */
  readonly ky: KyInstance;
  /** `fetch` for widget calls, signed like `ky`; hands Finnet's answer back as it came. */
  readonly fetch: AuthFetch;
  /**
   * Completes and signs a widget-call body for your own HTTP client: adds `tokenID`,
   * `reqDtime`, `transNumber` (unless given) and `signature`, after checking the fields.
   */
  sign(params: FinnetRequestParams): Promise<FinnetSignedRequest>;
  /**
   * Signs and POSTs a widget call (e.g. `'/apicobrand/widget/topup'`). When the answer says the
   * tokenID is invalid (`isTokenRejected`), fetches a new token and sends once more.
   */
  request<T extends FinnetResponseBody = FinnetResponseBody>(
    path: string,
    params: FinnetRequestParams,
    options?: FinnetRequestOptions,
  ): Promise<FinnetResponse<T>>;
  /** Drops a token Finnet rejected (pass it, so a newer token is kept), for callers using `sign()`. */
  invalidateToken(token?: AccessToken | string): Promise<void>;
}
