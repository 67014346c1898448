/**
 * One client cannot starve the others of connections: a client's open connections are bounded by
 * address, connections that never send a request with credentials make room for new ones, and behind a
 * trusted proxy each client named by `X-Forwarded-For` has its own bounds.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { optionsFromArgs } from '../../src/args.js';
import { type MockServer, startMockServer } from '../../src/index.js';

let mock: MockServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await mock?.close();
  mock = undefined;
});
afterAll(async () => {
  await mock?.close();
});

/** Opens a connection from `localAddress` and writes `text`; resolves once it is connected and written. */
function opened(localAddress: string, text: string): Promise<Socket> {
  const url = new URL((mock as MockServer).url);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), localAddress }, () =>
      socket.write(text, () => resolve(socket)),
    );
    socket.on('error', () => {});
    socket.on('close', () => resolve(socket));
    sockets.push(socket);
  });
}

describe('connections', () => {
  it('serves a partner while another client holds unfinished heads, reopened as they close', async () => {
    mock = await startMockServer({
      mode: 'sandbox',
      port: 0,
      maxConnections: 40,
      maxConnectionsPerClient: 10,
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 30_000,
    });
    // Many addresses' worth of unfinished heads, far beyond the connection cap.
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          opened(`127.0.0.${2 + (i % 6)}`, 'GET /sg_inf/list HTTP/1.1\r\nHost: x\r\n'),
        ),
      );
    }
    const res = await fetch(`${mock.url}/sg_inf/list`, { headers: { Authorization: 'Bearer partner' } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it('behind a trusted proxy, bounds each client named by X-Forwarded-For on its own', async () => {
    mock = await startMockServer({
      mode: 'sandbox',
      port: 0,
      maxConcurrentPerClient: 1,
      trustProxy: ['127.0.0.1/32'],
    });
    // One client's request in flight: its body never comes.
    await opened(
      '127.0.0.1',
      'POST /sg_inf/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\nX-Forwarded-For: 203.0.113.5\r\n' +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    const list = (client: string) =>
      fetch(`${(mock as MockServer).url}/sg_inf/list`, {
        headers: { Authorization: 'Bearer b', 'X-Forwarded-For': `198.51.100.1, ${client}` },
      }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    expect(await list('203.0.113.5')).toBe(429);
    expect(await list('198.51.100.7')).toBe(200);
  });

  it('reads --trust-proxy as addresses and CIDR ranges, naming a bad entry', () => {
    expect(
      optionsFromArgs(['--trust-proxy', '10.0.0.0/8,::1', '--trust-proxy', '192.168.1.1']),
    ).toMatchObject({
      trustProxy: ['10.0.0.0/8', '::1', '192.168.1.1'],
    });
    expect(() => optionsFromArgs(['--trust-proxy', '10.0.0.0/40'])).toThrow(
      /--trust-proxy .*'10\.0\.0\.0\/40'/,
    );
    expect(() => optionsFromArgs(['--trust-proxy', 'proxy.internal'])).toThrow(/proxy\.internal/);
  });
});
