import type { Io, Output } from '../io.js';

/** Parsed flags (kebab-case names, without dashes). */
export type Flags = Readonly<Record<string, string | boolean | string[] | undefined>>;

/** What every command receives. */
export interface CommandContext {
  readonly io: Io;
  readonly out: Output;
  /** Parsed flags (kebab-case names, without dashes). */
  readonly flags: Flags;
  /** Positional arguments after the command name. */
  readonly args: readonly string[];
  /** Resolves when the user interrupts (Ctrl-C). */
  readonly interrupted: Promise<void>;
  /** The command's name (`token`, `sign`, …), for messages. */
  readonly name: string;
}
