// Runs every benchmark and prints a Markdown table (copied into bench/README.md).
// Usage: npx pnpm@10.34.9 bench   (builds the packages first)
//
// It runs on the toolchain Node only (the root package.json's `node` devDependency, which pnpm
// puts first on PATH): node:crypto's cost differs between Node majors (createHmac with a raw key
// costs ~3× more on Node 24 than on Node 20), so a run on another Node measures something else.
// BENCH_ANY_NODE=1 runs anyway and says so. BENCH_ONLY=transport (or tokens, primitives, sdk,
// json, notify, a comma-separated list) runs some sections only, for profiling; a report uses complete runs.
import { fork } from 'node:child_process';
import { createHash, createHmac, createPrivateKey, createSecretKey, sign as nodeSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { createDokuPartnerAuth } from '@org/doku-partner-auth';
import { createFondyAuth } from '@org/fondy-auth';
import {
  createTokenManager,
  cryptoBackendName,
  digest,
  hmac,
  importHmacKey,
  importRsaPrivateKey,
  minifyJson,
  phpJsonEncode,
  rsaSign,
} from '@org/signing-core';
import { createBoundedFetch, createHttpClient, createSigningFetch } from '@org/signing-core/provider-kit';
import {
  createSnapAuth,
  snapAccessTokenSignature,
  snapNotificationSignature,
  snapServiceSignature,
  verifySnapNotification,
  verifySnapSignature,
} from '@org/snap-auth';
import ky from 'ky';
import { compare, formatRow } from './harness.js';

const require = createRequire(import.meta.url);
const pem = readFileSync(
  new URL('../packages/signing-core/src/__fixtures__/keys/snap-b2b-1.pem', import.meta.url),
  'utf8',
);
const clientId = 'G1234325-SNAP';
const timestamp = '2023-07-31T07:10:00+07:00';
const clientSecret = 'fdppqbF5wq7vVegyvsV1CROMv646nJ7A';
const accessToken = 'gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a';
const bodyObject = {
  partnerReferenceNo: '2020102900000000000001',
  amount: { value: '12345678.00', currency: 'IDR' },
  additionalInfo: { deviceId: '12345679237', channel: 'mobilephone' },
};
const bodyText = JSON.stringify(bodyObject);
const message = `POST:/v1.0/debit/payment-host-to-host:${accessToken}:${'a'.repeat(64)}:${timestamp}`;

const toolchainNode = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).devDependencies
  .node;
if (process.versions.node !== toolchainNode) {
  const message = `bench: Node ${process.versions.node} is not the toolchain Node ${toolchainNode}; run \`npx pnpm@10.34.9 bench\` (or node_modules/.bin/node)`;
  if (!process.env.BENCH_ANY_NODE) {
    console.error(message);
    process.exit(1);
  }
  console.log(`WARNING: ${message}. Figures are not comparable with the README.`);
}
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const section = (name) => only === undefined || only.includes(name);
const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');

const rows = [];
const report = (result, target) => {
  const row = formatRow(result, target);
  rows.push(row);
  console.log(row);
};

console.log(
  `crypto backend: ${cryptoBackendName}; Node ${process.version} (OpenSSL ${process.versions.openssl}); ${os.cpus().length} × ${os.cpus()[0]?.model}`,
);
console.log(`started ${new Date().toISOString()}; load average (1, 5, 15 min): ${load()}`);
console.log('| benchmark | mode | baseline | ours | ours/baseline time | target |');
console.log('|---|---|---|---|---|---|');

// 1. A cached getToken() against the cheapest possible async function.
if (section('tokens')) {
  const manager = createTokenManager({
    key: 'bench',
    fetchToken: async () => ({ token: 't', expiresAt: Date.now() + 3_600_000 }),
  });
  await manager.getToken();
  const value = { token: 't' };
  report(
    await compare({
      name: 'cached getToken()',
      baselineName: 'async () => value',
      baseline: async () => value,
      candidate: manager.getToken,
    }),
    2,
  );
}

