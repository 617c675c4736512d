// The whole toolkit with nothing configured and no network beyond 127.0.0.1.
//
// 1. Starts the SNAP, Finnet, DOKU and Fondy sandboxes (the same module as `payauth sandbox`),
//    and a small "merchant" server that receives notifications.
// 2. For each provider: gets a token, asks again and shows the second call made no request
//    (counted at the sandbox), makes a signed call the sandbox accepts, and for SNAP and DOKU
//    has the sandbox send a signed notification that the merchant verifies (and a tampered one
//    that it refuses).
// 3. Plays the inbound flow: the merchant is a SNAP server (`@org/snap-auth/server`) and the
//    SNAP sandbox, as the bank, gets a token from it, pays a virtual account, redelivers the
//    payment (answered from the first run) and sends a forged call (refused).
// 4. Prints one table and the next commands to try (the workbench last), and exits 0, or 1 if
//    any step failed.
import { startSandboxes } from '@org/cli/sandboxes';
import { createDokuPartnerAuth, verifyDokuNotification } from '@org/doku-partner-auth';
import { createFinnetAuth, FINNET_WIDGET_TOP_UP_PATH } from '@org/finnet-auth';
import { createFondyAuth } from '@org/fondy-auth';
import { isAuthError, isSignatureError } from '@org/signing-core';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { createSnapAuth, verifySnapNotification } from '@org/snap-auth';
import { createSnapServer } from '@org/snap-auth/server';

const sandboxes = await startSandboxes();
const { snap, finnet, doku, fondy } = sandboxes;

// The merchant's notification endpoint: verifies over the raw body, answers 401 otherwise.
const merchant = await serveOnLoopback(async (request) => {
  const path = new URL(request.url).pathname;
  try {
    if (path === '/snap/notifications') {
      await verifySnapNotification(request, { publicKey: snap.sandbox.providerPublicKey });
      return Response.json({ responseCode: '2002500', responseMessage: 'Successful' });
    }
    if (path === '/doku/notifications') {
      await verifyDokuNotification(request, { clientId: doku.clientId, secretKey: doku.secretKey });
      return Response.json({ received: true });
    }
    return new Response('not found', { status: 404 });
  } catch (error) {
    if (isSignatureError(error)) return Response.json({ refused: error.check }, { status: 401 });
    throw error;
  }
}, 0);

const clients = {
  snap: createSnapAuth({
    baseUrl: snap.url,
    clientId: snap.clientId,
    privateKey: snap.privateKey,
    clientSecret: snap.clientSecret,
    channelId: snap.channelId,
  }),
  finnet: createFinnetAuth({ baseUrl: finnet.url, secretKey: finnet.secretKey }),
  doku: createDokuPartnerAuth({ baseUrl: doku.url, clientId: doku.clientId, secretKey: doku.secretKey }),
  fondy: createFondyAuth({ baseUrl: fondy.url, applicationId: fondy.applicationId, secretKey: fondy.secretKey }),
};

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

