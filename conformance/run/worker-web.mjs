// workerd WITHOUT nodejs_compat: the published packages and @org/signing-core/testing must load
// and pass with Web APIs alone. The provider sandboxes (node:crypto) are not imported here.
import { hostCases } from '../suite/index.mjs';
import { suiteWorker } from './worker-common.mjs';

export default suiteWorker('workerd', hostCases);
