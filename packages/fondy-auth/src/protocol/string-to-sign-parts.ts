/**
 * The shape of Fondy's strings to sign, part by part, for tools that explain a signature. Both
 * Fondy strings start with a key; it never appears: its part holds a placeholder.
 */

/** One labelled part of a Fondy string to sign, in the order it is joined with `|`. */
export interface FondyStringToSignPart {
  /** Which input the part is: `secretKey`, `applicationId`, `date`, `paymentKey` or a parameter name. */
  readonly name: string;
  /** What the part is, for people: the parameter name, or e.g. `payment key (not shown)`. */
  readonly label: string;
  /** The exact text that is signed; the placeholder (`<secret key>`, `<payment key>`) for the key. */
  readonly value: string;
}

/** A Fondy string to sign, the key shown as its placeholder, with its labelled parts. */
export interface FondyStringToSignParts {
  /** The parts joined with `|`: the signed string, but with the key's placeholder. */
  readonly stringToSign: string;
  readonly parts: readonly FondyStringToSignPart[];
}
