// Typed errors: every failure has its class, its stable code and its guard, and no secret in it.
import {
  AuthError,
  isAuthError,
  isConfigError,
  isInputError,
  isKeyFormatError,
  isProviderError,
  isResponseFormatError,
  isTransportError,
} from '@org/signing-core';
import { createSnapAuth, verifySnapSignature } from '@org/snap-auth';
import { equal, isTyped, ok, rejects } from '../harness.mjs';
import { snapClient } from './lifecycle.mjs';

function caught(run) {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

export const errorCases = [
  {
    name: 'errors: bad options are ConfigError (ERR_CONFIG), secret not shown',
    async run() {
      const error = caught(() => createSnapAuth({ baseUrl: 'not a url', clientId: 7, clientSecret: 'sEcReT-42' }));
      isTyped(error, 'ERR_CONFIG', isConfigError);
      ok(error instanceof AuthError && isAuthError(error), 'AuthError');
      ok(!`${error.message}${JSON.stringify(error)}`.includes('sEcReT-42'), 'no secret in the error');
    },
  },
  {
    name: 'errors: a public key given as private key is KeyFormatError (ERR_KEY_FORMAT)',
    async run(t) {
      const error = caught(() =>
        createSnapAuth({ baseUrl: 'http://127.0.0.1:9', clientId: 'c', privateKey: t.info.snapKey.publicKeyPem }),
      );
      isTyped(error, 'ERR_KEY_FORMAT', isKeyFormatError);
    },
  },
  {
    name: 'errors: a key the provider does not know is ProviderError (ERR_PROVIDER)',
    async run(t) {
      const sb = await t.sandbox('snap');
      const auth = snapClient(t, sb, { privateKey: t.info.providerKey.privateKeyPem });
      await rejects(auth.getAccessToken(), (error) => {
        isTyped(error, 'ERR_PROVIDER', isProviderError);
        equal(error.provider, 'snap', 'provider');
      });
    },
  },
  {
    name: 'errors: a refused connection is TransportError (ERR_NETWORK)',
    // Each runtime rejects differently (undici `TypeError: fetch failed`, Bun `TypeError: Unable
    // to connect…`, workerd a plain `Error: Network connection lost.`): the core's bounded fetch
    // types every one of them, so the case must pass everywhere.
    async run(t) {
      const auth = snapClient(t, { url: await t.closedOrigin(), clientId: 'c' }, { retry: 0 });
      await rejects(auth.getAccessToken(), (error) => isTyped(error, 'ERR_NETWORK', isTransportError));
    },
  },
  {
    name: 'errors: a 200 token answer without a token is ResponseFormatError (ERR_RESPONSE_FORMAT)',
    async run(t) {
      const server = await t.hostile('json', { status: 200, body: { responseCode: '2007300' } });
      const auth = snapClient(t, { url: server.url, clientId: 'c' }, { retry: 0 });
      await rejects(auth.getAccessToken(), (error) => isTyped(error, 'ERR_RESPONSE_FORMAT', isResponseFormatError));
    },
  },
  {
    name: 'errors: bad call arguments are InputError (ERR_INVALID_INPUT)',
    async run() {
      const call = verifySnapSignature({ method: 'POST', path: '/x', body: '', timestamp: 't', signature: 's' });
      await rejects(call, (error) => isTyped(error, 'ERR_INVALID_INPUT', isInputError));
    },
  },
];
