import { createHash } from 'node:crypto';
import { isSignatureError, memoryReplayStore, type ReplayStore, Secret } from '@org/signing-core';
import type { RunningSandbox } from '@org/signing-core/testing';
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DokuNotification,
  type VerifyDokuNotificationOptions,
  verifyDokuNotification,
} from './client/verify-notification.js';
import { createDokuSandbox } from './testing/index.js';

const CLIENT = { clientId: 'BRN-0001-10791114622547', secretKey: 'SK-notify-secret' };
const NOW = Date.UTC(2024, 7, 21, 7, 27, 50);
const BODY =
  '{"order":{"invoice_number":"INV-1","amount":15000},"customer":{"name":"Zoë \u2603"},"url":"https:\\/\\/merchant.example\\/x"}';

/** The merchant: a Web handler behind a real 127.0.0.1 server that verifies what DOKU sends. */
let merchant: RunningSandbox;
let options: Omit<VerifyDokuNotificationOptions, 'secretKey'> & {
  secretKey?: VerifyDokuNotificationOptions['secretKey'];
} = {};
const accepted: DokuNotification[] = [];

beforeAll(async () => {
  merchant = await serveOnLoopback(async (request) => {
    try {
      const notification = await verifyDokuNotification(request, {
        secretKey: CLIENT.secretKey,
        clientId: CLIENT.clientId,
        clock: () => NOW,
        ...options,
      });
      accepted.push(notification);
      return Response.json({ ok: true });
    } catch (error) {
      if (!isSignatureError(error)) throw error;
      return Response.json(
        { ok: false, code: error.code, check: error.check, message: error.message },
        { status: 401 },
      );
    }
  }, 0);
});
afterAll(() => merchant.close());

const sandbox = (clock = () => NOW) => createDokuSandbox({ clients: [CLIENT], clock });
const url = () => `${merchant.url}/payments/notifications`;

async function send(request: Request) {
  const response = await fetch(request);
  return {
    status: response.status,
    ...((await response.json()) as { ok: boolean; check?: string; code?: string; message?: string }),
  };
}

function withHeaders(request: Request, change: (headers: Headers) => void, body?: BodyInit): Request {
  const headers = new Headers(request.headers);
  change(headers);
  return new Request(request.url, {
    method: 'POST',
    headers,
    body: body ?? request.body,
    duplex: 'half',
  } as RequestInit);
}

