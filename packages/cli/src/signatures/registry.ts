/** Every signature kind, by provider, and the lookup that turns a bad name into a helpful error. */
import { usageError } from '../exit-codes.js';
import { type ProviderName, providerArg } from '../providers/provider-name.js';
import { dokuNotification, dokuRequest, dokuResponse } from './doku.js';
import { finnetRequest } from './finnet.js';
import { fondyPayment, fondyToken } from './fondy.js';
import type { SignatureKind } from './kind.js';
import { snapIfortepayNotify, snapNotification, snapService, snapToken } from './snap.js';

export const KINDS: Readonly<Record<ProviderName, readonly SignatureKind[]>> = {
  snap: [snapToken, snapService, snapNotification, snapIfortepayNotify],
  finnet: [finnetRequest],
  doku: [dokuRequest, dokuResponse, dokuNotification],
  fondy: [fondyToken, fondyPayment],
};

/** `<provider> <kind>` from the positionals; Finnet has one kind, so it may be left out. */
export function kindArgs(args: readonly string[], command: 'sign' | 'verify'): SignatureKind {
  const provider = providerArg(args[0], command);
  const kinds = KINDS[provider];
  const name = args[1];
  if (name === undefined) {
    if (kinds.length === 1) return kinds[0] as SignatureKind;
    throw usageError(
      `payauth ${command} ${provider}: which signature? (${kinds.map((k) => k.kind).join(', ')})`,
      `see "payauth ${command} ${provider} --help"`,
    );
  }
  const kind = kinds.find((k) => k.kind === name.toLowerCase());
  if (!kind) {
    throw usageError(
      `payauth ${command} ${provider}: unknown signature kind "${name}"`,
      `${provider} kinds: ${kinds.map((k) => k.kind).join(', ')}; see "payauth ${command} ${provider} --help"`,
    );
  }
  if (args.length > 2)
    throw usageError(`payauth ${command}: unexpected argument "${args[2]}"`, `see "payauth ${command} --help"`);
  return kind;
}
