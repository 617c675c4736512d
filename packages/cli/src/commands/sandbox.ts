/**
 * `payauth sandbox`: serves the SNAP, Finnet, DOKU and Fondy sandboxes on 127.0.0.1 with demo
 * credentials until interrupted (Ctrl-C), then closes them and exits 0. The SNAP client's RSA
 * private key is generated at start and written to a temporary file (mode 0600), removed on exit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, inputError, usageError } from '../exit-codes.js';
import { type RunningSandboxes, startSandboxes } from '../sandboxes.js';
import type { CommandContext } from './context.js';

export const sandboxOptions = { 'port-base': { type: 'string' } } as const;

export const sandboxHelp = `Usage: payauth sandbox [options]

Serves the four provider sandboxes on 127.0.0.1 until you press Ctrl-C: SNAP (token endpoint,
sample service /v1.0/balance-inquiry), Finnet (getToken, Widget Top Up), DOKU (Generate Token,
Upload File) and Fondy (application token, Company Reports). Prints each URL and the credentials
to use, and the PAYAUTH_* variables that point "payauth token <provider>" at them. The SNAP
client's RSA key pair is generated at start; its private key is written to a temporary file
(mode 0600) that is removed when the sandboxes stop.

Options:
  --port-base <n>   serve on ports n, n+1, n+2, n+3 (SNAP, Finnet, DOKU, Fondy); default: free ports
  --json            print one JSON object with the URLs, paths and credentials
  -h, --help        show this help

Exit codes: 0 stopped by Ctrl-C (SIGINT) or SIGTERM · 2 bad --port-base · 3 a port is in use.

Example:
  payauth sandbox --port-base 4100
  # in another terminal, with the variables it printed:
  PAYAUTH_SNAP_BASE_URL=http://127.0.0.1:4100 … payauth token snap`;

function portBase(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65532) {
    throw usageError(`--port-base must be a port number from 1 to 65532 (got "${String(value)}")`);
  }
  return Number(value);
}

export async function sandbox(ctx: CommandContext): Promise<number> {
  if (ctx.args.length > 0)
    throw usageError(`payauth sandbox: unexpected argument "${ctx.args[0]}"`, 'see "payauth sandbox --help"');
  const base = portBase(ctx.flags['port-base']);
  let running: RunningSandboxes;
  try {
    running = await startSandboxes({ portBase: base });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw inputError(
        `cannot listen on 127.0.0.1 ports ${base}-${(base ?? 0) + 3}: ${code === 'EADDRINUSE' ? 'a port is in use' : 'permission denied'}`,
        'choose another --port-base, or leave it out to use free ports',
      );
    }
    throw error;
  }
  const dir = mkdtempSync(join(tmpdir(), 'payauth-sandbox-'));
  const keyFile = join(dir, 'snap-private.pem');
  try {
    writeFileSync(keyFile, running.snap.privateKey, { mode: 0o600 });
    print(ctx, running, keyFile);
    await ctx.interrupted;
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (!ctx.flags.json) ctx.out.error('sandboxes stopped');
  return EXIT.ok;
}

function print(ctx: CommandContext, running: RunningSandboxes, keyFile: string): void {
  const { snap, finnet, doku, fondy } = running;
  const environment = running.environment({ privateKeyFile: keyFile });
  if (ctx.flags.json) {
    ctx.out.line(
      JSON.stringify({
        snap: {
          url: snap.url,
          tokenPath: snap.tokenPath,
          servicePath: snap.servicePath,
          clientId: snap.clientId,
          clientSecret: snap.clientSecret,
          channelId: snap.channelId,
          privateKeyFile: keyFile,
        },
        finnet: {
          url: finnet.url,
          tokenPath: finnet.tokenPath,
          widgetTopUpPath: finnet.widgetTopUpPath,
          secretKey: finnet.secretKey,
        },
        doku: {
          url: doku.url,
          tokenPath: doku.tokenPath,
          filePath: doku.filePath,
          clientId: doku.clientId,
          secretKey: doku.secretKey,
        },
        fondy: {
          url: fondy.url,
          tokenPath: fondy.tokenPath,
          reportPath: fondy.reportPath,
          applicationId: fondy.applicationId,
          secretKey: fondy.secretKey,
        },
        environment,
      }),
    );
    return;
  }
  const { out } = ctx;
  const { bold, cyan, dim } = out.color;
  const row = (label: string, value: string) => out.line(`  ${label.padEnd(16)}${value}`);
  out.line(bold('payauth sandboxes on 127.0.0.1') + dim('  (Ctrl-C to stop)'));
  out.line();
  out.line(`${cyan('snap  ')}  ${snap.url}`);
  row('token path', snap.tokenPath);
  row('service path', `${snap.servicePath} (needs CHANNEL-ID)`);
  row('client id', snap.clientId);
  row('client secret', snap.clientSecret);
  row('channel id', snap.channelId);
  row('private key', `${keyFile} (mode 0600, removed on exit)`);
  out.line(`${cyan('finnet')}  ${finnet.url}`);
  row('token path', finnet.tokenPath);
  row('top-up path', finnet.widgetTopUpPath);
  row('secret key', finnet.secretKey);
  out.line(`${cyan('doku  ')}  ${doku.url}`);
  row('token path', doku.tokenPath);
  row('file path', doku.filePath);
  row('client id', doku.clientId);
  row('secret key', doku.secretKey);
  out.line(`${cyan('fondy ')}  ${fondy.url}`);
  row('token path', fondy.tokenPath);
  row('report path', fondy.reportPath);
  row('application id', fondy.applicationId);
  row('secret key', fondy.secretKey);
  out.line();
  out.line(bold('environment for "payauth token <provider>"') + dim(' (paste into another shell)'));
  for (const [name, value] of Object.entries(environment)) out.line(`export ${name}=${shellQuote(value)}`);
}

function shellQuote(value: string): string {
  return /^[\w./:@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
