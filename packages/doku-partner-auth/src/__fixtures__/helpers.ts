/** Test helpers: a sandbox on 127.0.0.1 and a controllable clock. */
import { createDokuSandbox, type DokuSandbox, type DokuSandboxOptions } from '../testing/index.js';

export const CLIENT = { clientId: 'BRN-0001-10791114622547', secretKey: 'SK-sandbox-secret-0001' } as const;
export const TOKEN_PATH = '/adv-core-api/partner/v1.0/token';
export const FILE_PATH = '/adv-core-api/partner/v1.0/file';
export const REQUIREMENTS_QUERY =
  'businessType=PERSONAL&businessLegalEntity=PERSEORANGAN&brandBusinessLine=RETAIL&businessContactNationality=ID';
/** Fast retries for tests. */
export const FAST_RETRY = { limit: 2, backoffLimitMs: 5 } as const;

export interface ManualClock {
  (): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function manualClock(start = Date.now()): ManualClock {
  let now = start;
  const clock = (() => now) as ManualClock;
  clock.set = (ms) => {
    now = ms;
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

/** Runs `fn` against a fresh sandbox served on 127.0.0.1, then closes it. */
export async function withSandbox<T>(
  options: Partial<DokuSandboxOptions>,
  fn: (sandbox: DokuSandbox, url: string) => Promise<T>,
): Promise<T> {
  const sandbox = createDokuSandbox({ clients: [CLIENT], ...options });
  const server = await sandbox.listen();
  try {
    return await fn(sandbox, server.url);
  } finally {
    await server.close();
  }
}

/** A multipart upload body for the Upload File API. */
export function logoUpload(): FormData {
  const form = new FormData();
  form.set('category', 'LOGO');
  form.set('file', new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])], 'logo.png', { type: 'image/png' }));
  return form;
}

/** Resolves when `check()` is true (polling), or rejects after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
