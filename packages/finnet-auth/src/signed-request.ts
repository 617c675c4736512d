/**
 * A signed Finnet request body. The body holds the tokenID and the signature, so they are
 * reachable only through getters: `JSON.stringify`, `util.inspect` and string conversion show
 * the non-secret fields and `[REDACTED]` for the rest.
 */
import { REDACTED, redactJson } from '@org/signing-core';
import type { FinnetParams } from './signature.js';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** A request body ready to POST, as built by `auth.sign(params)`. */
export interface FinnetSignedRequest {
  readonly requestType: string;
  /** `yyyyMMddHHmmss` in GMT+7: the same string in the body and in the signature. */
  readonly reqDtime: string;
  readonly transNumber: string;
  /** The exact JSON text to send (holds tokenID and signature: never log it). */
  readonly body: string;
  /** Every field of the body, `signature` included. */
  readonly fields: FinnetParams;
  /** The 64 uppercase hex characters sent as `signature`. */
  readonly signature: string;
}

export class SignedFinnetRequest implements FinnetSignedRequest {
  readonly requestType: string;
  readonly reqDtime: string;
  readonly transNumber: string;
  readonly #fields: FinnetParams;
  readonly #body: string;

  constructor(fields: Record<string, string>) {
    this.#fields = Object.freeze({ ...fields });
    this.#body = JSON.stringify(this.#fields);
    this.requestType = fields.requestType ?? '';
    this.reqDtime = fields.reqDtime ?? '';
    this.transNumber = fields.transNumber ?? '';
    Object.freeze(this);
  }

  get body(): string {
    return this.#body;
  }

  get fields(): FinnetParams {
    return this.#fields;
  }

  get signature(): string {
    return this.#fields.signature ?? '';
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): Record<string, unknown> {
    return {
      requestType: this.requestType,
      reqDtime: this.reqDtime,
      transNumber: this.transNumber,
      fields: redactJson(this.#fields),
    };
  }

  [inspectSymbol](): string {
    return `FinnetSignedRequest ${JSON.stringify(this.toJSON())}`;
  }
}
