// The program's front door, as a subprocess: help for every command and signature kind,
// the version, usage errors and their exit codes, and no colours when stdout is not a terminal.
import { describe, expect, it } from 'vitest';
import { runCli } from '../test/run-cli.js';
import { KINDS } from './signatures/registry.js';
import { VERSION } from './version.js';

describe('payauth', () => {
  it('prints the version', async () => {
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('prints help with the commands and the exit codes', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['token', 'sign', 'verify', 'keygen', 'sandbox'])
      expect(result.stdout).toContain(`  ${command}`);
    expect(result.stdout).toContain('130 interrupted');
  });

  it('without a command prints the help to stderr and exits 2', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: payauth <command>');
  });

  it('refuses an unknown command (exit 2) and names the commands', async () => {
    const result = await runCli(['tokn', 'snap']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error unknown command "tokn"');
    expect(result.stderr).toContain('commands: token, sign, verify, keygen, notify, sandbox');
  });

  it('refuses an unknown option (exit 2) and points at the help', async () => {
    const result = await runCli(['keygen', '--bist', '4096']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--bist'");
    expect(result.stderr).toContain('see "payauth keygen --help"');
  });

  it('refuses an option without its value (exit 2)', async () => {
    const result = await runCli(['sign', 'snap', 'token', '--client-id']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Option '--client-id <value>' argument missing");
  });

  it('writes --json errors as JSON on stdout', async () => {
    const result = await runCli(['token', 'paypal', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      error: {
        message: 'payauth token: unknown provider "paypal"',
        hint: 'providers: snap, finnet, doku, fondy; see "payauth token --help"',
      },
    });
  });

  it('uses no colour codes when the output is not a terminal', async () => {
    const result = await runCli(['token', 'snap']);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('\u001b[');
  });
});

describe('--help for every command and subcommand', () => {
  const cases: Array<[string[], string]> = [
    [['token', '--help'], 'Usage: payauth token <snap|finnet|doku|fondy>'],
    [['token', 'snap', '--help'], 'PAYAUTH_SNAP_PRIVATE_KEY_FILE'],
    [['token', 'finnet', '--help'], 'PAYAUTH_FINNET_SECRET_KEY'],
    [['token', 'doku', '--help'], 'PAYAUTH_DOKU_CLIENT_ID'],
    [['token', 'fondy', '--help'], 'PAYAUTH_FONDY_APPLICATION_ID'],
    [['sign', '--help'], 'Usage: payauth sign <provider> <kind>'],
    [['verify', '--help'], 'Usage: payauth verify <provider> <kind>'],
    [['keygen', '--help'], 'Usage: payauth keygen'],
    [['sandbox', '--help'], 'Usage: payauth sandbox'],
    [['notify', '--help'], 'Usage: payauth notify <snap|doku|fondy> --to <url>'],
    [['notify', 'doku', '--help'], 'Usage: payauth notify <doku> --to <url>'],
    [['notify', 'fondy', '--help'], 'Usage: payauth notify <fondy> --to <url>'],
    [['notify', 'fondy', '--help'], 'PAYAUTH_FONDY_PAYMENT_KEY or PAYAUTH_FONDY_PAYMENT_KEY_FILE'],
    [['help-is-a-flag', '--help'], ''],
  ];
  for (const provider of Object.keys(KINDS) as Array<keyof typeof KINDS>) {
    cases.push([
      ['sign', provider, '--help'],
      `Usage: payauth sign ${KINDS[provider].length === 1 ? `${provider} ${KINDS[provider][0]?.kind}` : '<provider> <kind>'}`,
    ]);
    for (const kind of KINDS[provider]) {
      cases.push([['sign', provider, kind.kind, '--help'], `Usage: payauth sign ${provider} ${kind.kind} [options]`]);
      cases.push([
        ['verify', provider, kind.kind, '--help'],
        `Usage: payauth verify ${provider} ${kind.kind} [options]`,
      ]);
    }
  }
  it.concurrent.each(cases)('payauth %j', async (args, expected) => {
    const result = await runCli(args);
    if (args[0] === 'help-is-a-flag') {
      expect(result.code).toBe(2);
      return;
    }
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(expected);
    expect(result.stderr).toBe('');
  });

  it('lists the kinds of one provider in its help', async () => {
    const result = await runCli(['verify', 'doku', '--help']);
    expect(result.stdout).toContain('doku request');
    expect(result.stdout).toContain('doku response');
    expect(result.stdout).toContain('doku notification');
    expect(result.stdout).not.toContain('snap service');
  });
});
