// The sandbox checks signatures with code of its own, written from the protocol (protocols.md
// §4.1), so it refuses a token request signed over a subtly wrong string. Requests here are
// signed by hand on node:crypto, not with the package.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFondySandbox } from './sandbox.js';

const KEY = 'Secret-Key.z9';
const ID = '1234';
const DATE = '2020-04-06 11:15:27';
const hash = (algorithm: string, text: string) => createHash(algorithm).update(text, 'utf8').digest('hex');

async function answer(signature: string, date = DATE) {
  const sandbox = createFondySandbox({ applications: [{ applicationId: ID, secretKey: KEY }] });
  const response = await sandbox.handler(
    new Request(`http://sandbox.test${sandbox.tokenPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ application_id: ID, date, signature }),
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the Fondy sandbox verifies signatures independently of the package', () => {
  it('accepts the documented string signed by hand (control)', async () => {
    expect((await answer(hash('sha512', `${KEY}|${ID}|${DATE}`))).status).toBe(200);
  });

  it.each([
    ['application_id|key|date (wrong order)', () => hash('sha512', `${ID}|${KEY}|${DATE}`)],
    ['no separators', () => hash('sha512', `${KEY}${ID}${DATE}`)],
    ['":" as the separator', () => hash('sha512', `${KEY}:${ID}:${DATE}`)],
    [
      'a date other than the one sent (ISO form of the same time)',
      () => hash('sha512', `${KEY}|${ID}|2020-04-06T11:15:27`),
    ],
    ['the key in lower case', () => hash('sha512', `${KEY.toLowerCase()}|${ID}|${DATE}`)],
    ['SHA-256 in place of SHA-512', () => hash('sha256', `${KEY}|${ID}|${DATE}`)],
    ['upper-case hex (the documented output is lowercase)', () => hash('sha512', `${KEY}|${ID}|${DATE}`).toUpperCase()],
  ])('refuses a signature over %s', async (_name, signature) => {
    expect(await answer(signature())).toMatchObject({
      status: 403,
      body: { error_code: 403, error_message: 'Incorrect signature' },
    });
  });

  it("does not import the package's signature code", () => {
    const dir = new URL('./', import.meta.url);
    // The callback sender plays Fondy signing callbacks: it signs with the package's own
    // functions on purpose (one place for each rule). The sandbox, which verifies, must not.
    const files = readdirSync(dir).filter(
      (name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'callback-sender.ts',
    );
    expect(files).toContain('sandbox.ts');
    for (const file of files) {
      expect(readFileSync(new URL(file, dir), 'utf8'), file).not.toMatch(
        /from '\.\.\/(protocol\/)?(token-signature|payment-signature|callback)\.js'/,
      );
    }
    // The pattern does find such an import.
    expect(readFileSync(new URL('callback-sender.ts', dir), 'utf8')).toMatch(
      /from '\.\.\/(protocol\/)?(token-signature|payment-signature|callback)\.js'/,
    );
  });
});
