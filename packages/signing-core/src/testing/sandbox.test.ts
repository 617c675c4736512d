import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../http/http-client.js';
import { createSandboxCore, jsonResponse, type RunningSandbox } from './sandbox.js';
import { serveOnLoopback as serveOffNode } from './serve.web.js';

let running: RunningSandbox | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('createSandboxCore', () => {
  it('records requests and answers through the route', async () => {
    const sandbox = createSandboxCore((request, recorded) =>
      jsonResponse(200, { echo: recorded.body, method: request.method }),
    );
    running = await sandbox.listen();
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${running.url}/token?x=1`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'X-Test': 'yes' },
    });
    expect(await response.json()).toEqual({ echo: '{"a":1}', method: 'POST' });
    expect(sandbox.requests.count('/token')).toBe(1);
    expect(sandbox.requests.all[0]).toMatchObject({ method: 'POST', path: '/token?x=1', body: '{"a":1}' });
    expect(sandbox.requests.all[0]?.headers['x-test']).toBe('yes');
  });

  it('injects every fault mode, each surfacing as the matching typed error', async () => {
    const sandbox = createSandboxCore(() => jsonResponse(200, { ok: true }));
    running = await sandbox.listen();
    const client = createHttpClient({ provider: 'test', baseUrl: running.url, retry: 0, timeoutMs: 300 });
    const call = () =>
      client.requestJson({ method: 'GET', path: '/x' }).then(
        () => 'ok',
        (e: { code: string }) => e.code,
      );

    sandbox.faults.inject({ type: 'status', status: 503 });
    expect(await call()).toBe('ERR_PROVIDER');
    sandbox.faults.inject({ type: 'rate-limit', retryAfterSeconds: 7 });
    expect(await call()).toBe('ERR_RATE_LIMITED');
    sandbox.faults.inject({ type: 'html' });
    expect(await call()).toBe('ERR_PROVIDER');
    sandbox.faults.inject({ type: 'html', status: 200 });
    expect(await call()).toBe('ERR_RESPONSE_FORMAT');
    sandbox.faults.inject({ type: 'truncated-json' });
    expect(await call()).toBe('ERR_RESPONSE_FORMAT');
    sandbox.faults.inject({ type: 'drop' });
    expect(await call()).toBe('ERR_NETWORK');
    sandbox.faults.inject({ type: 'delay', ms: 1000 });
    expect(await call()).toBe('ERR_TIMEOUT');
    expect(await call()).toBe('ok');
  });

  it('limits faults by path and count', async () => {
    const sandbox = createSandboxCore(() => jsonResponse(200, {}));
    sandbox.faults.inject({ type: 'status', status: 500 }, { path: '/a', times: 2 });
    const status = async (path: string) => (await sandbox.handler(new Request(`http://sandbox${path}`))).status;
    expect(await status('/b')).toBe(200);
    expect(await status('/a')).toBe(500);
    expect(await status('/a/x')).toBe(500);
    expect(await status('/a')).toBe(200);
  });
});

describe('listen() off Node', () => {
  it('is refused with a message that says what to do instead (what Workers and browsers resolve)', async () => {
    const { handler } = createSandboxCore(async () => jsonResponse(200, {}));
    await expect(serveOffNode(handler, 0)).rejects.toThrow(
      /listen\(\) serves the sandbox with node:http, which this runtime does not have: pass sandbox\.handler to the runtime's own server/,
    );
  });
});

describe('pathMatches', () => {
  it('matches a path, its query and what lies under it, segment-wise', async () => {
    const { pathMatches } = await import('./sandbox.js');
    expect(pathMatches('/v1.0/access-token/b2b', '/v1.0/access-token/b2b')).toBe(true);
    expect(pathMatches('/v1.0/access-token/b2b?x=1', '/v1.0/access-token/b2b')).toBe(true);
    expect(pathMatches('/v1.0/access-token/b2b2c', '/v1.0/access-token/b2b')).toBe(false);
    expect(pathMatches('/api/report/', '/api/report')).toBe(true);
    expect(pathMatches('/api/report/x', '/api/report/')).toBe(true);
    expect(pathMatches('/anything', '/')).toBe(true);
  });
});
