// Types of the vector files in vectors/ (the format is described in vectors/README.md).

/** Where a vector comes from. */
export interface Provenance {
  /** `published`: a provider document or SDK gives the output; `self-computed`: we computed it from the documented rule. */
  readonly origin: 'published' | 'self-computed';
  /** The tag of docs/protocols.md: VERIFIED (published and recomputed) or SELF (self-computed). */
  readonly tag: 'VERIFIED' | 'SELF';
  /** The provider document or SDK, named as docs/protocols.md names it. */
  readonly source: string;
  /** The section of docs/protocols.md that describes the rule. */
  readonly reference: string;
  /** For a self-computed vector: how the output was computed. */
  readonly how?: string;
}

export interface Vector<Kind extends string, Inputs, Expected> {
  readonly id: string;
  readonly description: string;
  readonly kind: Kind;
  /** The rule, as a formula. */
  readonly algorithm: string;
  readonly inputs: Inputs;
  /** The exact text that is hashed, MAC'd or signed (as UTF-8). */
  readonly stringToSign: string;
  /** The outputs: always `signature`, plus intermediate values where the rule has them. */
  readonly expected: Expected & { readonly signature: string };
  readonly provenance: Provenance;
}

/** A published value that cannot be reproduced from its own inputs, and why. */
export interface Unreproducible {
  readonly id: string;
  readonly description: string;
  /** The value(s) as published. */
  readonly published: Readonly<Record<string, string>>;
  /** What is known of its inputs. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** An obvious candidate input and what it gives instead (a negative vector). */
  readonly candidate?: { readonly body: string; readonly digest: string };
  readonly source: string;
  readonly reference: string;
  readonly reason: string;
}

export interface VectorFile<V> {
  readonly provider: string;
  /** The package that implements the protocol. */
  readonly package: string;
  /** The part of docs/protocols.md about the protocol. */
  readonly protocol: string;
  readonly vectors: readonly V[];
  readonly unreproducible: readonly Unreproducible[];
}

/** A key given as a file of the repository (repository-relative PEM paths). */
interface KeyFiles {
  readonly privateKeyFile: string;
  readonly publicKeyFile: string;
}

export type SnapVector =
  | Vector<
      'access-token',
      KeyFiles & { readonly clientId: string; readonly timestamp: string },
      { readonly signatureHex: string }
    >
  | Vector<
      'service',
      {
        readonly method: string;
        readonly path: string;
        readonly accessToken: string;
        readonly timestamp: string;
        readonly clientSecret: string;
        /** The body as sent (absent when only its hash is published). */
        readonly body?: string;
        /** The body hash, when the body itself is not published. */
        readonly bodyHash?: string;
      },
      { readonly signatureHex?: string; readonly minifiedBody?: string; readonly bodyHash?: string }
    >
  | Vector<
      'notification',
      KeyFiles & { readonly method: string; readonly path: string; readonly body: string; readonly timestamp: string },
      { readonly minifiedBody: string; readonly bodyHash: string }
    >;

export type DokuVector = Vector<
  'request' | 'response',
  {
    readonly clientId: string;
    readonly requestId: string;
    /** Request-Timestamp, or Response-Timestamp for a response. */
    readonly timestamp: string;
    readonly target: string;
    readonly secretKey: string;
    /** The exact body (absent for no body, or when only its Digest is published). */
    readonly body?: string;
    /** The Digest, when the body itself is not published. */
    readonly digest?: string;
  },
  { readonly digest?: string }
>;

export type FinnetVector = Vector<
  'body',
  {
    readonly fields: Readonly<Record<string, string>>;
    readonly secretKey: string;
    readonly hexKeyCase: 'lower' | 'upper';
  },
  { readonly hexKey: string }
>;

export type FondyVector =
  | Vector<'token', { readonly secretKey: string; readonly applicationId: string | number; readonly date: string }, {}>
  | Vector<'payment', { readonly paymentKey: string; readonly params: Readonly<Record<string, string | number>> }, {}>;

export interface Vectors {
  readonly snap: VectorFile<SnapVector>;
  readonly 'doku-partner': VectorFile<DokuVector>;
  readonly finnet: VectorFile<FinnetVector>;
  readonly fondy: VectorFile<FondyVector>;
}

export declare function readVectors<P extends keyof Vectors>(provider: P): Vectors[P];
export declare function vectorById<
  V extends { readonly id: string; readonly kind: string },
  K extends V['kind'] = V['kind'],
>(file: VectorFile<V>, id: string, kind?: K): Extract<V, { readonly kind: K }>;
export declare function unreproducibleById(file: VectorFile<unknown>, id: string): Unreproducible;
export declare function readRepoFile(path: string): string;

/** What an implementation computes from a vector's inputs. */
export interface ComputedVector {
  readonly stringToSign: string;
  readonly expected: object;
}

/** Registers one test per vector: `compute(vector)` must give the file's string to sign and outputs. */
export declare function itComputesEveryVector<V extends { readonly id: string; readonly stringToSign: string }>(
  file: VectorFile<V>,
  compute: (vector: V) => Promise<ComputedVector> | ComputedVector,
): void;
