// @org/signing-core/testing is Web-standard: its sandbox kit runs in-process on every runtime,
// workerd without nodejs_compat included.
import { createSandboxCore, jsonResponse, pathMatches } from '@org/signing-core/testing';
import { equal, ok } from '../harness.mjs';

export const testingCoreCases = [
  {
    name: 'testing: createSandboxCore records, injects faults and answers in-process',
    async run() {
      const core = createSandboxCore(() => jsonResponse(200, { ok: true }));
      core.faults.inject({ type: 'status', status: 503 }, { path: '/token' });
      const first = await core.handler(new Request('http://sandbox.invalid/token', { method: 'POST', body: '{}' }));
      equal(first.status, 503, 'the injected fault');
      const second = await core.handler(new Request('http://sandbox.invalid/token', { method: 'POST', body: '{}' }));
      equal(second.status, 200, 'then the route');
      equal(core.requests.count('/token'), 2, 'recorded');
      ok(pathMatches('/token?x=1', '/token') && !pathMatches('/token2', '/token'), 'pathMatches');
    },
  },
];
