/**
 * `payauth verify <provider> <kind> --signature …`: exit 0 when the signature matches, 1 when it
 * does not; on a mismatch, tries the usual variants of the inputs and says which input most
 * likely differs.
 */
import { EXIT, usageError } from '../exit-codes.js';
import { diagnose } from '../signatures/diagnose.js';
import type { SignatureKind } from '../signatures/kind.js';
import { kindArgs } from '../signatures/registry.js';
import { shortValue } from '../signatures/variants.js';
import type { CommandContext } from './context.js';
import { printStringToSign } from './sign.js';
import { optionsFor, resolveKindInputs, signatureHelp } from './signature-inputs.js';

export const verifyOptions = optionsFor('verify');
export const verifyHelp = (args: readonly string[]) => signatureHelp('verify', args);

function signatureOf(ctx: CommandContext, kind: SignatureKind, params: Readonly<Record<string, unknown>>): string {
  const flag = ctx.flags.signature;
  if (typeof flag === 'string' && flag.trim() !== '') return flag;
  if (kind.signatureInParams && typeof params.signature === 'string' && params.signature !== '')
    return params.signature;
  throw usageError(
    `payauth verify ${kind.provider} ${kind.kind}: which signature? Give --signature <value>${kind.signatureInParams ? ' (or a "signature" field in the body)' : ''}`,
    `see "payauth verify ${kind.provider} ${kind.kind} --help"`,
  );
}

export async function verify(ctx: CommandContext): Promise<number> {
  const kind = kindArgs(ctx.args, 'verify');
  const inputs = resolveKindInputs(ctx, kind, 'verify', Date.now());
  const signature = signatureOf(ctx, kind, inputs.params);
  const result = await diagnose(kind, inputs, signature);
  const { out } = ctx;
  const label = `${kind.provider} ${kind.kind}`;
  if (result.match) {
    if (ctx.flags.json) {
      out.line(
        JSON.stringify({
          ok: true,
          match: true,
          provider: kind.provider,
          kind: kind.kind,
          ...(result.note ? { note: result.note } : {}),
        }),
      );
    } else {
      out.line(`${out.color.green('✓')} the ${label} signature matches`);
      if (result.note) out.line(`  ${out.color.yellow('note')} ${result.note}`);
    }
    return EXIT.ok;
  }

  const { tried, combinations, likely: matched, conclusion, explained } = result;
  const stringToSign = explained?.stringToSign;

  if (ctx.flags.json) {
    out.line(
      JSON.stringify({
        ok: false,
        match: false,
        provider: kind.provider,
        kind: kind.kind,
        ...(result.note ? { note: result.note } : {}),
        likely: matched
          ? {
              input: matched.input,
              description: matched.description,
              ...(matched.value === undefined ? {} : { value: matched.value }),
            }
          : null,
        conclusion,
        ...(stringToSign === undefined ? {} : { stringToSign }),
        tried: tried.map(({ variant, match }) => ({
          input: variant.input,
          description: variant.description,
          ...(variant.value === undefined ? {} : { value: variant.value }),
          match,
        })),
        combinationsTried: combinations,
      }),
    );
    return EXIT.mismatch;
  }
  out.line(`${out.color.red('✗')} the ${label} signature does not match`);
  if (result.note) out.line(`  ${out.color.yellow('note')} ${result.note}`);
  out.line();
  if (explained) printStringToSign(out, explained);
  out.line(out.color.bold(`tried ${tried.length} variant${tried.length === 1 ? '' : 's'} of the inputs`));
  for (const { variant, match } of tried) {
    const mark = match ? out.color.green('✓') : out.color.dim('✗');
    out.line(
      `  ${mark} ${variant.input}: ${variant.description}${variant.value === undefined ? '' : ` ${out.color.dim(shortValue(variant.value))}`}`,
    );
  }
  if (combinations > 0)
    out.line(out.color.dim(`  (and ${combinations} pair${combinations === 1 ? '' : 's'} of them together)`));
  out.line();
  out.line(`${matched ? out.color.yellow('→') : out.color.red('→')} ${conclusion}`);
  return EXIT.mismatch;
}
