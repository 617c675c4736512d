/** The `provider` set on every error this package throws. */
export const PROVIDER = 'finnet';

/** The package name, prefixed to option errors. */
export const PACKAGE_NAME = '@org/finnet-auth';

/** The development host from the getToken page. Finnet publishes no production URL. */
export const FINNET_DEVELOPMENT_URL = 'https://demos.finnet.co.id';

/** Path of the getToken call. */
export const FINNET_TOKEN_PATH = '/apicobrand/security/getToken';

/** Path of the Widget Top Up call. */
export const FINNET_WIDGET_TOP_UP_PATH = '/apicobrand/widget/topup';

/** The fixed headers of every Finnet call (JSON both ways); Basic `Authorization` is added when configured. */
export const FINNET_REQUEST_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'application/json',
  Accept: 'application/json',
});
