// The conformance suite: the same cases on every runtime. `allCases(info, { sandboxes })` lists
// them; `inProcessSandboxes: false` leaves out the cases that load the provider sandboxes
// (node:crypto) in-process — for workerd without nodejs_compat.
import { cryptoCases } from './cases/crypto.mjs';
import { errorCases } from './cases/errors.mjs';
import { faultCases } from './cases/faults.mjs';
import { lifecycleCases } from './cases/lifecycle.mjs';
import { notificationCases } from './cases/notifications.mjs';
import { serverCases } from './cases/server.mjs';
import { testingCoreCases } from './cases/testing-core.mjs';
import { vectorCases } from './cases/vectors.mjs';

export { contextFactory, readHostInfo } from './context.mjs';
export { runCases } from './harness.mjs';

export function hostCases(info) {
  return [
    ...vectorCases(info),
    ...cryptoCases,
    ...errorCases,
    ...lifecycleCases,
    ...faultCases,
    ...notificationCases,
    ...serverCases,
    ...testingCoreCases,
  ];
}
