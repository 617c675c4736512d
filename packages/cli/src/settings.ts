/**
 * Where a command's settings come from, first match wins: a command-line flag, an environment
 * variable (`PAYAUTH_<PROVIDER>_<NAME>`), then the config file (`--config FILE`, else
 * `payauth.config.json` in the working directory) under the provider's section. Secrets and
 * keys can also be read from a file: `--private-key-file`, `PAYAUTH_SNAP_PRIVATE_KEY_FILE`,
 * `"privateKeyFile"`. Per-call inputs (a body, a timestamp, a signature) are flags only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Flags } from './commands/context.js';
import { inputError, usageError } from './exit-codes.js';
import { notValidJson } from './json-location.js';
import type { SettingSpec } from './setting-spec.js';

export type { SettingSpec } from './setting-spec.js';

export const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const envName = (provider: string, name: string) =>
  `PAYAUTH_${provider.toUpperCase()}_${kebab(name).replace(/-/g, '_').toUpperCase()}`;

export interface SettingSources {
  readonly flags: Flags;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly configPath?: string | undefined;
}

const DEFAULT_CONFIG_FILE = 'payauth.config.json';

function loadConfigFile(sources: SettingSources): Record<string, Record<string, unknown>> {
  const explicit = sources.configPath;
  const path = resolve(sources.cwd, explicit ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(path)) {
    if (explicit) throw inputError(`config file not found: ${path}`);
    return {};
  }
  const text = readFileSync(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The path and line/column only: JSON.parse's message quotes the text near the error,
    // which may be part of a secret.
    throw inputError(`config file ${path} ${notValidJson(text)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw inputError(`config file ${path} must hold a JSON object with one section per provider`);
  }
  for (const [section, value] of Object.entries(parsed)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw inputError(`config file ${path}: "${section}" must be an object of settings`);
    }
  }
  return parsed as Record<string, Record<string, unknown>>;
}

/** Reads a file named by a setting; `-` is standard input. Errors say which setting named it. */
export function readSettingFile(path: string, what: string, cwd: string): string {
  const full = path === '-' ? '-' : resolve(cwd, path);
  try {
    return readFileSync(full === '-' ? 0 : full, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (error as Error).message;
    throw inputError(`cannot read ${what} file ${full === '-' ? '(standard input)' : full}: ${reason}`);
  }
}

const dropTrailingNewline = (text: string) => text.replace(/\r?\n$/, '');

/** Every way to set `spec`, for help texts and "missing setting" messages. */
function settingSources(provider: string, spec: SettingSpec, configFile = DEFAULT_CONFIG_FILE): string[] {
  const flag = `--${kebab(spec.name)}`;
  if (spec.flagOnly) return spec.fromFile ? [flag, `${flag}-file`] : [flag];
  const env = envName(provider, spec.name);
  return [
    spec.fromFile ? `${flag} (or ${flag}-file)` : flag,
    spec.fromFile ? `${env} (or ${env}_FILE)` : env,
    `"${spec.name}"${spec.fromFile ? ` (or "${spec.name}File")` : ''} in the "${provider}" section of ${configFile}`,
  ];
}

/** Resolves every spec for `provider`; throws a usage error listing every missing required setting. */
export function resolveSettings(
  provider: string,
  specs: readonly SettingSpec[],
  sources: SettingSources,
  /** Filled with where each value came from (`--private-key-file ./key.pem`, `PAYAUTH_SNAP_CLIENT_ID`, …), for messages. */
  origins: Record<string, string> = {},
): Record<string, string | undefined> {
  const needsConfig = specs.some((spec) => !spec.flagOnly);
  const config = needsConfig ? (loadConfigFile(sources)[provider] ?? {}) : {};
  const out: Record<string, string | undefined> = {};
  const missing: SettingSpec[] = [];
  for (const spec of specs) {
    const flag = kebab(spec.name);
    const env = envName(provider, spec.name);
    const flagValue = sources.flags[flag];
    const flagFile = spec.fromFile ? sources.flags[`${flag}-file`] : undefined;
    const fromFile = (path: string, what: string) => {
      const text = readSettingFile(path, what, sources.cwd);
      return spec.exactFile ? text : dropTrailingNewline(text);
    };
    let value: string | undefined;
    let origin: string | undefined;
    const configKey = config[spec.name];
    const configFile = config[`${spec.name}File`];
    const envFile = sources.env[`${env}_FILE`];
    if (typeof flagValue === 'string' || flagValue === true) {
      value = flagValue === true ? 'true' : flagValue;
      origin = `--${flag}`;
    } else if (typeof flagFile === 'string') {
      value = fromFile(flagFile, `--${flag}-file`);
      origin = `--${flag}-file ${flagFile}`;
    } else if (!spec.flagOnly && sources.env[env] !== undefined && sources.env[env] !== '') {
      value = sources.env[env];
      origin = env;
    } else if (!spec.flagOnly && spec.fromFile && envFile) {
      value = fromFile(envFile, `${env}_FILE`);
      origin = `${env}_FILE ${envFile}`;
    } else if (
      !spec.flagOnly &&
      (typeof configKey === 'string' || typeof configKey === 'number' || typeof configKey === 'boolean')
    ) {
      value = String(configKey);
      origin = `"${spec.name}" in the config file`;
    } else if (!spec.flagOnly && spec.fromFile && typeof configFile === 'string') {
      // A relative path in the config file is relative to the working directory, like every other path.
      value = fromFile(configFile, `"${spec.name}File" in the config`);
      origin = `"${spec.name}File" ${configFile} in the config file`;
    } else {
      value = spec.default;
    }
    if (origin !== undefined) origins[spec.name] = origin;
    if (value === undefined && spec.required) missing.push(spec);
    out[spec.name] = value;
  }
  if (missing.length > 0) {
    const configFile = sources.configPath ?? DEFAULT_CONFIG_FILE;
    const lines = missing.map(
      (spec) =>
        `  ${kebab(spec.name)}: ${spec.description}\n    set it with ${settingSources(provider, spec, configFile).join(', or ')}`,
    );
    throw usageError(`missing ${missing.length === 1 ? 'setting' : 'settings'} for ${provider}:\n${lines.join('\n')}`);
  }
  return out;
}

/**
 * Refuses flags that the chosen provider or kind does not take (a typo or a setting of
 * another provider), naming the ones it does take.
 */
export function assertKnownFlags(
  flags: Flags,
  specs: readonly SettingSpec[],
  context: string,
  extra: readonly string[] = [],
): void {
  const allowed = new Set(['help', 'version', 'no-color', 'json', 'config', ...extra]);
  for (const spec of specs) {
    allowed.add(kebab(spec.name));
    if (spec.fromFile) allowed.add(`${kebab(spec.name)}-file`);
  }
  const unknown = Object.keys(flags).filter((name) => flags[name] !== undefined && !allowed.has(name));
  if (unknown.length > 0) {
    throw usageError(
      `${context} does not take ${unknown.map((name) => `--${name}`).join(', ')}`,
      `it takes: ${[...allowed]
        .filter((name) => !['help', 'version', 'no-color', 'json', 'config'].includes(name))
        .map((name) => `--${name}`)
        .join(', ')}`,
    );
  }
}

/** Help lines for a list of settings: flag, description, environment variable. */
export function settingsHelp(provider: string, specs: readonly SettingSpec[]): string {
  const lines: string[] = [];
  for (const spec of specs) {
    const flag = `--${kebab(spec.name)}${spec.boolean ? '' : ` ${spec.value ?? '<value>'}`}`;
    const suffix = spec.required ? ' (required)' : spec.default !== undefined ? ` (default: ${spec.default})` : '';
    lines.push(`  ${flag.padEnd(30)}${spec.description}${suffix}`);
    if (spec.fromFile)
      lines.push(`  ${`--${kebab(spec.name)}-file <file>`.padEnd(30)}…read from a file (- for standard input)`);
    if (!spec.flagOnly) {
      const env = envName(provider, spec.name);
      lines.push(
        `  ${''.padEnd(30)}env ${env}${spec.fromFile ? ` or ${env}_FILE` : ''}; config "${spec.name}"${spec.fromFile ? ` or "${spec.name}File"` : ''}`,
      );
    }
  }
  return lines.join('\n');
}
