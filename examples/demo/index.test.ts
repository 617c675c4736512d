import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('the demo runs every provider against its sandbox and prints one table', async () => {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [fileURLToPath(new URL('./index.js', import.meta.url))],
    {
      encoding: 'utf8',
      // Nothing configured: no PAYAUTH_* or provider variables reach the demo.
      env: { PATH: process.env.PATH ?? '' },
      timeout: 30_000,
    },
  );
  expect(stderr).toBe('');
  const lines = stdout.split('\n');
  const header = lines.find((line) => line.startsWith('| provider'));
  expect(header).toMatch(/^\| provider +\| token +\| cached +\| signed call .*\| notification +\|$/);
  const row = (name: string) =>
    lines
      .find((line) => line.startsWith(`| ${name} `))
      ?.split('|')
      .map((cell) => cell.trim())
      .slice(1, -1);
  expect(row('SNAP')).toEqual([
    'SNAP',
    expect.stringMatching(/^✓ Bearer, valid 15 min$/),
    '✓ 2nd call: 0 requests',
    '✓ POST /v1.0/balance-inquiry → 2001100',
    '✓ verified (RSA); tampered one refused',
  ]);
  expect(row('Finnet')).toEqual([
    'Finnet',
    '✓ Bearer, valid 72 h',
    '✓ 2nd call: 0 requests',
    '✓ widget top-up → 000',
    '—',
  ]);
  expect(row('DOKU')).toEqual([
    'DOKU',
    '✓ Bearer, valid 5 min',
    '✓ 2nd call: 0 requests',
    expect.stringMatching(/^✓ upload file → LOGO \S+$/),
    '✓ verified (HMAC); wrong target refused',
  ]);
  expect(row('Fondy')).toEqual([
    'Fondy',
    '✓ Token, valid 60 min',
    '✓ 2nd call: 0 requests',
    '✓ report 745 → 2 rows',
    '—',
  ]);
  expect(row('SNAP inbound')).toEqual([
    'SNAP inbound',
    '✓ issued to the bank (2007300)',
    '✓ 2nd call: 0 requests',
    '✓ payment → 2002500, processed once; redelivery → same answer',
    '✓ forged call refused (4012500)',
  ]);
  expect(stdout).toContain(
    'All 4 providers: token fetched once and cached, signed call accepted, notifications verified; inbound SNAP: token issued, payment processed once, forged call refused.',
  );
  expect(stdout).not.toContain('✗');
  // The last hint: the workbench, a command that exists.
  const hints = stdout.slice(stdout.indexOf('\nNext:\n')).trimEnd().split('\n');
  expect(hints.at(-1)).toMatch(/^ {2}payauth workbench +# the same diagnosis in the browser/);
  expect(hints.slice(2).map((line) => line.trim().split(/ +/)[1])).toEqual(['sandbox', 'verify', 'workbench']);
});
