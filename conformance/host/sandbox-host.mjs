// The sandbox host (Node 24): serves the provider sandboxes (@org/*/testing, which verify with
// node:crypto by design) and the core's hostile server on 127.0.0.1, so the one conformance suite
// can talk to them over HTTP from every runtime. It prints one JSON line `{"url":"http://127.0.0.1:<port>"}`
// and then answers a small control API (JSON over POST) on that origin:
//
//   GET  /info                        throwaway RSA pair for SNAP clients, the vectors and their key files
//   POST /sandbox   { kind, options } a fresh sandbox (snap | doku | finnet | fondy) on its own port
//   POST /sandbox/<id> { op, args }   a control of it (inject, expireTokens, issueAuthCode, count, …)
//   POST /hostile   { mode, … }       a fresh hostile server answering every request in that mode
//   POST /close     { id }            closes one sandbox or hostile server
//
// It exits when its standard input closes (the parent went away), on SIGTERM, or after
// HOST_MAX_SECONDS (default 600), whichever comes first.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDokuSandbox } from '@org/doku-partner-auth/testing';
import { createFinnetSandbox } from '@org/finnet-auth/testing';
import { createFondySandbox } from '@org/fondy-auth/testing';
import { hostile, startHostileServer } from '@org/signing-core/testing/node';
import { createSnapSandbox } from '@org/snap-auth/testing';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const maxSeconds = Number(process.env.HOST_MAX_SECONDS ?? 600);
const MAX_OPEN = 200; // sandboxes and hostile servers open at once (a runaway suite cannot exhaust ports)

const snapKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const providerKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

function readInfo() {
  const vectors = {};
  const files = {};
  for (const provider of ['snap', 'doku-partner', 'finnet', 'fondy']) {
    const file = JSON.parse(readFileSync(join(root, 'vectors', `${provider}.json`), 'utf8'));
    vectors[provider] = file;
    for (const vector of file.vectors) {
      for (const name of ['privateKeyFile', 'publicKeyFile']) {
        const path = vector.inputs?.[name];
        if (path && !(path in files)) files[path] = readFileSync(join(root, path), 'utf8');
      }
    }
  }
  return {
    snapKey: { privateKeyPem: snapKey.privateKey, publicKeyPem: snapKey.publicKey },
    providerKey: { privateKeyPem: providerKey.privateKey, publicKeyPem: providerKey.publicKey },
    vectors,
    files,
  };
}
const info = readInfo();

/** id → { kind, sandbox?, hostileServer?, server, captured } */
const open = new Map();
let nextId = 1;

/** Serialises a captured Request (a notification the sandbox sent) for the suite to rebuild. */
async function serialise(request) {
  const headers = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { url: request.url, method: request.method, headers, body: await request.text() };
}

function createSandbox(kind, options, captured) {
  // A notification is "sent" to a fetch that keeps the request and answers as a merchant would.
  const capture = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    captured.push(await serialise(request));
    return Response.json({ responseCode: '2002500', responseMessage: 'Successful' });
  };
  switch (kind) {
    case 'snap':
      return createSnapSandbox({
        clients: [{ clientId: 'conformance-client', publicKey: snapKey.publicKey, clientSecret: 'conformance-secret' }],
        providerPrivateKey: providerKey.privateKey,
        fetch: capture,
        ...options,
      });
    case 'doku':
      return createDokuSandbox({
        clients: [{ clientId: 'BRN-0001-10791114622547', secretKey: 'SK-conformance-secret' }],
        ...options,
      });
    case 'finnet':
      return createFinnetSandbox({ secretKey: 'finnet-conformance-secret', ...options });
    case 'fondy':
      return createFondySandbox({
        applications: [{ applicationId: '1234', secretKey: 'fondy-conformance-secret' }],
        ...options,
      });
    default:
      throw new TypeError(`unknown sandbox kind ${kind}`);
  }
}

