import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { loadSpec } from '@sgi/spec';
import { envelope, sendJson, UNAUTHORIZED } from './errors.js';
import { type ContractViolation, frontHandler } from './front.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DEPTH } from './limits.js';
import { type RunningPrism, startPrism } from './prism.js';
import { type AlterResponse, bearerToken, sandboxBackend } from './sandbox/backend.js';
import { SandboxStore } from './sandbox/store.js';
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
  /** Sandbox: tokens remembered at once, the least recently used forgotten first (default 10,000). */
  maxTenants?: number;
  /** Sandbox: deployments one token may hold; create answers 403 beyond it (default 1,000). */
  maxDeploymentsPerTenant?: number;
  /** Sandbox: deployments held in all, the least recently used tokens forgotten first beyond it (default 10,000). */
  maxDeployments?: number;
  /** Largest request body accepted, in bytes (default 1 MiB); a larger one gets 413. */
  maxBodyBytes?: number;
  /** Share (0 to 1) of calls answered 429 or 503 with `Retry-After: 1`. Default 0. */
  chaos?: number;
  /** Called for each response that broke the spec and was replaced by a 500 (default: a line on stderr). */
  onContractViolation?: (violation: ContractViolation) => void;
  /**
   * Sandbox, for testing the contract guard only: changes each answer of the sandbox before Prism
   * validates it. An answer changed so that it breaks the spec reaches the caller as a 500.
   */
  alterSandboxResponse?: AlterResponse;
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

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The sandbox's own routes under `/__sandbox/`: `POST /__sandbox/reset` forgets the caller's deployments. */
function sandboxRoutes(store: SandboxStore) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith('/__sandbox/')) return false;
    req.resume();
    if (req.method !== 'POST' || path !== '/__sandbox/reset') {
      sendJson(res, 404, envelope(`No such route: ${req.method} ${path.slice(0, 200)}.`));
      return true;
    }
    const token = bearerToken(req);
    if (!token) {
      sendJson(res, 401, envelope(UNAUTHORIZED));
      return true;
    }
    const removed = store.reset(token);
    sendJson(res, 200, {
      success: true,
      message: `Sandbox reset: ${removed} deployments of this token removed.`,
    });
    return true;
  };
}

/**
 * Starts the mock server of the Inference API and resolves once it answers.
 *
 * @example
 * const mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 0 });
 * await fetch(`${mock.url}/sg_inf/list`, { headers: { Authorization: 'Bearer test' } });
 * await mock.close();
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const mode = options.mode ?? 'sandbox';
  if (mode !== 'static' && mode !== 'sandbox')
    throw new Error(`mode must be 'static' or 'sandbox' (got '${mode}').`);
  const host = options.host ?? '127.0.0.1';
  const facts = specFacts();
  const cleanups: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    let prism: RunningPrism;
    let store: SandboxStore | undefined;
    if (mode === 'sandbox') {
      store = new SandboxStore(
        { provisionDelayMs: options.provisionDelayMs ?? 2000, deleteDelayMs: options.deleteDelayMs ?? 1000 },
        {
          maxTenants: options.maxTenants ?? 10_000,
          maxDeploymentsPerTenant: options.maxDeploymentsPerTenant ?? 1000,
          maxDeployments: options.maxDeployments ?? 10_000,
        },
      );
      const backendHandler = sandboxBackend(store, facts, options.alterSandboxResponse);
      // Prism's validating proxy calls the backend in process: no second HTTP hop per request.
      const handler = (req: IncomingMessage, res: ServerResponse) => {
        backendHandler(req, res).catch((error: unknown) => {
          process.stderr.write(`sgi-mock: sandbox failed on ${req.method} ${req.url}: ${String(error)}\n`);
          sendJson(res, 500, envelope('The sandbox failed while answering this request.'));
        });
      };
      prism = await startPrism(loadSpec(), { kind: 'sandbox', handler });
    } else {
      prism = await startPrism(loadSpec(), { kind: 'mock' });
    }
    cleanups.push(() => prism.close());

    const front = frontHandler({
      upstream: prism.url,
      facts,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      maxDepth: DEFAULT_MAX_DEPTH,
      chaos: options.chaos ?? 0,
      ...(store ? { ownRoute: sandboxRoutes(store) } : {}),
      onContractViolation:
        options.onContractViolation ??
        ((v) =>
          process.stderr.write(
            `sgi-mock: contract violation on ${v.method} ${v.path}: ${JSON.stringify(v.violations)}\n`,
          )),
    });
    cleanups.push(() => front.close());
    const server = createServer(front.handler);
    const port = await listen(server, options.port ?? 0, host);
    cleanups.push(() => stop(server));

    const urlHost = host.includes(':') ? `[${host}]` : host;
    return { url: `http://${urlHost}:${port}`, port, mode, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
