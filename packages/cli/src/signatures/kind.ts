/**
 * One signature the CLI can explain (`payauth sign`) and check (`payauth verify`): its inputs,
 * how to build the string to sign and the signature through the provider package, and which
 * variants of the inputs to try when a signature does not match.
 */
import type { ProviderName } from '../providers/provider-name.js';
import type { SettingSpec } from '../setting-spec.js';

export type Mode = 'sign' | 'verify';

/** The resolved inputs of one run. */
export interface KindInputs {
  /** Settings and per-call inputs by name (`timestamp`, `body`, `clientSecret`, …). */
  readonly values: Readonly<Record<string, string | undefined>>;
  /** Where each value came from, for messages. */
  readonly origins: Readonly<Record<string, string>>;
  /** Body parameters (Finnet, Fondy payment), from --body/--body-file and --param. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** One labelled part of the string to sign, as the provider package names it. */
interface StringToSignPart {
  readonly label: string;
  readonly value: string;
}

export interface Explanation {
  /** The exact string that is signed (Fondy: with the key shown as a placeholder, see `note`). */
  readonly stringToSign: string;
  /** Its parts, in order, as the provider package labels them. */
  readonly parts: readonly StringToSignPart[];
  readonly note?: string;
  /** Extra computed values shown before the signature (body hash, digest, minified body, …). */
  readonly computed: ReadonlyArray<readonly [label: string, value: string]>;
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
  /** The body to send, when the signature travels in it (Finnet, Fondy) or it is fixed (SNAP token). */
  readonly body?: string;
  readonly signature: string;
}

/** One changed input to try when a signature does not match. */
export interface Variant {
  /** Which input is changed: `timestamp`, `body`, `key`, `signature`, `path`, … */
  readonly input: string;
  /** What the variant assumes the signer did. */
  readonly description: string;
  /** The changed value. */
  readonly value?: string;
  /** The changed inputs, when the variant is a plain change of inputs (so it can be combined with another one). */
  readonly change?: InputChange;
  check(): Promise<boolean>;
}

export interface InputChange {
  readonly values?: Readonly<Record<string, string | undefined>>;
  readonly params?: Readonly<Record<string, unknown>>;
}

interface VerifyResult {
  readonly match: boolean;
  /** A remark about a match (e.g. unpadded base64 that the provider may refuse). */
  readonly note?: string;
}

export interface SignatureKind {
  readonly provider: ProviderName;
  readonly kind: string;
  /** One line for listings. */
  readonly summary: string;
  /** A paragraph for `--help`. */
  readonly details: string;
  /** Takes body parameters (`--param`, or a JSON object in --body/--body-file) instead of a body text. */
  readonly usesParams?: boolean;
  /** Where the signature may be found instead of --signature (a `signature` parameter). */
  readonly signatureInParams?: boolean;
  settings(mode: Mode, now: number): readonly SettingSpec[];
  explain(inputs: KindInputs): Promise<Explanation>;
  verify(inputs: KindInputs, signature: string): Promise<VerifyResult>;
  variants(inputs: KindInputs, signature: string): readonly Variant[];
  /** Example command lines for help. */
  readonly examples: readonly string[];
  /** Inputs that the variants do not change, named in the conclusion when nothing matched. */
  readonly unvaried: string;
}

/** A resolved input as text: a required or defaulted setting, or a per-call input that is given. */
export function inputText(inputs: KindInputs, name: string): string {
  return inputs.values[name] as string;
}

/** A variant whose check is `verify` on changed inputs. */
export function changedInput(
  kind: SignatureKind,
  inputs: KindInputs,
  signature: string,
  input: string,
  description: string,
  change: InputChange,
  shown?: string,
): Variant {
  return {
    input,
    description,
    ...(shown === undefined ? {} : { value: shown }),
    ...(change.values || change.params ? { change } : {}),
    check: async () => (await kind.verify(applyChange(inputs, change), signature)).match,
  };
}

function applyChange(inputs: KindInputs, change: InputChange): KindInputs {
  return {
    values: { ...inputs.values, ...(change.values ?? {}) },
    origins: inputs.origins,
    params: change.params ?? inputs.params,
  };
}

/** Pairs of plain input changes to two different inputs (e.g. the timestamp format and the body), for when no single change matches. */
export function combinedVariants(
  kind: SignatureKind,
  inputs: KindInputs,
  signature: string,
  variants: readonly Variant[],
): Variant[] {
  const plain = variants.filter((variant) => variant.change !== undefined);
  const out: Variant[] = [];
  for (let i = 0; i < plain.length; i++) {
    for (let j = i + 1; j < plain.length; j++) {
      const a = plain[i] as Variant;
      const b = plain[j] as Variant;
      if (a.input === b.input) continue;
      const ac = a.change as InputChange;
      const bc = b.change as InputChange;
      if (ac.params && bc.params) continue;
      const change: InputChange = {
        values: { ...(ac.values ?? {}), ...(bc.values ?? {}) },
        ...(ac.params || bc.params ? { params: ac.params ?? bc.params } : {}),
      };
      out.push({
        input: `${a.input} and ${b.input}`,
        description: `${a.description}, and ${b.description}`,
        check: async () => (await kind.verify(applyChange(inputs, change), signature)).match,
      });
    }
  }
  return out;
}

/**
 * The "signed without the query string" variant of a path-like input (SNAP's path, DOKU's
 * target), or none when the value has no query.
 */
export function withoutQueryVariant(
  kind: SignatureKind,
  inputs: KindInputs,
  signature: string,
  field: 'path' | 'target' | 'notifyUrl',
  label: string = field,
): Variant[] {
  const value = inputs.values[field] as string;
  const query = value.indexOf('?');
  if (query <= 0) return [];
  const bare = value.slice(0, query);
  return [
    changedInput(
      kind,
      inputs,
      signature,
      label,
      `the ${label} without its query string`,
      { values: { [field]: bare } },
      bare,
    ),
  ];
}
