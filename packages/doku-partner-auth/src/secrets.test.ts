import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { Secret } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { FILE_PATH, logoUpload, REQUIREMENTS_QUERY, TOKEN_PATH, withSandbox } from './__fixtures__/helpers.js';
import {
  createDokuPartnerAuth,
  type DokuPartnerAuthOptions,
  dokuSignature,
  dokuStringToSign,
  verifyDokuNotification,
  verifyDokuResponse,
  verifyDokuSignature,
} from './index.js';

/** Everything a value could leak through. */
function dumps(value: unknown): string {
  const parts = [inspect(value, { depth: 10, showHidden: true })];
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {
    // not serialisable: inspect is enough
  }
  if (value instanceof Error)
    parts.push(value.message, String(value.stack), inspect(value.cause, { depth: 10, showHidden: true }));
  else parts.push(String(value));
  return parts.join('\n');
}

async function outcome(work: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    return await work();
  } catch (error) {
    return error;
  }
}

function expectClean(values: unknown[], secrets: string[]) {
  for (const value of values) {
    const text = dumps(value);
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

describe('no secret leaves through results, errors, JSON or inspect', () => {
  for (let round = 0; round < 3; round++) {
    it(`round ${round + 1}: random secret key and tokens`, async () => {
      const secretKey = `SK-${randomBytes(18).toString('base64url')}`;
      const client = { clientId: `BRN-${randomBytes(4).toString('hex')}`, secretKey };
      await withSandbox({ clients: [client] }, async (box, url) => {
        const base: DokuPartnerAuthOptions = { ...client, baseUrl: url, retry: { limit: 1, backoffLimitMs: 5 } };
        const auth = createDokuPartnerAuth(base);
        const token = await auth.getToken();
        const secrets = [secretKey, token.token];
        const signed = await auth.signRequest({
          method: 'POST',
          target: FILE_PATH,
          body: logoUpload(),
          withToken: true,
        });
        expect(signed.headers.Authorization).toContain(token.token); // handed out on purpose…
        const signature = signed.headers.Signature ?? '';
        const opaque = `tok-${randomBytes(16).toString('hex')}`;
        const fullSecrets = [...secrets, opaque, signature.slice('HMACSHA256='.length)];

        const results: unknown[] = [
          auth,
          token,
          signed, // …but the object never prints them
          await auth.ky.post('adv-core-api/partner/v1.0/file', { body: logoUpload() }).json(),
        ];

        const errors: unknown[] = [];
        // Option errors with the secret in place.
        errors.push(
          await outcome(() =>
            createDokuPartnerAuth({ ...base, baseUrl: 'nope', clientId: secretKey as never, validTimeMinutes: -1 }),
          ),
        );
        errors.push(await outcome(() => createDokuPartnerAuth({ ...base, secretKey: [secretKey] as never })));
        // Signing-function errors with the secret as a component or a wrong-typed key.
        errors.push(
          await outcome(() =>
            dokuSignature({ clientId: `${secretKey}\n`, requestId: 'r', timestamp: 't', target: '/x', secretKey }),
          ),
        );
        errors.push(
          await outcome(() =>
            dokuSignature({
              clientId: 'c',
              requestId: 'r',
              timestamp: 't',
              target: '/x',
              secretKey: { secretKey } as never,
            }),
          ),
        );
        errors.push(
          await outcome(() =>
            verifyDokuSignature({
              clientId: 'c',
              requestId: 'r',
              timestamp: 't',
              target: secretKey,
              secretKey,
              signature,
            }),
          ),
        );
        results.push(
          await dokuStringToSign({ clientId: 'c', requestId: 'r', timestamp: 't', target: '/x', body: '{}' }),
        );
        // Provider errors: wrong secret (401), a body echoing the secret and the token, rejected token.
        errors.push(
          await outcome(() => createDokuPartnerAuth({ ...base, secretKey: new Secret(`${secretKey}x`) }).getToken()),
        );
        box.faults.inject(
          {
            type: 'status',
            status: 400,
            body: JSON.stringify({
              error: { code: 'ECHO', message: `key ${secretKey} token ${token.token}` },
              token: token.token,
            }),
          },
          { path: FILE_PATH },
        );
        errors.push(await outcome(() => auth.ky.get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`)));
        box.faults.inject(
          { type: 'status', status: 401, body: `{"message":"token ${token.token} rejected"}` },
          { path: FILE_PATH, times: 2 },
        );
        errors.push(await outcome(() => auth.ky.post('adv-core-api/partner/v1.0/file', { body: logoUpload() })));
        // Response-format errors holding a token: no expiry, and a truncated body.
        await withSandbox(
          { clients: [client], tokenResponse: () => ({ access_token: opaque, secretEcho: secretKey }) },
          async (_b, other) => {
            errors.push(await outcome(() => createDokuPartnerAuth({ ...base, baseUrl: other }).getToken()));
          },
        );
        box.faults.inject({ type: 'truncated-json' }, { path: TOKEN_PATH });
        errors.push(await outcome(() => createDokuPartnerAuth(base).getToken()));
        // Signature errors: a tampered response and tampered notifications.
        const tampering: typeof fetch = async (input, init) => {
          const response = await fetch(input, init);
          return new Response(`${await response.text()} `, { status: response.status, headers: response.headers });
        };
        errors.push(await outcome(() => createDokuPartnerAuth({ ...base, fetch: tampering }).getToken()));
        const notification = box.createNotification({
          url: 'https://merchant.example/notify',
          body: `{"secret":"${secretKey}"}`,
        });
        errors.push(
          await outcome(() => verifyDokuNotification(notification.clone(), { secretKey: `${secretKey}-other` })),
        );
        results.push(await verifyDokuNotification(notification.clone(), { secretKey }).then((n) => n.requestId));
        errors.push(await outcome(() => auth.verifyNotification(notification.clone(), { clientId: 'BRN-else' })));
        errors.push(
          await outcome(() =>
            verifyDokuResponse(new Response('{}', { headers: { Signature: signature } }), {
              secretKey,
              request: signed,
            }),
          ),
        );
        // Network error.
        errors.push(await outcome(() => createDokuPartnerAuth({ ...base, baseUrl: 'http://127.0.0.1:1' }).getToken()));

        expect(errors.map((e, i) => (e instanceof Error ? i : `#${i}: ${inspect(e)}`))).toEqual(
          errors.map((_e, i) => i),
        );
        expectClean(results, fullSecrets);
        expectClean(errors, fullSecrets);
      });
    });
  }
});

describe('a 2xx that is not JSON', () => {
  it('a 2xx body that is not JSON and echoes the token in use (ResponseFormatError excerpt) carries no token', async () => {
    const secretKey = `SK-${randomBytes(18).toString('base64url')}`;
    const client = { clientId: `BRN-${randomBytes(4).toString('hex')}`, secretKey };
    await withSandbox({ clients: [client] }, async (box, url) => {
      const auth = createDokuPartnerAuth({ ...client, baseUrl: url, retry: 0 });
      const token = await auth.getToken();
      // The core scrubs a 2xx read by `.json()` of the request's own Authorization (the token
      // in use) and of the `secrets` this package hands it (the Secret Key).
      const body = `{"message":"accepted for ${token.token} and ${secretKey}`;
      box.faults.inject({ type: 'truncated-json', body }, { path: FILE_PATH });
      const error = await outcome(() => auth.ky.get(`adv-core-api/partner/v1.0/file?${REQUIREMENTS_QUERY}`).json());
      expect(error).toMatchObject({ name: 'ResponseFormatError', code: 'ERR_RESPONSE_FORMAT' });
      expect((error as { bodyExcerpt?: string }).bodyExcerpt).toContain('accepted for [REDACTED] and [REDACTED]');
      expectClean([error], [secretKey, token.token]);
    });
  });
});
