// The parts of Prism the mock runs, bundled with their whole dependency tree into one CommonJS file
// (dist/vendor/prism.cjs, by scripts/bundle.mjs) that `loadPrism()` reads with V8's code cache.
import type { PrismHttpComponents } from '@stoplight/prism-http';
import * as forwarder from '@stoplight/prism-http/dist/forwarder/index.js';

export { createLogger } from '@stoplight/prism-core';
export { getHttpOperationsFromSpec } from '@stoplight/prism-http';
export { createServer } from '@stoplight/prism-http-server';
/** Calls a `(req, res)` handler in process, with no socket: how the sandbox's backend is reached. */
export { inject } from 'light-my-request';

/** Prism's own forwarding component: the sandbox hands it what it refuses before anything is forwarded. */
export const forward: PrismHttpComponents['forward'] = forwarder.default.default;

/** JSON Schema 2020-12 validation (the dialect of OpenAPI 3.1), for the model endpoint's contract. */
export { Ajv2020 } from 'ajv/dist/2020.js';