describe('verifyDokuNotification over HTTP', () => {
  it('accepts a notification DOKU signed over the raw bytes, with the merchant’s own path as target', async () => {
    options = {};
    accepted.length = 0;
    const result = await sandbox().sendNotification({ url: url(), body: BODY });
    expect(result.status).toBe(200);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.body).toBe(BODY);
    expect(Buffer.from(accepted[0]?.bytes ?? []).toString('utf8')).toBe(BODY);
    expect(accepted[0]?.target).toBe('/payments/notifications');
    expect(accepted[0]?.requestId).toBe(result.requestId);
    expect(accepted[0]?.clientId).toBe(CLIENT.clientId);
  });

  it('accepts an unpadded Signature, and a query string on the notification URL (path-only target)', async () => {
    options = {};
    const request = sandbox().createNotification({ url: url(), body: BODY });
    const unpadded = withHeaders(request, (h) => h.set('Signature', (h.get('Signature') ?? '').replace(/=+$/, '')));
    expect(await send(unpadded)).toMatchObject({ status: 200, ok: true });
    const withQuery = sandbox().createNotification({ url: `${url()}?source=doku`, body: BODY });
    expect(await send(withQuery)).toMatchObject({ status: 200 });
  });

  it.each(['Client-Id', 'Request-Id', 'Request-Timestamp', 'Signature'])(
    'refuses a missing %s header (check: header)',
    async (name) => {
      options = {};
      const request = withHeaders(sandbox().createNotification({ url: url(), body: BODY }), (h) => h.delete(name));
      expect(await send(request)).toMatchObject({ status: 401, check: 'header', code: 'ERR_SIGNATURE_MISMATCH' });
    },
  );

  it('refuses another Client-Id than the configured one (check: header)', async () => {
    options = { clientId: 'BRN-other' };
    const result = await send(sandbox().createNotification({ url: url(), body: BODY }));
    expect(result).toMatchObject({ status: 401, check: 'header' });
    expect(result.message).toMatch(/Client-Id/);
  });

  it('refuses an unparseable Request-Timestamp (check: header)', async () => {
    options = {};
    const request = sandbox().createNotification({ url: url(), body: BODY, timestamp: '11-08-2020 08:45' });
    expect(await send(request)).toMatchObject({ status: 401, check: 'header' });
  });

  it('refuses a stale or future timestamp outside ±5 min by default, and honours toleranceMs', async () => {
    options = {};
    const old = sandbox(() => NOW - 5 * 60_000 - 1_000).createNotification({ url: url(), body: BODY });
    expect(await send(old)).toMatchObject({ status: 401, check: 'timestamp', code: 'ERR_TIMESTAMP_OUT_OF_WINDOW' });
    const future = sandbox(() => NOW + 6 * 60_000).createNotification({ url: url(), body: BODY });
    const result = await send(future);
    expect(result).toMatchObject({ check: 'timestamp' });
    expect(result.message).toMatch(/in the future/);
    const edge = sandbox(() => NOW - 5 * 60_000).createNotification({ url: url(), body: BODY });
    expect(await send(edge)).toMatchObject({ status: 200 });
    options = { toleranceMs: 10 * 60_000 };
    const tolerated = sandbox(() => NOW - 9 * 60_000).createNotification({ url: url(), body: BODY });
    expect(await send(tolerated)).toMatchObject({ status: 200 });
  });

  it('refuses a changed body byte, a re-serialised body, another target and another secret (check: signature)', async () => {
    options = {};
    const request = sandbox().createNotification({ url: url(), body: BODY });
    const tampered = withHeaders(request, () => {}, BODY.replace('15000', '15001'));
    expect(await send(tampered)).toMatchObject({ status: 401, check: 'signature' });
    const reserialised = withHeaders(
      sandbox().createNotification({ url: url(), body: BODY }),
      () => {},
      JSON.stringify(JSON.parse(BODY)),
    );
    expect(await send(reserialised)).toMatchObject({ status: 401, check: 'signature' });
    const elsewhere = sandbox().createNotification({ url: url(), body: BODY, target: '/other/path' });
    expect(await send(elsewhere)).toMatchObject({ status: 401, check: 'signature' });
    options = { secretKey: 'SK-wrong' };
    expect(await send(sandbox().createNotification({ url: url(), body: BODY }))).toMatchObject({ check: 'signature' });
  });

  it('verifies against an explicit target when a proxy rewrote the path', async () => {
    options = { target: '/public/doku/notify' };
    const request = sandbox().createNotification({ url: url(), body: BODY, target: '/public/doku/notify' });
    expect(await send(request)).toMatchObject({ status: 200 });
  });

  it('with a replay store: a redelivery is accepted and reported as a duplicate, verbatim or re-signed', async () => {
    options = { replayStore: memoryReplayStore({ clock: () => NOW }) };
    const notification = sandbox().createNotification({ url: url(), body: BODY, requestId: 'notif-1' });
    const copy = notification.clone();
    expect(await send(notification)).toMatchObject({ status: 200 });
    expect(accepted.at(-1)).toMatchObject({ requestId: 'notif-1', duplicate: false });
    // Verbatim (the same bytes and headers)…
    expect(await send(copy)).toMatchObject({ status: 200 });
    expect(accepted.at(-1)).toMatchObject({ requestId: 'notif-1', duplicate: true });
    // …or signed again with a new Request-Timestamp.
    const later = sandbox(() => NOW + 60_000).createNotification({ url: url(), body: BODY, requestId: 'notif-1' });
    expect(await send(later)).toMatchObject({ status: 200 });
    expect(accepted.at(-1)).toMatchObject({ duplicate: true });
    // Another body under the same Request-Id is another signed notification.
    const other = sandbox().createNotification({
      url: url(),
      body: '{"order":{"invoice_number":"INV-2"}}',
      requestId: 'notif-1',
    });
    expect(await send(other)).toMatchObject({ status: 200 });
    expect(accepted.at(-1)).toMatchObject({ duplicate: false });
  });

  it('with a replay store: a forged copy marks nothing', async () => {
    options = { replayStore: memoryReplayStore({ clock: () => NOW }) };
    const forged = withHeaders(
      sandbox().createNotification({ url: url(), body: BODY, requestId: 'notif-2' }),
      () => {},
      '{}',
    );
    expect(await send(forged)).toMatchObject({ check: 'signature' });
    expect(await send(sandbox().createNotification({ url: url(), body: BODY, requestId: 'notif-2' }))).toMatchObject({
      status: 200,
    });
    expect(accepted.at(-1)).toMatchObject({ requestId: 'notif-2', duplicate: false });
    // Changing the (signed) Request-Id of a captured notification breaks its signature.
    const renamed = withHeaders(
      sandbox().createNotification({ url: url(), body: BODY, requestId: 'notif-2' }),
      (headers) => headers.set('Request-Id', 'notif-3'),
    );
    expect(await send(renamed)).toMatchObject({ status: 401, check: 'signature' });
  });

  it('without a replay store, a redelivery is accepted again', async () => {
    options = {};
    for (let i = 0; i < 2; i++) {
      expect((await sandbox().sendNotification({ url: url(), body: BODY, requestId: 'same-id' })).status).toBe(200);
      expect(accepted.at(-1)).toMatchObject({ duplicate: false });
    }
  });
});

