import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { OpenApiDocument } from '@sgi/spec';
import { type LoadedBundle, requireWithCodeCache } from './compile-cache.js';
import type * as Vendor from './vendor/prism.js';

let prism: LoadedBundle<typeof Vendor> | undefined;

/**
 * Prism's server, router, validator and their dependencies: in the published package one bundled
 * file (`dist/vendor/prism.cjs`) read with V8's code cache; run from source, the installed packages.
 */
function loadPrism(): LoadedBundle<typeof Vendor> {
  if (prism) return prism;
  const bundled = fileURLToPath(new URL('./vendor/prism.cjs', import.meta.url));
  if (existsSync(bundled)) {
    prism = requireWithCodeCache<typeof Vendor>(bundled);
  } else {
    const load = createRequire(import.meta.url);
    const names = ['@stoplight/prism-core', '@stoplight/prism-http', '@stoplight/prism-http-server'];
    const exports = Object.assign({}, ...names.map((name) => load(name))) as typeof Vendor;
    prism = { exports, fromCache: false, saveCache: () => {} };
  }
  return prism;
}

/** How Prism runs: serving examples (`mock`) or validating a real upstream (`proxy`). */
export type PrismMode = { kind: 'mock' } | { kind: 'proxy'; upstream: string };

/** A running Prism on a loopback port. */
export interface RunningPrism {
  url: string;
  close(): Promise<void>;
}

/** How long after a start the code V8 compiled for Prism is saved for the next start (first requests included). */
const SAVE_COMPILED_AFTER_MS = 1000;

/**
 * Starts Prism on `127.0.0.1` (a free port) for the bundled spec `document` (parsed JSON, which Prism
 * dereferences in place: pass a copy), with request validation, security checks and, in proxy mode,
 * response validation that turns any violation into an error (`--errors`).
 */
export async function startPrism(document: OpenApiDocument, mode: PrismMode): Promise<RunningPrism> {
  const loaded = loadPrism();
  const { createLogger, createServer, getHttpOperationsFromSpec } = loaded.exports;
  const operations = await getHttpOperationsFromSpec(document);
  const shared = {
    validateRequest: true,
    validateResponse: true,
    checkSecurity: true,
    errors: mode.kind === 'proxy',
    upstreamProxy: undefined,
    mock: { dynamic: false },
  };
  const config =
    mode.kind === 'proxy'
      ? { ...shared, isProxy: true as const, upstream: new URL(mode.upstream) }
      : { ...shared, isProxy: false as const };
  const logger = createLogger('PRISM', { level: 'silent' });
  const server = createServer(operations, { cors: true, config, components: { logger } });
  const url = await server.listen(0, '127.0.0.1');
  setTimeout(() => loaded.saveCache(), SAVE_COMPILED_AFTER_MS).unref();
  return { url, close: () => server.close() };
}
