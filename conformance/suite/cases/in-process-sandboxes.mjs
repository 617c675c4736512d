// The provider sandboxes (@org/*/testing, node:crypto by design) served in-process through their
// Web handler: Node, Bun, Deno, and workerd with nodejs_compat. The client's `fetch` is the handler.
import { createDokuPartnerAuth } from '@org/doku-partner-auth';
import { createDokuSandbox } from '@org/doku-partner-auth/testing';
import { createFinnetAuth, FINNET_WIDGET_TOP_UP_PATH } from '@org/finnet-auth';
import { createFinnetSandbox } from '@org/finnet-auth/testing';
import { createFondyAuth } from '@org/fondy-auth';
import { createFondySandbox } from '@org/fondy-auth/testing';
import { createSnapAuth } from '@org/snap-auth';
import { createSnapSandbox } from '@org/snap-auth/testing';
import { equal, ok } from '../harness.mjs';

const BASE = 'http://sandbox.invalid';
const through = (sandbox) => (input, init) => sandbox.handler(new Request(input, init));

export const inProcessSandboxCases = [
  {
    name: 'in-process sandbox: SNAP token and signed service call',
    async run(t) {
      const sandbox = createSnapSandbox({
        clients: [{ clientId: 'c', publicKey: t.info.snapKey.publicKeyPem, clientSecret: 's' }],
        providerPrivateKey: t.info.providerKey.privateKeyPem,
      });
      const auth = createSnapAuth({
        baseUrl: BASE,
        clientId: 'c',
        privateKey: t.info.snapKey.privateKeyPem,
        clientSecret: 's',
        channelId: '95221',
        fetch: through(sandbox),
      });
      const answer = await auth.ky.post('v1.0/balance-inquiry', { json: { partnerReferenceNo: '1' } }).json();
      equal(answer.responseCode, '2001100', 'service answer');
      equal(sandbox.issuedTokens, 1, 'tokens issued');
    },
  },
  {
    name: 'in-process sandbox: DOKU, Finnet and Fondy tokens',
    async run() {
      const doku = createDokuSandbox({ clients: [{ clientId: 'BRN-1', secretKey: 'SK-1' }] });
      const dokuAuth = createDokuPartnerAuth({
        clientId: 'BRN-1',
        secretKey: 'SK-1',
        baseUrl: BASE,
        fetch: through(doku),
      });
      ok((await dokuAuth.getToken()).token.length > 0, 'DOKU token');
      const finnet = createFinnetSandbox({ secretKey: 'f' });
      const finnetAuth = createFinnetAuth({ secretKey: 'f', baseUrl: BASE, fetch: through(finnet) });
      const topUp = await finnetAuth.request(FINNET_WIDGET_TOP_UP_PATH, {
        requestType: 'widgetTopUp',
        phoneNumber: '0811',
      });
      ok(typeof topUp.data.widgetURL === 'string', 'Finnet top up');
      const fondy = createFondySandbox({ applications: [{ applicationId: '1', secretKey: 'k' }] });
      const fondyAuth = createFondyAuth({ applicationId: '1', secretKey: 'k', baseUrl: BASE, fetch: through(fondy) });
      ok((await fondyAuth.getToken()).token.length > 0, 'Fondy token');
      equal(doku.issuedTokens + finnet.issuedTokens + fondy.issuedTokens, 3, 'tokens issued');
    },
  },
];
