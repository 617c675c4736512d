import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/run-cli.js';
import { CliError, EXIT } from './exit-codes.js';
import { assertKnownFlags, envName, resolveSettings, type SettingSpec } from './settings.js';

const specs: SettingSpec[] = [
  { name: 'clientId', description: 'client id', required: true },
  { name: 'privateKey', description: 'private key', required: true, fromFile: true },
  { name: 'tokenPath', description: 'token path', default: '/token' },
];

function catchError(fn: () => unknown): CliError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
}

describe('resolveSettings', () => {
  it('names environment variables PAYAUTH_<PROVIDER>_<NAME>', () => {
    expect(envName('snap', 'privateKey')).toBe('PAYAUTH_SNAP_PRIVATE_KEY');
    expect(envName('fondy', 'applicationId')).toBe('PAYAUTH_FONDY_APPLICATION_ID');
  });

  it('takes a flag over the environment over the config file, and falls back to defaults', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'payauth.config.json'),
      JSON.stringify({ snap: { clientId: 'from-config', privateKey: 'k-config', tokenPath: '/cfg' } }),
    );
    const env = { PAYAUTH_SNAP_CLIENT_ID: 'from-env', PAYAUTH_SNAP_PRIVATE_KEY: 'k-env' };
    expect(resolveSettings('snap', specs, { flags: { 'client-id': 'from-flag' }, env, cwd })).toEqual({
      clientId: 'from-flag',
      privateKey: 'k-env',
      tokenPath: '/cfg',
    });
    expect(resolveSettings('snap', specs, { flags: {}, env: {}, cwd })).toEqual({
      clientId: 'from-config',
      privateKey: 'k-config',
      tokenPath: '/cfg',
    });
    const bare = tempDir();
    expect(resolveSettings('snap', specs, { flags: {}, env, cwd: bare }).tokenPath).toBe('/token');
  });

  it('reads files from --x-file, X_FILE and "xFile", dropping one trailing line break, and records the origin', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'key.pem'), 'PEM-TEXT\n');
    writeFileSync(join(cwd, 'other.json'), JSON.stringify({ snap: { clientId: 'c', privateKeyFile: 'key.pem' } }));
    const origins: Record<string, string> = {};
    const fromFlag = resolveSettings(
      'snap',
      specs,
      { flags: { 'client-id': 'c', 'private-key-file': 'key.pem' }, env: {}, cwd },
      origins,
    );
    expect(fromFlag.privateKey).toBe('PEM-TEXT');
    expect(origins.privateKey).toBe('--private-key-file key.pem');
    expect(
      resolveSettings('snap', specs, {
        flags: { 'client-id': 'c' },
        env: { PAYAUTH_SNAP_PRIVATE_KEY_FILE: 'key.pem' },
        cwd,
      }).privateKey,
    ).toBe('PEM-TEXT');
    expect(resolveSettings('snap', specs, { flags: {}, env: {}, cwd, configPath: 'other.json' }).privateKey).toBe(
      'PEM-TEXT',
    );
  });

  it('keeps an exact file byte for byte', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'body.json'), '{ "a": 1 }\n');
    const spec: SettingSpec = { name: 'body', description: 'body', flagOnly: true, fromFile: true, exactFile: true };
    expect(resolveSettings('doku', [spec], { flags: { 'body-file': 'body.json' }, env: {}, cwd }).body).toBe(
      '{ "a": 1 }\n',
    );
  });

  it('lists every missing setting with every way to set it (usage error)', () => {
    const error = catchError(() => resolveSettings('snap', specs, { flags: {}, env: {}, cwd: tempDir() }));
    expect(error.exitCode).toBe(EXIT.usage);
    expect(error.message).toContain('missing settings for snap');
    expect(error.message).toContain('--client-id');
    expect(error.message).toContain('PAYAUTH_SNAP_CLIENT_ID');
    expect(error.message).toContain('"clientId" in the "snap" section of payauth.config.json');
    expect(error.message).toContain('--private-key (or --private-key-file)');
    expect(error.message).toContain('PAYAUTH_SNAP_PRIVATE_KEY (or PAYAUTH_SNAP_PRIVATE_KEY_FILE)');
  });

  it('ignores the environment and the config file for flag-only inputs', () => {
    const spec: SettingSpec = { name: 'timestamp', description: 'ts', flagOnly: true, required: true };
    const error = catchError(() =>
      resolveSettings('snap', [spec], { flags: {}, env: { PAYAUTH_SNAP_TIMESTAMP: 'x' }, cwd: tempDir() }),
    );
    expect(error.message).toContain('--timestamp');
    expect(error.message).not.toContain('PAYAUTH_SNAP_TIMESTAMP');
  });

  it('reports unreadable files, a missing --config file and a bad config file as bad input', () => {
    const cwd = tempDir();
    const unreadable = catchError(() =>
      resolveSettings('snap', specs, { flags: { 'client-id': 'c', 'private-key-file': 'nope.pem' }, env: {}, cwd }),
    );
    expect(unreadable.exitCode).toBe(EXIT.input);
    expect(unreadable.message).toMatch(/cannot read --private-key-file file .*nope\.pem: no such file/);
    expect(
      catchError(() => resolveSettings('snap', specs, { flags: {}, env: {}, cwd, configPath: 'missing.json' })).message,
    ).toMatch(/config file not found/);
    writeFileSync(join(cwd, 'payauth.config.json'), '{ not json');
    expect(catchError(() => resolveSettings('snap', specs, { flags: {}, env: {}, cwd })).message).toMatch(
      /is not valid JSON/,
    );
    writeFileSync(join(cwd, 'payauth.config.json'), '{"snap": "x"}');
    expect(catchError(() => resolveSettings('snap', specs, { flags: {}, env: {}, cwd })).message).toMatch(
      /"snap" must be an object/,
    );
  });
});

describe('assertKnownFlags', () => {
  it('refuses a flag the provider does not take and lists the ones it does', () => {
    const error = catchError(() =>
      assertKnownFlags({ 'application-id': '1', json: true }, specs, 'payauth token snap'),
    );
    expect(error.exitCode).toBe(EXIT.usage);
    expect(error.message).toBe('payauth token snap does not take --application-id');
    expect(error.hint).toContain('--client-id');
    expect(error.hint).toContain('--private-key-file');
  });
});
