/**
 * Where a JSON text first breaks the grammar, as `line L, column C` (1-based; columns count
 * UTF-16 code units), for error messages about files that may hold secrets. Never a fragment of
 * the text: `JSON.parse` messages quote the text around the error (part of a key or secret, in
 * a settings file), so they are not shown; the core's `minifyJson` validates the same grammar
 * and gives the offset alone.
 */
import { isInputError, minifyJson } from '@org/signing-core';

/** `line L, column C` of the first error in `text`, or undefined when none can be placed. */
function jsonErrorLocation(text: string): string | undefined {
  let position: number | undefined;
  try {
    minifyJson(text);
  } catch (error) {
    if (isInputError(error)) position = error.position;
  }
  if (position === undefined) return undefined;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${position - lineStart + 1}`;
}

/** "is not valid JSON (line 2, column 5)": the message tail for `text` that JSON.parse refused. */
export function notValidJson(text: string): string {
  const where = jsonErrorLocation(text);
  return `is not valid JSON${where === undefined ? '' : ` (${where})`}`;
}
