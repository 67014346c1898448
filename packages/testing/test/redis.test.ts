import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { RedisServerMissingError, redisServerPath, startRedis, type TestRedis } from '@sgi/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('startRedis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('runs a redis-server of its own on a loopback port, reachable under the network guard', async () => {
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}/0`);
    const client = new Redis(redis.url, { lazyConnect: true });
    try {
      await client.connect();
      expect(await client.ping()).toBe('PONG');
      const config = await client.config('GET', 'appendonly');
      expect(config).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'dir')).toEqual(['dir', redis.dir]);
    } finally {
      client.disconnect();
    }
  });

  it('keeps acknowledged writes across a crash (SIGKILL) and a clean restart, on the same port', async () => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    const refusals: Error[] = [];
    client.on('error', (error: Error) => refusals.push(error)); // while Redis restarts
    try {
      for (let i = 0; i < 50; i++) await client.set(`k${i}`, String(i));
      const before = redis.pid();
      await redis.restart('SIGKILL');
      expect(redis.pid()).not.toBe(before);
      expect(await client.get('k49')).toBe('49');
      expect(await client.dbsize()).toBe(50);
      await client.set('after', 'crash');
      await redis.restart('SIGTERM');
      expect(await client.mget('k0', 'after')).toEqual(['0', 'crash']);
    } finally {
      client.disconnect();
    }
  });

  it('refuses connections while stopped, and answers again once started', async () => {
    await redis.stop();
    const refused = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port: redis.port });
      socket.once('error', resolve);
      socket.once('connect', () => reject(new Error('connected to a stopped Redis')));
    });
    expect(refused.code).toBe('ECONNREFUSED');
    await redis.start();
    const again = new Redis(redis.url);
    expect(await again.get('after')).toBe('crash');
    again.disconnect();
  });

  it('removes its folder on close', async () => {
    const other = await startRedis({ appendfsync: 'everysec' });
    expect(existsSync(other.dir)).toBe(true);
    await other.close();
    expect(existsSync(other.dir)).toBe(false);
    expect(other.pid()).toBeUndefined();
  });
});

describe('without redis-server', () => {
  it('fails with a message that says to run scripts/bootstrap', async () => {
    const saved = process.env.REDIS_SERVER_PATH;
    process.env.REDIS_SERVER_PATH = '/nonexistent/redis-server';
    try {
      const failure = await startRedis().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(RedisServerMissingError);
      expect((failure as Error).message).toMatch(/redis-server was not found.*scripts\/bootstrap/);
    } finally {
      if (saved === undefined) delete process.env.REDIS_SERVER_PATH;
      else process.env.REDIS_SERVER_PATH = saved;
    }
  });

  it('finds Debian redis-server on PATH otherwise', () => {
    const path = redisServerPath();
    expect(spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout).toMatch(/^Redis server v=\d/);
  });
});
