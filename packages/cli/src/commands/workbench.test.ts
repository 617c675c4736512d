// `payauth workbench` in real headless Chromium (Debian's `chromium`, driven by playwright-core):
// the built CLI serves the page, the page runs the library on the WebCrypto backend, and every
// case's signature is made here in Node with the same packages. One browser for the file; each
// test gets a fresh context. Screenshots go to .vitest-results/workbench/ (and, with
// UPDATE_SCREENSHOTS=1, the README's docs/workbench.png).

import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dokuSignature } from '@org/doku-partner-auth';
import { finnetSignature } from '@org/finnet-auth';
import { fondySignature, fondyTokenSignature } from '@org/fondy-auth';
import { minifyJson, phpJsonEncode } from '@org/signing-core';
import {
  snapAccessTokenSignature,
  snapIfortepayNotifySignature,
  snapNotificationSignature,
  snapServiceSignature,
  verifySnapAccessTokenSignature,
} from '@org/snap-auth';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../../test/run-cli.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../.vitest-results/workbench/', import.meta.url));
const README_SHOT = fileURLToPath(new URL('../../docs/workbench.png', import.meta.url));

// Secrets used below: none may reach storage, a URL, a request or the server's output.
const CLIENT_SECRET = 'snap-client-secret-0123456789';
const ACCESS_TOKEN = 'gp9HjjEj813Y9JGoqwOeOPWbnt4CUpvIJbU1mMU4a11MNDZ7Sg5u9a';
const DOKU_SECRET = 'SK-hCJ42G6Gd8yNTrQIP2Xw';
const FINNET_SECRET = 'finnet-secret-4f1c2b';
const FONDY_SECRET = 'fondy-application-secret-77';
const FONDY_PAYMENT_KEY = 'fondy-payment-key-test';
const { privateKey: RSA_PRIVATE, publicKey: RSA_PUBLIC } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const SECRETS = [CLIENT_SECRET, ACCESS_TOKEN, DOKU_SECRET, FINNET_SECRET, FONDY_SECRET, FONDY_PAYMENT_KEY];
const RSA_BODY = RSA_PRIVATE.split('\n')[5] as string;

// ---- the server and the browser, shared by the file -------------------------------------------

let server: ChildProcess | undefined;
let serverExit: Promise<CliResult> | undefined;
let origin = '';
let browser: Browser | undefined;
let launchError: Error | undefined;
const requests: string[] = [];
const pages: Page[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    // Not a skip: every test below fails with this message.
    launchError = new Error(
      `Chromium is missing at ${CHROMIUM}: install Debian's package (apt-get install -y chromium, as tooling/scripts/ensure-chromium.sh does) or set CHROMIUM_PATH`,
    );
    return;
  }
  let announced: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => {
    announced = resolve;
  });
  serverExit = runCli(['workbench'], {
    onSpawn: (child) => {
      server = child;
    },
    onStdout: (text) => {
      const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(text);
      if (found) announced(found[0]);
    },
  });
  const started = await Promise.race([
    url,
    serverExit.then((r) => Promise.reject(new Error(`payauth workbench exited early: ${r.stderr}`))),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('payauth workbench printed no URL in 10 s')), 10_000),
    ),
  ]);
  origin = started.replace(/\/$/, '');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 30_000 });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  server?.kill('SIGINT');
  await serverExit;
});

async function open(path = '/'): Promise<{ page: Page; context: BrowserContext; loadMs: number }> {
  if (launchError) throw launchError;
  const context = await (browser as Browser).newContext({ viewport: { width: 390, height: 844 } });
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  (page as Page & { errors?: string[] }).errors = errors;
  pages.push(page);
  await page.goto(`${origin}${path}`);
  await page.waitForSelector('html[data-ready]', { timeout: 10_000 });
  const loadMs = Number(await page.getAttribute('html', 'data-ready'));
  return { page, context, loadMs };
}

interface Case {
  readonly kind: string;
  readonly method?: string;
  readonly url: string;
  readonly headers: string;
  readonly body: string;
  readonly fields: Readonly<Record<string, string>>;
}

interface Outcome {
  readonly state: string | null;
  readonly conclusion: string | null;
}

