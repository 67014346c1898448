import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request. */
export type Fault =
  /** Forward it as it is. */
  | 'pass'
  /** Forward it with these extra headers (the sandbox's `X-Sandbox-Chaos`, Prism's `Prefer`, ...). */
  | { headers: Record<string, string> }
  /** Forward it, let the server process it, then answer the caller a plain-text 500: the outcome is unknown. */
  | 'lose-answer'
  /** Forward it, let the server process it, then cut the caller's connection: the outcome is unknown. */
  | 'reset-after';

/** A request as the proxy saw it. */
export interface Seen {
  method: string;
  path: string;
}

/**
 * A loopback HTTP proxy in front of a mock server that injects faults, one decision per request, and
 * records every request it received: the count of creates that left the CLI.
 */
export async function startFaultyProxy(
  target: string,
  decide: (req: Seen, index: number) => Fault,
): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const upstream = new URL(target);
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? 'GET', path: req.url ?? '/' };
      const fault = decide(
        entry,
        seen.filter((s) => s.method === entry.method && s.path === entry.path).length,
      );
      seen.push(entry);
      const headers = {
        ...req.headers,
        host: upstream.host,
        ...(typeof fault === 'object' ? fault.headers : {}),
      };
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            if (fault === 'reset-after') {
              req.socket.destroy();
              return;
            }
            if (fault === 'lose-answer') {
              res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(body));
          });
        },
      );
      out.on('error', () => res.writeHead(502).end());
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
