/**
 * Options of `durableObjectTokenStore`: the public interface and the valibot schema that checks
 * them up front, with the core's wording (the field, what was expected, never the value).
 */
import { optionSchemas, validateOptions } from '@org/signing-core/provider-kit';
import * as v from 'valibot';

const PACKAGE_NAME = '@org/token-store-durable-object';

/** What the store calls on a Durable Object stub (`env.MY_BINDING.get(id)` in workerd). */
export interface DurableObjectStubLike {
  fetch(input: string, init: RequestInit): Promise<Response>;
}

/** The part of a Durable Object namespace binding the store uses. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: never): DurableObjectStubLike;
}

export interface DurableObjectTokenStoreOptions {
  /**
   * The Durable Object namespace binding of the `TokenStoreDurableObject` class (for example
   * `env.PAYAUTH_TOKENS`, from `durable_objects.bindings` in your Wrangler configuration).
   */
  namespace: DurableObjectNamespaceLike;
  /** First part of every object name (`<prefix>:<token key>`). Default `payauth`. */
  prefix?: string | undefined;
  /**
   * Longest time one operation may take before it fails with a `StoreError` (a wait for a change
   * gets its own timeout on top). Default 2000 ms.
   */
  requestTimeoutMs?: number | undefined;
}

export interface ResolvedOptions {
  readonly namespace: DurableObjectNamespaceLike;
  readonly prefix: string;
  readonly requestTimeoutMs: number;
}

const isNamespace = (value: unknown): value is DurableObjectNamespaceLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { idFromName?: unknown }).idFromName === 'function' &&
  typeof (value as { get?: unknown }).get === 'function';

const schema = v.strictObject({
  namespace: v.custom<DurableObjectNamespaceLike>(
    isNamespace,
    'a Durable Object namespace binding of TokenStoreDurableObject (env.<BINDING>)',
  ),
  prefix: v.exactOptional(v.union([v.undefined(), optionSchemas.nonEmptyString()], 'a non-empty string')),
  requestTimeoutMs: v.exactOptional(
    v.union([v.undefined(), optionSchemas.milliseconds(1, 60_000)], 'a number of milliseconds from 1 to 60000'),
  ),
});

export function resolveOptions(input: unknown): ResolvedOptions {
  validateOptions(PACKAGE_NAME, schema, input);
  const options = input as DurableObjectTokenStoreOptions;
  return {
    namespace: options.namespace,
    prefix: options.prefix ?? 'payauth',
    requestTimeoutMs: options.requestTimeoutMs ?? 2000,
  };
}
