/**
 * The diagnosis of a signature, shared by `payauth verify` and the workbench page: does it match,
 * and if not, which variant of the inputs makes it match (one input at a time, then pairs), with
 * the string the given inputs sign for the symmetric kinds. Web-only code (no `node:` import), so
 * the page bundles it as it is.
 */
import { combinedVariants, type Explanation, type KindInputs, type SignatureKind, type Variant } from './kind.js';
import { shortValue } from './variants.js';

interface TriedVariant {
  readonly variant: Variant;
  readonly match: boolean;
}

export interface Diagnosis {
  readonly match: boolean;
  /** A remark about the result (e.g. an unpadded signature that the provider may refuse). */
  readonly note?: string | undefined;
  /** On a mismatch: every variant tried (single inputs, then the matching pair, if any). */
  readonly tried: readonly TriedVariant[];
  /** On a mismatch: how many pairs of variants were tried. */
  readonly combinations: number;
  /** On a mismatch: the variant that matched, if any. */
  readonly likely?: Variant | undefined;
  /** On a mismatch: one sentence, the same in the CLI and the page. */
  readonly conclusion?: string | undefined;
  /** On a mismatch of a symmetric kind: what the given inputs sign, to compare with the signer's. */
  readonly explained?: Explanation | undefined;
}

async function tryVariant(variant: Variant): Promise<boolean> {
  try {
    return await variant.check();
  } catch {
    // A variant that cannot even be computed (e.g. a body that is no longer JSON) does not match.
    return false;
  }
}

/** True when the kind is checked with a public key (SNAP token and notification): it cannot be explained without the private key. */
export function isAsymmetric(kind: SignatureKind): boolean {
  return kind.settings('verify', 0).some((spec) => spec.name === 'publicKey');
}

export async function diagnose(kind: SignatureKind, inputs: KindInputs, signature: string): Promise<Diagnosis> {
  const result = await kind.verify(inputs, signature);
  if (result.match) return { match: true, note: result.note, tried: [], combinations: 0 };

  const variants = kind.variants(inputs, signature);
  const tried: TriedVariant[] = [];
  for (const variant of variants) tried.push({ variant, match: await tryVariant(variant) });
  let likely = tried.find((t) => t.match)?.variant;
  let combinations = 0;
  if (!likely) {
    // Two inputs may differ at once (a Z timestamp and a re-serialised body): try pairs.
    for (const variant of combinedVariants(kind, inputs, signature, variants)) {
      combinations++;
      if (await tryVariant(variant)) {
        likely = variant;
        tried.push({ variant, match: true });
        break;
      }
    }
  }
  const conclusion = likely
    ? `most likely the ${likely.input} ${likely.input.includes(' and ') ? 'differ' : 'differs'}: the signature matches with ${likely.description}${likely.value === undefined ? '' : ` (${shortValue(likely.value)})`}`
    : `no variant matched: most likely the key/secret differs (or an input that is not varied here: ${kind.unvaried})`;

  let explained: Explanation | undefined;
  if (!isAsymmetric(kind)) {
    try {
      explained = await kind.explain(inputs);
    } catch {
      explained = undefined;
    }
  }
  return { match: false, note: result.note, tried, combinations, likely, conclusion, explained };
}
