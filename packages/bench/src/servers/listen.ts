/**
 * What the benchmark's minimal servers share: each runs as its own process, keeps connections alive,
 * listens on a free loopback port, prints `listening <port>` once ready and exits on SIGTERM.
 */
import { createServer, type RequestListener } from 'node:http';

/** Serves `handler` as a minimal keep-alive server on 127.0.0.1 at a free port (see above). */
export function listenOnLoopback(handler: RequestListener): void {
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') process.stdout.write(`listening ${address.port}\n`);
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
