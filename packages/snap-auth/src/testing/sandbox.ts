/**
 * A local SNAP provider for tests and demos (Node: it verifies with node:crypto, independently
 * of the library's own signing code).
 *
 * - B2B token endpoint: `4007302` missing header, `4007301` bad or out-of-window X-TIMESTAMP,
 *   `4017300` unknown client or bad X-SIGNATURE, `2007300` with a bearer token and `expiresIn`.
 * - B2B2C token endpoint: auth codes (issued by `issueAuthCode()`, single use) and rotating
 *   refresh tokens; same header checks with service code 74.
 * - Service endpoints (`services`, by default a sample balance inquiry, service code 11): bearer
 *   token (`4017301` unknown or expired), X-SIGNATURE in the profile's mode (`4017300`),
 *   customer token (`4017302`), X-EXTERNAL-ID by the profile's rule (`400xx01`) and unique per
 *   day (`409xx00`), then the configured reply.
 * - A profile (`profile`, e.g. a preset): token paths, signature mode, grant-type field and
 *   case, external-id rule, notification format.
 * - A notification sender: asymmetric (the sandbox's own RSA key), symmetric, or ifortepay's
 *   notify-URL form.
 * - Fault injection and request recording from `@org/signing-core/testing`, plus
 *   `expireTokens()` and `expireTokensEarly()`.
 *
 * Error answers use the SNAP envelope `{ responseCode, responseMessage }` with the HTTP status
 * of the code's first three digits.
 *
 * This file wires the parts together and routes requests; each part has its own file:
 * `sandbox-api.ts` (the public types), `sandbox-settings.ts` (defaults, clients),
 * `sandbox-signature.ts` (the sandbox's own signatures), `sandbox-tokens.ts` (what it issues),
 * `sandbox-token-endpoints.ts`, `sandbox-service.ts`, `sandbox-notifications.ts` and
 * `sandbox-answers.ts` (the SNAP answer shapes).
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createSandboxCore } from '@org/signing-core/testing';
import { snapResponse } from './sandbox-answers.js';
import type { SnapSandbox, SnapSandboxOptions } from './sandbox-api.js';
import { merchantSession } from './sandbox-merchant.js';
import { sendNotification } from './sandbox-notifications.js';
import { service } from './sandbox-service.js';
import { type ClientRecord, registerClients, resolveSettings } from './sandbox-settings.js';
import { toPrivateKey } from './sandbox-signature.js';
import { b2b2cToken, b2bToken } from './sandbox-token-endpoints.js';
import { randomNumeric, randomToken, TokenLedger } from './sandbox-tokens.js';

export type {
  SnapSandbox,
  SnapSandboxCall,
  SnapSandboxClient,
  SnapSandboxDelivery,
  SnapSandboxMerchant,
  SnapSandboxMerchantAttempt,
  SnapSandboxMerchantCall,
  SnapSandboxMerchantDelivery,
  SnapSandboxMerchantSession,
  SnapSandboxNotification,
  SnapSandboxOptions,
  SnapSandboxProfile,
  SnapSandboxRedelivery,
  SnapSandboxService,
} from './sandbox-api.js';

export function createSnapSandbox(options: SnapSandboxOptions): SnapSandbox {
  const settings = resolveSettings(options);
  const { clock, tokenPath, customerTokenPath, services } = settings;
  const servicePaths = Object.freeze([...services.keys()]);
  const clients = registerClients(options.clients);
  const firstClient = clients.values().next().value as ClientRecord;
  const ledger = new TokenLedger(clock);
  const externalIds = new Set<string>();

  let providerKey: KeyObject | undefined =
    options.providerPrivateKey === undefined ? undefined : toPrivateKey(options.providerPrivateKey);
  const providerPrivateKey = (): KeyObject => {
    providerKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    return providerKey;
  };

  const core = createSandboxCore(
    (request, recorded) => {
      const { pathname } = new URL(request.url);
      if (pathname === tokenPath || pathname === customerTokenPath) {
        if (request.method !== 'POST') {
          return snapResponse(405, pathname === tokenPath ? '73' : '74', '00', 'Requested Function Is Not Supported');
        }
        const context = { settings, clients, ledger };
        return pathname === tokenPath ? b2bToken(context, recorded) : b2b2cToken(context, recorded);
      }
      const endpoint = services.get(pathname);
      if (endpoint !== undefined)
        return service({ settings, clients, ledger, externalIds }, endpoint, request, recorded);
      return snapResponse(404, '00', '02', 'Invalid Routing');
    },
    { clock },
  );

  return {
    handler: core.handler,
    faults: core.faults,
    requests: core.requests,
    listen: core.listen,
    tokenPath,
    customerTokenPath,
    servicePath: servicePaths[0] as string,
    servicePaths,
    get providerPublicKey() {
      return createPublicKey(providerPrivateKey()).export({ type: 'spki', format: 'pem' }).toString();
    },
    get issuedTokens() {
      return ledger.issuedTokenCount;
    },
    get activeTokens() {
      const now = clock();
      let count = 0;
      for (const record of ledger.tokens.values()) if (now < record.expiresAt) count += 1;
      return count;
    },
    get issuedTokenCount() {
      return ledger.issuedTokenCount;
    },
    issueAuthCode(codeOptions = {}) {
      const clientId = codeOptions.clientId ?? firstClient.clientId;
      if (!clients.has(clientId)) throw new TypeError(`issueAuthCode: unknown client ${clientId}`);
      const code = randomToken();
      ledger.authCodes.set(code, {
        clientId,
        customerId: codeOptions.customerId ?? `customer-${randomNumeric(6)}`,
        expiresAt: clock() + settings.authCodeTtlMs,
      });
      return code;
    },
    expireTokens() {
      ledger.expireAll();
    },
    expireTokensEarly(afterMs) {
      ledger.expireEarly(afterMs);
    },
    merchant: (merchantOptions) =>
      merchantSession({ clock, providerPrivateKey, fetch: options.fetch }, merchantOptions),
    sendNotification: (notification) =>
      sendNotification(
        {
          clock,
          clients,
          firstClient,
          providerPrivateKey,
          fetch: options.fetch,
          defaultMode: settings.notificationFormat,
        },
        notification,
      ),
  };
}
