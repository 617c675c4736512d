/**
 * Text from outside the CLI (a provider's messages and body excerpts, file names, inputs) is
 * printed inert: a terminal acts on control characters (ANSI escape sequences clear the screen,
 * recolour, retitle the window or fake output; a carriage return overwrites a line), so every
 * C0 control, DEL and C1 control is shown as an escape instead (`\n`, `\r`, `\t`, else
 * `\u001b`-style, lower-case hex as in JSON). Escaping ESC (and C1 CSI, U+009B) neutralises the
 * whole sequence: what follows it is plain printable text.
 *
 * The escapes are JSON's own, so a `--json` line stays valid JSON with the same value (JSON.stringify
 * already escapes C0 controls; DEL and C1 it writes raw).
 */

/** C0 controls (all), DEL and C1 controls. */
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** The same without the newline. */
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
/**
 * The same, plus the CLI's own colour codes (SGR sequences from io.ts), matched first so they
 * are kept when colours are on.
 */
const OWN_COLOUR_OR_CONTROL = /\u001b\[(?:1|2|22|31|32|33|36|39)m|[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(ch: string): string {
  return NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Text for one line (an error or provider message): every control character escaped, newlines too. */
export function inline(text: string): string {
  return text.replace(ANY_CONTROL, escapeControl);
}

/** Text that may span lines (a body): every control character but `\n` escaped. */
export function block(text: string): string {
  return text.replace(CONTROL_BUT_NEWLINE, escapeControl);
}

/**
 * What reaches the terminal: {@link block}, except the CLI's own colour codes when colours are
 * on. The last line of defence for text that was not escaped where it was composed.
 */
export function terminalSafe(text: string, keepOwnColours: boolean): string {
  if (!keepOwnColours) return block(text);
  return text.replace(OWN_COLOUR_OR_CONTROL, (match) => (match.length > 1 ? match : escapeControl(match)));
}