describe('verifyDokuNotification (direct)', () => {
  it('remembers ids per client and body for twice the window by default, or replayTtlMs', async () => {
    const calls: [string, number][] = [];
    const store: ReplayStore = {
      async remember(id, ttl) {
        calls.push([id, ttl]);
        return true;
      },
    };
    const request = () =>
      sandbox().createNotification({ url: 'https://merchant.example/n', body: '{}', requestId: 'r-1' });
    await verifyDokuNotification(request(), {
      secretKey: new Secret(CLIENT.secretKey),
      clock: () => NOW,
      replayStore: store,
    });
    await verifyDokuNotification(request(), {
      secretKey: CLIENT.secretKey,
      clock: () => NOW,
      replayStore: store,
      replayTtlMs: 1234,
    });
    // The key: Client-Id, Request-Id and the SHA-256 of the body bytes, all of them signed.
    const bodyHash = createHash('sha256').update('{}').digest('hex');
    expect(calls).toEqual([
      [`doku:${CLIENT.clientId}:r-1:${bodyHash}`, 600_000],
      [`doku:${CLIENT.clientId}:r-1:${bodyHash}`, 1234],
    ]);
  });

  it('reads a clone: the caller can still read the body afterwards; a body already read is refused', async () => {
    const body = '{"order":{"invoice_number":"INV-1"}}';
    const request = sandbox().createNotification({ url: 'https://merchant.example/n', body });
    const result = await verifyDokuNotification(request, { secretKey: CLIENT.secretKey, clock: () => NOW });
    expect(result.body).toBe(body);
    expect(request.bodyUsed).toBe(false);
    expect(await request.text()).toBe(body);
    await expect(verifyDokuNotification(request, { secretKey: CLIENT.secretKey, clock: () => NOW })).rejects.toThrow(
      /already read/,
    );
  });

  it('verifies an empty body without a Digest line', async () => {
    const request = sandbox().createNotification({ url: 'https://merchant.example/n', body: '' });
    const result = await verifyDokuNotification(request, { secretKey: CLIENT.secretKey, clock: () => NOW });
    expect(result.body).toBe('');
  });

  it('throws TypeError for programmer misuse', async () => {
    const request = sandbox().createNotification({ url: 'https://merchant.example/n', body: '{}' });
    await expect(verifyDokuNotification({} as never, { secretKey: 'x' })).rejects.toThrow(TypeError);
    await expect(verifyDokuNotification(request, null as never)).rejects.toThrow(TypeError);
    await expect(verifyDokuNotification(request, { secretKey: 'x', toleranceMs: -1 })).rejects.toThrow(TypeError);
    await expect(verifyDokuNotification(request, { secretKey: 'x', target: 'no-slash' })).rejects.toThrow(TypeError);
    await expect(verifyDokuNotification(request, { secretKey: 'x', clock: 5 as never })).rejects.toThrow(TypeError);
  });
});
