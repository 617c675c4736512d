/**
 * The sandbox's own Finnet body signature, written from the protocol (docs/protocols.md §1.3)
 * and not from the package's `finnetSignature`, so an end-to-end test can catch a wrong string
 * to sign: PHP `ksort` of the fields without `signature`, their values appended with no
 * separator, `hash_hmac('sha256', …, strToHex(secret))`, `strtoupper`.
 */
import { encodeUtf8, hmac, toHex } from '@org/signing-core';

/** Case of the secret's hex text used as the HMAC key (the SDK's `%02x` is lowercase). */
export type SandboxHexKeyCase = 'lower' | 'upper';

/** `ksort` on text keys is byte order; for UTF-8 that is the order of the code points. */
function codePointOrder(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < x.length && i < y.length; i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  }
  return x.length - y.length;
}

/** The signed text: every value but `signature`'s, in ascending order of the field names, joined with nothing. */
export function sandboxStringToSign(fields: Readonly<Record<string, string>>): string {
  return Object.keys(fields)
    .filter((name) => name !== 'signature')
    .sort(codePointOrder)
    .map((name) => fields[name])
    .join('');
}

/** 64 uppercase hex characters: HMAC-SHA256 keyed with the ASCII hex text of the UTF-8 secret. */
export async function sandboxSignature(
  fields: Readonly<Record<string, string>>,
  secretKey: string,
  hexKeyCase: SandboxHexKeyCase,
): Promise<string> {
  const keyText = toHex(encodeUtf8(secretKey), { upperCase: hexKeyCase === 'upper' });
  return toHex(await hmac('SHA-256', keyText, sandboxStringToSign(fields)), { upperCase: true });
}
