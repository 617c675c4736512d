/**
 * The `payauth` command line. `main(argv, io)` is the whole program (bin.ts only wires it to
 * the process), so the tests can run it in-process as well as in a subprocess.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { isAuthError } from '@org/signing-core';
import type { CommandContext, Flags } from './commands/context.js';
import { keygen, keygenHelp, keygenOptions } from './commands/keygen.js';
import { notify, notifyHelp, notifyOptions } from './commands/notify.js';
import { sandbox, sandboxHelp, sandboxOptions } from './commands/sandbox.js';
import { sign, signHelp, signOptions } from './commands/sign.js';
import { token, tokenHelp, tokenOptions } from './commands/token.js';
import { verify, verifyHelp, verifyOptions } from './commands/verify.js';
import { workbench, workbenchHelp, workbenchOptions } from './commands/workbench.js';
import { CliError, EXIT } from './exit-codes.js';
import { createOutput, type Io, type Output } from './io.js';
import { inline } from './terminal-text.js';
import { VERSION } from './version.js';

const mainHelp = `payauth ${VERSION}: tokens and signatures for SNAP, Finnet, DOKU and Fondy

Usage: payauth <command> [options]

Commands:
  token <provider>          get a real access token (snap, finnet, doku, fondy)
  sign <provider> <kind>    show exactly what is signed, the headers and the signature
  verify <provider> <kind>  check a signature; on a mismatch, say which input most likely differs
  keygen                    make an RSA key pair for SNAP registration
  notify <provider> --to <url>
                            play the provider against your endpoint (snap, doku, fondy): token,
                            signed call, notification or callback, redeliveries; prints what your
                            endpoint answered
  sandbox                   serve all four provider sandboxes on 127.0.0.1
  workbench                 serve the signature workbench page on 127.0.0.1 (paste a request,
                            see what was signed and which input differs; keys stay in the tab)

Run "payauth <command> --help" for a command's options.

Global options:
  --config <file>   settings file (default: ./payauth.config.json)
  --json            machine-readable output
  --no-color        plain output even on a terminal (colours are used only on a terminal
                    and never when NO_COLOR is set)
  -h, --help        show help
  -v, --version     show the version

Exit codes: 0 ok · 1 signature mismatch · 2 usage error · 3 bad input (file, key, JSON) ·
4 provider or network error · 130 interrupted`;

/** Options every command accepts. */
const GLOBAL_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  'no-color': { type: 'boolean' },
  json: { type: 'boolean' },
  config: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

interface Command {
  readonly run: (ctx: CommandContext) => Promise<number>;
  /** Help for the command, or for a subcommand named by the positionals (`sign snap service --help`). */
  readonly help: (args: readonly string[]) => string;
  readonly options: ParseArgsOptionsConfig;
}

const COMMANDS: Record<string, Command> = {
  token: { run: token, help: tokenHelp, options: tokenOptions },
  sign: { run: sign, help: signHelp, options: signOptions },
  verify: { run: verify, help: verifyHelp, options: verifyOptions },
  keygen: { run: keygen, help: () => keygenHelp, options: keygenOptions },
  notify: { run: notify, help: notifyHelp, options: notifyOptions },
  sandbox: { run: sandbox, help: () => sandboxHelp, options: sandboxOptions },
  workbench: { run: workbench, help: () => workbenchHelp, options: workbenchOptions },
};

/** Index of the command name: the first argument that is neither an option nor the value of `--config`. */
function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return -1;
    if (arg === '--config') {
      i++;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') return i;
  }
  return -1;
}

function parse(args: readonly string[], options: ParseArgsOptionsConfig): { flags: Flags; positionals: string[] } {
  const parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  return { flags: parsed.values as Flags, positionals: parsed.positionals };
}

function colorChoice(argv: readonly string[]): { color?: boolean } {
  return argv.includes('--no-color') ? { color: false } : {};
}

export async function main(
  argv: readonly string[],
  io: Io,
  interrupted: Promise<void> = new Promise(() => {}),
): Promise<number> {
  const index = commandIndex(argv);
  const name = index === -1 ? undefined : (argv[index] as string);
  const command = name === undefined ? undefined : COMMANDS[name];
  const out = createOutput(io, colorChoice(argv));
  const json = argv.includes('--json');
  if (name !== undefined && !command) {
    return report(
      new CliError(
        `unknown command "${name}"`,
        EXIT.usage,
        `commands: ${Object.keys(COMMANDS).join(', ')}. See "payauth --help".`,
      ),
      out,
      json,
    );
  }
  const rest = index === -1 ? [...argv] : [...argv.slice(0, index), ...argv.slice(index + 1)];
  let flags: Flags;
  let positionals: string[];
  try {
    ({ flags, positionals } = parse(rest, { ...GLOBAL_OPTIONS, ...(command?.options ?? {}) }));
  } catch (error) {
    const where = name === undefined ? 'payauth' : `payauth ${name}`;
    return report(
      new CliError(`${where}: ${(error as Error).message}`, EXIT.usage, `see "${where} --help"`),
      out,
      json,
    );
  }
  if (!command || name === undefined) {
    if (flags.version) {
      out.line(VERSION);
      return EXIT.ok;
    }
    if (flags.help) {
      out.line(mainHelp);
      return EXIT.ok;
    }
    out.error(mainHelp);
    return EXIT.usage;
  }
  if (flags.help) {
    out.line(command.help(positionals));
    return EXIT.ok;
  }
  try {
    return await command.run({ io, out, flags, args: positionals, interrupted, name });
  } catch (error) {
    return report(error, out, Boolean(flags.json));
  }
}

/**
 * Prints a failure (one line, a hint, and the provider's details when there are any) and picks
 * the exit code. Messages may carry a provider's text: each is printed on its one line with its
 * control characters (newlines too) escaped. `--json` keeps the exact text (JSON escapes it).
 */
function report(error: unknown, out: Output, json: boolean): number {
  if (error instanceof CliError) {
    if (json) out.line(JSON.stringify({ ok: false, error: { message: error.message, hint: error.hint } }));
    else {
      out.error(`${out.color.red('error')} ${inline(error.message)}`);
      if (error.hint) out.error(`${out.color.dim('hint')}  ${inline(error.hint)}`);
    }
    return error.exitCode;
  }
  if (isAuthError(error)) {
    const exitCode =
      error.code === 'ERR_CONFIG' ||
      error.code === 'ERR_INVALID_INPUT' ||
      error.code === 'ERR_INVALID_JSON' ||
      error.code === 'ERR_KEY_FORMAT'
        ? EXIT.input
        : EXIT.provider;
    // toJSON() is secret-free by the core's contract: it is what the library lets a log see.
    const described = error.toJSON();
    if (json) out.line(JSON.stringify({ ok: false, error: described }));
    else {
      out.error(`${out.color.red('error')} ${error.code}: ${inline(error.message)}`);
      for (const key of ['status', 'providerCode', 'providerMessage', 'retryAfterMs', 'attempts', 'field']) {
        const value = described[key];
        if (value !== undefined && value !== null && value !== '') {
          out.error(
            `  ${out.color.dim(key.padEnd(16))}${inline(typeof value === 'string' ? value : JSON.stringify(value))}`,
          );
        }
      }
    }
    return exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json) out.line(JSON.stringify({ ok: false, error: { message: `unexpected failure: ${message}` } }));
  else out.error(`${out.color.red('error')} unexpected failure: ${inline(message)}`);
  return error instanceof TypeError ? EXIT.input : EXIT.provider;
}
