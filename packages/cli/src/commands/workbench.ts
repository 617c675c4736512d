/**
 * `payauth workbench`: serves the signature workbench page (built into dist/workbench/ with the
 * package) on 127.0.0.1 until interrupted. The server knows no protocol and sees no input: the
 * page computes everything in the browser, keeps cases in the URL fragment (never sent), and
 * may load nothing but these files (Content-Security-Policy `default-src 'self'`). Requests are
 * not logged. It opens no browser.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { EXIT, inputError, usageError } from '../exit-codes.js';
import type { CommandContext } from './context.js';

export const workbenchOptions = { port: { type: 'string' } } as const;

export const workbenchHelp = `Usage: payauth workbench [options]

Serves the signature workbench on http://127.0.0.1 until you press Ctrl-C, and prints its URL
(it opens no browser). Paste a captured request and the key or secret: the page shows the exact
string to sign with each part labelled by where it came from, the computed signature next to the
received one, and on a mismatch the diagnosis of "payauth verify". It covers every signature of
"payauth verify" (SNAP token, service, notification, ifortepay notification and the SNAP presets; DOKU request, response,
notification; Fondy token and payment; Finnet). Everything runs in the page, on the library's
WebCrypto backend: keys and secrets never leave the tab, nothing is stored, and share links keep
the case in the URL fragment without keys, secrets or the access token.

Options:
  --port <n>   port to listen on (default: a free port)
  --json       print { url } as JSON
  -h, --help   show this help

Exit codes: 0 stopped by Ctrl-C (SIGINT) or SIGTERM · 2 bad --port · 3 the port is in use.`;

/** The page's files, as the build wrote them. */
const ASSETS: Readonly<Record<string, readonly [file: string, type: string]>> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/workbench.js': ['workbench.js', 'text/javascript; charset=utf-8'],
  '/workbench.css': ['workbench.css', 'text/css; charset=utf-8'],
  '/favicon.svg': ['favicon.svg', 'image/svg+xml'],
};

/** Headers of every answer: the page may load and connect to nothing but its own origin. */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
} as const;

function loadAssets(): Map<string, { body: Buffer; type: string }> {
  const dir = new URL('../workbench/', import.meta.url);
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const [path, [file, type]] of Object.entries(ASSETS)) {
    try {
      files.set(path, { body: readFileSync(fileURLToPath(new URL(file, dir))), type });
    } catch {
      throw inputError(
        `the workbench page is missing (${file} in ${fileURLToPath(dir)})`,
        'build @org/cli (npm run build) or reinstall it',
      );
    }
  }
  return files;
}

function portArg(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw usageError(`--port must be a port number from 1 to 65535 (got "${String(value)}")`);
  }
  return Number(value);
}

function serve(files: Map<string, { body: Buffer; type: string }>): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0] as string;
    const file = files.get(path);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end();
      return;
    }
    if (!file) {
      res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Content-Length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });
}

export async function workbench(ctx: CommandContext): Promise<number> {
  if (ctx.args.length > 0)
    throw usageError(`payauth workbench: unexpected argument "${ctx.args[0]}"`, 'see "payauth workbench --help"');
  const port = portArg(ctx.flags.port);
  const server = serve(loadAssets());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? inputError(
              `cannot listen on 127.0.0.1:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied'}`,
              'choose another --port, or leave it out to use a free port',
            )
          : error,
      );
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
  try {
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/`;
    if (ctx.flags.json) ctx.out.line(JSON.stringify({ url }));
    else {
      ctx.out.line(
        `${ctx.out.color.bold('payauth workbench')} on ${ctx.out.color.cyan(url)}${ctx.out.color.dim('  (Ctrl-C to stop)')}`,
      );
      ctx.out.line(
        ctx.out.color.dim(
          '  Open it in a browser. Keys and secrets you paste stay in the tab: the page sends nothing.',
        ),
      );
    }
    await ctx.interrupted;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  if (!ctx.flags.json) ctx.out.error('workbench stopped');
  return EXIT.ok;
}
