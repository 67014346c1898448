/**
 * Redis stalls (paused: it keeps its sockets open and answers nothing) under a tenant's concurrency
 * limit: the commands sent meanwhile time out here but run in Redis once it goes on, taking slots nobody
 * gives back. Each slot is a short lease that only its replica renews while the request is in flight, so
 * the tenant is served again within a lease of Redis coming back, and the replica logs the stall.
 */
import { randomUUID } from 'node:crypto';
import { startRedis, type TestRedis } from '@sgi/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, pause, type Replica, startReplica } from '../support/replica.js';

let redis: TestRedis;
let replica: Replica | undefined;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  const pid = redis?.pid();
  if (pid) process.kill(pid, 'SIGCONT');
  await replica?.stop();
  await redis?.close();
});

it('gives the slots of a stalled Redis back within seconds, and logs the stall', async () => {
  replica = await startReplica(['--store', redis.url, '--provision-delay-ms', '0', '--max-concurrent', '2']);
  const headers = { Authorization: `Bearer stall-${randomUUID()}` };
  const list = () => fetch(`${(replica as Replica).url}/sg_inf/list`, { headers });
  expect((await list()).status).toBe(200);

  const pid = redis.pid() as number;
  process.kill(pid, 'SIGSTOP');
  try {
    // Each admission times out here (503) and runs in Redis later, taking one of the two slots.
    const during = await Promise.all(Array.from({ length: 4 }, () => list().then((r) => r.status)));
    expect(during.every((status) => status === 503)).toBe(true);
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  // Served again once the leaked slots' leases end (before: only 429 for 60 s).
  const statuses: number[] = [];
  await eventually(
    'the tenant is served again after the stall',
    async () => {
      const status = (await list()).status;
      statuses.push(status);
      return status === 200 ? true : undefined;
    },
    60,
    250,
  );
  expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
  await pause(50);
  expect(replica.output()).toMatch(/stalled: no answer within \d+ ms/);
});
