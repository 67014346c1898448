/**
 * A store that is not the one the replicas were using (a Redis restarted without its data, or another
 * Redis on the address): the replicas report not ready and answer 503 naming the cause, rather than
 * 401 to every partner whose key the empty store does not hold; they serve again when the original store
 * is back, or once an operator accepts the new one with `sgi-mock store accept`.
 */
import { execFile } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startRedis, type TestRedis } from '@sgi/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../support/http.js';
import { eventually, type Replica, startReplica } from '../support/replica.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const ADMIN = 'an-admin-token-of-32-characters!';

let redis: TestRedis;
const replicas: Replica[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await redis?.close();
});

/** Restarts the Redis on its address with none of its data; returns a function that brings its data back. */
async function emptyRedis(): Promise<() => Promise<void>> {
  await redis.stop('SIGTERM');
  const aof = join(redis.dir, 'appendonlydir');
  const saved = `${redis.dir}-saved-${Date.now()}`;
  renameSync(aof, saved);
  await redis.start();
  return async () => {
    await redis.stop('SIGTERM');
    rmSync(aof, { recursive: true, force: true });
    renameSync(saved, aof);
    await redis.start();
  };
}

const readiness = async (r: Replica) => {
  const res = await fetch(`${r.url}/__sandbox/ready`);
  return { status: res.status, body: (await res.json()) as { message: string } };
};

const storeCommand = (...args: string[]) =>
  promisify(execFile)(process.execPath, [cli, 'store', ...args, '--store', redis.url]);

describe('the store carries an identity', () => {
  it('a replica that finds its store emptied answers 503 naming the cause, and serves again once it is back or accepted', async () => {
    for (let i = 0; i < 2; i++) {
      replicas.push(await startReplica(['--store', redis.url, '--auth', 'keys', '--admin-token', ADMIN]));
    }
    const [a, b] = replicas as [Replica, Replica];
    const created = await client(a.url, ADMIN)('POST', '/__sandbox/admin/keys', { body: { name: 'acme' } });
    expect(created.status).toBe(201);
    const key = created.body.message.key as string;
    for (const r of replicas) expect((await client(r.url, key)('GET', '/sg_inf/list')).status).toBe(200);

    const restore = await emptyRedis();
    for (const r of replicas) {
      // Not ready while Redis restarts, then not ready for the cause that remains.
      const ready = await eventually(`${r.url} not ready for its store`, async () => {
        const answer = await readiness(r);
        return /emptied/.test(answer.body.message) ? answer : undefined;
      });
      expect(ready.status).toBe(503);
      expect(ready.body.message).toMatch(/emptied or replaced/);
      const listed = await client(r.url, key)('GET', '/sg_inf/list');
      expect(listed.status, 'a partner sees 503, never 401').toBe(503);
      expect(listed.body.message).toMatch(/emptied or replaced/);
      expect(listed.headers.get('retry-after')).toBe('1');
    }
    // A replica started now does not take the emptied store for a new one either.
    const late = await startReplica(['--store', redis.url, '--auth', 'keys', '--admin-token', ADMIN]);
    replicas.push(late);
    expect((await readiness(late)).status).toBe(503);
    expect((await client(late.url, key)('GET', '/sg_inf/list')).status).toBe(503);
    const status = (await storeCommand('status').catch((e: unknown) => e)) as {
      code?: number;
      stdout: string;
    };
    expect(status.code).toBe(3);
    expect(status.stdout).toContain('replicas expected instead');
    for (const r of [a, b]) expect(r.output()).toMatch(/is not the store this replica was using/);

    // The original store is back: every replica serves, the partner's key works again.
    await restore();
    for (const r of replicas) {
      await eventually(`${r.url} ready again`, async () =>
        (await readiness(r)).status === 200 ? true : undefined,
      );
      expect((await client(r.url, key)('GET', '/sg_inf/list')).status).toBe(200);
    }
    for (const r of [a, b]) expect(r.output()).toMatch(/is the store to use again/);

    // Emptied again, and this time the operator accepts the empty store: the replicas serve from it
    // (the partner's key is not in it: 401 now, as a new key must be issued).
    await emptyRedis();
    await eventually('not ready', async () =>
      /emptied/.test((await readiness(a)).body.message) ? true : undefined,
    );
    const accepted = await storeCommand('accept');
    expect(accepted.stdout).toMatch(/accepted: identity [0-9a-f-]{36}, in place of [0-9a-f-]{36}/);
    for (const r of replicas) {
      await eventually(`${r.url} ready on the accepted store`, async () =>
        (await readiness(r)).status === 200 ? true : undefined,
      );
      expect((await client(r.url, key)('GET', '/sg_inf/list')).status).toBe(401);
    }
    expect((await storeCommand('status')).stdout).toContain('no replica expects another store');
  });
});
