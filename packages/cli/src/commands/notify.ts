/**
 * `payauth notify <snap|doku|fondy> --to <url>`: plays the provider against your own endpoint,
 * through the provider packages' sandboxes and senders (the CLI signs nothing itself). SNAP: the
 * sandbox gets a token from your token endpoint, sends a signed call with it, and redelivers it
 * after a non-2xx answer or a timeout. DOKU: the sandbox signs a notification with your client id
 * and secret key. Fondy: `sendFondyCallback` signs a callback with your merchant id and payment
 * key and redelivers it. Prints every attempt, what your endpoint answered and, for SNAP, whether
 * the answer is a valid SNAP response.
 */
import { createDokuSandbox } from '@org/doku-partner-auth/testing';
import { sendFondyCallback } from '@org/fondy-auth/testing';
import { type DeliveryAttempt, deliver } from '@org/signing-core/testing';
import { createSnapSandbox, type SnapSandboxMerchantDelivery } from '@org/snap-auth/testing';
import { EXIT, inputError, usageError } from '../exit-codes.js';
import { checkedPrivateKey } from '../keys.js';
import { assertKnownFlags, resolveSettings, type SettingSpec, settingsHelp } from '../settings.js';
import { block, inline } from '../terminal-text.js';
import type { CommandContext } from './context.js';

const NOTIFY_PROVIDERS = ['snap', 'doku', 'fondy'] as const;
type NotifyProvider = (typeof NOTIFY_PROVIDERS)[number];

const COMMAND_FLAGS = ['to', 'attempts', 'mode', 'timeout-ms', 'delay-ms'];
/** Fondy sends the same callback again (it carries no timestamp): no --mode. */
const commandFlags = (provider: NotifyProvider) =>
  provider === 'fondy' ? COMMAND_FLAGS.filter((flag) => flag !== 'mode') : COMMAND_FLAGS;

/** The bodies the CLI supplies; Fondy's sample callback comes from `sendFondyCallback` itself. */
const SAMPLE_BODIES: Record<Exclude<NotifyProvider, 'fondy'>, string> = {
  snap: JSON.stringify({
    partnerServiceId: '   88899',
    customerNo: '12345678901234567890',
    virtualAccountNo: '   8889912345678901234567890',
    paymentRequestId: `PAY-${Date.now()}`,
    paidAmount: { value: '10000.00', currency: 'IDR' },
  }),
  doku: JSON.stringify({
    order: { invoice_number: `INV-${Date.now()}`, amount: 15000 },
    transaction: { status: 'SUCCESS' },
  }),
};

const SETTINGS: Record<NotifyProvider, readonly SettingSpec[]> = {
  snap: [
    {
      name: 'partnerClientId',
      description: 'the client id your server knows the provider by (its X-CLIENT-KEY)',
      required: true,
    },
    {
      name: 'partnerClientSecret',
      description: "the shared secret of the provider's symmetric signature",
      secret: true,
      fromFile: true,
      required: true,
    },
    {
      name: 'partnerPrivateKey',
      description: 'the RSA private key (PEM) whose public key your server registered for the provider',
      secret: true,
      fromFile: true,
      required: true,
    },
    { name: 'partnerId', description: 'X-PARTNER-ID sent (default: the partner client id)' },
    { name: 'channelId', description: 'CHANNEL-ID sent', default: '95221' },
    { name: 'tokenPath', description: "your server's token path", default: '/v1.0/access-token/b2b' },
    { name: 'path', description: 'the path called', default: '/v1.0/transfer-va/payment', flagOnly: true },
    { name: 'externalId', description: 'X-EXTERNAL-ID (default: a new 32-digit id)', flagOnly: true },
    {
      name: 'body',
      description: 'the JSON body (default: a sample VA payment)',
      fromFile: true,
      exactFile: true,
      flagOnly: true,
    },
  ],
  doku: [
    { name: 'clientId', description: 'your DOKU Client-Id', required: true },
    { name: 'secretKey', description: 'your DOKU secret key', secret: true, fromFile: true, required: true },
    { name: 'target', description: 'the signed Request-Target (default: the path of --to)', flagOnly: true },
    {
      name: 'body',
      description: 'the JSON body (default: a sample payment notification)',
      fromFile: true,
      exactFile: true,
      flagOnly: true,
    },
  ],
  fondy: [
    { name: 'merchantId', description: 'your Fondy merchant id (the merchant_id of the callback)', required: true },
    {
      name: 'paymentKey',
      description: 'your merchant payment key, which signs the callback',
      value: '<key>',
      secret: true,
      fromFile: true,
      required: true,
    },
    { name: 'protocol', description: 'signature protocol: 1.0 or 2.0', default: '1.0', flagOnly: true },
    { name: 'format', description: 'body encoding: json or form', default: 'json', flagOnly: true },
    {
      name: 'body',
      description: 'the callback parameters, a JSON object (default: a sample approved order)',
      fromFile: true,
      exactFile: true,
      flagOnly: true,
    },
  ],
};