async function control(entry, op, args) {
  const { sandbox } = entry;
  switch (op) {
    case 'inject':
      sandbox.faults.inject(args.fault, args.options ?? {});
      return null;
    case 'expireTokens':
      sandbox.expireTokens();
      return null;
    case 'issueAuthCode':
      return sandbox.issueAuthCode(args ?? {});
    case 'count':
      return sandbox.requests.count(args.path);
    case 'issuedTokens':
      return sandbox.issuedTokens;
    case 'activeTokens':
      return sandbox.activeTokens;
    case 'snapNotification': {
      entry.captured.length = 0;
      await sandbox.sendNotification(args);
      return entry.captured[0] ?? null;
    }
    case 'dokuNotification':
      return serialise(sandbox.createNotification(args));
    default:
      throw new TypeError(`unknown op ${op}`);
  }
}

async function startHostile(mode, args) {
  const server = await startHostileServer();
  switch (mode) {
    case 'stallAfterHeaders':
      server.handle = hostile.stallAfterHeaders;
      break;
    case 'endlessBody':
      server.handle = hostile.endlessBody;
      break;
    case 'redirect':
      server.handle = hostile.redirect(args.status ?? 302, args.location);
      break;
    case 'json':
      server.handle = hostile.json(args.status ?? 200, args.body ?? {}, args.headers ?? {});
      break;
    default:
      await server.close();
      throw new TypeError(`unknown hostile mode ${mode}`);
  }
  return server;
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 1_000_000) throw new RangeError('control body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : JSON.parse(text);
}

async function route(req) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method === 'GET' && url.pathname === '/info') return info;
  if (req.method !== 'POST') throw new TypeError('POST only');
  const body = await readJson(req);
  if (url.pathname === '/sandbox') {
    if (open.size >= MAX_OPEN) throw new RangeError('too many open sandboxes');
    const captured = [];
    const sandbox = createSandbox(body.kind, body.options ?? {}, captured);
    const server = await sandbox.listen();
    const id = String(nextId++);
    open.set(id, { kind: body.kind, sandbox, server, captured });
    const extras = {
      snap: () => ({ providerPublicKey: sandbox.providerPublicKey, clientId: 'conformance-client' }),
      doku: () => ({}),
      finnet: () => ({ paths: sandbox.paths }),
      fondy: () => ({ tokenPath: sandbox.tokenPath, reportPath: sandbox.reportPath }),
    }[body.kind]();
    return { id, url: server.url, ...extras };
  }
  if (url.pathname.startsWith('/sandbox/')) {
    const entry = open.get(url.pathname.slice('/sandbox/'.length));
    if (!entry?.sandbox) throw new TypeError('no such sandbox');
    return { result: await control(entry, body.op, body.args ?? {}) };
  }
  if (url.pathname === '/hostile') {
    if (open.size >= MAX_OPEN) throw new RangeError('too many open servers');
    const server = await startHostile(body.mode, body);
    const id = String(nextId++);
    open.set(id, { kind: 'hostile', server });
    return { id, url: server.origin };
  }
  if (url.pathname === '/close') {
    const entry = open.get(String(body.id));
    open.delete(String(body.id));
    await entry?.server.close();
    return { closed: Boolean(entry) };
  }
  throw new TypeError(`no route ${url.pathname}`);
}

const control_ = createServer((req, res) => {
  route(req).then(
    (value) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    },
    (error) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    },
  );
});
control_.keepAliveTimeout = 1_000;
await new Promise((resolve) => control_.listen(0, '127.0.0.1', resolve));

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  const closing = [...open.values()].map((entry) => entry.server.close().catch(() => {}));
  open.clear();
  await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  control_.closeAllConnections();
  control_.close();
  process.exit(code);
}
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
process.stdin.on('end', () => stop(0));
process.stdin.on('error', () => stop(0));
process.stdin.resume();
setTimeout(() => stop(1), maxSeconds * 1_000).unref();

process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${control_.address().port}` })}\n`);
