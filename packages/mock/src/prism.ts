import { createRequire } from 'node:module';

/** What the Prism HTTP server object offers (the parts this package uses). */
interface PrismServer {
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

interface PrismModules {
  createServer(operations: unknown[], options: unknown): PrismServer;
  getHttpOperationsFromSpec(document: string): Promise<unknown[]>;
  createLogger(name: string, options: unknown): unknown;
  configureExtensionsUserProvided(document: string, params: Record<string, unknown>): Promise<void>;
}

let modules: PrismModules | undefined;

/**
 * Loads Prism's own building blocks the way its CLI does (`@stoplight/prism-cli` 5.14.2 is this package's
 * dependency; its server, router and validator come with it), so the mock runs Prism in this process.
 */
function prismModules(): PrismModules {
  if (modules) return modules;
  const fromCli = createRequire(createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json'));
  modules = {
    createServer: fromCli('@stoplight/prism-http-server').createServer,
    getHttpOperationsFromSpec: fromCli('@stoplight/prism-http').getHttpOperationsFromSpec,
    createLogger: fromCli('@stoplight/prism-core').createLogger,
    configureExtensionsUserProvided: fromCli('./dist/extensions.js').configureExtensionsUserProvided,
  };
  return modules;
}

/**
 * How Prism runs: serving examples (`mock`) or validating a real upstream (`proxy`). A proxy turns a
 * response that breaks the spec into an error, unless `passThrough`: then it forwards every request and
 * answer as they are (no CORS headers added) and only reports violations in its `sl-violations` header.
 */
export type PrismMode = { kind: 'mock' } | { kind: 'proxy'; upstream: string; passThrough?: boolean };

/** A running Prism on a loopback port. */
export interface RunningPrism {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts Prism on `127.0.0.1` (a free port) for the bundled spec at `specPath`, with request validation,
 * security checks and, in proxy mode, response validation that turns any violation into an error (`--errors`).
 */
export async function startPrism(specPath: string, mode: PrismMode): Promise<RunningPrism> {
  const prism = prismModules();
  const operations = await prism.getHttpOperationsFromSpec(specPath);
  await prism.configureExtensionsUserProvided(specPath, {});
  const shared = {
    validateRequest: true,
    validateResponse: true,
    checkSecurity: true,
    errors: mode.kind === 'proxy' && !mode.passThrough,
    upstreamProxy: undefined,
    mock: { dynamic: false },
  };
  const config =
    mode.kind === 'proxy'
      ? { ...shared, isProxy: true, upstream: new URL(mode.upstream) }
      : { ...shared, isProxy: false };
  const logger = prism.createLogger('PRISM', { level: 'silent' });
  const cors = !(mode.kind === 'proxy' && mode.passThrough);
  const server = prism.createServer(operations, { cors, config, components: { logger } });
  const url = await server.listen(0, '127.0.0.1');
  return { url, close: () => server.close() };
}