export const notifyOptions = (() => {
  const options: Record<string, { type: 'string' }> = {};
  for (const flag of COMMAND_FLAGS) options[flag] = { type: 'string' };
  for (const provider of NOTIFY_PROVIDERS) {
    for (const spec of SETTINGS[provider]) {
      const flag = spec.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      options[flag] = { type: 'string' };
      if (spec.fromFile) options[`${flag}-file`] = { type: 'string' };
    }
  }
  return options;
})();

export function notifyHelp(args: readonly string[]): string {
  const provider = (NOTIFY_PROVIDERS as readonly string[]).includes(args[0] ?? '')
    ? (args[0] as NotifyProvider)
    : undefined;
  const sections = (provider ? [provider] : NOTIFY_PROVIDERS).map(
    (name) => `Settings for ${name}:\n${settingsHelp(name, SETTINGS[name])}`,
  );
  return `Usage: payauth notify <${provider ?? NOTIFY_PROVIDERS.join('|')}> --to <url> [options]

Plays the provider against your own endpoint, with the provider package's sandbox (fondy: its
callback sender).
  snap   gets a B2B token from your token endpoint (SHA256withRSA with --partner-private-key),
         sends a call signed with it (HMAC-SHA512 with --partner-client-secret) to <url> + --path,
         and redelivers it after a non-2xx answer or a timeout, as banks do. Prints every attempt
         and whether the last answer is a valid SNAP response.
  doku   signs a notification with your Client-Id and secret key and POSTs it to <url>,
         redelivering it (same Request-Id) after a non-2xx answer or a timeout.
  fondy  signs a callback with your payment key (protocol 1.0 as JSON or a form, or 2.0) and
         POSTs it to <url>, redelivering the same callback after a non-2xx answer or a timeout,
         as Fondy does. Prints every attempt with your endpoint's answer.

Options:
  --to <url>            your endpoint (SNAP: the base URL the paths are appended to)
  --attempts <n>        attempts in all, the first included, 1 to 20 (default 3)
  --mode <mode>         snap, doku: redeliveries re-signed (new timestamp and signature,
                        default) or verbatim
  --timeout-ms <ms>     deadline of one attempt, the answer included (default 10000)
  --delay-ms <ms>       wait between attempts (default 0)
  --json                print { ok, provider, attempts, status, answer } (snap: and
                        validSnapResponse; fondy: and protocol, format, orderId)
  -h, --help            show this help

${sections.join('\n\n')}

Exit codes: 0 your endpoint answered 2xx (SNAP: with a valid SNAP response) · 2 usage · 3 bad
input (key, body) · 4 no 2xx answer after every attempt, or an invalid SNAP answer · 130 interrupted.

Examples:
  payauth notify snap --to http://127.0.0.1:3000 --partner-client-id BANK \\
    --partner-client-secret-file ./bank.secret --partner-private-key-file ./bank-private.pem
  payauth notify fondy --to http://127.0.0.1:3000/fondy/callback --merchant-id 1396424 \\
    --payment-key-file ./fondy-payment.key --protocol 2.0`;
}

function count(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw usageError(`--${name} must be a whole number from ${min} to ${max} (got "${inline(String(value))}")`);
  }
  return Number(value);
}

