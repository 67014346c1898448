import { createServer, type Server } from 'node:http';
import type { SandboxStore, StoreStats } from '../sandbox/store/types.js';

export { routeOf } from './route.js';

/** Prometheus metrics of the mock (prom-client), on a registry of its own. */
export async function mockMetrics(store: SandboxStore | undefined, clock: () => number) {
  // Loaded only when asked for: a server without metrics starts without it.
  const { Counter, Gauge, Histogram, Registry } = await import('prom-client');
  const registry = new Registry();
  const requests = new Counter({
    name: 'sgi_mock_requests_total',
    help: 'Requests answered, by route and status.',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'sgi_mock_request_duration_seconds',
    help: 'Time from request to answer, by route.',
    labelNames: ['route'] as const,
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
    // One read of the store per scrape, whichever gauge asks first.
    let stats: Promise<StoreStats> | undefined;
    const fromStats = (
      name: string,
      help: string,
      pick: 'tenants' | 'deployments' | 'keys' | 'bytes' | 'full',
    ) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          if (!stats) {
            stats = store.stats(clock());
            const clear = () => {
              stats = undefined;
            };
            stats.then(clear, clear);
          }
          this.set(Number((await stats)[pick]));
        },
      });
    fromStats('sgi_mock_tenants', 'Tenants held.', 'tenants');
    fromStats('sgi_mock_deployments', 'Deployments held.', 'deployments');
    fromStats('sgi_mock_sandbox_keys', 'Sandbox keys issued and not revoked.', 'keys');
    fromStats(
      'sgi_mock_stored_bytes',
      'Bytes held (UTF-8, as stored): deployment settings and request logs.',
      'bytes',
    );
    fromStats(
      'sgi_mock_store_full',
      '1 while the store refuses new data for lack of room (creates answer 403), else 0.',
      'full',
    );
  }
  return {
    registry,
    observe(route: string, status: number, seconds: number, reason?: string): void {
      requests.inc({ route, status: String(status) });
      latency.observe({ route }, seconds);
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
