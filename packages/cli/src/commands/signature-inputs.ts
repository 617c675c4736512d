/**
 * What `sign` and `verify` share: their option set, resolving a kind's inputs from flags,
 * environment and config, and their help texts.
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import { PROVIDERS, type ProviderName } from '../providers/provider-name.js';
import { assertKnownFlags, kebab, resolveSettings, type SettingSpec, settingsHelp } from '../settings.js';
import type { KindInputs, Mode, SignatureKind } from '../signatures/kind.js';
import { readParams } from '../signatures/params.js';
import { KINDS } from '../signatures/registry.js';
import type { CommandContext } from './context.js';

const PARAM_SPECS: readonly SettingSpec[] = [
  {
    name: 'body',
    description: 'a JSON object of the request fields',
    value: '<json>',
    flagOnly: true,
    fromFile: true,
    exactFile: true,
  },
];

/** The extra flags of one kind in one mode (besides its settings). */
function extraFlags(kind: SignatureKind, mode: Mode): string[] {
  return [...(kind.usesParams ? ['param'] : []), ...(mode === 'verify' ? ['signature'] : [])];
}

/** Every flag any kind takes in `mode`, for the strict parser. */
export function optionsFor(mode: Mode): ParseArgsOptionsConfig {
  const options: ParseArgsOptionsConfig = { param: { type: 'string', multiple: true } };
  if (mode === 'verify') options.signature = { type: 'string' };
  for (const provider of PROVIDERS) {
    for (const kind of KINDS[provider]) {
      for (const spec of [...kind.settings(mode, 0), ...(kind.usesParams ? PARAM_SPECS : [])]) {
        options[kebab(spec.name)] = { type: spec.boolean ? 'boolean' : 'string' };
        if (spec.fromFile) options[`${kebab(spec.name)}-file`] = { type: 'string' };
      }
    }
  }
  return options;
}

export function resolveKindInputs(ctx: CommandContext, kind: SignatureKind, mode: Mode, now: number): KindInputs {
  const specs = kind.settings(mode, now);
  assertKnownFlags(
    ctx.flags,
    kind.usesParams ? [...specs, ...PARAM_SPECS] : specs,
    `payauth ${mode} ${kind.provider} ${kind.kind}`,
    extraFlags(kind, mode),
  );
  const origins: Record<string, string> = {};
  const values = resolveSettings(
    kind.provider,
    specs,
    {
      flags: ctx.flags,
      env: ctx.io.env,
      cwd: ctx.io.cwd,
      configPath: typeof ctx.flags.config === 'string' ? ctx.flags.config : undefined,
    },
    origins,
  );
  const params = kind.usesParams ? readParams(ctx.flags, ctx.io.cwd) : {};
  return { values, origins, params };
}

function kindHelp(kind: SignatureKind, mode: Mode): string {
  const specs = kind
    .settings(mode, 0)
    .map((spec) =>
      spec.name === 'timestamp' || spec.name === 'requestId'
        ? { ...spec, ...(mode === 'sign' ? { default: spec.name === 'timestamp' ? 'now' : 'a new UUID' } : {}) }
        : spec,
    );
  const lines = [settingsHelp(kind.provider, specs)];
  if (kind.usesParams) {
    lines.push(`  ${'--param <name=value>'.padEnd(30)}a request field (repeatable; added to --body)`);
    lines.push(settingsHelp(kind.provider, PARAM_SPECS));
  }
  if (mode === 'verify') {
    lines.push(
      `  ${'--signature <value>'.padEnd(30)}the signature to check${kind.signatureInParams ? ' (default: the "signature" field of the body)' : ' (required)'}`,
    );
  }
  return `Usage: payauth ${mode} ${kind.provider} ${kind.kind} [options]

${kind.summary}.
${kind.details}

Options:
${lines.join('\n')}
  ${'--json'.padEnd(30)}machine-readable output
  ${'--config <file>'.padEnd(30)}settings file (default ./payauth.config.json)

Examples:
${kind.examples
  .filter((example) => example.startsWith(`payauth ${mode}`))
  .map((example) => `  ${example}`)
  .join('\n')}`;
}

const MODE_TEXT: Record<Mode, { usage: string; what: string; exit: string }> = {
  sign: {
    usage: 'Usage: payauth sign <provider> <kind> [options]',
    what: "Prints the exact string to sign (invisible characters made visible: a line break as \\n, a\ntrailing space as ·) and its parts, the body hash or digest where one is used, the headers, and the\nsignature. The timestamp defaults to now in the provider's format (or --timestamp).",
    exit: 'Exit codes: 0 ok · 2 usage (unknown provider or kind, missing option, bad --param) · 3 bad input\n(unreadable file, unusable key, invalid JSON body).',
  },
  verify: {
    usage: 'Usage: payauth verify <provider> <kind> --signature <value> [options]',
    what: "Checks a signature against the inputs given. When it does not match, tries the usual variants\n(timestamp format +07:00 / Z / milliseconds, body whitespace raw / minified /\nJSON.stringify(JSON.parse(body)), PHP json_encode's \\/ and \\uXXXX escapes, hex key case (Finnet),\nbase64 padding (DOKU), …) and says which input most likely differs; when none matches, most likely\nthe key or secret differs.",
    exit: 'Exit codes: 0 the signature matches · 1 it does not · 2 usage · 3 bad input.',
  },
};

/** Help for `payauth sign|verify [provider [kind]]`. */
export function signatureHelp(mode: Mode, args: readonly string[]): string {
  const provider = PROVIDERS.find((p) => p === args[0]?.toLowerCase()) as ProviderName | undefined;
  const kinds = provider ? KINDS[provider] : undefined;
  const kind = kinds?.find((k) => k.kind === args[1]?.toLowerCase()) ?? (kinds?.length === 1 ? kinds[0] : undefined);
  if (kind) return kindHelp(kind, mode);
  const listed = (provider ? [provider] : PROVIDERS).flatMap((p) =>
    KINDS[p].map((k) => `  ${`${p} ${k.kind}`.padEnd(20)}${k.summary}`),
  );
  return `${MODE_TEXT[mode].usage}

${MODE_TEXT[mode].what}

Signatures:
${listed.join('\n')}

Run "payauth ${mode} <provider> <kind> --help" for a signature's options. Keys and secrets can also
come from the environment (PAYAUTH_<PROVIDER>_<NAME>, <NAME>_FILE) or the config file; per-call inputs
(body, path, timestamp, signature) only from flags.

${MODE_TEXT[mode].exit}`;
}
