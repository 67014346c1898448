import { createServer, type Server } from 'node:http';
import { specYamlPath } from '@sgi/spec';
import { type ContractViolation, frontHandler } from './front.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DEPTH } from './limits.js';
import { startPrism } from './prism.js';
import { specFacts } from './spec.js';

/** How to run the mock server. */
export interface MockServerOptions {
  /** `static`: Prism serving the spec's examples. `sandbox`: a stateful fake behind Prism's validating proxy. Default `sandbox`. */
  mode?: 'static' | 'sandbox';
  /** Port to listen on; `0` (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Sandbox: milliseconds from `PROVISIONING` to `ACTIVE` after create or start (default 2000; 0 in tests). */
  provisionDelayMs?: number;
  /** Sandbox: milliseconds from `DELETING` to gone after delete (default 1000; 0 in tests). */
  deleteDelayMs?: number;
  /** Largest request body accepted, in bytes (default 1 MiB); a larger one gets 413. */
  maxBodyBytes?: number;
  /** Share (0 to 1) of calls answered 429 or 503 with `Retry-After: 1`. Default 0. */
  chaos?: number;
  /** Called for each response that broke the spec and was replaced by a 500 (default: a line on stderr). */
  onContractViolation?: (violation: ContractViolation) => void;
}

/** A running mock server. */
export interface MockServer {
  /** Base URL, e.g. `http://127.0.0.1:4010`. */
  url: string;
  /** The port it listens on. */
  port: number;
  mode: 'static' | 'sandbox';
  /** Stops the server and everything it started. */
  close(): Promise<void>;
}

/** Listens on `port`/`host`, with a clear error when the port is taken. */
function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on ${host} is already in use: stop what uses it or choose another port.`)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/**
 * Starts the mock server of the Inference API and resolves once it answers.
 *
 * @example
 * const mock = await startMockServer({ mode: 'sandbox', port: 0 });
 * await fetch(`${mock.url}/sg_inf/list`, { headers: { Authorization: 'Bearer test' } });
 * await mock.close();
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const mode = options.mode ?? 'sandbox';
  if (mode !== 'static') throw new Error(`Mode '${mode}' is not available in this version: use 'static'.`);
  const host = options.host ?? '127.0.0.1';
  const facts = specFacts();
  const prism = await startPrism(specYamlPath, { kind: 'mock' });
  const front = frontHandler({
    upstream: prism.url,
    facts,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxDepth: DEFAULT_MAX_DEPTH,
    chaos: options.chaos ?? 0,
    onContractViolation:
      options.onContractViolation ??
      ((v) =>
        process.stderr.write(
          `sgi-mock: contract violation on ${v.method} ${v.path}: ${JSON.stringify(v.violations)}\n`,
        )),
  });
  const server = createServer(front.handler);
  let port: number;
  try {
    port = await listen(server, options.port ?? 0, host);
  } catch (error) {
    front.close();
    await prism.close();
    throw error;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    mode,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      front.close();
      await prism.close();
    },
  };
}
