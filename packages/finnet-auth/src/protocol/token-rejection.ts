/**
 * Finnet publishes no error codes, so nothing says which answer means "this tokenID is invalid
 * or expired". The client decides with a predicate (option `isTokenRejected`); this is the
 * default: a failed answer whose `statusDesc` mentions a token together with a word for
 * invalid/expired/unknown (English or Indonesian). A false positive costs one extra getToken,
 * since a rejected call is re-sent only once.
 */

/** A Finnet answer that was not a success, as the token-rejection predicate sees it. */
export interface FinnetAnswer {
  /** HTTP status (Finnet's business errors may well come with 200). */
  readonly status: number;
  /** `statusCode` of the body, when it has one. */
  readonly statusCode: string | undefined;
  /** `statusDesc` of the body, when it has one. */
  readonly statusDesc: string | undefined;
  /** The parsed body (or its text when it is not JSON). */
  readonly body: unknown;
}

const MENTIONS_TOKEN = /token/i;
const SAYS_INVALID =
  /invalid|expired|not valid|not found|unknown|unauthori[sz]ed|tidak valid|tidak ditemukan|tidak dikenal|salah|kadaluarsa|kedaluwarsa|habis/i;

/**
 * The default "token rejected" rule: `statusCode` is not `"000"` and `statusDesc` mentions a token
 * and says it is invalid, expired, unknown or not found (`Invalid token`, `tokenID expired`,
 * `Token tidak valid`, `Token sudah kadaluarsa`, …).
 */
export function isFinnetTokenRejected(answer: FinnetAnswer): boolean {
  if (answer === null || typeof answer !== 'object') return false;
  const { statusCode, statusDesc } = answer;
  if (statusCode === '000' || typeof statusDesc !== 'string') return false;
  return MENTIONS_TOKEN.test(statusDesc) && SAYS_INVALID.test(statusDesc);
}
