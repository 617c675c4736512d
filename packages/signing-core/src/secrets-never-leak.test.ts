// Feeds random secrets through every public function and error path of the core that can
// touch one, and checks that no output (message, JSON.stringify, util.inspect with hidden
// properties) ever contains the secret.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTokenManager,
  fromBase64,
  fromHex,
  hmac,
  importHmacKey,
  importRsaPrivateKey,
  importRsaPublicKey,
  minifyJson,
  parseIsoTimestamp,
  redactText,
  Secret,
} from './index.js';
import { createHttpClient, optionSchemas, validateOptions } from './provider-kit.js';

const secretArb = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789'),
  minLength: 16,
  maxLength: 40,
});

function outputsOf(value: unknown): string[] {
  const out = [inspect(value, { depth: 10, showHidden: true }), safeJson(value), String(value)];
  if (value instanceof Error) out.push(value.message, String(value.stack));
  return out;
}
function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
async function settle(work: () => unknown): Promise<unknown> {
  try {
    return await work();
  } catch (error) {
    return error;
  }
}
function assertClean(secret: string, values: unknown[]): void {
  for (const value of values) {
    for (const output of outputsOf(value)) expect(output).not.toContain(secret);
  }
}

let baseUrl: string;
let lastSecret = '';
const server = createServer((req, res) => {
  // Echo the secret back in every shape a provider might: JSON fields, HTML, truncated JSON.
  const mode = req.url ?? '';
  if (mode.includes('html')) {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<html>${lastSecret}</html>`);
  } else if (mode.includes('truncated')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"accessToken":"${lastSecret}","x":`);
  } else {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ responseCode: '4017300', token: lastSecret, client_secret: lastSecret }));
  }
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('secrets never leak from the core', () => {
  it('through keys, HMAC, Secret, parsers and option validation', async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, async (secret) => {
        const results = [
          await importHmacKey('SHA-256', secret),
          await settle(() => hmac('SHA-999' as never, secret, 'x')),
          new Secret(secret),
          { nested: new Secret(secret) },
          await settle(() => importRsaPrivateKey(`-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----`)),
          await settle(() => importRsaPrivateKey(secret)),
          await settle(() => importRsaPublicKey(`-----BEGIN PUBLIC KEY-----\n${secret}==\n-----END PUBLIC KEY-----`)),
          await settle(() => minifyJson(`{"password": "${secret}", }`)),
          await settle(() => minifyJson(`{"password": ${secret}}`)),
          await settle(() => fromHex(`${secret}zz`)),
          await settle(() => fromBase64(`${secret}$`)),
          await settle(() => parseIsoTimestamp(secret)),
          await settle(() =>
            validateOptions('@org/test', v.object({ clientSecret: optionSchemas.baseUrl(), n: v.number('a number') }), {
              clientSecret: secret,
              n: secret,
            }),
          ),
          redactText(JSON.stringify({ accessToken: secret })),
          redactText(`plain text with ${secret} inside`, { secrets: [secret] }),
        ];
        assertClean(secret, results);
      }),
      { numRuns: 40 },
    );
  });

  it('through tokens, the token manager and HTTP error paths', async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, async (secret) => {
        lastSecret = secret;
        const manager = createTokenManager({
          key: 'k',
          fetchToken: async () => ({ token: secret, expiresAt: Date.now() + 60_000 }),
        });
        const token = await manager.getToken();
        const client = createHttpClient({ provider: 'test', baseUrl, retry: 0, secrets: () => [secret] });
        const failing = createTokenManager({
          key: 'k2',
          fetchToken: async () => {
            await client.requestJson({ method: 'POST', path: '/token', body: JSON.stringify({ secret }) });
            return { token: 'never', expiresAt: 0 };
          },
        });
        const results = [
          token,
          { token },
          manager.peek(),
          await settle(() => failing.getToken()),
          await settle(() =>
            client.requestJson({ method: 'GET', path: '/html', headers: { authorization: `Bearer ${secret}` } }),
          ),
          await settle(() => client.requestJson({ method: 'GET', path: '/truncated' })),
          await settle(() =>
            client.requestJson({
              method: 'GET',
              path: '/401',
              sign: () => ({ authorization: `Bearer ${secret}`, 'x-signature': secret }),
            }),
          ),
        ];
        assertClean(secret, results);
        expect(token.token).toBe(secret);
      }),
      { numRuns: 15 },
    );
  });
});
