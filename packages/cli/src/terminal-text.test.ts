import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createOutput, type Io } from './io.js';
import { block, inline, terminalSafe } from './terminal-text.js';

function io(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  }) as Writable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  const value: Io = { stdout: stream, stderr: stream, env: {}, cwd: '/' };
  return { io: value, text: () => chunks.join('') };
}

describe('terminal text', () => {
  it('escapes every C0 control, DEL and C1 control; inline() newlines too, block() keeps them', () => {
    const all = Array.from({ length: 0xa0 }, (_, code) => String.fromCharCode(code)).join('');
    const shownInline = inline(all);
    const shownBlock = block(all);
    expect(shownInline).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(shownBlock).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(shownBlock.split('\n')).toHaveLength(2);
    expect(inline('a\u001b[31mb\r\n\tc\u0000\u007f\u009b')).toBe('a\\u001b[31mb\\r\\n\\tc\\u0000\\u007f\\u009b');
    expect(block('a\nb\u0007')).toBe('a\nb\\u0007');
    // Printable text, including non-ASCII and U+00A0 onwards, is left alone.
    expect(inline('Оплата №5 — café ☕ \u00a0 😀 []"\\')).toBe('Оплата №5 — café ☕ \u00a0 😀 []"\\');
  });

  it('keeps JSON valid and its value exact', () => {
    const value = { message: 'x\u001b[2J\u007f\u0085\u009b\n' };
    const line = terminalSafe(JSON.stringify(value), false);
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(JSON.parse(line)).toEqual(value);
  });

  it("keeps the CLI's own colours on a terminal and escapes every other control there", () => {
    const t = io(true);
    const out = createOutput(t.io);
    out.error(`${out.color.red('error')} ${inline('provider \u001b[31mred\u001b[0m')} \u001b[2J\u0007`);
    expect(t.text()).toBe('\u001b[31merror\u001b[39m provider \\u001b[31mred\\u001b[0m \\u001b[2J\\u0007\n');
    expect(terminalSafe('\u001b[1mbold\u001b[22m \u001b[5m', true)).toBe('\u001b[1mbold\u001b[22m \\u001b[5m');
  });

  it('escapes every control, colour codes included, when colours are off', () => {
    const t = io(false);
    const out = createOutput(t.io);
    out.line('ok\n\u001b[31mnot a colour\u001b[39m\r');
    expect(t.text()).toBe('ok\n\\u001b[31mnot a colour\\u001b[39m\\r\n');
  });
});
