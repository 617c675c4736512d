// workerd WITH nodejs_compat: the provider sandboxes (@org/*/testing, node:crypto by design)
// served inside the Worker through their Web handler, on top of the whole suite.
import { inProcessSandboxCases } from '../suite/cases/in-process-sandboxes.mjs';
import { hostCases } from '../suite/index.mjs';
import { suiteWorker } from './worker-common.mjs';

export default suiteWorker('workerd-nodejs-compat', (info) => [...hostCases(info), ...inProcessSandboxCases]);
