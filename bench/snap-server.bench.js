// What `@org/snap-auth/server`'s handle() adds to a merchant endpoint: a 1 KB SNAP payment call
// (signed symmetrically with a token the server issued) handled by handle() around a trivial
// handler, against the bare handler (read the body, parse it, answer the SNAP success JSON) on the
// same calls. Issue 14's target: at most 1 ms more median latency on Node.
//
// Both arms build a fresh Web Request from a freshly signed call (a new X-EXTERNAL-ID and
// signature each, so handle() takes its first-copy path every time: verify, claim two
// idempotency keys, run, store), so the difference of the two medians is handle()'s own cost.
// In-process, without HTTP: the socket costs the same with or without handle().
//
// Usage (builds the packages first):
//   npx --yes pnpm@10.34.9 build && cd bench && node --expose-gc snap-server.bench.js
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { formatIsoTimestamp } from '@org/signing-core';
import { createSnapServer } from '@org/snap-auth/server';
import { compare, formatRow } from './harness.js';

const TARGET_NS = 1e6;
const clientId = 'bench-partner';
const clientSecret = 'fdppqbF5wq7vVegyvsV1CROMv646nJ7A';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const url = 'http://127.0.0.1/v1.0/transfer-va/notify-payment-intrabank';
const path = new URL(url).pathname;

const server = createSnapServer({
  partners: [{ clientId, publicKey: publicKey.export({ type: 'spki', format: 'pem' }), clientSecret }],
  // Far more keys than one run claims, so the store never evicts during the measurement.
  tokenTtlSeconds: 86_400,
});

// A token, asked for the way a provider does.
const tokenTimestamp = formatIsoTimestamp(Date.now(), { offset: '+07:00' });
const tokenResponse = await server.handleAccessToken(
  new Request('http://127.0.0.1/v1.0/access-token/b2b', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-CLIENT-KEY': clientId,
      'X-TIMESTAMP': tokenTimestamp,
      'X-SIGNATURE': sign('sha256', Buffer.from(`${clientId}|${tokenTimestamp}`), privateKey).toString('base64'),
    },
    body: '{"grantType":"client_credentials"}',
  }),
);
const { accessToken } = await tokenResponse.json();
if (typeof accessToken !== 'string') throw new Error('bench: no token');

// A 1 KB payment notification body.
const base = {
  partnerServiceId: '   88899',
  customerNo: '12345678901234567890',
  virtualAccountNo: '   8889912345678901234567890',
  virtualAccountName: 'Jokul Doe',
  virtualAccountEmail: 'jokul@email.com',
  virtualAccountPhone: '6281828384858',
  trxId: 'abcdefgh1234',
  paymentRequestId: '',
  channelCode: 6011,
  sourceBankCode: '008',
  paidAmount: { value: '100000.00', currency: 'IDR' },
  cumulativePaymentAmount: { value: '100000.00', currency: 'IDR' },
  paidBills: '95000',
  totalAmount: { value: '100000.00', currency: 'IDR' },
  trxDateTime: '2026-03-02T10:00:00+07:00',
  referenceNo: '123456789012345',
  journalNum: '123456',
  paymentType: '1',
  flagAdvise: 'Y',
  subCompany: '12345',
  billDetails: [
    {
      billCode: '01',
      billNo: '123456789012345678',
      billName: 'Bill A for Jan',
      billShortName: 'Bill A',
      billDescription: { english: 'Maintenance', indonesia: 'Pemeliharaan' },
      billSubCompany: '00001',
      billAmount: { value: '100000.00', currency: 'IDR' },
      additionalInfo: {},
    },
  ],
  additionalInfo: { value: 'Info' },
};
let n = 0;
const padding = 1024 - JSON.stringify({ ...base, paymentRequestId: '202603020000000000' }).length;
if (padding > 0) base.additionalInfo.value += 'x'.repeat(padding);

function nextCall() {
  n += 1;
  const body = JSON.stringify({ ...base, paymentRequestId: String(202603020000000000n + BigInt(n)) });
  const timestamp = formatIsoTimestamp(Date.now(), { offset: '+07:00' });
  const hash = createHash('sha256').update(body).digest('hex');
  const signature = createHmac('sha512', clientSecret)
    .update(`POST:${path}:${accessToken}:${hash}:${timestamp}`)
    .digest('base64');
  return new Request(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${accessToken}`,
      'X-TIMESTAMP': timestamp,
      'X-SIGNATURE': signature,
      'X-PARTNER-ID': clientId,
      'X-EXTERNAL-ID': String(n),
      'CHANNEL-ID': '95221',
    },
    body,
  });
}

const reply = (json) => ({ virtualAccountData: { paymentRequestId: json.paymentRequestId } });

async function bare() {
  const request = nextCall();
  const json = JSON.parse(await request.text());
  const response = Response.json({ responseCode: '2002500', responseMessage: 'Successful', ...reply(json) });
  await response.arrayBuffer();
}

async function handled() {
  const response = await server.handle(nextCall(), { serviceCode: '25' }, (call) => reply(call.json));
  if (response.status !== 200) throw new Error(`bench: handle() answered ${response.status}`);
  await response.arrayBuffer();
}

console.log(`body: ${JSON.stringify({ ...base, paymentRequestId: '202603020000000001' }).length} bytes`);
const result = await compare({
  name: 'handle() on a 1 KB payment call',
  baselineName: 'bare handler',
  baseline: bare,
  candidate: handled,
});
console.log('| benchmark | mode | baseline | ours | ratio | target |');
console.log('| --- | --- | --- | --- | --- | --- |');
console.log(formatRow(result));
const added = result.candidateNsPerOp - result.baselineNsPerOp;
console.log(
  `\nhandle() adds ${(added / 1e3).toFixed(1)} µs of median latency (target ≤ ${TARGET_NS / 1e6} ms): ${added <= TARGET_NS ? 'ok' : 'MISSED'}`,
);
