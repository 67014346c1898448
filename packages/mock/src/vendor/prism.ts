// The parts of Prism the mock runs, bundled with their whole dependency tree into one CommonJS file
// (dist/vendor/prism.cjs, by scripts/bundle.mjs) that `loadPrism()` reads with V8's code cache.
export { createLogger } from '@stoplight/prism-core';
export { getHttpOperationsFromSpec } from '@stoplight/prism-http';
export { createServer } from '@stoplight/prism-http-server';