/** Each provider: how to get its token, its token path at the sandbox, its signed call and its notification. */
const providers = [
  {
    name: 'SNAP',
    sandbox: snap.sandbox,
    tokenPath: snap.tokenPath,
    getToken: () => clients.snap.getAccessToken(),
    async signedCall() {
      const answer = await clients.snap.ky
        .post(snap.servicePath.slice(1), {
          json: { partnerReferenceNo: '2020102900000000000001', accountNo: '1234567890' },
        })
        .json();
      return `POST ${snap.servicePath} → ${answer.responseCode}`;
    },
    async notification() {
      const body = {
        originalPartnerReferenceNo: 'INV-001',
        latestTransactionStatus: '00',
        amount: { value: '10000.00', currency: 'IDR' },
      };
      const url = `${merchant.url}/snap/notifications`;
      const good = await snap.sandbox.sendNotification({ url, body });
      const tampered = await snap.sandbox.sendNotification({
        url,
        body,
        tamperBody: (text) => text.replace('10000.00', '99999.00'),
      });
      if (good.status !== 200) throw new Error(`the merchant refused the signed notification (HTTP ${good.status})`);
      if (tampered.status !== 401)
        throw new Error(`the merchant accepted a tampered notification (HTTP ${tampered.status})`);
      return 'verified (RSA); tampered one refused';
    },
  },
  {
    name: 'Finnet',
    sandbox: finnet.sandbox,
    tokenPath: finnet.tokenPath,
    getToken: () => clients.finnet.getToken(),
    async signedCall() {
      const topUp = await clients.finnet.request(FINNET_WIDGET_TOP_UP_PATH, {
        requestType: 'widgetTopUp',
        phoneNumber: '08111008696',
      });
      return `widget top-up → ${topUp.data.statusCode}`;
    },
  },
  {
    name: 'DOKU',
    sandbox: doku.sandbox,
    tokenPath: doku.tokenPath,
    getToken: () => clients.doku.getToken(),
    async signedCall() {
      const form = new FormData();
      form.set('category', 'LOGO');
      form.set('file', new File([PNG], 'logo.png', { type: 'image/png' }));
      const uploaded = await clients.doku.ky.post(doku.filePath.slice(1), { body: form }).json();
      return `upload file → ${uploaded.category} ${uploaded.id}`;
    },
    async notification() {
      const body = { order: { invoice_number: 'INV-20240821-0001', amount: 15000 } };
      const url = `${merchant.url}/doku/notifications`;
      const good = await doku.sandbox.sendNotification({ url, body });
      if (good.status !== 200) throw new Error(`the merchant refused the signed notification (HTTP ${good.status})`);
      const forged = await doku.sandbox.sendNotification({
        url,
        body,
        clientId: doku.clientId,
        target: '/another/path',
      });
      if (forged.status !== 401)
        throw new Error(`the merchant accepted a notification signed for another path (HTTP ${forged.status})`);
      return 'verified (HMAC); wrong target refused';
    },
  },
  {
    name: 'Fondy',
    sandbox: fondy.sandbox,
    tokenPath: fondy.tokenPath,
    getToken: () => clients.fondy.getToken(),
    async signedCall() {
      const report = await clients.fondy.ky
        .post(fondy.reportPath.slice(1), {
          json: { report_id: fondy.reportId, merchant_id: fondy.merchantId, filters: [], on_page: 100, page: 1 },
        })
        .json();
      return `report ${fondy.reportId} → ${report.rows_count} rows`;
    },
  },
];

/** A failed step's cell: the typed error's code and message (never a secret: the packages guarantee it). */
function failure(error) {
  if (isAuthError(error)) return `✗ ${error.code}: ${error.message}`;
  return `✗ ${error instanceof Error ? error.message : String(error)}`;
}

function minutes(ms) {
  return ms >= 3_600_000 * 2 ? `${Math.round(ms / 3_600_000)} h` : `${Math.round(ms / 60_000)} min`;
}

const rows = [];
let failed = 0;
for (const provider of providers) {
  const row = { provider: provider.name, token: '', cached: '', call: '', notification: '—' };
  const step = async (key, fn) => {
    try {
      row[key] = `✓ ${await fn()}`;
    } catch (error) {
      row[key] = failure(error);
      failed += 1;
    }
  };
  await step('token', async () => {
    const before = provider.sandbox.requests.count(provider.tokenPath);
    const token = await provider.getToken();
    const made = provider.sandbox.requests.count(provider.tokenPath) - before;
    if (made !== 1) throw new Error(`expected 1 token request, the sandbox saw ${made}`);
    // The token itself is never printed: only its type and lifetime.
    return `${token.tokenType}, valid ${minutes(token.expiresAt.getTime() - Date.now())}`;
  });
  await step('cached', async () => {
    const before = provider.sandbox.requests.count(provider.tokenPath);
    await provider.getToken();
    const made = provider.sandbox.requests.count(provider.tokenPath) - before;
    if (made !== 0) throw new Error(`the second call made ${made} token request(s)`);
    return '2nd call: 0 requests';
  });
  await step('call', () => provider.signedCall());
  if (provider.notification) await step('notification', () => provider.notification());
  rows.push(row);
}

