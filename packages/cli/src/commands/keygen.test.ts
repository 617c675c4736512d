// `payauth keygen` as a subprocess: the files, their modes, that the core can import the key,
// no overwrite without --force, and its usage errors.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importRsaPrivateKey, importRsaPublicKey, rsaSign, rsaVerify } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../test/run-cli.js';

describe('payauth keygen', () => {
  it('writes a PKCS#8 private key with mode 0600 and an SPKI public key the core can use', async () => {
    const dir = tempDir();
    const result = await runCli(['keygen', '--out', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2048-bit RSA key pair written');
    const privatePath = join(dir, 'snap-private.pem');
    const publicPath = join(dir, 'snap-public.pem');
    expect(result.stdout).toContain(privatePath);
    expect(statSync(privatePath).mode & 0o777).toBe(0o600);
    const privatePem = readFileSync(privatePath, 'utf8');
    const publicPem = readFileSync(publicPath, 'utf8');
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const privateKey = await importRsaPrivateKey(privatePem);
    expect(privateKey.modulusBits).toBe(2048);
    // The two files are one pair.
    const signature = await rsaSign(privateKey, 'clientId|2024-01-01T00:00:00+07:00');
    expect(await rsaVerify(await importRsaPublicKey(publicPem), signature, 'clientId|2024-01-01T00:00:00+07:00')).toBe(
      true,
    );
  });

  it('never overwrites an existing file without --force (exit 3), and does with it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bank-public.pem'), 'keep me');
    const refused = await runCli(['keygen', '--out', dir, '--name', 'bank']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`${join(dir, 'bank-public.pem')} already exists`);
    expect(refused.stderr).toContain('use --force to overwrite it');
    expect(readFileSync(join(dir, 'bank-public.pem'), 'utf8')).toBe('keep me');
    expect(() => statSync(join(dir, 'bank-private.pem'))).toThrow();

    writeFileSync(join(dir, 'bank-private.pem'), 'old', { mode: 0o644 });
    const forced = await runCli(['keygen', '--out', dir, '--name', 'bank', '--force', '--json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toEqual({
      privateKey: join(dir, 'bank-private.pem'),
      publicKey: join(dir, 'bank-public.pem'),
      bits: 2048,
    });
    expect(statSync(join(dir, 'bank-private.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'bank-public.pem'), 'utf8')).toMatch(/BEGIN PUBLIC KEY/);
  });

  it('makes 3072-bit keys on request', async () => {
    const dir = tempDir();
    const result = await runCli(['keygen', '--bits', '3072'], { cwd: dir });
    expect(result.code).toBe(0);
    expect((await importRsaPrivateKey(readFileSync(join(dir, 'snap-private.pem'), 'utf8'))).modulusBits).toBe(3072);
  });

  it.concurrent.each([
    [['--bits', '1024'], '--bits must be 2048, 3072 or 4096 (got 1024)'],
    [['--name', '../evil'], '--name may contain only letters'],
    [['extra'], 'unexpected argument "extra"'],
  ])('refuses %j (exit 2)', async (args, message) => {
    const result = await runCli(['keygen', ...args], { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('reports a directory it cannot write to (exit 3)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    const result = await runCli(['keygen', '--out', join(dir, 'file', 'sub')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('cannot write the key files');
  });
});
