/**
 * All four provider sandboxes on 127.0.0.1, with demo credentials: the one place that knows
 * how `payauth sandbox` and the demo (`examples/demo`) start them. Published as
 * `@org/cli/sandboxes`.
 *
 * ```ts
 * import { startSandboxes } from '@org/cli/sandboxes';
 * const sandboxes = await startSandboxes();
 * console.log(sandboxes.snap.url, sandboxes.environment());
 * await sandboxes.close();
 * ```
 */
import { generateKeyPairSync } from 'node:crypto';
import { DOKU_PARTNER_FILE_PATH, DOKU_PARTNER_TOKEN_PATH } from '@org/doku-partner-auth';
import { createDokuSandbox, type DokuSandbox } from '@org/doku-partner-auth/testing';
import { createFinnetSandbox, type FinnetSandbox } from '@org/finnet-auth/testing';
import { createFondySandbox, type FondySandbox } from '@org/fondy-auth/testing';
import type { RunningSandbox } from '@org/signing-core/testing';
import { createSnapSandbox, type SnapSandbox } from '@org/snap-auth/testing';

export interface StartSandboxesOptions {
  /** Serve SNAP, Finnet, DOKU and Fondy on ports N, N+1, N+2 and N+3. Default: free ports picked by the system. */
  readonly portBase?: number | undefined;
}

export interface SnapSandboxInfo {
  readonly sandbox: SnapSandbox;
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly channelId: string;
  /** The client's RSA private key (PKCS#8 PEM), generated at start. Its public key is registered with the sandbox. */
  readonly privateKey: string;
  readonly publicKey: string;
  readonly tokenPath: string;
  readonly servicePath: string;
}

export interface FinnetSandboxInfo {
  readonly sandbox: FinnetSandbox;
  readonly url: string;
  readonly secretKey: string;
  readonly tokenPath: string;
  readonly widgetTopUpPath: string;
}

export interface DokuSandboxInfo {
  readonly sandbox: DokuSandbox;
  readonly url: string;
  readonly clientId: string;
  readonly secretKey: string;
  readonly tokenPath: string;
  readonly filePath: string;
}

export interface FondySandboxInfo {
  readonly sandbox: FondySandbox;
  readonly url: string;
  readonly applicationId: string;
  readonly secretKey: string;
  readonly tokenPath: string;
  readonly reportPath: string;
  /** A merchant and report the sample report endpoint serves. */
  readonly merchantId: number;
  readonly reportId: number;
}

export interface RunningSandboxes {
  readonly snap: SnapSandboxInfo;
  readonly finnet: FinnetSandboxInfo;
  readonly doku: DokuSandboxInfo;
  readonly fondy: FondySandboxInfo;
  /**
   * The `PAYAUTH_*` environment variables that point `payauth token <provider>` at these
   * sandboxes. SNAP's key is given as `PAYAUTH_SNAP_PRIVATE_KEY_FILE` when `privateKeyFile` is
   * passed (the file you wrote `snap.privateKey` to), else inline as `PAYAUTH_SNAP_PRIVATE_KEY`.
   */
  environment(options?: { privateKeyFile?: string }): Record<string, string>;
  /** Stops every server. */
  close(): Promise<void>;
}

/** The demo credentials (not secrets: they only open these local sandboxes). */
export const SANDBOX_CREDENTIALS = Object.freeze({
  snap: { clientId: 'payauth-demo-snap', clientSecret: 'payauth-demo-snap-secret', channelId: '95221' },
  finnet: { secretKey: 'payauth-demo-finnet-secret' },
  doku: { clientId: 'BRN-0001-10000000000001', secretKey: 'SK-payauth-demo-doku' },
  fondy: { applicationId: '1234', secretKey: 'payauth-demo-fondy-secret', merchantId: 1549901, reportId: 745 },
});

function checkPortBase(portBase: number | undefined): void {
  if (portBase === undefined) return;
  if (!Number.isInteger(portBase) || portBase < 1 || portBase > 65532) {
    throw new RangeError(`portBase must be a whole number from 1 to 65532 (got ${portBase})`);
  }
}

/** Starts the four sandboxes; if one cannot listen, the others are closed again before the error is thrown. */
export async function startSandboxes(options: StartSandboxesOptions = {}): Promise<RunningSandboxes> {
  checkPortBase(options.portBase);
  const port = (offset: number) => (options.portBase === undefined ? 0 : options.portBase + offset);
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const c = SANDBOX_CREDENTIALS;
  const snap = createSnapSandbox({
    clients: [{ clientId: c.snap.clientId, publicKey, clientSecret: c.snap.clientSecret }],
  });
  const finnet = createFinnetSandbox({ secretKey: c.finnet.secretKey });
  const doku = createDokuSandbox({ clients: [{ clientId: c.doku.clientId, secretKey: c.doku.secretKey }] });
  const fondy = createFondySandbox({
    applications: [{ applicationId: c.fondy.applicationId, secretKey: c.fondy.secretKey }],
  });

  const servers: RunningSandbox[] = [];
  const closeAll = async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  };
  try {
    for (const [offset, sandbox] of [snap, finnet, doku, fondy].entries()) {
      servers.push(await sandbox.listen({ port: port(offset) }));
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  const [snapServer, finnetServer, dokuServer, fondyServer] = servers as [
    RunningSandbox,
    RunningSandbox,
    RunningSandbox,
    RunningSandbox,
  ];

  const running: RunningSandboxes = {
    snap: {
      sandbox: snap,
      url: snapServer.url,
      ...c.snap,
      privateKey,
      publicKey,
      tokenPath: snap.tokenPath,
      servicePath: snap.servicePath,
    },
    finnet: {
      sandbox: finnet,
      url: finnetServer.url,
      ...c.finnet,
      tokenPath: finnet.paths.token,
      widgetTopUpPath: finnet.paths.widgetTopUp,
    },
    doku: {
      sandbox: doku,
      url: dokuServer.url,
      ...c.doku,
      tokenPath: DOKU_PARTNER_TOKEN_PATH,
      filePath: DOKU_PARTNER_FILE_PATH,
    },
    fondy: {
      sandbox: fondy,
      url: fondyServer.url,
      ...c.fondy,
      tokenPath: fondy.tokenPath,
      reportPath: fondy.reportPath,
    },
    environment(envOptions = {}) {
      return {
        PAYAUTH_SNAP_BASE_URL: snapServer.url,
        PAYAUTH_SNAP_TOKEN_PATH: snap.tokenPath,
        PAYAUTH_SNAP_CLIENT_ID: c.snap.clientId,
        PAYAUTH_SNAP_CLIENT_SECRET: c.snap.clientSecret,
        ...(envOptions.privateKeyFile === undefined
          ? { PAYAUTH_SNAP_PRIVATE_KEY: privateKey }
          : { PAYAUTH_SNAP_PRIVATE_KEY_FILE: envOptions.privateKeyFile }),
        PAYAUTH_FINNET_BASE_URL: finnetServer.url,
        PAYAUTH_FINNET_SECRET_KEY: c.finnet.secretKey,
        PAYAUTH_DOKU_BASE_URL: dokuServer.url,
        PAYAUTH_DOKU_CLIENT_ID: c.doku.clientId,
        PAYAUTH_DOKU_SECRET_KEY: c.doku.secretKey,
        PAYAUTH_FONDY_BASE_URL: fondyServer.url,
        PAYAUTH_FONDY_APPLICATION_ID: c.fondy.applicationId,
        PAYAUTH_FONDY_SECRET_KEY: c.fondy.secretKey,
      };
    },
    close: closeAll,
  };
  return running;
}
