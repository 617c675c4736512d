// deliver() over real HTTP on 127.0.0.1, against the hostile server: redelivery until a 2xx, one
// deadline over head and body, a size limit, no redirect followed, and an abort that ends it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, TransportError } from '../errors/errors.js';
import { deliver } from './deliver.js';
import {
  type HostileServer,
  hostile,
  settlesWithin,
  startHostileServer,
  trackUnhandledRejections,
} from './hostile.node.js';

let server: HostileServer;
const unhandled = trackUnhandledRejections();
beforeAll(async () => {
  server = await startHostileServer();
  unhandled.start();
});
afterAll(async () => {
  unhandled.stop();
  await server.close();
});
beforeEach(() => server.reset());

const post =
  (body = '{"a":1}') =>
  () =>
    new Request(`${server.origin}/notify`, { method: 'POST', body });

describe('deliver', () => {
  it('sends again after non-2xx answers until a 2xx, with each attempt built afresh', async () => {
    const answers = [500, 503, 200];
    server.handle = (_req, res) => {
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status }));
    };
    const built: number[] = [];
    const attempts = await deliver({
      request: (attempt) => {
        built.push(attempt);
        return new Request(`${server.origin}/notify`, { method: 'POST', body: `{"attempt":${attempt}}` });
      },
      attempts: 5,
    });
    expect(built).toEqual([1, 2, 3]);
    expect(attempts.map(({ attempt, outcome, status, answer }) => ({ attempt, outcome, status, answer }))).toEqual([
      { attempt: 1, outcome: 'answered', status: 500, answer: '{"status":500}' },
      { attempt: 2, outcome: 'answered', status: 503, answer: '{"status":503}' },
      { attempt: 3, outcome: 'answered', status: 200, answer: '{"status":200}' },
    ]);
    expect(server.requests).toBe(3);
  });

  it('stops at `attempts` when no 2xx comes, and waits delayMs between attempts', async () => {
    server.handle = hostile.json(500, { error: 'down' });
    const started = performance.now();
    const attempts = await deliver({ request: post(), attempts: 3, delayMs: 100 });
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 500]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  for (const [name, handler] of [
    ['stalls after the headers', hostile.stallAfterHeaders],
    ['drips one byte at a time', hostile.drip(20)],
  ] as const) {
    it(`${name}: each attempt ends at its deadline (head and body), as a timeout`, async () => {
      server.handle = handler;
      const { value, ms } = await settlesWithin(deliver({ request: post(), attempts: 2, timeoutMs: 200 }), 5000);
      expect(value?.map((a) => a.outcome)).toEqual(['timeout', 'timeout']);
      expect(value?.[0]?.status).toBe(200);
      expect(ms).toBeLessThan(3000);
    });
  }

  it('reads at most maxAnswerBytes of an endless body, then stops reading', async () => {
    server.handle = hostile.endlessBody;
    const { value } = await settlesWithin(deliver({ request: post(), maxAnswerBytes: 100_000 }), 5000);
    expect(value?.[0]).toMatchObject({ outcome: 'answered', status: 200, truncated: true });
    expect(value?.[0]?.answer).toHaveLength(100_000);
  });

  it('a reset mid-body and a refused connection are network errors, with their code when there is one', async () => {
    server.handle = hostile.resetMidBody;
    const [reset] = await deliver({ request: post() });
    expect(reset).toMatchObject({ outcome: 'network-error', status: 200, answer: '' });

    const closed = await startHostileServer();
    const origin = closed.origin;
    await closed.close();
    const [refused] = await deliver({ request: () => new Request(`${origin}/notify`, { method: 'POST', body: '{}' }) });
    expect(refused).toMatchObject({ outcome: 'network-error', status: undefined, errorCode: 'ECONNREFUSED' });
  });

  it('does not follow a redirect: the 3xx is the answer, and is delivered again', async () => {
    let followed = 0;
    server.handle = (req, res) => {
      if (req.url === '/elsewhere') followed += 1;
      hostile.redirect(307, `${server.origin}/elsewhere`)(req, res, '');
    };
    const attempts = await deliver({ request: post(), attempts: 2 });
    expect(attempts.map((a) => a.status)).toEqual([307, 307]);
    expect(followed).toBe(0);
  });

  it('rejects with ERR_ABORTED when the signal aborts during an attempt or between attempts', async () => {
    server.handle = hostile.stallAfterHeaders;
    const during = new AbortController();
    setTimeout(() => during.abort(), 100);
    const { error, ms } = await settlesWithin(
      deliver({ request: post(), timeoutMs: 60_000, signal: during.signal, name: 'sendTest', provider: 'test' }),
      5000,
    );
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'ERR_ABORTED', provider: 'test', attempts: 0 });
    expect((error as Error).message).toBe('sendTest: the delivery was aborted');
    expect(ms).toBeLessThan(2000);

    server.handle = hostile.json(500, {});
    const between = new AbortController();
    setTimeout(() => between.abort(), 150);
    const late = await settlesWithin(
      deliver({ request: post(), attempts: 3, delayMs: 60_000, signal: between.signal }),
      5000,
    );
    expect(late.error).toMatchObject({ code: 'ERR_ABORTED', attempts: 1 });
    expect(unhandled.take()).toEqual([]);
  });

  it('refuses missing, unknown and out-of-range options with a ConfigError naming each', async () => {
    const refused = async (options: unknown) => {
      const error = await deliver(options as never).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).issues.map(({ path, expected }) => `${path}: ${expected}`);
    };
    expect(await refused({ request: post(), attempts: 0, timeoutMs: 1.5 })).toEqual([
      'attempts: a whole number from 1 to 20',
      'timeoutMs: a whole number of milliseconds from 1 to 600000',
    ]);
    expect(await refused({ request: 'x' })).toEqual(['request: a function (attempt) => Request']);
    expect(await refused({ request: post(), retries: 2 })).toEqual([
      expect.stringMatching(/^retries: a known option \(request, attempts, /),
    ]);
    expect(server.requests).toBe(0);
  });
});
