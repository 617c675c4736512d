/**
 * No secret leaves: random secret keys, passwords and tokens are pushed through every public
 * function and error path, and none may appear in any message, `JSON.stringify` or
 * `util.inspect(…, { depth: 10, showHidden: true })` of what comes back or is thrown.
 */
import { inspect } from 'node:util';
import { isProviderError, randomAlphanumeric } from '@org/signing-core';
import type { Fault } from '@org/signing-core/testing';
import { describe, expect, it } from 'vitest';
import { bodyOf, setup } from './__fixtures__/harness.js';
import { createFinnetAuth } from './client/auth.js';
import { parseFinnetExpiry } from './protocol/expiry.js';
import { FINNET_WIDGET_TOP_UP_PATH } from './protocol/provider.js';
import { finnetSignature, hexKeyText } from './protocol/signature.js';

async function outcome(run: () => unknown): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    return error;
  }
}

function renderings(value: unknown): string[] {
  const out = [inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value) ?? '', String(value)];
  if (value instanceof Error) {
    out.push(value.message, value.stack ?? '');
    if (value.cause !== undefined) out.push(inspect(value.cause, { depth: 10, showHidden: true }));
  }
  return out;
}

describe('secrets never leak', () => {
  it('through results and errors of every public function', async () => {
    // Letters a–f in the hex of the secret ('.' = 2e, 'z' = 7a), so both key cases differ.
    const secretKey = `sk.z${randomAlphanumeric(24)}`;
    const username = `user${randomAlphanumeric(8)}`;
    const password = `pw${randomAlphanumeric(24)}`;
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    const { sandbox, auth } = await setup({ secretKey, username, password, debugExpectedSignature: true });
    const options = { secretKey, username, password };
    const topUp = { requestType: 'widgetTopUp', phoneNumber: '08111008696' };
    const results: unknown[] = [];
    const record = async (run: () => unknown) => {
      results.push(await outcome(run));
    };

    const client = auth(options);
    const token = await client.getToken();
    results.push(token);
    await record(() => client.sign(topUp));
    await record(() => client.request(FINNET_WIDGET_TOP_UP_PATH, topUp));
    await record(() => client.request(FINNET_WIDGET_TOP_UP_PATH, { ...topUp, phoneNumber: `${password}` }));
    await record(() =>
      client.request(FINNET_WIDGET_TOP_UP_PATH, { ...topUp, amount: password as never as number } as never),
    );
    await record(() => client.request(FINNET_WIDGET_TOP_UP_PATH, { ...topUp, transNumber: `${password}-x` }));

    // Signature failure whose answer carries the expected signature (wrong key case).
    await record(() => auth({ ...options, hexKeyCase: 'upper' }).getToken());
    // Token rejected twice.
    sandbox.faults.inject(
      { type: 'status', status: 200, body: '{"statusCode":"E07","statusDesc":"Invalid or expired token"}' },
      { path: FINNET_WIDGET_TOP_UP_PATH, times: 2 },
    );
    await record(() => client.request(FINNET_WIDGET_TOP_UP_PATH, topUp));
    // Wrong Basic credentials.
    await record(() => auth({ ...options, password: `${password}x` }).getToken());
    // Every fault mode, on both calls.
    const faults: Fault[] = [
      { type: 'status', status: 503 },
      { type: 'rate-limit', retryAfterSeconds: 0 },
      { type: 'html' },
      { type: 'html', status: 200 },
      { type: 'truncated-json' },
      { type: 'drop' },
      { type: 'delay', ms: 400 },
    ];
    for (const fault of faults) {
      sandbox.faults.inject(fault);
      await record(() => auth({ ...options, tokenRetry: 0, timeoutMs: 200 }).getToken());
      sandbox.faults.inject(fault, { path: FINNET_WIDGET_TOP_UP_PATH });
      await record(() => auth({ ...options, timeoutMs: 200 }).request(FINNET_WIDGET_TOP_UP_PATH, topUp));
    }
    // A 000 answer echoing secrets next to a bad tokenExpiry.
    sandbox.faults.inject({
      type: 'status',
      status: 200,
      body: JSON.stringify({
        statusCode: '000',
        tokenID: token.token,
        tokenExpiry: `bad ${password}`,
        echo: secretKey,
      }),
    });
    await record(() => auth(options).getToken());
    // An error answer that echoes the secret, the Basic credentials and the token under innocent
    // names (this package builds 2xx failures itself, so the core does not scrub Authorization).
    sandbox.faults.inject(
      {
        type: 'status',
        status: 200,
        body: JSON.stringify({
          statusCode: `99 ${password}`,
          statusDesc: `failed for ${secretKey} ${basic}`,
          echo: token.token,
        }),
      },
      { path: FINNET_WIDGET_TOP_UP_PATH },
    );
    await record(() => client.request(FINNET_WIDGET_TOP_UP_PATH, topUp));
    // Non-2xx answers echoing this client's secrets in statusCode/statusDesc (the core builds and
    // scrubs these errors): a token rejection on both attempts, and a plain failure.
    const echo = `${token.token} ${secretKey} ${password} ${basic}`;
    sandbox.faults.inject(
      {
        type: 'status',
        status: 401,
        body: JSON.stringify({ statusCode: token.token, statusDesc: `Token expired: ${echo}` }),
      },
      { path: FINNET_WIDGET_TOP_UP_PATH, times: 2 },
    );
    await record(() => client.request(FINNET_WIDGET_TOP_UP_PATH, topUp));
    sandbox.faults.inject(
      { type: 'status', status: 500, body: JSON.stringify({ statusCode: secretKey, statusDesc: `failed: ${echo}` }) },
      { path: FINNET_WIDGET_TOP_UP_PATH },
    );
    await record(() => client.request(FINNET_WIDGET_TOP_UP_PATH, topUp));
    const coreBuilt = results.slice(-2);
    expect(coreBuilt.map((error) => isProviderError(error) && [error.status, error.code])).toEqual([
      [401, 'ERR_TOKEN_REJECTED'],
      [500, 'ERR_PROVIDER'],
    ]);
    expect(coreBuilt.map((error) => (error as { providerMessage?: string }).providerMessage)).toEqual([
      'Token expired: [REDACTED] [REDACTED] [REDACTED] [REDACTED]',
      'failed: [REDACTED] [REDACTED] [REDACTED] [REDACTED]',
    ]);

    // Options and pure functions.
    await record(() => createFinnetAuth({ secretKey: 42 as never, password, baseUrl: `ftp://${secretKey}` }));
    await record(() => createFinnetAuth({ secretKey, username, password: 42 as never, secret: secretKey } as never));
    await record(() => finnetSignature({ a: secretKey as never, b: 5 as never }, secretKey));
    await record(() => finnetSignature({ a: 'x' }, ''));
    await record(() => parseFinnetExpiry(token.token));
    await record(() => parseFinnetExpiry(secretKey));

    // Everything that counts as a secret: keys, credentials, every token and signature that existed.
    const sent = sandbox.requests.all.map((request) => {
      try {
        return bodyOf(request);
      } catch {
        return {};
      }
    });
    const tokens = new Set([token.token, ...sent.map((b) => b.tokenID).filter((t): t is string => !!t)]);
    const signatures = new Set<string>();
    for (const body of sent) {
      if (!body.signature) continue;
      signatures.add(body.signature);
      signatures.add(await finnetSignature(body, secretKey, { hexKeyCase: 'upper' }));
      signatures.add(await finnetSignature(body, secretKey, { hexKeyCase: 'lower' }));
    }
    const secrets = [
      secretKey,
      hexKeyText(secretKey, 'lower'),
      hexKeyText(secretKey, 'upper'),
      password,
      basic,
      ...tokens,
      ...signatures,
    ];
    expect(tokens.size).toBeGreaterThan(3);
    expect(signatures.size).toBeGreaterThan(10);
    expect(results.length).toBeGreaterThan(25);

    for (const result of results) {
      for (const text of renderings(result)) {
        for (const secret of secrets) {
          if (text.includes(secret)) {
            throw new Error(`a secret leaked through ${inspect(result).slice(0, 200)}`);
          }
        }
      }
    }
  });
});
