import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { SandboxStore, StoreStats } from '../sandbox/store/types.js';

export { routeOf } from './route.js';

/** The HTTP methods counted under their own name; any other is `OTHER` (a closed set of labels). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** How long one replica stays the one that reports the shared store's figures, renewed at each scrape. */
export const STORE_REPORTER_LEASE_MS = 120_000;

/**
 * Prometheus metrics of the mock (prom-client), on a registry of its own: Node's default process metrics,
 * requests by route, method and status, their latency, rejections, the store's reachability and latency,
 * and the store's figures (tenants, deployments, keys, bytes). A shared store's figures are the same seen
 * from every replica: one replica at a time reports them (`sgi_mock_store_reporter 1`), the others report
 * 0, so that a sum across replicas is the store's figure.
 */
export async function mockMetrics(store: SandboxStore | undefined, clock: () => number) {
  // Loaded only when asked for: a server without metrics starts without it.
  const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = await import('prom-client');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'sgi_mock_requests_total',
    help: 'Requests answered, by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'sgi_mock_request_duration_seconds',
    help: 'Time from request to answer, by route and method.',
    labelNames: ['route', 'method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const rejections = new Counter({
    name: 'sgi_mock_rejections_total',
    help: 'Requests refused before they reached the API, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  if (store) {
    const replica = randomUUID();
    /** One scrape's look at the store: reachable, how fast, and whether this replica reports its figures. */
    let look: Promise<{ up: boolean; seconds: number; reporter: boolean }> | undefined;
    const lookAtStore = () => {
      look ??= (async () => {
        const started = performance.now();
        const up = await store.ready().catch(() => false);
        const seconds = (performance.now() - started) / 1000;
        const reporter =
          up &&
          (store.claimReporter
            ? await store.claimReporter(replica, STORE_REPORTER_LEASE_MS).catch(() => false)
            : true);
        return { up, seconds, reporter };
      })().finally(() => setImmediate(() => (look = undefined)));
      return look;
    };
    // One read of the store's figures per scrape, whichever gauge asks first.
    let stats: Promise<StoreStats> | undefined;
    const readStats = () => {
      if (!stats) {
        stats = store.stats(clock());
        const clear = () => {
          stats = undefined;
        };
        stats.then(clear, clear);
      }
      return stats;
    };
    new Gauge({
      name: 'sgi_mock_store_up',
      help: 'Whether the store answers and is the one this replica uses (1) or not (0).',
      registers: [registry],
      async collect() {
        this.set((await lookAtStore()).up ? 1 : 0);
      },
    });
    new Gauge({
      name: 'sgi_mock_store_latency_seconds',
      help: "Time the store took to answer this scrape's readiness check.",
      registers: [registry],
      async collect() {
        this.set((await lookAtStore()).seconds);
      },
    });
    new Gauge({
      name: 'sgi_mock_store_reporter',
      help: "1 on the one replica that reports the shared store's figures (tenants, deployments, keys, bytes); 0 on the others, which report them as 0.",
      registers: [registry],
      async collect() {
        this.set((await lookAtStore()).reporter ? 1 : 0);
      },
    });
    new Gauge({
      name: 'sgi_mock_store_full',
      help: '1 while the store refuses new data for lack of room (creates answer 403), else 0 (every replica reports it: take the max).',
      registers: [registry],
      async collect() {
        this.set(Number((await readStats()).full));
      },
    });
    const fromStats = (name: string, help: string, pick: 'tenants' | 'deployments' | 'keys' | 'bytes') =>
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          this.set((await lookAtStore()).reporter ? Number((await readStats())[pick]) : 0);
        },
      });
    fromStats(
      'sgi_mock_tenants',
      'Tenants held (reported by one replica: see sgi_mock_store_reporter).',
      'tenants',
    );
    fromStats('sgi_mock_deployments', 'Deployments held (reported by one replica).', 'deployments');
    fromStats(
      'sgi_mock_sandbox_keys',
      'Sandbox keys issued and not revoked (reported by one replica).',
      'keys',
    );
    fromStats(
      'sgi_mock_stored_bytes',
      'Bytes held (UTF-8, as stored): deployment settings and request logs (reported by one replica).',
      'bytes',
    );
  }
  return {
    registry,
    observe(route: string, method: string, status: number, seconds: number, reason?: string): void {
      const m = METHODS.has(method) ? method : 'OTHER';
      requests.inc({ route, method: m, status: String(status) });
      latency.observe({ route, method: m }, seconds);
      if (reason) rejections.inc({ reason });
    },
  };
}

export type MockMetrics = Awaited<ReturnType<typeof mockMetrics>>;

/** Serves `GET /metrics` in Prometheus text format on its own port (opt-in: operators scrape it, partners never see it). */
export async function serveMetrics(metrics: MockMetrics, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: metrics are at GET /metrics.\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500).end(`metrics failed: ${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
