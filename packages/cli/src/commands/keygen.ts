/**
 * `payauth keygen`: an RSA key pair for SNAP registration. The private key is PKCS#8 PEM,
 * written with mode 0600; the public key SPKI PEM. Existing files are never overwritten
 * without --force.
 */
import { generateKeyPair } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { EXIT, inputError, usageError } from '../exit-codes.js';
import type { CommandContext } from './context.js';

export const keygenHelp = `Usage: payauth keygen [options]

Generates an RSA key pair for SNAP registration: send the public key to the provider, keep the
private key secret (it is written with mode 0600).

Options:
  --bits <n>         key size: 2048 (default), 3072 or 4096
  --out <dir>        directory to write to (default: current directory)
  --name <prefix>    file name prefix (default: snap) → <prefix>-private.pem, <prefix>-public.pem
  --force            overwrite existing files
  --json             print the file paths as JSON
  -h, --help         show this help`;

export const keygenOptions = {
  bits: { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string' },
  force: { type: 'boolean' },
} as const;

export async function keygen(ctx: CommandContext): Promise<number> {
  if (ctx.args.length > 0)
    throw usageError(`payauth keygen: unexpected argument "${ctx.args[0]}"`, 'see "payauth keygen --help"');
  const bits = Number(ctx.flags.bits ?? '2048');
  if (![2048, 3072, 4096].includes(bits))
    throw usageError(`--bits must be 2048, 3072 or 4096 (got ${String(ctx.flags.bits)})`);
  const dir = resolve(ctx.io.cwd, typeof ctx.flags.out === 'string' ? ctx.flags.out : '.');
  const name = typeof ctx.flags.name === 'string' ? ctx.flags.name : 'snap';
  if (!/^[\w.-]+$/.test(name)) throw usageError('--name may contain only letters, digits, ".", "_" and "-"');
  const privatePath = resolve(dir, `${name}-private.pem`);
  const publicPath = resolve(dir, `${name}-public.pem`);
  if (!ctx.flags.force) {
    for (const path of [privatePath, publicPath]) {
      if (existsSync(path)) throw inputError(`${path} already exists`, 'use --force to overwrite it');
    }
  }
  const spinner = ctx.out.spinner(`generating a ${bits}-bit RSA key pair`);
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  }).finally(() => spinner.stop());
  try {
    mkdirSync(dir, { recursive: true });
    // Create the private key file with 0600 from the start (no window where it is readable).
    writeFileSync(privatePath, privateKey, { mode: 0o600, flag: ctx.flags.force ? 'w' : 'wx' });
    chmodSync(privatePath, 0o600);
    writeFileSync(publicPath, publicKey, { mode: 0o644, flag: ctx.flags.force ? 'w' : 'wx' });
  } catch (error) {
    throw inputError(`cannot write the key files: ${(error as Error).message}`);
  }
  if (ctx.flags.json) {
    ctx.out.line(JSON.stringify({ privateKey: privatePath, publicKey: publicPath, bits }));
  } else {
    ctx.out.line(`${ctx.out.color.green('✓')} ${bits}-bit RSA key pair written`);
    ctx.out.line(`  private key (PKCS#8, mode 0600): ${privatePath}`);
    ctx.out.line(`  public key  (SPKI):              ${publicPath}`);
    ctx.out.line(ctx.out.color.dim('  Register the public key with your SNAP provider; never share the private key.'));
  }
  return EXIT.ok;
}
