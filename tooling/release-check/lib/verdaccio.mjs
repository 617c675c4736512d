// A throwaway Verdaccio on 127.0.0.1: storage in a temporary directory, the @org/* packages
// served only from what was published to it, everything else proxied to the npm registry this
// machine uses. Runs on the Node that runs the check (the toolchain Node 24).
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort, start, waitFor } from './proc.mjs';

const require = createRequire(import.meta.url);

export async function startVerdaccio(dir, uplink) {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const config = {
    storage: join(dir, 'storage'),
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 10 } },
    uplinks: { npmjs: { url: uplink, timeout: '60s', max_fails: 5, maxage: '30m' } },
    packages: {
      '@org/*': { access: '$all', publish: '$authenticated' },
      '**': { access: '$all', publish: '$authenticated', proxy: 'npmjs' },
    },
    web: { enable: false },
    log: { type: 'stdout', format: 'pretty', level: 'warn' },
    max_body_size: '100mb',
  };
  // JSON is YAML: Verdaccio reads it as its config file.
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const bin = join(dirname(require.resolve('verdaccio/package.json')), 'bin', 'verdaccio');
  const logPath = join(dir, 'verdaccio.log');
  const logFd = openSync(logPath, 'a');
  const server = start(process.execPath, [bin, '--config', configPath, '--listen', `127.0.0.1:${port}`], {
    logFd,
  });
  closeSync(logFd);
  await waitFor(async () => (await fetch(`${url}-/ping`)).ok, 60_000, `Verdaccio on ${url}`);

  // A user and its token, without a prompt: the registry's adduser endpoint.
  const name = 'release-check';
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: randomBytes(16).toString('hex'), email: 'release-check@127.0.0.1' }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = await response.json();
  if (!response.ok || typeof body.token !== 'string') {
    server.stop();
    throw new Error(`Verdaccio refused the user: HTTP ${response.status}`);
  }
  const npmrc = `registry=${url}\n//127.0.0.1:${port}/:_authToken=${body.token}\n`;
  return { url, npmrc, logPath, stop: server.stop };
}

/** The versions of `name` the registry has (empty when it has none). */
export async function publishedVersions(url, name) {
  const response = await fetch(`${url}${name.replace('/', '%2f')}`, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) return [];
  return Object.keys((await response.json()).versions ?? {});
}
