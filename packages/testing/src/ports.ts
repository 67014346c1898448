import { createServer } from 'node:net';

/**
 * A free TCP port on 127.0.0.1: free when asked, so start what takes it right after (a server that
 * cannot listen on port 0 itself, such as a program configured by a fixed port).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
