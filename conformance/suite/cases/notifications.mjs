// Notification verification: SNAP (asymmetric, the sandbox's key) and DOKU (HMAC), each signed by
// the sandbox on the host and verified here from a Web Request.
import { verifyDokuNotification } from '@org/doku-partner-auth';
import { isSignatureError, memoryReplayStore } from '@org/signing-core';
import { verifySnapNotification } from '@org/snap-auth';
import { equal, ok, rejects } from '../harness.mjs';

const rebuild = (sent, body = sent.body) => new Request(sent.url, { method: sent.method, headers: sent.headers, body });

const NOTIFY_URL = 'http://127.0.0.1:9/v1.0/transfer-va/payment';
const payment = { virtualAccountNo: '  08000000000001', paidAmount: { value: '15000.00', currency: 'IDR' } };

export const notificationCases = [
  {
    name: 'notifications: SNAP verifySnapNotification accepts, then reports the redelivery',
    async run(t) {
      const sb = await t.sandbox('snap');
      const sent = await sb.op('snapNotification', { url: NOTIFY_URL, body: payment });
      const options = { publicKey: sb.providerPublicKey, replayStore: memoryReplayStore() };
      const first = await verifySnapNotification(rebuild(sent), options);
      equal(first.duplicate, false, 'first delivery');
      equal(first.json.paidAmount.value, '15000.00', 'parsed body');
      const again = await verifySnapNotification(rebuild(sent), options);
      equal(again.duplicate, true, 'redelivery');
    },
  },
  {
    name: 'notifications: SNAP tampered body and stale timestamp refused (SignatureError)',
    async run(t) {
      const sb = await t.sandbox('snap');
      const sent = await sb.op('snapNotification', { url: NOTIFY_URL, body: payment });
      const tampered = sent.body.replace('15000.00', '15.00');
      const options = { publicKey: sb.providerPublicKey };
      await rejects(verifySnapNotification(rebuild(sent, tampered), options), (error) => {
        ok(isSignatureError(error), 'isSignatureError');
        equal(error.check, 'signature', 'check');
      });
      const stale = await sb.op('snapNotification', {
        url: NOTIFY_URL,
        body: payment,
        timestamp: '2020-01-01T00:00:00+07:00',
      });
      await rejects(verifySnapNotification(rebuild(stale), options), (error) => {
        ok(isSignatureError(error), 'isSignatureError');
        equal(error.check, 'timestamp', 'check');
      });
    },
  },
  {
    name: 'notifications: DOKU verifyDokuNotification accepts, refuses a tampered body',
    async run(t) {
      const sb = await t.sandbox('doku');
      const sent = await sb.op('dokuNotification', {
        url: 'http://127.0.0.1:9/payments/notifications',
        body: { order: { invoice_number: 'INV-1', amount: 15000 } },
      });
      const options = { secretKey: 'SK-conformance-secret', clientId: 'BRN-0001-10791114622547' };
      const verified = await verifyDokuNotification(rebuild(sent), options);
      equal(JSON.parse(verified.body).order.invoice_number, 'INV-1', 'body');
      equal(verified.target, '/payments/notifications', 'target');
      await rejects(verifyDokuNotification(rebuild(sent, sent.body.replace('15000', '1')), options), (error) =>
        ok(isSignatureError(error), 'isSignatureError'),
      );
    },
  },
];
