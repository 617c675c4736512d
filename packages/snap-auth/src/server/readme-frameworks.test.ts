/**
 * The README's "complete merchant endpoint" examples, verbatim, on the real frameworks (express,
 * fastify, hono with @hono/node-server, and a Next.js App Router route handler served as the Web
 * function it is), over HTTP on 127.0.0.1. The SNAP sandbox plays the bank: it gets a token from
 * the merchant, pays, and redelivers; the payment is booked once on every framework.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { afterAll, describe, expect, it } from 'vitest';
import { CLIENT_SECRET, publicKeyPem } from '../__fixtures__/setup.js';
import { createSnapSandbox } from '../testing/sandbox.js';
import { createSnapServer } from './create-snap-server.js';

const bank = createSnapSandbox({
  clients: [{ clientId: 'unused', publicKey: publicKeyPem, clientSecret: CLIENT_SECRET }],
});
const BANK = 'BANK-1';
const bankSecret = 'bank-shared-secret-for-the-frameworks';
const booked: string[] = [];

// The merchant's two Web functions, as in the section above.
const snapServer = createSnapServer({
  partners: [{ clientId: BANK, publicKey: bank.providerPublicKey, clientSecret: bankSecret }],
});
async function accessToken(request: Request): Promise<Response> {
  return snapServer.handleAccessToken(request);
}
async function payment(request: Request): Promise<Response> {
  return snapServer.handle(request, { serviceCode: '25' }, async (call) => {
    const paid = call.json as { paymentRequestId: string };
    booked.push(paid.paymentRequestId);
    return { virtualAccountData: { paymentRequestId: paid.paymentRequestId } };
  });
}

// --- README: Express
import { toNodeHandler } from '@org/signing-core/node';
import express from 'express';

const app = express();
app.post('/snap/v1.0/access-token/b2b', toNodeHandler(accessToken));
app.post('/snap/v1.0/transfer-va/payment', toNodeHandler(payment));
app.use(express.json()); // the rest of the app, after the SNAP routes

// --- README: Fastify
import { fastifyRawBody, toFastifyHandler } from '@org/signing-core/node';
import Fastify from 'fastify';

const fastify = Fastify();
await fastify.register(async (snap) => {
  await snap.register(fastifyRawBody);
  snap.post('/snap/v1.0/access-token/b2b', toFastifyHandler(accessToken));
  snap.post('/snap/v1.0/transfer-va/payment', toFastifyHandler(payment));
});

// --- README: Hono
import { Hono } from 'hono';

const hono = new Hono();
hono.post('/snap/v1.0/access-token/b2b', (c) => accessToken(c.req.raw));
hono.post('/snap/v1.0/transfer-va/payment', (c) => payment(c.req.raw));

// --- README: Next.js App Router
export async function POST(request: Request): Promise<Response> {
  return payment(request);
}

// The rest of the Express app still parses JSON.
app.post('/orders', (req, res) => {
  res.json({ parsed: req.body });
});

type Served = { url: string; close: () => Promise<void> };

async function listenExpress(): Promise<Served> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
async function listenFastify(): Promise<Served> {
  const url = await fastify.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => fastify.close() };
}
async function listenHono(): Promise<Served> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
async function listenNext(): Promise<Served> {
  // The App Router calls each route file's POST with the Web Request: one route per path here.
  const running = await serveOnLoopback(async (request) => {
    const { pathname } = new URL(request.url);
    return pathname.endsWith('/access-token/b2b') ? accessToken(request) : POST(request);
  }, 0);
  return { url: running.url, close: () => running.close() };
}

const open: Served[] = [];
afterAll(async () => {
  await Promise.all(open.map((served) => served.close()));
});

describe('a complete merchant endpoint', () => {
  for (const [name, listen] of [
    ['Express', listenExpress],
    ['Fastify', listenFastify],
    ['Hono', listenHono],
    ['Next.js App Router', listenNext],
  ] as const) {
    it(`${name}: a token to the bank, a payment booked once, its redelivery answered from the first run`, async () => {
      const served = await listen();
      open.push(served);
      const session = bank.merchant({ baseUrl: `${served.url}/snap`, clientId: BANK, clientSecret: bankSecret });
      const id = `PAY-${name}`;
      const paid = await session.call('/v1.0/transfer-va/payment', { body: { paymentRequestId: id } });
      expect(paid.status).toBe(200);
      expect(paid.responseCode).toBe('2002500');
      expect(paid.validSnapResponse).toBe(true);
      const again = await session.call('/v1.0/transfer-va/payment', {
        body: { paymentRequestId: id },
        externalId: paid.externalId,
      });
      expect(again.responseBody).toBe(paid.responseBody);
      expect(booked.filter((entry) => entry === id)).toHaveLength(1);
      const forged = await session.call('/v1.0/transfer-va/payment', {
        body: { paymentRequestId: `${id}-forged` },
        clientSecret: 'a guess',
        redelivery: { attempts: 1 },
      });
      expect(forged.responseCode).toBe('4012500');
    });
  }

  it('Express: the rest of the app, after the SNAP routes, still gets parsed JSON', async () => {
    const served = await listenExpress();
    open.push(served);
    const response = await fetch(`${served.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"id":7}',
    });
    expect(await response.json()).toEqual({ parsed: { id: 7 } });
  });
});