// The inbound flow: the merchant issues SNAP tokens to the bank and answers its calls once.
{
  const row = { provider: 'SNAP inbound', token: '', cached: '', call: '', notification: '' };
  const BANK = 'DEMO-BANK';
  const bankSecret = 'demo-bank-shared-secret';
  const snapServer = createSnapServer({
    partners: [{ clientId: BANK, publicKey: snap.sandbox.providerPublicKey, clientSecret: bankSecret }],
  });
  let tokensIssued = 0;
  let payments = 0;
  const shop = await serveOnLoopback(async (request) => {
    if (new URL(request.url).pathname === '/v1.0/access-token/b2b') {
      tokensIssued += 1;
      return snapServer.handleAccessToken(request);
    }
    return snapServer.handle(request, { serviceCode: '25' }, async (call) => {
      payments += 1;
      return { virtualAccountData: { paymentRequestId: call.json.paymentRequestId, paymentFlagStatus: '00' } };
    });
  }, 0);
  const bank = snap.sandbox.merchant({ baseUrl: shop.url, clientId: BANK, clientSecret: bankSecret });
  const step = async (key, fn) => {
    try {
      row[key] = `✓ ${await fn()}`;
    } catch (error) {
      row[key] = failure(error);
      failed += 1;
    }
  };
  const payment = { paymentRequestId: 'PAY-0001', paidAmount: { value: '10000.00', currency: 'IDR' } };
  let paid;
  await step('token', async () => {
    await bank.getToken();
    if (tokensIssued !== 1) throw new Error(`expected 1 token request at the merchant, saw ${tokensIssued}`);
    return 'issued to the bank (2007300)';
  });
  await step('cached', async () => {
    await bank.getToken();
    if (tokensIssued !== 1) throw new Error(`the bank asked the merchant for ${tokensIssued - 1} more token(s)`);
    return '2nd call: 0 requests';
  });
  await step('call', async () => {
    paid = await bank.call('/v1.0/transfer-va/payment', { body: payment });
    if (paid.status !== 200 || !paid.validSnapResponse) throw new Error(`payment answered HTTP ${paid.status}`);
    const again = await bank.call('/v1.0/transfer-va/payment', { body: payment, externalId: paid.externalId });
    if (again.responseBody !== paid.responseBody || payments !== 1) {
      throw new Error(`the redelivered payment ran the handler ${payments} time(s)`);
    }
    return `payment → ${paid.responseCode}, processed once; redelivery → same answer`;
  });
  await step('notification', async () => {
    const forged = await bank.call('/v1.0/transfer-va/payment', {
      body: { ...payment, paymentRequestId: 'PAY-0002' },
      clientSecret: 'a guess',
      redelivery: { attempts: 1 },
    });
    if (forged.status !== 401 || payments !== 1) throw new Error(`a forged call got HTTP ${forged.status}`);
    return `forged call refused (${forged.responseCode})`;
  });
  rows.push(row);
  await shop.close();
}

await merchant.close();
await sandboxes.close();

const columns = [
  ['provider', 'provider'],
  ['token', 'token'],
  ['cached', 'cached'],
  ['call', 'signed call (accepted by the sandbox)'],
  ['notification', 'notification'],
];
const widths = columns.map(([key, title]) => Math.max(title.length, ...rows.map((row) => row[key].length)));
const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
console.log('payauth demo: every provider sandbox on 127.0.0.1, nothing configured\n');
console.log(line(columns.map(([, title]) => title)));
console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
for (const row of rows) console.log(line(columns.map(([key]) => row[key])));
console.log();
if (failed === 0) {
  console.log(
    `All ${rows.length - 1} providers: token fetched once and cached, signed call accepted, notifications verified; inbound SNAP: token issued, payment processed once, forged call refused.`,
  );
} else {
  console.log(`${failed} step(s) failed.`);
}
console.log();
console.log('Next:');
console.log('  payauth sandbox         # the same sandboxes, until Ctrl-C, with export lines for payauth token');
console.log('  payauth verify --help   # why a signature does not match, on the command line');
console.log(
  '  payauth workbench       # the same diagnosis in the browser: paste a captured request (keys stay in the tab)',
);
process.exitCode = failed === 0 ? 0 : 1;
