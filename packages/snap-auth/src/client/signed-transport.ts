/**
 * The ky instance and the `fetch` wrapper of `createSnapAuth`: every attempt is signed afresh
 * (new X-TIMESTAMP and X-SIGNATURE; the call's one X-EXTERNAL-ID), the body is canonicalised
 * (by default minified) once so the bytes sent are the bytes hashed, and, in the modes that
 * send a token, a `401xx01` / `401xx03` answer (token rejected) drops the token, fetches a new
 * one and retries the call once.
 */
import { decodeUtf8, encodeUtf8, type TokenManager } from '@org/signing-core';
import { createSigningFetch, type HttpClient, type SigningFetchOptions } from '@org/signing-core/provider-kit';
import type { KyInstance, Options } from 'ky';
import { minifyBody, type SnapBodyCanonicalization } from '../protocol/body-hash.js';
import { describeSnapError, withSnapMessage } from '../protocol/describe-error.js';
import { checkedExternalId, type SnapExternalIdRule } from '../protocol/external-id.js';
import { nextExternalId, type ServiceSigner } from './service-signer.js';

/** A `fetch`-compatible function that signs SNAP service calls. Relative paths are appended to `baseUrl`. */
export type SnapFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface SignedTransportConfig {
  /** For `ky`. */
  readonly http: HttpClient;
  /** For `fetch`: the core's signing fetch, without ky (the response is handed back as is). */
  readonly fetchOptions: Omit<SigningFetchOptions, 'sign' | 'transformBody' | 'isTokenRejected' | 'onTokenRejected'>;
  readonly signer: ServiceSigner;
  readonly tokens: TokenManager;
  readonly baseUrl: string;
  readonly externalId: () => string;
  readonly externalIdRule: SnapExternalIdRule;
  readonly canonicalization: SnapBodyCanonicalization;
  /** Whether calls carry a B2B token (`'asymmetric'` calls do not, so nothing is "token rejected"). */
  readonly sendsToken: boolean;
}

/**
 * The X-EXTERNAL-ID of one logical call, kept in its per-call context: the caller's own, or one
 * generated when the call starts. Every attempt of the call (retries, and the re-send after a
 * rejected token) carries the same id, because SNAP's X-EXTERNAL-ID is the call's "unique in the
 * same day" reference: a provider that sees a new id on a retried transfer may carry it out twice.
 */
const CALL_EXTERNAL_ID = Symbol('snapCallExternalId');

function headerFrom(headers: unknown, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const entries = Array.isArray(headers) ? headers : Object.entries(headers as Record<string, unknown>);
  for (const [key, value] of entries as [string, unknown][]) {
    if (typeof key === 'string' && key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}

export function createSignedTransport(config: SignedTransportConfig): { ky: KyInstance; fetch: SnapFetch } {
  const rule = config.externalIdRule;
  const newId = () => nextExternalId(config.externalId, rule);
  const callId = (own: string | undefined) => (own === undefined ? newId() : checkedExternalId(own, rule, 'header'));
  const setExternalId = ({ request, options }: { request: Request; options: { context?: unknown } }) => {
    const id = (options.context as Record<symbol, unknown> | undefined)?.[CALL_EXTERNAL_ID];
    request.headers.set('X-EXTERNAL-ID', typeof id === 'string' ? id : newId());
  };

  // The protocol, once, for both transports: what is signed, the minified body, which token to drop.
  const sign: SigningFetchOptions['sign'] = (context) =>
    config.signer.attemptHeaders({
      method: context.method,
      url: context.url,
      body: context.body,
      has: (name) => context.headers.has(name),
    });
  const transformBody = (body: Uint8Array): Uint8Array => {
    const text = decodeUtf8(body);
    const canonical = minifyBody(text, 'body', config.canonicalization);
    return canonical === text ? body : encodeUtf8(canonical);
  };
  const dropRejected = async (headers: Headers) => {
    const rejected = (headers.get('authorization') ?? '').replace(/^Bearer\s+/i, '');
    await config.tokens.invalidate(rejected.length > 0 ? rejected : undefined);
  };

  const ky = config.http
    .signed({
      sign,
      transformBody,
      ...(config.sendsToken ? { onTokenRejected: (request: Request) => dropRejected(request.headers) } : {}),
    })
    .extend({
      prefix: config.baseUrl,
      hooks: {
        init: [
          (options: Options) => {
            const id = callId(headerFrom(options.headers, 'x-external-id'));
            options.context = { ...options.context, [CALL_EXTERNAL_ID]: id };
          },
        ],
        beforeRequest: [setExternalId],
        beforeRetry: [setExternalId],
        beforeError: [({ error }) => withSnapMessage(error, 'service call') as Error],
      },
    });
  const signingFetch = createSigningFetch({
    ...config.fetchOptions,
    sign: async (context) => ({
      ...(await sign(context)),
      'X-EXTERNAL-ID':
        context.headers.get('x-external-id') ??
        ((context.context as Record<symbol, unknown>)[CALL_EXTERNAL_ID] as string | undefined) ??
        newId(),
    }),
    transformBody,
    ...(config.sendsToken
      ? {
          isTokenRejected: (answer: { status: number; body: unknown }) =>
            describeSnapError(answer).tokenRejected === true,
          onTokenRejected: dropRejected,
        }
      : {}),
  });
  const fetch: SnapFetch = async (input, init) => {
    try {
      // One X-EXTERNAL-ID for the whole call, generated once (a caller's own header wins).
      const given = (init as { context?: Record<string, unknown> } | undefined)?.context ?? {};
      const own =
        headerFrom(init?.headers, 'x-external-id') ??
        (input instanceof Request ? (input.headers.get('x-external-id') ?? undefined) : undefined);
      if (own !== undefined) checkedExternalId(own, rule, 'header');
      const context = own === undefined ? { ...given, [CALL_EXTERNAL_ID]: newId() } : given;
      return await signingFetch(input, { ...init, context } as RequestInit);
    } catch (error) {
      throw withSnapMessage(error, 'service call');
    }
  };

  return { ky, fetch };
}
