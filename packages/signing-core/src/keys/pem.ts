/**
 * Text handling for key input: PEM (RFC 7468, with the RFC 1421 `Proc-Type` header that OpenSSL
 * writes for encrypted PKCS#1) and bare base64 bodies. Linear scans with `indexOf` only, no
 * regular expressions over the input, so untrusted text cannot trigger catastrophic backtracking.
 *
 * Nothing here ever puts key material in an error: the `reject` callback receives a short
 * description of what was found (labels are quoted only after `quotableLabel` vetted them).
 */

import { fromBase64 } from '../encoding/encoding.js';
import { InputError } from '../errors/errors.js';

/** Throws the caller's `KeyFormatError` for what was found, with an optional hint. */
export type Reject = (found: string, hint?: string) => never;

/** The first PEM block found in a text. */
interface PemBlock {
  /** The label between `-----BEGIN ` and `-----`, e.g. `RSA PRIVATE KEY`. */
  readonly label: string;
  /** True when an RFC 1421 header says `Proc-Type: 4,ENCRYPTED` (OpenSSL's encrypted PKCS#1). */
  readonly procTypeEncrypted: boolean;
  /** The base64 body with every whitespace character removed (not yet validated). */
  readonly base64: string;
}

/** What a key text turned out to be: a PEM block, or a bare base64 body. */
export type KeyText =
  | { readonly kind: 'pem'; readonly block: PemBlock }
  | { readonly kind: 'base64'; readonly base64: string };

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';

/**
 * Undoes the usual damage done to PEM text on its way through env vars and config files:
 * literal two-character `\n` / `\r\n` sequences, CRLF or CR line endings, surrounding whitespace
 * (a BOM included, which `trim` removes).
 */
export function normalizeKeyText(text: string): string {
  return text.split('\\r\\n').join('\n').split('\\n').join('\n').split('\r\n').join('\n').split('\r').join('\n').trim();
}

/**
 * Finds the first PEM block in `text` (already normalised), or reads it as a bare base64 body
 * when there is no BEGIN line. Text before the BEGIN line and after the END line is ignored, as
 * RFC 7468 §2 allows.
 */
export function readKeyText(text: string, reject: Reject): KeyText {
  const begin = text.indexOf(BEGIN);
  if (begin < 0) {
    if (text.includes(END)) reject('a PEM END line without a BEGIN line');
    return { kind: 'base64', base64: stripWhitespace(text) };
  }
  const labelStart = begin + BEGIN.length;
  const labelEnd = text.indexOf(DASHES, labelStart);
  const lineEnd = text.indexOf('\n', labelStart);
  if (labelEnd < 0 || (lineEnd >= 0 && lineEnd < labelEnd)) reject('a malformed PEM BEGIN line');
  const label = text.slice(labelStart, labelEnd);
  const bodyStart = labelEnd + DASHES.length;

  const end = text.indexOf(END, bodyStart);
  if (end < 0) reject(`${describeLabel(label)} without an END line`);
  const endLabelStart = end + END.length;
  const endLabelEnd = text.indexOf(DASHES, endLabelStart);
  const endLineEnd = text.indexOf('\n', endLabelStart);
  if (endLabelEnd < 0 || (endLineEnd >= 0 && endLineEnd < endLabelEnd)) {
    reject(`${describeLabel(label)} with a malformed END line`);
  }
  const endLabel = text.slice(endLabelStart, endLabelEnd);
  if (endLabel !== label) {
    const quoted = quotableLabel(endLabel);
    reject(
      `${describeLabel(label)} whose END line ${quoted === undefined ? 'has a different label' : `says "${quoted}"`}`,
    );
  }

  // Body: optional RFC 1421 headers ("Name: value" lines), then base64 lines. Base64 never
  // contains ':', so any line with one is a header. OpenSSL's encrypted PKCS#1 looks like
  //   Proc-Type: 4,ENCRYPTED
  //   DEK-Info: AES-256-CBC,<iv>
  let procTypeEncrypted = false;
  let base64 = '';
  for (const line of text.slice(bodyStart, end).split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) {
      base64 += stripWhitespace(line);
    } else if (line.slice(0, colon).trim().toLowerCase() === 'proc-type' && line.includes('ENCRYPTED', colon)) {
      procTypeEncrypted = true;
    }
  }
  return { kind: 'pem', block: { label, procTypeEncrypted, base64 } };
}

/**
 * Decodes a whitespace-free base64 body. Anything that is not base64 (or has an impossible
 * length, which is what a truncated copy-paste usually gives) is rejected without saying where.
 */
export function decodeBase64Body(base64: string, reject: Reject, found: string): Uint8Array {
  try {
    return fromBase64(base64);
  } catch (error) {
    if (error instanceof InputError) reject(found);
    throw error;
  }
}

/** `a PEM block labelled "X"`, quoting the label only when it is safe to. */
export function describeLabel(label: string): string {
  const quoted = quotableLabel(label);
  return quoted === undefined ? 'a PEM block with an unreadable label' : `a PEM block labelled "${quoted}"`;
}

/**
 * The label if it looks like a PEM label, otherwise `undefined`, so that whatever was mistaken
 * for a label (possibly key material) is never echoed: ASCII letters, digits, `.` and `#` in
 * space-separated words of at most 15 characters, 40 characters in all. Real labels fit
 * (`ENCRYPTED PRIVATE KEY`, `CERTIFICATE REQUEST`), and no run of 16 base64 characters can.
 */
function quotableLabel(label: string): string | undefined {
  if (label.length === 0 || label.length > 40) return undefined;
  let word = 0;
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c === 32) {
      word = 0;
      continue;
    }
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 35;
    if (!ok || ++word > 15) return undefined;
  }
  return label;
}

/** Removes ASCII whitespace (space, tab, LF, VT, FF, CR). */
function stripWhitespace(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) {
      out += text.slice(from, i);
      from = i + 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}
