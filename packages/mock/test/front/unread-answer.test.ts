/**
 * A client that stops reading its answer (its TCP window closed) cannot hold the server: once the server
 * has written the whole answer, the client has a bounded time to read it, then the connection closes and
 * whatever the request held until it ended (its concurrency slot, its read reservation, the answer's
 * memory) is given back. A client that reads is not cut.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTION_LIMITS, guardedServer } from '../../src/connections.js';

/** More than the kernel's socket buffers hold on both sides, so that an unread answer stays in the server. */
const LARGE = 64 * 1024 * 1024;

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

/** A guarded server whose every answer is `LARGE` bytes; `ended()` counts the responses closed. */
async function largeAnswers(answerReadTimeoutMs: number) {
  let ended = 0;
  const { server } = guardedServer(
    (_req, res) => {
      res.once('close', () => ended++);
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': LARGE });
      res.end(Buffer.alloc(LARGE, 120));
    },
    { ...DEFAULT_CONNECTION_LIMITS, answerReadTimeoutMs, maxBodyBytes: 1024 },
  );
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, ended: () => ended };
}

/** Sends one GET and reads nothing. */
function unreadGet(port: number): void {
  const socket = connect(port, '127.0.0.1', () => {
    socket.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n');
    socket.pause();
  });
  socket.on('error', () => {});
  sockets.push(socket);
}

describe('an answer its client does not read', () => {
  it('closes the connection once the time to read it has passed, and the request ends', async () => {
    const server = await largeAnswers(500);
    unreadGet(server.port);
    // The server's side: the response closes (a paused client socket does not see the reset itself).
    await expect.poll(() => server.ended(), { timeout: 20_000 }).toBe(1);
  });

  it('lets a client that reads take its whole answer', async () => {
    const server = await largeAnswers(DEFAULT_CONNECTION_LIMITS.answerReadTimeoutMs as number);
    const got = await new Promise<number>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () =>
        socket.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n'),
      );
      sockets.push(socket);
      let bytes = 0;
      socket.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes >= LARGE) resolve(bytes);
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(bytes));
    });
    expect(got).toBeGreaterThanOrEqual(LARGE);
  });
});
