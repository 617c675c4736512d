import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createOutput, type Io } from './io.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  const writable = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  }) as Writable & { isTTY?: boolean };
  writable.isTTY = isTTY;
  return { writable, text: () => chunks.join('') };
}

function io(tty: boolean, env: NodeJS.ProcessEnv = {}) {
  const stdout = stream(tty);
  const stderr = stream(tty);
  const value: Io = { stdout: stdout.writable, stderr: stderr.writable, env, cwd: '/' };
  return { io: value, stdout, stderr };
}

describe('output', () => {
  it('colours only on a terminal, and never with NO_COLOR, TERM=dumb or --no-color', () => {
    expect(createOutput(io(true).io).color.red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(createOutput(io(false).io).color.red('x')).toBe('x');
    expect(createOutput(io(true, { NO_COLOR: '' }).io).color.red('x')).toBe('x');
    expect(createOutput(io(true, { TERM: 'dumb' }).io).color.red('x')).toBe('x');
    expect(createOutput(io(true).io, { color: false }).color.red('x')).toBe('x');
  });

  it('spins on a terminal stderr and clears the line when stopped', async () => {
    const t = io(true);
    const spinner = createOutput(t.io).spinner('waiting');
    await new Promise((resolve) => setTimeout(resolve, 200));
    spinner.stop();
    expect(t.stderr.text()).toMatch(/\r[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] waiting/);
    expect(t.stderr.text().endsWith('\r\u001b[2K')).toBe(true);
    expect(t.stdout.text()).toBe('');
  });

  it('writes no spinner when stderr is not a terminal', async () => {
    const t = io(false);
    const spinner = createOutput(t.io).spinner('waiting');
    await new Promise((resolve) => setTimeout(resolve, 120));
    spinner.stop();
    expect(t.stderr.text()).toBe('');
  });
});