async function settled(page: Page): Promise<Outcome> {
  await page.waitForSelector('#result[aria-busy="false"]', { timeout: 10_000 });
  const conclusion = await page.$('#conclusion');
  return {
    state: await page.getAttribute('#verdict', 'data-state'),
    conclusion: (await conclusion?.textContent()) ?? null,
  };
}

async function fillCase(page: Page, c: Case): Promise<Outcome> {
  await page.selectOption('#kind', c.kind);
  await page.fill('#request-method', c.method ?? 'POST');
  await page.fill('#request-url', c.url);
  await page.fill('#request-headers', c.headers);
  await page.fill('#request-body', c.body);
  for (const [name, value] of Object.entries(c.fields)) await page.fill(`#f-${name}`, value);
  return settled(page);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

// ---- the cases, signed here with the provider packages ------------------------------------

const SNAP_PATH = '/v1.0/transfer-va/payment?channel=web';
const SNAP_BODY =
  '{\n  "partnerReferenceNo": "INV/2024/0001",\n  "note": "pembayaran – café",\n  "amount": {"value": "10000.00", "currency": "IDR"}\n}';
const SNAP_TIME = '2024-08-21T14:27:50+07:00';

async function snapServiceCase(signedTimestamp = SNAP_TIME, signedBody = SNAP_BODY): Promise<Case> {
  const signature = await snapServiceSignature({
    method: 'POST',
    path: SNAP_PATH,
    accessToken: ACCESS_TOKEN,
    body: signedBody,
    timestamp: signedTimestamp,
    clientSecret: CLIENT_SECRET,
  });
  return {
    kind: 'snap/service',
    url: `https://api.bank.example${SNAP_PATH}`,
    headers: `POST ${SNAP_PATH} HTTP/1.1\nAuthorization: Bearer ${ACCESS_TOKEN}\nX-TIMESTAMP: ${SNAP_TIME}\nX-SIGNATURE: ${signature}\nX-PARTNER-ID: 82150823919040624621823174737537\nCHANNEL-ID: 95221`,
    body: SNAP_BODY,
    fields: { clientSecret: CLIENT_SECRET },
  };
}

const DOKU_HEADERS = (timestampHeader: string, timestamp: string, signature: string) =>
  `Client-Id: BRN-0001-10791114622547\nRequest-Id: fdb69f47-96da-499d-acec-7cdc318ab2fe\n${timestampHeader}: ${timestamp}\nSignature: ${signature}`;
const DOKU_TARGET = '/adv-core-api/partner/v1.0/token';
const DOKU_BODY = '{"grant_type":"client_credentials","valid_time":"360"}';

async function dokuCase(
  kind: 'request' | 'response',
  signedAs: 'request' | 'response',
  signedTimestamp: string,
  sentTimestamp = signedTimestamp,
): Promise<Case> {
  const signature = await dokuSignature({
    clientId: 'BRN-0001-10791114622547',
    requestId: 'fdb69f47-96da-499d-acec-7cdc318ab2fe',
    timestamp: signedTimestamp,
    target: DOKU_TARGET,
    body: DOKU_BODY,
    kind: signedAs,
    secretKey: DOKU_SECRET,
  });
  return {
    kind: `doku/${kind}`,
    url: `https://api-uat.doku.com${DOKU_TARGET}`,
    headers: DOKU_HEADERS(kind === 'response' ? 'Response-Timestamp' : 'Request-Timestamp', sentTimestamp, signature),
    body: DOKU_BODY,
    fields: { secretKey: DOKU_SECRET },
  };
}

async function finnetCase(signedCase: 'lower' | 'upper'): Promise<Case> {
  const params = {
    requestType: 'getToken',
    transNumber: 'TKN20240821000001',
    reqDtime: '20240821142750',
    merchantId: 'FINPAY770',
  };
  const signature = await finnetSignature(params, FINNET_SECRET, { hexKeyCase: signedCase });
  return {
    kind: 'finnet/request',
    url: 'https://demos.finnet.co.id/apicobrand/security/getToken',
    headers: 'Content-Type: application/json',
    body: JSON.stringify({ ...params, signature }),
    fields: { secretKey: FINNET_SECRET },
  };
}

async function fondyTokenCase(signedDate: string): Promise<Case> {
  const signature = await fondyTokenSignature({ secretKey: FONDY_SECRET, applicationId: '1234', date: signedDate });
  return {
    kind: 'fondy/token',
    url: 'https://wallet.fondy.eu/authorizer/token/application/get',
    headers: 'Content-Type: application/json',
    body: JSON.stringify({ application_id: '1234', date: '2020-04-06 11:15:27', signature }),
    fields: { secretKey: FONDY_SECRET },
  };
}

async function fondyPaymentCase(pastedKey: string): Promise<Case> {
  const params = {
    order_id: 'test123456',
    order_desc: 'test order',
    currency: 'USD',
    amount: '125',
    merchant_id: '1396424',
  };
  const signature = await fondySignature(params, FONDY_PAYMENT_KEY);
  return {
    kind: 'fondy/payment',
    url: '/callbacks/fondy',
    headers: 'Content-Type: application/x-www-form-urlencoded',
    body: new URLSearchParams({ ...params, signature }).toString(),
    fields: { paymentKey: pastedKey },
  };
}

async function snapNotificationCase(signedPath: string): Promise<Case> {
  const body = '{"virtualAccountNo":"  08000000000000000001","paidAmount":{"value":"10000.00","currency":"IDR"}}';
  const signature = await snapNotificationSignature({
    method: 'POST',
    path: signedPath,
    body,
    timestamp: SNAP_TIME,
    privateKey: RSA_PRIVATE,
  });
  return {
    kind: 'snap/notification',
    url: 'https://merchant.example/payments/notify',
    headers: `X-TIMESTAMP: ${SNAP_TIME}\nX-SIGNATURE: ${signature}\nX-PARTNER-ID: BANK01`,
    body,
    fields: { publicKey: RSA_PUBLIC },
  };
}

async function snapTokenCase(signedTimestamp: string): Promise<Case> {
  const signature = await snapAccessTokenSignature({
    clientId: 'my-client',
    timestamp: signedTimestamp,
    privateKey: RSA_PRIVATE,
  });
  return {
    kind: 'snap/token',
    url: '/v1.0/access-token/b2b',
    headers: `X-CLIENT-KEY: my-client\nX-TIMESTAMP: ${SNAP_TIME}\nX-SIGNATURE: ${signature}`,
    body: '{"grantType":"client_credentials"}',
    fields: { publicKey: RSA_PUBLIC },
  };
}

const IFORTEPAY_URL = 'https://shop.example/ifortepay/notify?shop=1';

async function ifortepayNotifyCase(signedUrl: string): Promise<Case> {
  const body = '{"originalPartnerReferenceNo":"INV-9","latestTransactionStatus":"00"}';
  const signature = await snapIfortepayNotifySignature({
    notifyUrl: signedUrl,
    version: 'v1',
    body,
    timestamp: SNAP_TIME,
    clientSecret: CLIENT_SECRET,
  });
  return {
    kind: 'snap/ifortepay-notify',
    url: IFORTEPAY_URL,
    headers: `X-TIMESTAMP: ${SNAP_TIME}\nX-SIGNATURE: ${signature}\nX-VERSION: v1`,
    body,
    fields: { clientSecret: CLIENT_SECRET },
  };
}

// ---- the tests ------------------------------------------------------------------------------

describe('payauth workbench in headless Chromium', () => {
  it('serves the page with a strict CSP and no inline script, loads in under 1 s, fits 390 px, labels every field', async () => {
    const { page, loadMs } = await open();
    const response = await page.request.get(`${origin}/`);
    expect(response.headers()['content-security-policy']).toMatch(/^default-src 'self'; /);
    expect(await page.$$eval('script', (scripts) => scripts.map((s) => s.getAttribute('src')))).toEqual([
      'workbench.js',
    ]);
    expect(await page.textContent('#privacy-note')).toContain('Keys and secrets stay in this tab');
    console.log(`workbench page ready ${loadMs} ms after navigation`);
    expect(loadMs).toBeGreaterThan(0);
    expect(loadMs).toBeLessThan(1000);
    for (const kind of await page.$$eval('#kind option', (options) =>
      options.map((o) => (o as HTMLOptionElement).value),
    )) {
      await page.selectOption('#kind', kind);
      const unlabelled = await page.$$eval('input, select, textarea', (controls) =>
        controls
          .filter((c) => (c as HTMLInputElement).labels?.length === 0 && !c.getAttribute('aria-label'))
          .map((c) => c.id),
      );
      expect(unlabelled, kind).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), kind).toBeLessThanOrEqual(390);
    }
    expect(await page.$$eval('#kind option', (o) => o.length)).toBe(10);
    // A pasted request line fills the method and URL when they are empty.
    await page.fill('#request-url', '');
    await page.fill(
      '#request-headers',
      'GET /v1.0/balance-inquiry?x=1 HTTP/1.1\nX-TIMESTAMP: 2024-08-21T14:27:50+07:00',
    );
    expect([await page.inputValue('#request-method'), await page.inputValue('#request-url')]).toEqual([
      'GET',
      '/v1.0/balance-inquiry?x=1',
    ]);
  });

  it('SNAP service: a match, a timestamp written as Z, and a body the signer escaped as PHP json_encode does', async () => {
    const { page } = await open();
    const matching = await fillCase(page, await snapServiceCase());
    expect(matching).toEqual({ state: 'match', conclusion: null });
    expect(await page.textContent('#computed-signature')).toBe(await page.textContent('#received-signature'));
    // Each part says where it came from.
    const parts = await page.$$eval('#parts tbody tr', (rows) =>
      rows.map((r) => (r.lastElementChild as HTMLElement).textContent),
    );
    expect(parts).toEqual([
      'the request method',
      'the request URL',
      'header Authorization',
      'body hash, computed from the raw body',
      'header X-TIMESTAMP',
    ]);
    expect(await page.textContent('#string-to-sign')).toContain(`POST:${SNAP_PATH}:${ACCESS_TOKEN}:`);

    const zulu = await fillCase(page, await snapServiceCase('2024-08-21T07:27:50Z'));
    expect(zulu.state).toBe('mismatch');
    expect(zulu.conclusion).toContain('most likely the timestamp differs');
    expect(zulu.conclusion).toContain('"2024-08-21T07:27:50Z"');
    await shot(page, 'snap-service-timestamp');

    const php = await fillCase(page, await snapServiceCase(SNAP_TIME, phpJsonEncode(minifyJson(SNAP_BODY))));
    expect(php.state).toBe('mismatch');
    expect(php.conclusion).toContain(
      'most likely the body differs: the signature matches with the body as PHP json_encode writes it (\\/ and \\uXXXX escapes)',
    );
    expect(await page.textContent('#tried .hit')).toContain('PHP json_encode');
    await shot(page, 'snap-service-php-body');
    // The README's picture: the result of this case on a desktop-wide window.
    await page.setViewportSize({ width: 960, height: 900 });
    await page.locator('#result').screenshot({ path: `${SHOTS}readme-result.png` });
    if (process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(`${SHOTS}readme-result.png`, README_SHOT);
  });

  it('SNAP notification with a preset: asymmetric presets check as "snap notification"; a match and a path with a trailing slash', async () => {
    const { page } = await open();
    await page.selectOption('#kind', 'snap/service');
    await page.selectOption('#preset', 'ifortepay.payment.stage');
    expect(await page.inputValue('#kind')).toBe('snap/notification');
    expect(await page.textContent('#preset-info')).toContain('service signature: asymmetric');
    const matching = await fillCase(page, await snapNotificationCase('/payments/notify'));
    expect(matching).toEqual({ state: 'match', conclusion: null });
    const slash = await fillCase(page, await snapNotificationCase('/payments/notify/'));
    expect(slash.state).toBe('mismatch');
    expect(slash.conclusion).toContain(
      'most likely the path differs: the signature matches with the path with its trailing slash toggled',
    );
  });

  it('SNAP ifortepay notification: a match, X-VERSION read from the headers, and a URL signed without its query', async () => {
    const { page } = await open();
    const matching = await fillCase(page, await ifortepayNotifyCase(IFORTEPAY_URL));
    expect(matching).toEqual({ state: 'match', conclusion: null });
    expect(await page.textContent('#string-to-sign')).toContain(`${IFORTEPAY_URL}:v1:`);
    const bare = await fillCase(page, await ifortepayNotifyCase('https://shop.example/ifortepay/notify'));
    expect(bare.state).toBe('mismatch');
    expect(bare.conclusion).toContain(
      'most likely the notification URL differs: the signature matches with the notification URL without its query string',
    );
  });

  it('SNAP token: a match, a timestamp signed with milliseconds, and a key pair made in the page that the library accepts', async () => {
    const { page } = await open();
    expect(await fillCase(page, await snapTokenCase(SNAP_TIME))).toEqual({ state: 'match', conclusion: null });
    const ms = await fillCase(page, await snapTokenCase('2024-08-21T14:27:50.000+07:00'));
    expect(ms.state).toBe('mismatch');
    expect(ms.conclusion).toContain('most likely the timestamp differs');
    expect(ms.conclusion).toContain('"2024-08-21T14:27:50.000+07:00"');

    await page.click('#generate');
    await page.waitForFunction(() => (document.getElementById('f-privateKey') as HTMLTextAreaElement).value !== '');
    const publicKey = await page.inputValue('#f-publicKey');
    expect(publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(await page.inputValue('#f-privateKey')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    await settled(page);
    // The page signs with its new private key; Node verifies with its public key.
    const signature = (await page.textContent('#computed-signature')) as string;
    expect(
      await verifySnapAccessTokenSignature({ clientId: 'my-client', timestamp: SNAP_TIME, signature, publicKey }),
    ).toBe(true);
  });

  it('DOKU: a request that matches, one sent with a +07:00 timestamp, and a response signed as a request', async () => {
    const { page } = await open();
    expect(await fillCase(page, await dokuCase('request', 'request', '2020-08-11T08:45:42Z'))).toEqual({
      state: 'match',
      conclusion: null,
    });
    const local = await fillCase(
      page,
      await dokuCase('request', 'request', '2020-08-11T08:45:42Z', '2020-08-11T15:45:42+07:00'),
    );
    expect(local.state).toBe('mismatch');
    expect(local.conclusion).toBe(
      '→ most likely the timestamp differs: the signature matches with the same time in UTC (Z) without milliseconds ("2020-08-11T08:45:42Z")',
    );
    expect(await fillCase(page, await dokuCase('response', 'response', '2020-08-11T08:45:43Z'))).toEqual({
      state: 'match',
      conclusion: null,
    });
    const swapped = await fillCase(page, await dokuCase('response', 'request', '2020-08-11T08:45:43Z'));
    expect(swapped.state).toBe('mismatch');
    expect(swapped.conclusion).toContain('most likely the timestamp header differs');
  });

  it('Finnet: a match, and a signature made with the uppercase hex key', async () => {
    const { page } = await open();
    expect(await fillCase(page, await finnetCase('lower'))).toEqual({ state: 'match', conclusion: null });
    const upper = await fillCase(page, await finnetCase('upper'));
    expect(upper.state).toBe('mismatch');
    expect(upper.conclusion).toContain('most likely the hex key case differs');
  });

  it('Fondy token and payment: matches, a date signed as Unix seconds, a key pasted with a line break (offline)', async () => {
    const { page, context } = await open();
    // Everything runs in the tab: the page needs no network once loaded.
    await context.setOffline(true);
    expect(await fillCase(page, await fondyTokenCase('2020-04-06 11:15:27'))).toEqual({
      state: 'match',
      conclusion: null,
    });
    expect(await page.textContent('#string-to-sign')).toBe('<secret key>|1234|2020-04-06 11:15:27');
    const unix = await fillCase(page, await fondyTokenCase(String(Date.parse('2020-04-06T11:15:27Z') / 1000)));
    expect(unix.state).toBe('mismatch');
    expect(unix.conclusion).toContain(
      'most likely the timestamp differs: the signature matches with the same time as Unix seconds',
    );

    expect(await fillCase(page, await fondyPaymentCase(FONDY_PAYMENT_KEY))).toEqual({
      state: 'match',
      conclusion: null,
    });
    const newline = await fillCase(page, await fondyPaymentCase(`${FONDY_PAYMENT_KEY}\n`));
    expect(newline.state).toBe('mismatch');
    expect(newline.conclusion).toContain(
      'most likely the key differs: the signature matches with the payment key without surrounding whitespace',
    );
    await context.setOffline(false);
  });

  it('is usable from the keyboard alone', async () => {
    const { page } = await open();
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'kind'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.id ?? '');
    }
    expect(focused).toBe('kind');
    const c = await finnetCase('lower');
    // Down to Finnet (the 5th signature) with the arrow keys.
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('#kind')).toBe('finnet/request');
    const typeInto = async (id: string, text: string) => {
      for (let i = 0; i < 12; i++) {
        if ((await page.evaluate(() => document.activeElement?.id)) === id) break;
        await page.keyboard.press('Tab');
      }
      expect(await page.evaluate(() => document.activeElement?.id)).toBe(id);
      await page.keyboard.insertText(text);
    };
    await typeInto('request-body', c.body);
    await typeInto('f-secretKey', FINNET_SECRET);
    expect(await settled(page)).toEqual({ state: 'match', conclusion: null });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-secretKey-file');
  });

  it('a share link restores every field but the keys, secrets and token, and never reaches the server', async () => {
    const { page } = await open();
    const c = await snapServiceCase('2024-08-21T07:27:50Z');
    await fillCase(page, c);
    await page.fill('#f-clientId', 'my-client');
    await page.click('#share');
    const link = await page.inputValue('#share-link');
    expect(link.startsWith(`${origin}/#case=`)).toBe(true);
    expect(page.url()).toBe(link);
    for (const secret of SECRETS) expect(link).not.toContain(secret);

    const restored = (await open(link.slice(origin.length))).page;
    expect(await restored.inputValue('#kind')).toBe('snap/service');
    expect(await restored.inputValue('#request-method')).toBe('POST');
    expect(await restored.inputValue('#request-url')).toBe(c.url);
    expect(await restored.inputValue('#request-headers')).toBe(c.headers.replace(/^Authorization: .*\n/m, ''));
    expect(await restored.inputValue('#request-body')).toBe(SNAP_BODY);
    expect(await restored.inputValue('#f-timestamp')).toBe(SNAP_TIME);
    expect(await restored.inputValue('#f-clientId')).toBe('my-client');
    expect(await restored.inputValue('#f-signature')).toBe(await page.inputValue('#f-signature'));
    expect(await restored.inputValue('#f-clientSecret')).toBe('');
    expect(await restored.inputValue('#f-accessToken')).toBe('');
    expect((await settled(restored)).state).toBe('incomplete');
    // Giving back the two secrets brings the same diagnosis.
    await restored.fill('#f-accessToken', ACCESS_TOKEN);
    await restored.fill('#f-clientSecret', CLIENT_SECRET);
    expect((await settled(restored)).conclusion).toContain('most likely the timestamp differs');
    await shot(restored, 'share-link-restored');
  });

  it('sent no request off its origin, stored nothing, put no secret in a URL or the server output', async () => {
    expect(pages.length).toBeGreaterThan(5);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    for (const secret of SECRETS) expect(requests.join('\n')).not.toContain(secret);
    expect(requests.join('\n')).not.toContain(RSA_BODY);
    for (const page of pages) {
      const storage = await page.evaluate(() => ({
        local: localStorage.length,
        session: sessionStorage.length,
        text: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
      }));
      expect(storage).toEqual({ local: 0, session: 0, text: '{}{}' });
      for (const secret of SECRETS) expect(page.url()).not.toContain(secret);
      expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    }
    server?.kill('SIGINT');
    const exit = (await serverExit) as CliResult;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/^payauth workbench on http:\/\/127\.0\.0\.1:\d+\/ {2}\(Ctrl-C to stop\)\n/);
    expect(exit.stderr).toBe('workbench stopped\n');
    for (const secret of [...SECRETS, RSA_BODY]) expect(exit.stdout + exit.stderr).not.toContain(secret);
  });
});
