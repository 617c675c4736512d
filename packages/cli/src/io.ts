/**
 * Terminal output: colours only when the stream is a TTY (and NO_COLOR is unset), a spinner
 * on stderr only on a TTY, and plain text otherwise so scripts and logs stay clean. Every line
 * goes through `terminalSafe`: control characters that did not come from the CLI itself are
 * shown escaped, never sent to the terminal.
 */
import { inline, terminalSafe } from './terminal-text.js';

export interface Io {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface Output {
  line(text?: string): void;
  error(text: string): void;
  readonly color: Colors;
  spinner(label: string): { stop(): void };
}

interface Colors {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const plain: Colors = {
  bold: (t) => t,
  dim: (t) => t,
  green: (t) => t,
  red: (t) => t,
  yellow: (t) => t,
  cyan: (t) => t,
};
const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const colored: Colors = {
  bold: ansi(1, 22),
  dim: ansi(2, 22),
  green: ansi(32, 39),
  red: ansi(31, 39),
  yellow: ansi(33, 39),
  cyan: ansi(36, 39),
};

export function createOutput(io: Io, options: { color?: boolean } = {}): Output {
  const useColor = options.color ?? (io.stdout.isTTY === true && !('NO_COLOR' in io.env) && io.env.TERM !== 'dumb');
  const color = useColor ? colored : plain;
  return {
    color,
    line: (text = '') => io.stdout.write(`${terminalSafe(text, useColor)}\n`),
    error: (text) => io.stderr.write(`${terminalSafe(text, useColor)}\n`),
    spinner(label) {
      if (io.stderr.isTTY !== true) return { stop() {} };
      const shown = inline(label);
      const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
      let i = 0;
      const timer = setInterval(() => {
        io.stderr.write(`\r${frames[i++ % frames.length]} ${shown}`);
      }, 80);
      timer.unref();
      return {
        stop() {
          clearInterval(timer);
          io.stderr.write('\r\u001b[2K');
        },
      };
    },
  };
}
