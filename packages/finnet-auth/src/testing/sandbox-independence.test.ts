// The sandbox checks signatures with code of its own, written from the protocol (protocols.md
// §1.3), so it refuses a request signed over a subtly wrong string. Requests here are signed by
// hand on node:crypto, not with the package.
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { formatCompactTimestamp } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { fakeClock, SECRET } from '../__fixtures__/harness.js';
import { FINNET_TOKEN_PATH } from '../protocol/provider.js';
import { createFinnetSandbox, FINNET_SANDBOX_CODES } from './sandbox.js';

const hexOf = (text: string) => Buffer.from(text, 'utf8').toString('hex');
const hmacHex = (key: string, message: string) => createHmac('sha256', key).update(message, 'utf8').digest('hex');

async function answer(body: Record<string, string>, options: { hexKeyCase?: 'lower' | 'upper' } = {}) {
  const time = fakeClock();
  const sandbox = createFinnetSandbox({ secretKey: SECRET, clock: time.clock, ...options });
  const response = await sandbox.handler(
    new Request(`http://sandbox.test${FINNET_TOKEN_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  return ((await response.json()) as { statusCode: string }).statusCode;
}

// Sent in this (unsorted) order, as a client building the body by hand might.
const fields = {
  requestType: 'getToken',
  transNumber: 'TKN20240821000001',
  reqDtime: formatCompactTimestamp(fakeClock().now, { offset: '+07:00' }),
};
const sorted = `${fields.reqDtime}getToken${fields.transNumber}`;

describe('the Finnet sandbox verifies signatures independently of the package', () => {
  it('accepts the documented string signed by hand (control)', async () => {
    const signature = hmacHex(hexOf(SECRET), sorted).toUpperCase();
    expect(await answer({ ...fields, signature })).toBe(FINNET_SANDBOX_CODES.success);
    const upper = hmacHex(hexOf(SECRET).toUpperCase(), sorted).toUpperCase();
    expect(await answer({ ...fields, signature: upper }, { hexKeyCase: 'upper' })).toBe(FINNET_SANDBOX_CODES.success);
  });

  it.each([
    ['values in the order sent, not sorted by name', () => hmacHex(hexOf(SECRET), Object.values(fields).join(''))],
    [
      'values joined with "|"',
      () => hmacHex(hexOf(SECRET), [fields.reqDtime, 'getToken', fields.transNumber].join('|')),
    ],
    [
      'the names signed too (name=value&…)',
      () =>
        hmacHex(hexOf(SECRET), `reqDtime=${fields.reqDtime}&requestType=getToken&transNumber=${fields.transNumber}`),
    ],
    ['the hex key text in the wrong case', () => hmacHex(hexOf(SECRET).toUpperCase(), sorted)],
    ['the raw secret as the key, not its hex text', () => hmacHex(SECRET, sorted)],
  ])('refuses a signature over %s', async (_name, sign) => {
    expect(await answer({ ...fields, signature: sign().toUpperCase() })).toBe(FINNET_SANDBOX_CODES.badSignature);
  });

  it('refuses the right HMAC in lowercase hex (the documented output is uppercase)', async () => {
    expect(await answer({ ...fields, signature: hmacHex(hexOf(SECRET), sorted) })).toBe(
      FINNET_SANDBOX_CODES.badSignature,
    );
  });

  it("does not import the package's signature code", () => {
    const dir = new URL('./', import.meta.url);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
      expect(readFileSync(new URL(file, dir), 'utf8'), file).not.toMatch(/from '\.\.\/signature\.js'/);
    }
  });
});
