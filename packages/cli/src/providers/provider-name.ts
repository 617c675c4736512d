import { usageError } from '../exit-codes.js';

/** The providers the CLI knows, by the name used on the command line, in env names and config sections. */
export const PROVIDERS = ['snap', 'finnet', 'doku', 'fondy'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** The provider named by a positional argument, or a usage error that lists the known ones. */
export function providerArg(value: string | undefined, command: string): ProviderName {
  if (value === undefined) {
    throw usageError(
      `payauth ${command}: which provider? (${PROVIDERS.join(', ')})`,
      `see "payauth ${command} --help"`,
    );
  }
  const name = value.toLowerCase();
  if ((PROVIDERS as readonly string[]).includes(name)) return name as ProviderName;
  throw usageError(
    `payauth ${command}: unknown provider "${value}"`,
    `providers: ${PROVIDERS.join(', ')}; see "payauth ${command} --help"`,
  );
}