// 2. Primitives against the runtime's fastest primitive called directly with a pre-imported key.
if (section('primitives')) {
  const data = new TextEncoder().encode(message);
  const nodeKey = createSecretKey(Buffer.from(clientSecret));
  const ourKey = await importHmacKey('SHA-512', clientSecret);
  const nodeHmac = () => createHmac('sha512', nodeKey).update(data).digest();
  for (const inFlight of [1, 64]) {
    report(
      await compare({
        name: 'hmac SHA-512',
        baselineName: 'node createHmac',
        baseline: nodeHmac,
        candidate: () => hmac('SHA-512', ourKey, data),
        inFlight,
      }),
      1.1,
    );
  }
  const nodeDigest = () => createHash('sha256').update(data).digest();
  for (const inFlight of [1, 64]) {
    report(
      await compare({
        name: 'digest SHA-256',
        baselineName: 'node createHash',
        baseline: nodeDigest,
        candidate: () => digest('SHA-256', data),
        inFlight,
      }),
      1.1,
    );
  }

  // RSA: the fastest runtime primitive is whichever of crypto.sign (thread pool) and
  // crypto.subtle.sign is faster here; both are measured and the faster is the baseline.
  const keyObject = createPrivateKey(pem);
  const cryptoKey = await crypto.subtle.importKey(
    'pkcs8',
    keyObject.export({ type: 'pkcs8', format: 'der' }),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const rsaData = new TextEncoder().encode(`${clientId}|${timestamp}`);
  const threadPoolSign = () =>
    new Promise((resolve, reject) => nodeSign('sha256', rsaData, keyObject, (e, s) => (e ? reject(e) : resolve(s))));
  const subtleSign = () => crypto.subtle.sign('RSASSA-PKCS1-v1_5', cryptoKey, rsaData);
  const ourKeyRsa = await importRsaPrivateKey(pem);
  for (const inFlight of [1, 64]) {
    const pool = await compare({
      name: 'runtime RSA primitives',
      baselineName: 'crypto.subtle.sign',
      baseline: subtleSign,
      candidate: threadPoolSign,
      inFlight,
      rounds: 5,
    });
    console.log(
      `  (crypto.sign on the thread pool / crypto.subtle.sign = ${pool.ratio.toFixed(2)}× time, ${pool.mode})`,
    );
    const fastest =
      pool.ratio <= 1
        ? { name: 'crypto.sign (thread pool)', fn: threadPoolSign }
        : { name: 'crypto.subtle.sign', fn: subtleSign };
    report(
      await compare({
        name: 'rsaSign SHA256withRSA 2048',
        baselineName: fastest.name,
        baseline: fastest.fn,
        candidate: () => rsaSign(ourKeyRsa, rsaData),
        inFlight,
        rounds: 5,
      }),
      1.1,
    );
  }
}

// 3. Against the signing code of the published SDKs a merchant would otherwise use, on identical inputs.
if (section('sdk')) {
  const dokuTokens = require('doku-nodejs-library/_services/tokenService.js');
  // DanaSignatureUtil is not in dana-node's export map; load the file it lives in directly.
  const { DanaSignatureUtil } = require(require.resolve('dana-node').replace(/index\.js$/, 'runtime.js'));
  // Ours: the published @org/snap-auth functions, with keys given as text exactly as the SDKs
  // get them (the package imports a PEM once and reuses it).
  const ourAccessTokenSignature = () => snapAccessTokenSignature({ clientId, timestamp, privateKey: pem });
  const ourServiceSignature = () =>
    snapServiceSignature({
      method: 'POST',
      path: '/v1.0/debit/payment-host-to-host',
      accessToken,
      body: bodyText,
      timestamp,
      clientSecret,
    });
  // Same outputs first: a benchmark of different work would mean nothing.
  if ((await ourAccessTokenSignature()) !== dokuTokens.generateSignature(pem, clientId, timestamp))
    throw new Error('RSA outputs differ (doku)');
  if (
    (await ourAccessTokenSignature()) !==
    DanaSignatureUtil.generateSnapApplyTokenScenarioSignature(clientId, pem, timestamp)
  ) {
    throw new Error('RSA outputs differ (dana)');
  }
  const dokuSymmetric = () =>
    dokuTokens.generateSymmetricSignature(
      'POST',
      '/v1.0/debit/payment-host-to-host',
      accessToken,
      bodyObject,
      timestamp,
      clientSecret,
    );
  if ((await ourServiceSignature()) !== dokuSymmetric()) throw new Error('HMAC outputs differ (doku)');

  report(
    await compare({
      name: 'SNAP access-token signature (RSA)',
      baselineName: 'doku-nodejs-library',
      baseline: () => dokuTokens.generateSignature(pem, clientId, timestamp),
      candidate: ourAccessTokenSignature,
      inFlight: 64,
      rounds: 5,
    }),
    1 / 1.5,
  );
  report(
    await compare({
      name: 'SNAP access-token signature (RSA)',
      baselineName: 'dana-node',
      baseline: () => DanaSignatureUtil.generateSnapApplyTokenScenarioSignature(clientId, pem, timestamp),
      candidate: ourAccessTokenSignature,
      inFlight: 64,
      rounds: 5,
    }),
    1 / 1.5,
  );
  for (const inFlight of [1, 64]) {
    report(
      await compare({
        name: 'SNAP service signature (HMAC)',
        baselineName: 'doku-nodejs-library',
        baseline: dokuSymmetric,
        candidate: ourServiceSignature,
        inFlight,
      }),
      1,
    );
  }
}

// 4. Transport: 64 concurrent POSTs with a 1 KB body to a trivial server in another process.
//    The baselines send the same request with headers computed once, before the run. A ky
//    baseline has the same ky options as the signing instance apart from signing: both are
//    created with `retry: 0` (the signing instance still keeps ky's limit at 1 for its
//    refresh-and-retry-once). 15 rounds: these rows move the most with the machine's load.
if (section('transport')) {
  const child = fork(new URL('./server.js', import.meta.url), { stdio: 'inherit' });
  const { port } = await new Promise((resolve) => child.once('message', resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  const path = 'v1.0/transfer-va/payment';
  const body = JSON.stringify({ ...bodyObject, note: 'x'.repeat(1024 - bodyText.length - 10) });
  const transport = async (spec, target) => report(await compare({ inFlight: 64, rounds: 15, ...spec }), target);
  // What each provider's signer sends, with the same names and lengths, computed once.
  const snapHeaders = {
    'content-type': 'application/json',
    authorization: `Bearer ${accessToken}`,
    'x-timestamp': timestamp,
    'x-signature': 'a'.repeat(88),
    'x-partner-id': clientId,
    'x-external-id': '1'.repeat(36),
    'channel-id': '95221',
  };
  const dokuHeaders = {
    'content-type': 'application/json',
    authorization: 'Bearer bench-token-0123456789abcdef',
    'client-id': 'BRN-0001-1234567890',
    'request-id': '3b7f43a4-1b0e-4c2a-9a1f-1d5c0b2f6e7d',
    'request-timestamp': '2023-07-31T00:10:00Z',
    signature: `HMACSHA256=${'a'.repeat(44)}`,
  };
  const fondyHeaders = { 'content-type': 'application/json', authorization: 'Token bench-token-0123456789abcdef' };
  const plainFetch = (headers) => () =>
    fetch(`${baseUrl}/${path}`, { method: 'POST', headers, body }).then((r) => r.text());
  const bareKy = (headers, options = {}) => {
    const instance = ky.create({ prefix: baseUrl, headers, retry: 0, ...options });
    return () => instance.post(path, { body }).text();
  };
  const json = { method: 'POST', headers: { 'content-type': 'application/json' }, body };

  // The signing fetch (no ky): the core's, SNAP's `auth.fetch`, Fondy's `fetch`.
  const coreFetch = createSigningFetch({ provider: 'bench', baseUrl, retry: 0, sign: () => snapHeaders });
  await transport(
    {
      name: 'core signing fetch (static signer)',
      baselineName: 'fetch, precomputed headers',
      baseline: plainFetch(snapHeaders),
      candidate: () => coreFetch(`/${path}`, { method: 'POST', body }).then((r) => r.text()),
    },
    1.3,
  );
  const snap = createSnapAuth({ baseUrl, clientId, privateKey: pem, clientSecret, channelId: '95221', retry: 0 });
  await snap.getAccessToken();
  await transport(
    {
      name: 'SNAP auth.fetch (HMAC-signed per call)',
      baselineName: 'fetch, precomputed headers',
      baseline: plainFetch(snapHeaders),
      candidate: () => snap.fetch(`/${path}`, json).then((r) => r.text()),
    },
    1.3,
  );
  await transport({
    name: 'SNAP signRequest + fetch',
    baselineName: 'fetch, precomputed headers',
    baseline: plainFetch(snapHeaders),
    candidate: async () => {
      const signed = await snap.signRequest({ method: 'POST', path: `/${path}`, body });
      return fetch(signed.url, { method: signed.method, headers: signed.headers, body: signed.body }).then((r) =>
        r.text(),
      );
    },
  });
  // No target: both sides do SNAP's signing work per call, so the ratio is what the signing
  // fetch's own guarantees (the deadline over the body, the size limit, redirect refusal,
  // retries and the refresh-once) cost on top of signing and sending by hand.
  await transport({
    name: 'SNAP auth.fetch',
    baselineName: 'SNAP signRequest + fetch',
    baseline: async () => {
      const signed = await snap.signRequest({ method: 'POST', path: `/${path}`, body });
      return fetch(signed.url, { method: signed.method, headers: signed.headers, body: signed.body }).then((r) =>
        r.text(),
      );
    },
    candidate: () => snap.fetch(`/${path}`, json).then((r) => r.text()),
  });
  const fondy = createFondyAuth({ applicationId: '1396424', secretKey: 'bench-secret', baseUrl, retry: 0 });
  await fondy.getToken();
  await transport(
    {
      name: 'Fondy fetch (token per call, 2xx bodies checked)',
      baselineName: 'fetch, precomputed headers',
      baseline: plainFetch(fondyHeaders),
      candidate: () => fondy.fetch(`/${path}`, json).then((r) => r.text()),
    },
    1.3,
  );

  // Signing ky instances against bare ky.
  const core = createHttpClient({ provider: 'bench', baseUrl, retry: 0 });
  const coreSigned = core.signed({ sign: () => snapHeaders });
  await transport(
    {
      name: 'core signing ky (static signer)',
      baselineName: 'bare ky, same headers',
      baseline: bareKy(snapHeaders),
      candidate: () => coreSigned.post(path, { body }).text(),
    },
    1.15,
  );
  await transport(
    {
      name: 'SNAP auth.ky (HMAC-signed per call)',
      baselineName: 'bare ky, same headers',
      baseline: bareKy(snapHeaders),
      candidate: () => snap.ky.post(path, { body }).text(),
    },
    1.15,
  );
  const doku = createDokuPartnerAuth({ clientId: 'BRN-0001-1234567890', secretKey: 'SK-bench', baseUrl, retry: 0 });
  await doku.getToken();
  await transport(
    {
      name: 'DOKU auth.ky (HMAC-signed per call)',
      baselineName: 'bare ky, same headers',
      baseline: bareKy(dokuHeaders),
      candidate: () => doku.ky.post(path, { body, headers: { 'content-type': 'application/json' } }).text(),
    },
    1.15,
  );

  // Where ky's own time goes (no target): what a signing instance cannot avoid inside ky.
  await transport({
    name: 'ky itself',
    baselineName: 'fetch, precomputed headers',
    baseline: plainFetch(snapHeaders),
    candidate: bareKy(snapHeaders),
  });
  await transport({
    name: 'ky with the bounded fetch (body read within the attempt, size limit)',
    baselineName: 'bare ky, same headers',
    baseline: bareKy(snapHeaders),
    candidate: bareKy(snapHeaders, {
      redirect: 'manual',
      fetch: createBoundedFetch({ provider: 'bench', timeoutMs: 0, maxResponseBytes: 4 * 1024 * 1024 }),
    }),
  });
  await transport({
    name: 'ky with retry limit 1 (clones each request)',
    baselineName: 'bare ky, same headers',
    baseline: bareKy(snapHeaders),
    candidate: bareKy(snapHeaders, { retry: 1 }),
  });
  await transport({
    name: 'ky with one no-op afterResponse hook (clones each response)',
    baselineName: 'bare ky, same headers',
    baseline: bareKy(snapHeaders),
    candidate: bareKy(snapHeaders, { hooks: { afterResponse: [() => {}] } }),
  });
  await transport({
    name: 'ky with totalTimeout (races each hook and body read)',
    baselineName: 'bare ky, same headers',
    baseline: bareKy(snapHeaders),
    candidate: bareKy(snapHeaders, { totalTimeout: 30_000, hooks: { beforeRequest: [() => {}] } }),
  });
  child.disconnect();
}

// 5. JSON (issue 13): minifyJson and phpJsonEncode against SHA-256 of the same text (node:crypto
//    createHash on the string), 1 KB to 10 MB of payment-like JSON, minified and pretty-printed
//    (JSON.stringify(value, null, 2)). The rows' time is per call over the whole text.
if (section('json')) {
  const payment = (k) => ({
    partnerReferenceNo: `2020102900${String(k).padStart(12, '0')}`,
    amount: { value: `${(k % 100_000) + 1}.00`, currency: 'IDR' },
    payer: { name: 'Siti Nurhaliza', email: 'siti@example.co.id', phone: '+6281234567890' },
    urlParam: [{ url: 'https://merchant.example.co.id/v1/notify/payment', type: 'PAY_NOTIFY', isDeeplink: 'N' }],
    items: [
      { sku: 'SKU-001', qty: 2, price: 15000.5, note: 'Kopi susu gula aren – 2 gelas' },
      { sku: 'SKU-002', qty: 1, price: 1e3, note: 'Roti bakar' },
    ],
    validUpTo: '2024-08-21T14:27:50+07:00',
    additionalInfo: { deviceId: '12345679237', channel: 'mobilephone', refunded: false, memo: null },
  });
  // About `bytes` of text: the item count from one item's length.
  const build = (bytes, space) => {
    const one = JSON.stringify([payment(0)], null, space).length;
    const count = Math.max(1, Math.ceil(bytes / one));
    const value = Array.from({ length: count }, (_, k) => payment(k));
    return { value, text: JSON.stringify(value, null, space) };
  };
  const sha256 = (text) => () => createHash('sha256').update(text).digest();
  for (const [label, bytes] of [
    ['1 KB', 1024],
    ['10 KB', 10 * 1024],
    ['100 KB', 100 * 1024],
    ['1 MB', 1024 * 1024],
    ['10 MB', 10 * 1024 * 1024],
  ]) {
    for (const [input, space] of [
      ['minified', 0],
      ['pretty', 2],
    ]) {
      const { value, text } = build(bytes, space);
      // The work compared must be right first: minifying gives JSON.stringify's text.
      if (minifyJson(text) !== JSON.stringify(value)) throw new Error('minifyJson output differs');
      if (!/^[\x20-\x7e]*$/.test(phpJsonEncode(text))) throw new Error('phpJsonEncode output is not ASCII');
      const size = `${label} ${input} (${(text.length / 1024).toFixed(0)} KiB)`;
      for (const [name, fn] of [
        ['minifyJson', minifyJson],
        ['phpJsonEncode', phpJsonEncode],
      ]) {
        report(
          await compare({
            name: `${name}, ${size}`,
            baselineName: 'node createHash SHA-256, same text',
            baseline: sha256(text),
            candidate: () => fn(text),
            rounds: 7,
          }),
          1.5,
        );
      }
    }
  }
  // The floor of any JavaScript scanner: a loop that only reads every character once.
  const readEveryCharacter = (text) => {
    let sum = 0;
    for (let k = 0; k < text.length; k++) sum ^= text.charCodeAt(k);
    return sum;
  };
  for (const [input, space] of [
    ['minified', 0],
    ['pretty', 2],
  ]) {
    const { text } = build(1024 * 1024, space);
    report(
      await compare({
        name: `floor: a loop reading every character (charCodeAt), 1 MB ${input}`,
        baselineName: 'node createHash SHA-256, same text',
        baseline: sha256(text),
        candidate: () => readEveryCharacter(text),
        rounds: 7,
      }),
    );
  }
}

// 6. Notifications (issue 13): verifySnapNotification(request) against verifySnapSignature over the
//    same 1 KB asymmetric notification (SHA256withRSA, PEM given as text), and against dana-node's
//    and midtrans-client's notification verifiers. A Request body can be read once, so every call
//    gets a new Request; the target row gives the baseline the same `new Request(...)` (its cost,
//    about a third of a verifySnapSignature, is the benchmark's, not the verification's).
if (section('notify')) {
  const publicPem = readFileSync(
    new URL('../packages/signing-core/src/__fixtures__/keys/snap-b2b-1-spki.pem', import.meta.url),
    'utf8',
  );
  // dana-node's WebhookParser is not in its export map; load the file it lives in directly.
  const { WebhookParser } = require(require.resolve('dana-node').replace(/index\.js$/, 'webhook/v1/webhook.js'));
  // midtrans-client is a test-only devDependency of @org/snap-auth: resolved from there.
  const midtrans = createRequire(new URL('../packages/snap-auth/package.json', import.meta.url))('midtrans-client');
  const notifyPath = '/v1.0/debit/notify';
  const value = { ...bodyObject, note: '' };
  value.note = 'x'.repeat(1024 - JSON.stringify(value, null, 2).length);
  // Pretty-printed as providers often send it; JSON.stringify's own text, so that midtrans-client
  // (which hashes JSON.stringify of the parsed body) hashes the same minified text.
  const notifyBody = JSON.stringify(value, null, 2);
  const notifyTimestamp = new Date().toISOString().replace(/\.\d+Z$/, '+00:00');
  const notifySignature = await snapNotificationSignature({
    method: 'POST',
    path: notifyPath,
    body: notifyBody,
    timestamp: notifyTimestamp,
    privateKey: pem,
  });
  const notifyHeaders = {
    'content-type': 'application/json',
    'x-timestamp': notifyTimestamp,
    'x-signature': notifySignature,
    'x-partner-id': clientId,
    'x-external-id': '41807553358950093184162180797837',
  };
  const newRequest = () =>
    new Request(`https://merchant.example${notifyPath}`, { method: 'POST', headers: notifyHeaders, body: notifyBody });
  const notifyOptions = { publicKey: publicPem };
  const ours = async () => {
    const result = await verifySnapNotification(newRequest(), notifyOptions);
    return result.json;
  };
  const signatureInput = {
    method: 'POST',
    path: notifyPath,
    body: notifyBody,
    timestamp: notifyTimestamp,
    signature: notifySignature,
    publicKey: publicPem,
  };
  const bareSignature = () => verifySnapSignature(signatureInput);
  const requestAndSignature = () => {
    newRequest();
    return verifySnapSignature(signatureInput);
  };
  // The SDKs take the body text and the headers: read them from the same Request, as a handler would.
  const dana = new WebhookParser(publicPem);
  const danaVerify = async () => {
    const request = newRequest();
    const text = await request.text();
    return dana.parseWebhook('POST', new URL(request.url).pathname, Object.fromEntries(request.headers), text);
  };
  midtrans.SnapBiConfig.snapBiPublicKey = publicPem;
  const midtransVerify = async () => {
    const request = newRequest();
    const payload = await request.json();
    return midtrans.SnapBi.notification()
      .withNotificationPayload(payload)
      .withSignature(request.headers.get('x-signature'))
      .withTimeStamp(request.headers.get('x-timestamp'))
      .withNotificationUrlPath(new URL(request.url).pathname)
      .isWebhookNotificationVerified();
  };
  // The same notification must verify everywhere first.
  if (!(await bareSignature())) throw new Error('verifySnapSignature refuses the notification');
  if ((await ours()).partnerReferenceNo !== bodyObject.partnerReferenceNo) throw new Error('verifySnapNotification');
  if (!(await danaVerify())) throw new Error('dana-node refuses the notification');
  if ((await midtransVerify()) !== true) throw new Error('midtrans-client refuses the notification');
  for (const [baselineName, baseline, target] of [
    ['new Request + verifySnapSignature', requestAndSignature, 1.5],
    ['verifySnapSignature (no Request)', bareSignature, undefined],
    ['dana-node WebhookParser.parseWebhook (Request text)', danaVerify, undefined],
    ['midtrans-client isWebhookNotificationVerified (Request json)', midtransVerify, undefined],
  ]) {
    report(
      await compare({
        name: 'verifySnapNotification, 1 KB asymmetric notification',
        baselineName,
        baseline,
        candidate: ours,
        rounds: 7,
      }),
      target,
    );
  }
}

const missed = rows.filter((row) => row.includes('MISSED'));
console.log(`finished ${new Date().toISOString()}; load average (1, 5, 15 min): ${load()}`);
console.log(missed.length ? `${missed.length} target(s) missed` : 'all targets met');
