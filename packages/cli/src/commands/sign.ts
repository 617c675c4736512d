/**
 * `payauth sign <provider> <kind>`: the exact string to sign (invisible characters made
 * visible) and its labelled parts, the body hash where one is used, the headers and the
 * signature, all computed by the provider packages.
 */
import { EXIT } from '../exit-codes.js';
import type { Output } from '../io.js';
import type { Explanation, SignatureKind } from '../signatures/kind.js';
import { kindArgs } from '../signatures/registry.js';
import { visible } from '../visible.js';
import type { CommandContext } from './context.js';
import { optionsFor, resolveKindInputs, signatureHelp } from './signature-inputs.js';

export const signOptions = optionsFor('sign');
export const signHelp = (args: readonly string[]) => signatureHelp('sign', args);

/** Prints a multi-line value indented under its heading, then a blank line. */
function block(out: Output, heading: string, text: string, note?: string): void {
  out.line(out.color.bold(heading));
  for (const line of text.split('\n')) out.line(`  ${line}`);
  if (note) out.line(out.color.dim(`  (${note})`));
  out.line();
}

/** True when the string to sign is its parts' `label:value` lines already (DOKU): no need to list them again. */
function namesItsParts(explanation: Explanation): boolean {
  return explanation.stringToSign === explanation.parts.map((part) => `${part.label}:${part.value}`).join('\n');
}

export function printStringToSign(out: Output, explanation: Explanation): void {
  block(out, 'string to sign', visible(explanation.stringToSign), explanation.note);
}

function explanationJson(kind: SignatureKind, explanation: Explanation): Record<string, unknown> {
  return {
    provider: kind.provider,
    kind: kind.kind,
    stringToSign: explanation.stringToSign,
    parts: explanation.parts.map(({ label, value }) => ({ label, value })),
    ...(explanation.note ? { note: explanation.note } : {}),
    computed: Object.fromEntries(explanation.computed),
    headers: Object.fromEntries(explanation.headers),
    ...(explanation.body === undefined ? {} : { body: explanation.body }),
    signature: explanation.signature,
  };
}

export async function sign(ctx: CommandContext): Promise<number> {
  const kind = kindArgs(ctx.args, 'sign');
  const inputs = resolveKindInputs(ctx, kind, 'sign', Date.now());
  const explanation = await kind.explain(inputs);
  if (ctx.flags.json) {
    ctx.out.line(JSON.stringify({ ok: true, ...explanationJson(kind, explanation) }));
    return EXIT.ok;
  }
  const { out } = ctx;
  out.line(`${out.color.cyan(`${kind.provider} ${kind.kind}`)}: ${kind.summary}`);
  out.line();
  printStringToSign(out, explanation);
  if (!namesItsParts(explanation)) {
    block(out, 'parts', explanation.parts.map((part) => `${part.label}: ${visible(part.value)}`).join('\n'));
  }
  for (const [label, value] of explanation.computed) block(out, label, value);
  block(out, 'headers', explanation.headers.map(([name, value]) => `${name}: ${value}`).join('\n'));
  if (explanation.body !== undefined) block(out, 'body', explanation.body);
  out.line(out.color.bold('signature'));
  out.line(`  ${out.color.green(explanation.signature)}`);
  return EXIT.ok;
}
