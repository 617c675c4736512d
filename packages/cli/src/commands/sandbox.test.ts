// `payauth sandbox` as a subprocess: it prints URLs and credentials, a token can be fetched
// from what it printed, and SIGINT stops it with exit 0 and removes the key file.
import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/run-cli.js';

/** A base port N such that N..N+3 are free on 127.0.0.1 right now. */
async function freePortBase(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    let ok = true;
    for (let i = 0; i < 4 && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
  throw new Error('no four consecutive free ports found');
}

describe('payauth sandbox', () => {
  it('serves all four sandboxes until SIGINT, with credentials that work', async () => {
    let printed = '';
    let token: Awaited<ReturnType<typeof runCli>> | undefined;
    let keyFileMode: number | undefined;
    let keyFile: string | undefined;
    const result = await runCli(['sandbox'], {
      onStdout: (stdout, child) => {
        if (printed || !stdout.includes('export PAYAUTH_FONDY_SECRET_KEY=')) return;
        printed = stdout;
        const env = Object.fromEntries(
          [...stdout.matchAll(/^export (PAYAUTH_\w+)=(.*)$/gm)].map((m) => [
            m[1] as string,
            (m[2] as string).replace(/^'|'$/g, ''),
          ]),
        );
        keyFile = env.PAYAUTH_SNAP_PRIVATE_KEY_FILE;
        keyFileMode = keyFile ? statSync(keyFile).mode & 0o777 : undefined;
        void runCli(['token', 'snap', '--json'], { env }).then((answer) => {
          token = answer;
          child.kill('SIGINT');
        });
      },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('sandboxes stopped');
    for (const provider of ['snap', 'finnet', 'doku', 'fondy']) {
      expect(printed).toMatch(new RegExp(`^${provider} +http://127\\.0\\.0\\.1:\\d+$`, 'm'));
    }
    expect(printed).toContain('client secret   payauth-demo-snap-secret');
    expect(printed).toContain('application id  1234');
    expect(token?.code).toBe(0);
    expect(JSON.parse(token?.stdout ?? '{}')).toMatchObject({ ok: true, provider: 'snap', tokenType: 'Bearer' });
    expect(keyFileMode).toBe(0o600);
    expect(keyFile && existsSync(keyFile)).toBe(false);
  });

  it('prints one JSON object with --json, serves on --port-base N..N+3, and stops on SIGTERM', async () => {
    const base = await freePortBase();
    let info: Record<string, { url: string }> | undefined;
    const result = await runCli(['sandbox', '--json', '--port-base', String(base)], {
      onStdout: (stdout, child) => {
        if (info || !stdout.endsWith('\n')) return;
        info = JSON.parse(stdout);
        child.kill('SIGTERM');
      },
    });
    expect(result.code).toBe(0);
    expect(info?.snap?.url).toBe(`http://127.0.0.1:${base}`);
    expect(info?.finnet?.url).toBe(`http://127.0.0.1:${base + 1}`);
    expect(info?.doku?.url).toBe(`http://127.0.0.1:${base + 2}`);
    expect(info?.fondy?.url).toBe(`http://127.0.0.1:${base + 3}`);
  });

  it('refuses a bad --port-base (exit 2) and a port in use (exit 3)', async () => {
    const bad = await runCli(['sandbox', '--port-base', '70000']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port-base must be a port number from 1 to 65532');

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = await runCli(['sandbox', '--port-base', String(port - 2)]);
      expect(busy.code).toBe(3);
      expect(busy.stderr).toContain('a port is in use');
      expect(busy.stderr).toContain('choose another --port-base');
    } finally {
      blocker.close();
    }
  });
});
