/**
 * Commands to Redis per sandbox request: each is one round trip the request waits for (or competes with),
 * so the request path keeps to as few as its guarantees allow. Counted with MONITOR on a Redis of the
 * test's own (the commands clients send, not those the store's script runs), never timed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { startRedis, type TestRedis } from '@sgi/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, type MockServerOptions, startMockServer } from '../../src/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { RedisStore, type RedisStoreOptions } from '../../src/sandbox/store/redis.js';
import { client } from '../support/http.js';
import { eventually } from '../support/replica.js';

const body = {
  name: 'counted',
  model: 'BAAI/bge-large-en-v1.5',
  inf_type: 'embedding',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
};
const timings = { provisionDelayMs: 0, deleteDelayMs: 0 };
/** Sequential GETs counted in each case. */
const GETS = 10;

let redis: TestRedis;
/** The client MONITOR was asked on (it hands back a connection of its own): closed too, at the end. */
let monitored: Redis;
let monitor: Redis;
let inspect: Redis;
const seen: Array<{ source: string; args: string[] }> = [];
const servers: MockServer[] = [];
const stores: RedisStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
  inspect = new Redis(redis.url);
  monitored = new Redis(redis.url);
  monitor = await monitored.monitor();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    seen.push({ source, args });
  });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(stores.map((s) => s.close()));
  monitor?.disconnect();
  monitored?.disconnect();
  inspect?.disconnect();
  await redis?.close();
});

/** Waits until MONITOR has shown the test's own `ECHO text`: every command before it was shown too. */
async function marked(text: string): Promise<number> {
  await inspect.echo(text);
  return eventually(`MONITOR shows ${text}`, async () => {
    const at = seen.findIndex((c) => c.args[0]?.toLowerCase() === 'echo' && c.args[1] === text);
    return at === -1 ? undefined : at;
  });
}

/** The names of the commands clients other than the test sent Redis while `run` ran. */
async function commandsDuring(run: () => Promise<void>): Promise<string[]> {
  const mark = randomUUID();
  const from = await marked(`${mark}:start`);
  await run();
  const to = await marked(`${mark}:end`);
  return seen
    .slice(from + 1, to)
    .filter((c) => c.source !== 'lua')
    .map((c) => (c.args[0] ?? '').toLowerCase());
}

async function storeOf(prefix: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
  const store = await RedisStore.connect(redis.url, timings, DEFAULT_LIMITS, {
    keyPrefix: prefix,
    ...options,
  });
  stores.push(store);
  return store;
}

async function sandbox(store: RedisStore, options: MockServerOptions = {}): Promise<MockServer> {
  const server = await startMockServer({ mode: 'sandbox', store, ...options });
  servers.push(server);
  return server;
}

describe('Redis commands per sandbox request', () => {
  it('a GET of a deployment is one command: its read, carrying the previous request’s log entry', async () => {
    // A delay longer than the test: every log entry goes with the next command.
    const store = await storeOf(`rt-${randomUUID()}:`, { requestLogDelayMs: 600_000 });
    const mock = await sandbox(store);
    const call = client(mock.url, `reader-${randomUUID()}`);
    const id = (await call('POST', '/sg_inf/create', { body })).body.message.inf_id as string;
    expect((await call('GET', `/sg_inf/${id}`)).status).toBe(200);

    const commands = await commandsDuring(async () => {
      for (let i = 0; i < GETS; i++) expect((await call('GET', `/sg_inf/${id}`)).status).toBe(200);
    });
    expect(commands).toEqual(Array.from({ length: GETS }, () => 'evalsha'));

    // No entry was lost on the way: the log read carries the last one.
    const log = (await call('GET', '/__sandbox/requests')).body.message as Array<{ path: string }>;
    expect(log).toHaveLength(GETS + 2);
    expect(log.map((e) => e.path)).toEqual([
      ...Array.from({ length: GETS + 1 }, () => `/sg_inf/${id}`),
      '/sg_inf/create',
    ]);
  });

  it('with a sandbox key and both limits, a GET is three: admission, the read, and the slot given back with the log entry', async () => {
    const prefix = `rt-${randomUUID()}:`;
    const store = await storeOf(prefix, { requestLogDelayMs: 600_000 });
    const secret = `sgi_sbx_${randomUUID()}`;
    await store.createKey({
      name: 'acme',
      hash: createHash('sha256').update(secret).digest('hex'),
      prefix: secret.slice(0, 11),
      createdAt: Date.now(),
    });
    const mock = await sandbox(store, { auth: 'keys', rateLimit: 1000, maxConcurrent: 4 });
    const call = client(mock.url, secret);
    const id = (await call('POST', '/sg_inf/create', { body })).body.message.inf_id as string;

    const commands = await commandsDuring(async () => {
      for (let i = 0; i < GETS; i++) {
        const got = await call('GET', `/sg_inf/${id}`);
        expect(got.status).toBe(200);
        expect(got.headers.get('ratelimit-limit')).toBe('1000');
      }
    });
    expect(commands).toEqual(Array.from({ length: 3 * GETS }, () => 'evalsha'));
    // Every slot was given back.
    expect(await inspect.zcard(`${prefix}slots:acme`)).toBe(0);
  });

  it('an entry with no command to go with is sent on its own after the delay, where another replica reads it', async () => {
    const prefix = `rt-${randomUUID()}:`;
    const mock = await sandbox(await storeOf(prefix, { requestLogDelayMs: 50 }));
    const token = `lone-${randomUUID()}`;
    const call = client(mock.url, token);
    await call('POST', '/sg_inf/create', { body });
    const other = await storeOf(prefix);
    const tenant = createHash('sha256').update(token).digest('hex');
    const log = await eventually('the entry reached Redis', async () => {
      const entries = await other.requestLog(tenant, Date.now());
      return entries.length > 0 ? entries : undefined;
    });
    expect(log.map((e) => [e.method, e.path, e.status])).toEqual([['POST', '/sg_inf/create', 200]]);
  });

  it('closing the sandbox sends the entries still waiting', async () => {
    const prefix = `rt-${randomUUID()}:`;
    const mock = await startMockServer({
      mode: 'sandbox',
      store: await RedisStore.connect(redis.url, timings, DEFAULT_LIMITS, {
        keyPrefix: prefix,
        requestLogDelayMs: 600_000,
      }),
    });
    const token = `closing-${randomUUID()}`;
    await client(mock.url, token)('POST', '/sg_inf/create', { body });
    await mock.close();
    const tenant = createHash('sha256').update(token).digest('hex');
    const entries = await (await storeOf(prefix)).requestLog(tenant, Date.now());
    expect(entries.map((e) => e.path)).toEqual(['/sg_inf/create']);
  });
});
