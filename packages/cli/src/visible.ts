/**
 * Makes invisible characters visible, for printing a string to sign: a newline is shown as
 * `\n` (and the line is broken after it), a tab as `\t`, a carriage return as `\r`, trailing
 * spaces as `·`, other control characters and non-breaking/zero-width spaces as `<U+XXXX>`.
 */
const SPECIAL: Record<string, string> = {
  '\t': '\\t',
  '\r': '\\r',
  '\u00a0': '<U+00A0>',
  '\u200b': '<U+200B>',
  '\ufeff': '<U+FEFF>',
};

export function visible(text: string): string {
  return text
    .split('\n')
    .map((line, index, lines) => {
      const trailing = line.length - line.trimEnd().length;
      const core =
        trailing > 0
          ? line.slice(0, line.length - trailing) + line.slice(line.length - trailing).replace(/ /g, '·')
          : line;
      const shown = Array.from(core, (ch) => {
        if (SPECIAL[ch]) return SPECIAL[ch];
        const code = ch.codePointAt(0) ?? 0;
        if (code < 0x20 || code === 0x7f) return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
        return ch;
      }).join('');
      return index < lines.length - 1 ? `${shown}\\n` : shown;
    })
    .join('\n');
}