function targetUrl(value: unknown): URL {
  if (typeof value !== 'string') throw usageError('payauth notify: --to <url> is required');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(`--to must be an http(s) URL (got "${inline(value)}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`--to must be an http(s) URL (got "${inline(value)}")`);
  }
  if (url.username || url.password) throw usageError('--to must not contain a user name or password');
  return url;
}

function jsonBody(text: string): string {
  try {
    JSON.parse(text);
  } catch {
    throw inputError('--body is not valid JSON');
  }
  return text;
}

interface Attempt {
  readonly status: number | undefined;
  readonly timedOut: boolean;
  readonly responseCode?: string | undefined;
  /** Fondy: this attempt's answer, how long it took and, for a network error, its code. */
  readonly answer?: string | undefined;
  readonly durationMs?: number | undefined;
  readonly errorCode?: string | undefined;
}

/** `--body` for Fondy: the callback parameters, a JSON object. */
function paramsBody(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw inputError('--body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw inputError('--body must be a JSON object of callback parameters');
  }
  return parsed as Record<string, unknown>;
}

function oneOf(value: string | undefined, flag: string, allowed: readonly string[]): string | undefined {
  if (value !== undefined && !allowed.includes(value)) {
    throw usageError(`--${flag} must be ${allowed.join(' or ')} (got "${inline(value)}")`);
  }
  return value;
}

export async function notify(ctx: CommandContext): Promise<number> {
  const name = ctx.args[0];
  if (!(NOTIFY_PROVIDERS as readonly string[]).includes(name ?? '')) {
    throw usageError(
      name === undefined ? 'payauth notify: which provider?' : `payauth notify: unknown provider "${inline(name)}"`,
      `providers: ${NOTIFY_PROVIDERS.join(', ')}`,
    );
  }
  if (ctx.args.length > 1) throw usageError(`payauth notify: unexpected argument "${inline(ctx.args[1] as string)}"`);
  const provider = name as NotifyProvider;
  assertKnownFlags(ctx.flags, SETTINGS[provider], `payauth notify ${provider}`, commandFlags(provider));
  const to = targetUrl(ctx.flags.to);
  const attempts = count(ctx.flags.attempts, 'attempts', 1, 20, 3);
  const timeoutMs = count(ctx.flags['timeout-ms'], 'timeout-ms', 1, 600_000, 10_000);
  const delayMs = count(ctx.flags['delay-ms'], 'delay-ms', 0, 60_000, 0);
  const mode = ctx.flags.mode ?? 're-signed';
  if (mode !== 're-signed' && mode !== 'verbatim') {
    throw usageError(`--mode must be re-signed or verbatim (got "${inline(String(mode))}")`);
  }
  const origins: Record<string, string> = {};
  const values = resolveSettings(
    provider,
    SETTINGS[provider],
    {
      flags: ctx.flags,
      env: ctx.io.env,
      cwd: ctx.io.cwd,
      configPath: typeof ctx.flags.config === 'string' ? ctx.flags.config : undefined,
    },
    origins,
  );
  const secrets = Object.entries(values)
    .filter(([key]) => SETTINGS[provider].find((spec) => spec.name === key)?.secret)
    .map(([, value]) => value)
    .filter((value): value is string => typeof value === 'string' && value.length > 0);

  const redelivery = { attempts, mode, timeoutMs, delayMs } as const;
  const stop = new AbortController();
  const run =
    provider === 'snap'
      ? snapDelivery(values, origins, to, jsonBody(values.body ?? SAMPLE_BODIES.snap), redelivery, stop.signal)
      : provider === 'doku'
        ? dokuDelivery(values, to, jsonBody(values.body ?? SAMPLE_BODIES.doku), redelivery, stop.signal)
        : fondyDelivery(values, to, redelivery, stop.signal);
  const outcome = await Promise.race([run, ctx.interrupted.then(() => undefined)]);
  if (outcome === undefined) {
    stop.abort();
    run.catch(() => {}); // the delivery stops with ERR_ABORTED; the interruption is what is reported
    ctx.out.error('interrupted');
    return EXIT.interrupted;
  }
  // Your endpoint's answer is printed, never a secret the CLI was given (nor the token issued).
  const scrub = (text: string) =>
    outcome.hide.concat(secrets).reduce((out, secret) => out.split(secret).join('…'), text);
  const answer = scrub(outcome.answer);
  const attemptsSeen = outcome.attempts.map((attempt) =>
    attempt.answer === undefined ? attempt : { ...attempt, answer: scrub(attempt.answer) },
  );
  const ok =
    outcome.ok ??
    (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300 && outcome.valid !== false);
  if (ctx.flags.json) {
    ctx.out.line(
      JSON.stringify({
        ok,
        provider,
        ...outcome.about,
        attempts: attemptsSeen,
        status: outcome.status ?? null,
        answer,
        ...(outcome.valid === undefined ? {} : { validSnapResponse: outcome.valid }),
      }),
    );
    return ok ? EXIT.ok : EXIT.provider;
  }
  const { color } = ctx.out;
  ctx.out.line(`${provider} → ${inline(to.href)}`);
  if (outcome.about !== undefined) {
    const { protocol, format, orderId } = outcome.about;
    ctx.out.line(
      `  callback: protocol ${protocol}, ${format}${orderId === undefined ? '' : `, order ${inline(orderId)}`}`,
    );
  }
  attemptsSeen.forEach((attempt, i) => {
    const what = attempt.timedOut
      ? `no answer within ${timeoutMs} ms${attempt.status === undefined ? '' : ` (HTTP ${attempt.status}, the body did not end)`}`
      : attempt.status === undefined
        ? `network error${attempt.errorCode ? ` (${inline(attempt.errorCode)})` : ''}`
        : `HTTP ${attempt.status}${attempt.responseCode ? ` ${inline(attempt.responseCode)}` : ''}`;
    const took = attempt.durationMs === undefined ? '' : ` in ${attempt.durationMs} ms`;
    const said = attempt.answer ? `, answered "${inline(attempt.answer)}"` : '';
    const again = i > 0 && outcome.about === undefined ? ` (${mode})` : '';
    ctx.out.line(`  attempt ${i + 1}${again}: ${what}${attempt.timedOut ? '' : took}${said}`);
  });
  // Fondy's attempts carry their own answers; the others print the last one here.
  if (answer.length > 0 && outcome.about === undefined) ctx.out.line(`  answer: ${block(answer)}`);
  if (outcome.valid !== undefined) {
    ctx.out.line(
      `  ${outcome.valid ? color.green('✓') : color.red('✗')} ${outcome.valid ? 'a valid SNAP response' : 'not a valid SNAP response ({ responseCode, responseMessage } with a 7-digit code starting with the HTTP status)'}`,
    );
  }
  ctx.out.line(ok ? `${color.green('✓')} answered` : `${color.red('✗')} no successful answer`);
  return ok ? EXIT.ok : EXIT.provider;
}

interface Delivery {
  readonly attempts: readonly Attempt[];
  readonly status: number | undefined;
  readonly answer: string;
  readonly valid?: boolean | undefined;
  /** Whether the endpoint accepted it, when the provider package says so (default: a 2xx, and valid). */
  readonly ok?: boolean | undefined;
  /** Fondy: what was sent. */
  readonly about?: { readonly protocol: string; readonly format: string; readonly orderId?: string | undefined };
  /** Values to keep out of the output besides the settings' secrets (the token the merchant issued). */
  readonly hide: string[];
}

interface Redelivery {
  readonly attempts: number;
  readonly mode: 're-signed' | 'verbatim';
  readonly timeoutMs: number;
  readonly delayMs: number;
}

async function snapDelivery(
  values: Record<string, string | undefined>,
  origins: Record<string, string>,
  to: URL,
  body: string,
  redelivery: Redelivery,
  signal: AbortSignal,
): Promise<Delivery> {
  const privateKey = checkedPrivateKey(
    values.partnerPrivateKey as string,
    origins.partnerPrivateKey,
    'partner private key',
  );
  // The sandbox's own client list is not used when it plays the provider: any placeholder will do.
  const sandbox = createSnapSandbox({ clients: [{ clientId: 'payauth', publicKey: privateKey, clientSecret: 'x' }] });
  const session = sandbox.merchant({
    baseUrl: to.href,
    clientId: values.partnerClientId as string,
    clientSecret: values.partnerClientSecret as string,
    privateKey,
    ...(values.partnerId === undefined ? {} : { partnerId: values.partnerId }),
    channelId: values.channelId as string,
    tokenPath: values.tokenPath as string,
    timeoutMs: redelivery.timeoutMs,
    redelivery,
  });
  let token: string;
  try {
    token = await session.getToken();
  } catch (error) {
    return {
      attempts: [],
      status: undefined,
      answer: error instanceof Error ? error.message : String(error),
      valid: false,
      hide: [],
    };
  }
  const delivery: SnapSandboxMerchantDelivery = await session.call(values.path as string, {
    body,
    ...(values.externalId === undefined ? {} : { externalId: values.externalId }),
    signal,
  });
  return {
    attempts: delivery.attempts.map((attempt) => ({
      status: attempt.status,
      timedOut: attempt.timedOut,
      responseCode: attempt.responseCode,
    })),
    status: delivery.status,
    answer: delivery.responseBody,
    valid: delivery.validSnapResponse,
    hide: [token],
  };
}

async function dokuDelivery(
  values: Record<string, string | undefined>,
  to: URL,
  body: string,
  redelivery: Redelivery,
  signal: AbortSignal,
): Promise<Delivery> {
  const clientId = values.clientId as string;
  const sandbox = createDokuSandbox({ clients: [{ clientId, secretKey: values.secretKey as string }] });
  let first: Request | undefined;
  const delivered = await deliver({
    // Every attempt carries the notification's one Request-Id; verbatim keeps its timestamp too.
    request: () => {
      const requestId = first?.headers.get('Request-Id') ?? undefined;
      const timestamp = redelivery.mode === 'verbatim' ? first?.headers.get('Request-Timestamp') : undefined;
      const request = sandbox.createNotification({
        url: to.href,
        body,
        clientId,
        ...(requestId === undefined ? {} : { requestId }),
        ...(timestamp == null ? {} : { timestamp }),
        ...(values.target === undefined ? {} : { target: values.target }),
      });
      first ??= request;
      return request;
    },
    attempts: redelivery.attempts,
    timeoutMs: redelivery.timeoutMs,
    delayMs: redelivery.delayMs,
    signal,
    name: 'payauth notify doku',
  });
  const last = delivered[delivered.length - 1] as DeliveryAttempt;
  return {
    attempts: delivered.map((attempt) => ({
      status: attempt.outcome === 'answered' ? attempt.status : undefined,
      timedOut: attempt.outcome === 'timeout',
    })),
    status: last.outcome === 'answered' ? last.status : undefined,
    answer: last.answer,
    hide: [],
  };
}

async function fondyDelivery(
  values: Record<string, string | undefined>,
  to: URL,
  redelivery: Redelivery,
  signal: AbortSignal,
): Promise<Delivery> {
  const protocol = oneOf(values.protocol, 'protocol', ['1.0', '2.0']) as '1.0' | '2.0';
  const format = oneOf(values.format, 'format', ['json', 'form']) as 'json' | 'form';
  const params = values.body === undefined ? undefined : paramsBody(values.body);
  const delivery = await sendFondyCallback({
    url: to.href,
    paymentKey: values.paymentKey as string,
    merchantId: values.merchantId as string,
    protocol,
    format,
    ...(params === undefined ? {} : { params }),
    attempts: redelivery.attempts,
    timeoutMs: redelivery.timeoutMs,
    delayMs: redelivery.delayMs,
    signal,
  });
  return {
    attempts: delivery.attempts.map((attempt) => ({
      status: attempt.status,
      timedOut: attempt.outcome === 'timeout',
      answer: attempt.answer,
      durationMs: attempt.durationMs,
      ...(attempt.errorCode === undefined ? {} : { errorCode: attempt.errorCode }),
    })),
    status: delivery.status,
    answer: delivery.answer,
    ok: delivery.ok,
    about: { protocol: delivery.protocol, format: delivery.format, orderId: delivery.orderId },
    hide: [],
  };
}
