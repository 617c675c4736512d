/**
 * SNAP provider profiles (hosts, token endpoints, signature modes, timestamps, external-id rules),
 * each value with its source in `notes` (docs/snap-profiles.md has the full table). Spread one
 * into the options and override what differs:
 *
 * ```
 * createSnapAuth({ ...snapPresets.ifortepay.payment.stage, clientId, privateKey, clientSecret })
 * ```
 *
 * `baseUrl` is the scheme and host only: service paths (e.g. `/v1.0/transfer-va/payment`) are
 * appended to it as written in the provider's documentation, prefix included. Where a provider
 * documents only the B2B path, the B2B2C path is derived from it (`…/b2b` → `…/b2b2c`). Fields
 * marked "[INF]" in `notes` are inferences, not documented facts.
 */
import type { SnapAuthOptions } from './options.js';

/**
 * The provider-specific part of {@link SnapAuthOptions}: a SNAP profile. `tokenPath` and
 * `customerTokenPath` are absolute URLs where the token lives on another host.
 */
export interface SnapPreset
  extends Pick<
    SnapAuthOptions,
    | 'serviceSignature'
    | 'notificationFormat'
    | 'timestampFormat'
    | 'tokenTimestampFormat'
    | 'externalIdRule'
    | 'grantTypeCase'
    | 'grantTypeField'
    | 'tokenRequestBody'
    | 'channelIdOnTokenRequests'
    | 'bodyCanonicalization'
  > {
  /** Human-readable name. Not an option: ignored by `createSnapAuth`. */
  readonly name: string;
  readonly baseUrl: string;
  readonly tokenPath: string;
  readonly customerTokenPath?: string;
  /** Where each value comes from (with its URL), and what is inferred ("[INF]"). Ignored by `createSnapAuth`. */
  readonly notes: string;
}

function preset<const T extends SnapPreset>(value: T): T {
  return Object.freeze(value);
}

const NUMERIC_36 = Object.freeze({ maxLength: 36, charset: 'numeric' as const });
const WITH_MS = Object.freeze({ milliseconds: true });
const IFP = 'https://developer.ifortepay.id/snap';

