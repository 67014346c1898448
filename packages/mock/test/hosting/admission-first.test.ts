/**
 * The store does no work for a request before it is admitted: authenticated, within its limits, and its
 * body read and checked. A head that announces a body and never sends it costs the store nothing, so
 * heads held open cannot make the store read a tenant's data again and again.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../../src/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { MemoryStore } from '../../src/sandbox/store/memory.js';
import type { DeploymentRecord } from '../../src/sandbox/store/types.js';

/** A memory store that counts its reads. */
class CountingStore extends MemoryStore {
  reads = 0;
  constructor() {
    super({ provisionDelayMs: 0, deleteDelayMs: 0 }, DEFAULT_LIMITS);
  }
  override get(tenant: string, id: string, now: number): Promise<DeploymentRecord | undefined> {
    this.reads++;
    return super.get(tenant, id, now);
  }
  override list(tenant: string, now: number): Promise<DeploymentRecord[]> {
    this.reads++;
    return super.list(tenant, now);
  }
}

const store = new CountingStore();
let mock: MockServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  mock = await startMockServer({ mode: 'sandbox', port: 0, store, provisionDelayMs: 0 });
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await mock.close();
});

/** Sends a request's head announcing a body of `length` bytes, and only the head. */
function heldHead(path: string, length: number): Promise<void> {
  const url = new URL(mock.url);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer held\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
        () => resolve(),
      );
    });
    socket.on('error', () => {});
    sockets.push(socket);
  });
}

it('reads nothing for heads whose body never comes', async () => {
  for (let i = 0; i < 20; i++) await heldHead(i % 2 ? '/sg_inf/list' : `/sg_inf/dep-${i}`, 1000);
  // A complete request after them, on its own connection: once it is answered, the server has seen
  // every head above too (one process, one event loop, connections served in order of arrival).
  const res = await fetch(`${mock.url}/sg_inf/list`, { headers: { Authorization: 'Bearer other' } });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  expect(store.reads).toBe(1);
});
