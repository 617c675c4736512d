/** One setting of a command or signature kind: its name, help and where it may come from (see settings.ts). Web-only, so the workbench page can read the signature kinds' settings. */
export interface SettingSpec {
  /** camelCase name, also the config-file key. */
  readonly name: string;
  readonly description: string;
  /** Also accept `<flag>-file`, `<ENV>_FILE` and `<name>File` (for keys and secrets). */
  readonly fromFile?: boolean;
  /** A file is used byte for byte (a body); otherwise one trailing line break is dropped (a secret saved with `echo`). */
  readonly exactFile?: boolean;
  readonly secret?: boolean;
  readonly required?: boolean;
  readonly default?: string;
  /** Only a flag sets it (per-call inputs such as a body or a signature), never the environment or the config file. */
  readonly flagOnly?: boolean;
  /** The option takes no value (`--show-token`). */
  readonly boolean?: boolean;
  /** Placeholder shown in help, e.g. `<url>`. */
  readonly value?: string;
}
