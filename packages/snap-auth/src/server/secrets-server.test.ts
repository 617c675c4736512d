/**
 * No secret leaves the server kit: client secrets, the merchant's token secret, private-key
 * material, the tokens it issued and the signatures it received never appear in an answer (but
 * the token answer's own accessToken), a log line, an error, `JSON.stringify` or `util.inspect`
 * of what it returns or hands to the handler.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { formatIsoTimestamp } from '@org/signing-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClock } from '../__fixtures__/setup.js';
import { type Merchant, requestToken, send, signCall, startMerchant } from '../__fixtures__/snap-server.js';
import { createSnapServer } from './create-snap-server.js';
import type { SnapServerOptions } from './options.js';
import type { VerifiedSnapCall } from './verify-request.js';

const random = () => randomBytes(24).toString('base64url');
const clientSecret = random();
const tokenSecret = random() + random();
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKeyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const keyBody = privateKeyPem.split('\n').slice(1, -2).join('');
const handlerSecret = `handler-${random()}`;

/** Every secret seen so far: must never be printed. */
const secrets = new Set<string>([clientSecret, tokenSecret, handlerSecret, keyBody, ...keyBody.match(/.{1,40}/g)!]);
const logged: unknown[] = [];
const logger = {
  debug: (...args: unknown[]) => void logged.push(args),
  info: (...args: unknown[]) => void logged.push(args),
  warn: (...args: unknown[]) => void logged.push(args),
  error: (...args: unknown[]) => void logged.push(args),
};

function printed(value: unknown): string {
  const message = value instanceof Error ? `${value.message}\n${value.stack ?? ''}` : '';
  let json = '';
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    json = '';
  }
  return `${message}\n${json}\n${inspect(value, { depth: 10, showHidden: true })}\n${String(value)}`;
}

function expectNoSecret(value: unknown): void {
  const text = printed(value);
  for (const secret of secrets) expect(text.includes(secret), `leaked a secret in: ${text.slice(0, 300)}`).toBe(false);
}

const clock = testClock();
const handed: VerifiedSnapCall[] = [];
let opaque: Merchant;
let stateless: Merchant;

beforeAll(async () => {
  const base: Partial<SnapServerOptions> = {
    partners: [{ clientId: 'client-1', publicKey: publicKeyPem, clientSecret }],
    logger,
    timeoutMs: 100,
    duplicateWaitMs: 0,
  };
  opaque = await startMerchant(base, clock);
  stateless = await startMerchant({ ...base, tokenSecret }, clock);
  for (const merchant of [opaque, stateless]) {
    merchant.handler = (call) => {
      handed.push(call);
      const mode = (call.json as { mode?: string }).mode;
      if (mode === 'throw') throw new Error(`failed with ${handlerSecret}`);
      if (mode === 'slow') return new Promise((resolve) => setTimeout(() => resolve({}), 300));
      return { ok: true };
    };
  }
});
afterAll(async () => {
  await opaque.close();
  await stateless.close();
});

describe('secrets never leave the server kit', () => {
  it('through option validation', () => {
    const attempts: unknown[] = [
      { partners: [{ clientId: privateKeyPem, publicKey: 42, clientSecret: 7 }] },
      { partners: [{ clientId: 'a', publicKey: privateKeyPem, clientSecret }] },
      { partners: [{ clientId: 'a', publicKey: keyBody, clientSecret }] },
      { partners: [{ clientId: 'a', publicKey: publicKeyPem, clientSecret }], tokenSecret: clientSecret.slice(0, 20) },
      { partners: [{ clientId: 'a', publicKey: publicKeyPem, clientSecret, secret: clientSecret }] },
    ];
    secrets.add(clientSecret.slice(0, 20));
    for (const options of attempts) {
      let error: unknown;
      try {
        createSnapServer(options as SnapServerOptions);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Error);
      expectNoSecret(error);
    }
    expectNoSecret(
      createSnapServer({ partners: [{ clientId: 'a', publicKey: publicKeyPem, clientSecret }], tokenSecret }),
    );
  });

  it('through every answer, the call handed to the handler, and the log', async () => {
    for (const merchant of [opaque, stateless]) {
      const tokenAnswer = await requestToken(merchant.url, clock, { clientId: 'client-1', privateKey: privateKeyPem });
      const token = tokenAnswer.json.accessToken as string;
      expect(typeof token).toBe('string');
      const { accessToken: _issued, ...rest } = tokenAnswer.json;
      expectNoSecret(rest);
      secrets.add(token);

      const answers: unknown[] = [];
      const calls = [
        await signCall(token, clock, { clientSecret, partnerId: 'client-1', body: { mode: 'ok', n: 1 } }),
        await signCall(token, clock, { clientSecret, partnerId: 'client-1', body: { mode: 'throw', n: 2 } }),
        await signCall(token, clock, { clientSecret, partnerId: 'client-1', body: { mode: 'slow', n: 3 } }),
        await signCall(token, clock, { clientSecret: 'wrong', partnerId: 'client-1', body: { mode: 'ok', n: 4 } }),
        await signCall(token, clock, {
          clientSecret,
          body: { mode: 'ok', n: 5 },
          timestamp: formatIsoTimestamp(clock() - 3_600_000),
        }),
      ];
      for (const call of calls) {
        secrets.add(call.headers['X-SIGNATURE'] as string);
        answers.push((await send(merchant.url, call)).json);
        answers.push((await send(merchant.url, call)).json); // a redelivery
      }
      answers.push((await send(merchant.url, calls[0]!, { 'X-EXTERNAL-ID': '1' })).json);
      answers.push((await send(merchant.url, calls[0]!, { Authorization: `Bearer ${token}x` })).json);
      answers.push((await send(merchant.url, calls[0]!, { 'X-TIMESTAMP': 'soon' })).json);
      answers.push(
        (await requestToken(merchant.url, clock, { clientId: 'client-1', privateKey: privateKeyPem, body: '{' })).json,
      );
      for (const answer of answers) expectNoSecret(answer);
      const verified = await merchant.server.verifyRequest(
        new Request(`${merchant.url}/v1.0/transfer-va/payment`, {
          method: 'POST',
          headers: calls[3]!.headers,
          body: calls[3]!.body,
        }),
      );
      expect(verified.ok).toBe(false);
      expectNoSecret(verified);
      expectNoSecret(merchant.server);
    }
    await new Promise((resolve) => setTimeout(resolve, 350)); // the slow handler settles and logs
    expect(handed.length).toBeGreaterThan(0);
    for (const call of handed) expectNoSecret(call);
    expect(logged.length).toBeGreaterThan(0);
    expect(JSON.stringify(logged)).toContain('the handler failed');
    expectNoSecret(logged);
  });
});
