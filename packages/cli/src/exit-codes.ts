/** The CLI's exit codes (documented in the README). */
export const EXIT = {
  /** Success (for `verify`: the signature matches). */
  ok: 0,
  /** `verify`: the signature does not match. */
  mismatch: 1,
  /** Bad usage: unknown command or provider, missing or malformed option. */
  usage: 2,
  /** Bad input: unreadable file, unusable key, invalid JSON, file exists. */
  input: 3,
  /** The provider or the network failed (token command). */
  provider: 4,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports as one line (plus an optional hint) and an exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const usageError = (message: string, hint?: string) => new CliError(message, EXIT.usage, hint);
export const inputError = (message: string, hint?: string) => new CliError(message, EXIT.input, hint);
