/**
 * `payauth token <provider>`: a real token from the provider, through the provider package's
 * own client, with settings from flags, the environment or the config file. The token is
 * shown redacted unless --show-token.
 */
import { EXIT, usageError } from '../exit-codes.js';
import { PROVIDERS, providerArg } from '../providers/provider-name.js';
import { TOKEN_PROVIDERS } from '../providers/token-clients.js';
import { humanDuration, redactToken } from '../redact.js';
import { assertKnownFlags, kebab, resolveSettings, settingsHelp } from '../settings.js';
import { inline } from '../terminal-text.js';
import type { CommandContext } from './context.js';

const COMMAND_FLAGS = ['show-token', 'timeout-ms', 'retries'];

export const tokenOptions = (() => {
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    'show-token': { type: 'boolean' },
    'timeout-ms': { type: 'string' },
    retries: { type: 'string' },
  };
  for (const provider of PROVIDERS) {
    for (const spec of TOKEN_PROVIDERS[provider].settings) {
      options[kebab(spec.name)] = { type: 'string' };
      if (spec.fromFile) options[`${kebab(spec.name)}-file`] = { type: 'string' };
    }
  }
  return options;
})();

const COMMON_HELP = `Options:
  --show-token                  print the whole token (default: its first 4 characters)
  --timeout-ms <ms>             per-attempt timeout (default: the package's, 15000)
  --retries <n>                 retries after network errors, timeouts, 5xx and 429 (default 2)
  --json                        print { ok, provider, tokenType, token, expiresAt, expiresInMs, tookMs }
  --config <file>               settings file (default ./payauth.config.json)
  -h, --help                    show this help`;

export function tokenHelp(args: readonly string[]): string {
  const provider =
    args[0] && (PROVIDERS as readonly string[]).includes(args[0]) ? (args[0] as (typeof PROVIDERS)[number]) : undefined;
  const sections = (provider ? [provider] : PROVIDERS).map(
    (name) => `Settings for ${name}:\n${settingsHelp(name, TOKEN_PROVIDERS[name].settings)}`,
  );
  return `Usage: payauth token <${provider ?? PROVIDERS.join('|')}> [options]

Gets a real access token from the provider (through @org/${provider === 'doku' ? 'doku-partner-auth' : `${provider ?? '<provider>'}-auth`})
and prints it redacted, with its expiry and the time taken. Each setting is read from a flag,
else the environment (PAYAUTH_<PROVIDER>_<NAME>, or <NAME>_FILE for a file), else the
provider's section of the config file. A spinner shows on a terminal while waiting.

${COMMON_HELP}

${sections.join('\n\n')}

Exit codes: 0 token received · 2 usage (missing setting, unknown provider) · 3 bad input
(unreadable key file, unusable key, bad option) · 4 the provider or the network failed
(the error's code and message are printed) · 130 interrupted.

Examples:
  payauth token snap --base-url https://api-stage.senmo.id --token-path /api/v1.0/access-token/b2b \\
    --client-id my-client --private-key-file ./snap-private.pem
  PAYAUTH_FONDY_APPLICATION_ID=1234 PAYAUTH_FONDY_SECRET_KEY_FILE=./fondy.key payauth token fondy --json`;
}

function optionalCount(value: unknown, name: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) > max) {
    throw usageError(`--${name} must be a whole number from 0 to ${max} (got "${String(value)}")`);
  }
  return Number(value);
}

export async function token(ctx: CommandContext): Promise<number> {
  const provider = providerArg(ctx.args[0], 'token');
  if (ctx.args.length > 1)
    throw usageError(`payauth token: unexpected argument "${ctx.args[1]}"`, 'see "payauth token --help"');
  const spec = TOKEN_PROVIDERS[provider];
  assertKnownFlags(ctx.flags, spec.settings, `payauth token ${provider}`, COMMAND_FLAGS);
  const sources = {
    flags: ctx.flags,
    env: ctx.io.env,
    cwd: ctx.io.cwd,
    configPath: typeof ctx.flags.config === 'string' ? ctx.flags.config : undefined,
  };
  const origins: Record<string, string> = {};
  const settings = spec.refine
    ? spec.refine.settings(resolveSettings(provider, spec.refine.from, sources))
    : spec.settings;
  const values = resolveSettings(provider, settings, sources, origins);
  const transport = {
    timeoutMs: optionalCount(ctx.flags['timeout-ms'], 'timeout-ms', 600_000),
    retry: optionalCount(ctx.flags.retries, 'retries', 10),
  };
  const client = spec.create(values, origins, transport);

  const controller = new AbortController();
  let wasInterrupted = false;
  void ctx.interrupted.then(() => {
    wasInterrupted = true;
    controller.abort();
  });
  const spinner = ctx.out.spinner(`getting a ${provider} token from ${client.endpoint}`);
  const started = performance.now();
  let result: Awaited<ReturnType<typeof client.getToken>>;
  try {
    result = (await Promise.race([
      client.getToken(controller.signal),
      ctx.interrupted.then(() => undefined),
    ])) as typeof result;
  } catch (error) {
    if (wasInterrupted) return interruptedExit(ctx);
    throw error;
  } finally {
    spinner.stop();
  }
  if (wasInterrupted || result === undefined) return interruptedExit(ctx);
  const tookMs = Math.round(performance.now() - started);
  const text = result.token;
  const shown = ctx.flags['show-token'] ? text : redactToken(text);
  const expiresInMs = result.expiresAt.getTime() - Date.now();
  if (ctx.flags.json) {
    ctx.out.line(
      JSON.stringify({
        ok: true,
        provider,
        tokenType: result.tokenType,
        token: shown,
        redacted: !ctx.flags['show-token'],
        expiresAt: result.expiresAt.toISOString(),
        expiresInMs,
        tookMs,
      }),
    );
    return EXIT.ok;
  }
  const { color } = ctx.out;
  ctx.out.line(`${color.green('✓')} ${provider} token from ${client.endpoint}`);
  ctx.out.line(
    `  ${'token'.padEnd(9)}${shown}${ctx.flags['show-token'] ? '' : color.dim('  (redacted; --show-token to reveal)')}`,
  );
  ctx.out.line(`  ${'type'.padEnd(9)}${inline(result.tokenType)}`);
  ctx.out.line(`  ${'expires'.padEnd(9)}${result.expiresAt.toISOString()} (in ${humanDuration(expiresInMs)})`);
  ctx.out.line(`  ${'took'.padEnd(9)}${tookMs} ms`);
  return EXIT.ok;
}

function interruptedExit(ctx: CommandContext): number {
  ctx.out.error('interrupted');
  return EXIT.interrupted;
}