/** SNAP provider presets. Every value is overridable by spreading and setting the field. */
export const snapPresets = Object.freeze({
  ifortepay: Object.freeze({
    payment: Object.freeze({
      stage: preset({
        name: 'ifortepay Payment (stage)',
        baseUrl: 'https://api-stage.ifortepay.id',
        tokenPath: 'https://kronos-stage.ifortepay.id/auth/merchants/v1.0/access-token/b2b',
        customerTokenPath: 'https://api-stage.ifortepay.id/v1.0/access-token/b2b2c',
        serviceSignature: 'asymmetric',
        notificationFormat: 'ifortepay-notify',
        channelIdOnTokenRequests: 'b2b2c',
        grantTypeCase: 'upper',
        externalIdRule: NUMERIC_36,
        notes: `Services on api-stage.ifortepay.id (${IFP}/auth/env-headers); B2B token on kronos-stage (${IFP}/auth/access-token-b2b, seed 001; its curl still shows kronos-stage.mcpayment.id); B2B2C token on the service host with CHANNEL-ID, grants upper case (${IFP}/payment-gateway/direct-debit/account-binding/access-token-b2b2c); "Asymmetric Signature without Get Token" (${IFP}/auth/signature-security; the symmetric form is also offered: serviceSignature 'symmetric'); callbacks in the notify-URL form (${IFP}/auth/payment-notify); X-EXTERNAL-ID numeric, 36 (env-headers).`,
      }),
      production: preset({
        name: 'ifortepay Payment (production)',
        baseUrl: 'https://api.ifortepay.id',
        tokenPath: 'https://kronos.ifortepay.id/auth/merchants/v1.0/access-token/b2b',
        customerTokenPath: 'https://api.ifortepay.id/v1.0/access-token/b2b2c',
        serviceSignature: 'asymmetric',
        notificationFormat: 'ifortepay-notify',
        channelIdOnTokenRequests: 'b2b2c',
        grantTypeCase: 'upper',
        externalIdRule: NUMERIC_36,
        notes: 'As the stage preset, on the production hosts of the same pages.',
      }),
    }),
    disbursement: Object.freeze({
      stage: preset({
        name: 'ifortepay Disbursement / senmo (stage)',
        baseUrl: 'https://api-stage.senmo.id',
        tokenPath: '/api/v1.0/access-token/b2b',
        serviceSignature: 'symmetric',
        notificationFormat: 'ifortepay-notify',
        externalIdRule: NUMERIC_36,
        notes: `B2B token on api-stage.senmo.id (${IFP}/auth/access-token-b2b, seed 001); disbursement "must use the Symmetric signature" (${IFP}/auth/signature-security). Service host assumed to be the token host [INF]; B2B2C path [INF].`,
      }),
      production: preset({
        name: 'ifortepay Disbursement / senmo (production)',
        baseUrl: 'https://api.senmo.id',
        tokenPath: '/api/v1.0/access-token/b2b',
        serviceSignature: 'symmetric',
        notificationFormat: 'ifortepay-notify',
        externalIdRule: NUMERIC_36,
        notes: 'As the stage preset, on the production host. Service host [INF].',
      }),
    }),
  }),
  bri: Object.freeze({
    sandbox: preset({
      name: 'BRI (sandbox)',
      baseUrl: 'https://sandbox.partner.api.bri.co.id',
      tokenPath: '/snap/v1.0/access-token/b2b',
      timestampFormat: WITH_MS,
      tokenTimestampFormat: WITH_MS,
      externalIdRule: NUMERIC_36,
      notes:
        'https://developers.bri.co.id/en/snap-bi/apidocs-oauth-snap-bi: token path, X-TIMESTAMP yyyy-MM-ddTHH:mm:ss.SSSTZD; one token every 10 to 15 minutes. Service timestamps "ISO8601" (BRIVA Online page), milliseconds as the token [INF]. X-EXTERNAL-ID numeric 36 (Registration v2.0 page); services with 9 or 12 digits: set externalIdRule { lengths: [12] } [INF: no page found]. B2B2C path [INF].',
    }),
    production: preset({
      name: 'BRI (production)',
      baseUrl: 'https://partner.api.bri.co.id',
      tokenPath: '/snap/v1.0/access-token/b2b',
      timestampFormat: WITH_MS,
      tokenTimestampFormat: WITH_MS,
      externalIdRule: NUMERIC_36,
      notes:
        'Host from https://developers.bri.co.id/id/docs/qris-merchant-presented-mode-mpm-dinamis-v1.1; the rest as the sandbox preset.',
    }),
  }),
  finpay: Object.freeze({
    sandbox: preset({
      name: 'Finpay PG (sandbox)',
      baseUrl: 'https://devo.finnet.co.id',
      tokenPath: '/pg/snap/oauth/v1.0/access-token/b2b',
      notes:
        'https://docs.finpay.id/api-reference/finpay-pg/snap/qris/access-token: host and token path; X-EXTERNAL-ID numeric 32 (…/snap/authorization-and-headers). Direct-debit services are under /snap/v2.0/… without /pg. B2B2C path [INF].',
      externalIdRule: Object.freeze({ maxLength: 32, charset: 'numeric' as const }),
    }),
    production: preset({
      name: 'Finpay PG (production)',
      baseUrl: 'https://live.finnet.co.id',
      tokenPath: '/pg/snap/oauth/v1.0/access-token/b2b',
      notes:
        'https://docs.finpay.id/api-reference/finpay-pg/snap/qris/access-token gives the host; the path is assumed equal to the sandbox one [INF].',
      externalIdRule: Object.freeze({ maxLength: 32, charset: 'numeric' as const }),
    }),
  }),
  nicepay: Object.freeze({
    sandbox: preset({
      name: 'Nicepay (dev)',
      baseUrl: 'https://dev.nicepay.co.id',
      tokenPath: '/nicepay/v1.0/access-token/b2b',
      notes:
        'https://docs.nicepay.co.id/nicepay-api-snap-request-access-token: host, token path, +07:00 seconds. Tokens up to 2048 characters. CHANNEL-ID is the client id + "01" (…/nicepay-api-snap-registration-e-wallet-direct-debit). B2B2C path [INF].',
    }),
  }),
  onebrick: Object.freeze({
    sandbox: preset({
      name: 'Onebrick (sandbox)',
      baseUrl: 'https://sandbox.onebrick.io',
      tokenPath: '/v2/payments/acceptance/1.0/access-token/b2b',
      grantTypeField: 'grant_type',
      tokenTimestampFormat: WITH_MS,
      notes:
        'https://docs.onebrick.io/reference/get-access-token-snap: grant_type (snake_case), X-TIMESTAMP with milliseconds, expiresIn as a number. B2B2C path [INF].',
    }),
  }),
  doku: Object.freeze({
    sandbox: preset({
      name: 'DOKU SNAP (sandbox)',
      baseUrl: 'https://api-sandbox.doku.com',
      tokenPath: '/authorization/v1/access-token/b2b',
      customerTokenPath: '/authorization/v1/access-token/b2b2c',
      grantTypeCase: 'lower',
      tokenTimestampFormat: Object.freeze({ offset: 'Z' }),
      notificationFormat: 'symmetric',
      notes:
        'https://developers.doku.com/accept-payments/direct-api/snap/integration-guide/get-token-api/b2b (and …/b2b2c): paths, lower-case B2B2C grants, token X-TIMESTAMP in UTC ("…should be 2020-09-22T01:51:00Z"; its sample and DOKU\'s PHP SDK send +07:00). Service calls +07:00 (SDK). Notifications symmetric (…/signature-component/snap/symmetric-signature). Hosts from DOKU\'s PHP SDK config.',
    }),
    production: preset({
      name: 'DOKU SNAP (production)',
      baseUrl: 'https://api.doku.com',
      tokenPath: '/authorization/v1/access-token/b2b',
      customerTokenPath: '/authorization/v1/access-token/b2b2c',
      grantTypeCase: 'lower',
      tokenTimestampFormat: Object.freeze({ offset: 'Z' }),
      notificationFormat: 'symmetric',
      notes: 'As the sandbox preset, on the production host.',
    }),
  }),
  bca: Object.freeze({
    sandbox: preset({
      name: 'BCA (sandbox)',
      baseUrl: 'https://sandbox.bca.co.id',
      tokenPath: '/openapi/v1.0/access-token/b2b',
      notes:
        "Host from https://developer.bca.co.id/Dokumentasi (BCA's sandbox). Token path /openapi/v1.0/…, symmetric signatures and +07:00 seconds from third-party clients [INF]: no first-party SNAP page was readable.",
    }),
  }),
  dana: Object.freeze({
    sandbox: preset({
      name: 'DANA (sandbox)',
      baseUrl: 'https://api.sandbox.dana.id',
      tokenPath: '/v1.0/access-token/b2b.htm',
      customerTokenPath: '/v1.0/access-token/b2b2c.htm',
      serviceSignature: 'asymmetric',
      notificationFormat: 'asymmetric',
      notes:
        'https://dashboard.dana.id/api-docs-v2/guide/authentication: asymmetric service signatures without a B2B token; hosts and the B2B2C path from the dana-node SDK (src/runtime.ts, WidgetApi.ts), which sends CHANNEL-ID = partnerId + "-SERVER" and X-EXTERNAL-ID of 36 characters with dashes. B2B path [INF] (not used by the asymmetric flow).',
    }),
    production: preset({
      name: 'DANA (production)',
      baseUrl: 'https://api.saas.dana.id',
      tokenPath: '/v1.0/access-token/b2b.htm',
      customerTokenPath: '/v1.0/access-token/b2b2c.htm',
      serviceSignature: 'asymmetric',
      notificationFormat: 'asymmetric',
      notes: 'As the sandbox preset, on the production host (dana-node getBasePathByEnv).',
    }),
  }),
  bnc: Object.freeze({
    sandbox: preset({
      name: 'Bank Neo Commerce (test)',
      baseUrl: 'https://perf-openbanking.bankneo.co.id',
      tokenPath: '/open/bi/1.0.0/get/token',
      serviceSignature: 'asymmetric-with-token',
      grantTypeField: 'grant_type',
      notes:
        'https://developers.bankneo.co.id/api-docs/article/direct-debit-get-access-token and …/direct-debit-payment: "asymmetric with access token" (SHA256withRSA over METHOD:path:bodyHash:timestamp, the token in Authorization only), grant_type (snake_case), token path (the QRIS page says /open/bi/v1.0/get/token). BNC service calls carry X-CLIENT-KEY: pass it in headers.',
    }),
    production: preset({
      name: 'Bank Neo Commerce (production)',
      baseUrl: 'https://openbanking.bankneo.co.id',
      tokenPath: '/open/bi/1.0.0/get/token',
      serviceSignature: 'asymmetric-with-token',
      grantTypeField: 'grant_type',
      notes: 'As the test preset, on the production host (…/qris-acquirer-authentication-generation-validation).',
    }),
  }),
  faspay: Object.freeze({
    sandbox: preset({
      name: 'Faspay SNAP debit (sandbox)',
      baseUrl: 'https://debit-sandbox.faspay.co.id',
      tokenPath: '/v1.0/access-token/b2b',
      serviceSignature: 'asymmetric',
      notes:
        'https://docs.faspay.co.id/merchant-integration/api-reference-1/snap/signature-snap: asymmetric signatures without a token; host from …/route-payment/snap-create-virtual-account. Token path [INF] (not used by the asymmetric flow).',
    }),
  }),
  midtrans: Object.freeze({
    sandbox: preset({
      name: 'Midtrans SNAP-BI (sandbox)',
      baseUrl: 'https://merchants.sbx.midtrans.com',
      tokenPath: '/v1.0/access-token/b2b',
      grantTypeField: 'grant_type',
      timestampFormat: Object.freeze({ offset: 'Z', milliseconds: true }),
      notificationFormat: 'asymmetric',
      notes:
        'https://docs.midtrans.com/reference/access-token-api: token path; midtrans-client (lib/snapBi) sends grant_type and new Date().toISOString() timestamps (the docs show grantType and +07:00), and verifies notifications asymmetrically. Symmetric service calls (https://docs.midtrans.com/reference/binding-api).',
    }),
    production: preset({
      name: 'Midtrans SNAP-BI (production)',
      baseUrl: 'https://merchants.midtrans.com',
      tokenPath: '/v1.0/access-token/b2b',
      grantTypeField: 'grant_type',
      timestampFormat: Object.freeze({ offset: 'Z', milliseconds: true }),
      notificationFormat: 'asymmetric',
      notes: 'As the sandbox preset, on the production host (midtrans-client snapBiConfig.js).',
    }),
  }),
  aspi: Object.freeze({
    sandbox: preset({
      name: 'ASPI developer sandbox',
      baseUrl: 'https://apidevportal.aspi-indonesia.or.id:44310',
      tokenPath: '/api/v1.0/access-token/b2b',
      notes:
        'https://documentation.onindonesia.id/books/snap-bi/page/access-token-b2b (ASPI sandbox; /api/v1.0/utilities/signature-auth and …/signature-service compute signatures for cross-checking). B2B2C path [INF].',
    }),
  }),
});

/** The type of {@link snapPresets}. */
export type SnapPresets = typeof snapPresets;
