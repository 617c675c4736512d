/**
 * Base URLs and token paths of SNAP providers, from the seed (ifortepay / senmo token page) and
 * protocols.md §2.8. Spread one into the options and override what differs:
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

/** The provider-specific part of {@link SnapAuthOptions}. */
export interface SnapPreset {
  /** Human-readable name. Not an option: ignored by `createSnapAuth`. */
  readonly name: string;
  readonly baseUrl: string;
  readonly tokenPath: string;
  readonly customerTokenPath?: string;
  /** Case of the B2B2C `grantType` values this provider documents. */
  readonly grantTypeCase?: 'upper' | 'lower';
  /** Body of the B2B token request when the provider documents a different one. */
  readonly tokenRequestBody?: Readonly<Record<string, unknown>>;
  /** Where the values come from, and what is inferred. Not an option: ignored by `createSnapAuth`. */
  readonly notes: string;
}

function preset<const T extends SnapPreset>(value: T): T {
  return Object.freeze(value);
}

const IFORTEPAY_SOURCE = 'ifortepay "Access Token B2B" page (seed 001)';

/** SNAP provider presets. Every value is overridable by spreading and setting the field. */
export const snapPresets = Object.freeze({
  ifortepay: Object.freeze({
    payment: Object.freeze({
      stage: preset({
        name: 'ifortepay Payment (stage)',
        baseUrl: 'https://kronos-stage.ifortepay.id',
        tokenPath: '/auth/merchants/v1.0/access-token/b2b',
        notes: `${IFORTEPAY_SOURCE}. The page's curl example still uses the old host kronos-stage.mcpayment.id. B2B2C path [INF].`,
      }),
      production: preset({
        name: 'ifortepay Payment (production)',
        baseUrl: 'https://kronos.ifortepay.id',
        tokenPath: '/auth/merchants/v1.0/access-token/b2b',
        notes: `${IFORTEPAY_SOURCE}. B2B2C path [INF].`,
      }),
    }),
    disbursement: Object.freeze({
      stage: preset({
        name: 'ifortepay Disbursement / senmo (stage)',
        baseUrl: 'https://api-stage.senmo.id',
        tokenPath: '/api/v1.0/access-token/b2b',
        notes: `${IFORTEPAY_SOURCE}. B2B2C path [INF].`,
      }),
      production: preset({
        name: 'ifortepay Disbursement / senmo (production)',
        baseUrl: 'https://api.senmo.id',
        tokenPath: '/api/v1.0/access-token/b2b',
        notes: `${IFORTEPAY_SOURCE}. B2B2C path [INF].`,
      }),
    }),
  }),
  bri: Object.freeze({
    sandbox: preset({
      name: 'BRI (sandbox)',
      baseUrl: 'https://sandbox.partner.api.bri.co.id',
      tokenPath: '/snap/v1.0/access-token/b2b',
      notes:
        'developers.bri.co.id SNAP BI OAuth. BRI asks for one token every 10 to 15 minutes, not one per call. B2B2C path [INF].',
    }),
  }),
  finpay: Object.freeze({
    sandbox: preset({
      name: 'Finpay PG (sandbox)',
      baseUrl: 'https://devo.finnet.co.id',
      tokenPath: '/pg/snap/oauth/v1.0/access-token/b2b',
      notes: 'Finpay SNAP docs. B2B2C path [INF].',
    }),
    production: preset({
      name: 'Finpay PG (production)',
      baseUrl: 'https://live.finnet.co.id',
      tokenPath: '/pg/snap/oauth/v1.0/access-token/b2b',
      notes: 'Finpay SNAP docs give the host; the path is assumed equal to the sandbox one [INF].',
    }),
  }),
  nicepay: Object.freeze({
    sandbox: preset({
      name: 'Nicepay (dev)',
      baseUrl: 'https://dev.nicepay.co.id',
      tokenPath: '/nicepay/v1.0/access-token/b2b',
      notes: 'docs.nicepay.co.id "Request Access Token" (SNAP). Tokens up to 2048 characters. B2B2C path [INF].',
    }),
  }),
  onebrick: Object.freeze({
    sandbox: preset({
      name: 'Onebrick (sandbox)',
      baseUrl: 'https://sandbox.onebrick.io',
      tokenPath: '/v2/payments/acceptance/1.0/access-token/b2b',
      tokenRequestBody: Object.freeze({ grant_type: 'client_credentials' }),
      notes:
        'docs.onebrick.io "Get Access Token (SNAP)". Onebrick documents grant_type (snake_case) and expiresIn as a number. B2B2C path [INF].',
    }),
  }),
  doku: Object.freeze({
    sandbox: preset({
      name: 'DOKU SNAP (sandbox)',
      baseUrl: 'https://api-sandbox.doku.com',
      tokenPath: '/authorization/v1/access-token/b2b',
      customerTokenPath: '/authorization/v1/access-token/b2b2c',
      grantTypeCase: 'lower',
      notes:
        'developers.doku.com SNAP get-token (b2b, b2b2c; grantType in lower case). Host [INF]. DOKU signs notifications with the symmetric form.',
    }),
    production: preset({
      name: 'DOKU SNAP (production)',
      baseUrl: 'https://api.doku.com',
      tokenPath: '/authorization/v1/access-token/b2b',
      customerTokenPath: '/authorization/v1/access-token/b2b2c',
      grantTypeCase: 'lower',
      notes: 'As the sandbox; host [INF].',
    }),
  }),
  aspi: Object.freeze({
    sandbox: preset({
      name: 'ASPI developer sandbox',
      baseUrl: 'https://apidevportal.aspi-indonesia.or.id:44310',
      tokenPath: '/api/v1.0/access-token/b2b',
      notes:
        'ASPI sandbox (a cross-checking helper: /api/v1.0/utilities/signature-auth and …/signature-service compute signatures). B2B2C path [INF].',
    }),
  }),
});

/** The type of {@link snapPresets}. */
export type SnapPresets = typeof snapPresets;
