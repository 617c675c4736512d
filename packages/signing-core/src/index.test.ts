import { fileURLToPath } from 'node:url';
import { unprefixedTypeErrors } from '@org/vitest-config/house-style';
import { describe, expect, it } from 'vitest';

describe('public API surface', () => {
  it('exports exactly these names (removing one is a deliberate, major change)', async () => {
    expect(Object.keys(await import('./index.js')).sort()).toMatchInlineSnapshot(`
      [
        "AccessToken",
        "AuthError",
        "ConfigError",
        "DEFAULT_FETCH_TIMEOUT_MS",
        "DEFAULT_MAX_CLOCK_SKEW_MS",
        "DEFAULT_MAX_LIFETIME_MS",
        "DEFAULT_MIN_LIFETIME_MS",
        "HmacKey",
        "InputError",
        "JAKARTA_OFFSET",
        "KeyFormatError",
        "MIN_SCRUBBED_LENGTH",
        "ProviderError",
        "REDACTED",
        "ResponseFormatError",
        "RsaPrivateKey",
        "RsaPublicKey",
        "Secret",
        "SecretSet",
        "SignatureError",
        "SignedRequest",
        "StoreError",
        "TransportError",
        "assertTimestampWithinWindow",
        "checkRsaPrivateKey",
        "checkRsaPublicKey",
        "createTokenManager",
        "cryptoBackendName",
        "decodeUtf8",
        "describeType",
        "digest",
        "encodeUtf8",
        "formatCompactTimestamp",
        "formatIsoTimestamp",
        "formatUtcTimestamp",
        "fromBase64",
        "fromBase64Url",
        "fromHex",
        "hmac",
        "importHmacKey",
        "importRsaPrivateKey",
        "importRsaPublicKey",
        "isAuthError",
        "isConfigError",
        "isInputError",
        "isKeyFormatError",
        "isProviderError",
        "isRecord",
        "isResponseFormatError",
        "isSecretName",
        "isSignatureError",
        "isTransportError",
        "log",
        "memoryIdempotencyStore",
        "memoryReplayStore",
        "memoryTokenStore",
        "minifyJson",
        "openTelemetryHandler",
        "parseIsoTimestamp",
        "parseUtcOffset",
        "phpJsonEncode",
        "randomAlphanumeric",
        "randomDigits",
        "randomUuid",
        "redactHeaders",
        "redactJson",
        "redactText",
        "revealSecret",
        "rsaSign",
        "rsaVerify",
        "silentLogger",
        "systemClock",
        "timingSafeEqual",
        "toBase64",
        "toBase64Url",
        "toBytes",
        "toHex",
      ]
    `);
  });

  it('the provider-kit entry exports exactly these names, none of them also in the main entry', async () => {
    const kit = Object.keys(await import('./provider-kit.js')).sort();
    const main = new Set(Object.keys(await import('./index.js')));
    expect(kit.filter((name) => main.has(name))).toEqual([]);
    expect(kit).toMatchInlineSnapshot(`
      [
        "DEFAULT_MAX_RESPONSE_BYTES",
        "DEFAULT_MAX_RETRY_AFTER_MS",
        "DEFAULT_RETRY_STATUS_CODES",
        "DEFAULT_TIMEOUT_MS",
        "DEFAULT_TOTAL_TIMEOUT_MS",
        "clockCorrectionOf",
        "createBoundedFetch",
        "createClockCorrection",
        "createHttpClient",
        "createSignedRequest",
        "createSigningFetch",
        "emitServerHandle",
        "emitSignatureFailed",
        "emitTo",
        "emitVerification",
        "errorCodeOf",
        "eventHandlerOf",
        "eventOptionEntries",
        "httpClientOptionsOf",
        "optionSchemas",
        "pathTemplate",
        "readBodyBounded",
        "readJson",
        "reportVerification",
        "rewordProviderError",
        "startTimer",
        "targetOf",
        "tokenClientOptionEntries",
        "tokenClientPartsOf",
        "tokenManagerOptionsOf",
        "tokenRequestRetry",
        "validateOptions",
        "withProvider",
      ]
    `);
  });

  it('the node entry exports exactly these names', async () => {
    expect(Object.keys(await import('./node/index.node.js')).sort()).toMatchInlineSnapshot(`
      [
        "DEFAULT_BODY_TIMEOUT_MS",
        "DEFAULT_MAX_BODY_BYTES",
        "fastifyRawBody",
        "fastifyToWebRequest",
        "toFastifyHandler",
        "toNodeHandler",
        "toWebRequest",
        "writeWebResponse",
      ]
    `);
  });

  it('the testing entry exports exactly these names (Web-standard only)', async () => {
    expect(Object.keys(await import('./testing/index.js')).sort()).toMatchInlineSnapshot(`
      [
        "FaultInjector",
        "RequestRecorder",
        "createSandboxCore",
        "deliver",
        "isDropResponse",
        "jsonResponse",
        "pathMatches",
      ]
    `);
  });

  it('the testing/node entry exports exactly these names (the Node-only helpers)', async () => {
    expect(Object.keys(await import('./testing/node.js')).sort()).toMatchInlineSnapshot(`
      [
        "hostile",
        "hostileFaults",
        "routeTokenAndService",
        "runFaultSuite",
        "serveOnLoopback",
        "settlesWithin",
        "startHostileServer",
        "trackUnhandledRejections",
      ]
    `);
  });
});

it('programmer-misuse TypeErrors name the package ([@org/signing-core] …)', () => {
  expect(unprefixedTypeErrors(fileURLToPath(new URL('.', import.meta.url)), '@org/signing-core')).toEqual([]);
});
