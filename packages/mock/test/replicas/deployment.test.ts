/**
 * The operators' deployment recipe (docs/operating.md), run as printed (only addresses, ports and the admin token are the
 * test's own), and the operator's whole run on it: Redis with the documented settings, two replicas from
 * the documented environment files and the unit's command, keys issued and revoked with the documented
 * command, metrics and JSON logs watched, one replica SIGKILLed and the other SIGTERMed under traffic
 * with no failed request for a client that retries on 503 (as the documented nginx does), Redis
 * replaced by an empty one (not ready, 503 and never 401 for partners), then restored.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, startRedis, type TestRedis } from '@sgi/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, pause } from '../support/replica.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const readme = readFileSync(new URL('../../docs/operating.md', import.meta.url), 'utf8');
const recipe = readme.slice(readme.indexOf('## A deployment recipe'));
const blocks = [...recipe.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1] as string,
  code: m[2] as string,
}));
const block = (lang: string, first: string) => {
  const found = blocks.find((b) => b.lang === lang && b.code.startsWith(first));
  if (!found) throw new Error(`the recipe has no ${lang} block starting with ${first}`);
  return found.code;
};

/** `KEY=value` lines of an environment file. */
const envFile = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

const ADMIN_TOKEN = `test-admin-${Date.now()}-0123456789abcdef`;
let redis: TestRedis;
const children = new Set<ChildProcess>();
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await redis?.close();
});

interface Replica {
  child: ChildProcess;
  url: string;
  out: () => string;
  exit: Promise<number | null>;
}

describe('the deployment recipe', () => {
  it("runs as printed, and takes the operator's whole run", async () => {
    // 2. Redis with the recipe's settings (its own address and port).
    const conf = block('conf', 'bind')
      .split('\n')
      .filter((l) => l.trim() && !/^(bind|port)\b/.test(l));
    redis = await startRedis({
      args: conf.flatMap((line) =>
        line
          .trim()
          .split(/\s+/)
          .map((w, i) => (i ? w : `--${w}`)),
      ),
    });

    // 3. and 4. The environment files and the unit, with this run's ports, store and admin token.
    const ports = new Map<string, string>();
    for (const port of ['4010', '4011', '9464', '4020', '4021', '9465'])
      ports.set(port, String(await freePort()));
    const own = (text: string) =>
      text
        .replace(/SGI_MOCK_ADMIN_TOKEN=.*/, `SGI_MOCK_ADMIN_TOKEN=${ADMIN_TOKEN}`)
        .replace(/redis:\/\/127\.0\.0\.1:6379\/0/g, redis.url)
        .replace(/\b(4010|4011|9464|4020|4021|9465)\b/g, (p) => ports.get(p) as string);
    const common = envFile(own(block('sh', '# /etc/sgi-mock/common.env')));
    const unit = block('ini', '# /etc/systemd/system/sgi-mock@.service');
    const exec = /^ExecStart=(\S+)(.*)$/m.exec(unit);
    expect(exec?.[1]).toBe('/usr/local/bin/sgi-mock');
    const args = (exec?.[2] ?? '').trim().split(/\s+/).filter(Boolean);
    expect(/^EnvironmentFile=\/etc\/sgi-mock\/common\.env$/m.test(unit)).toBe(true);
    expect(/^EnvironmentFile=\/etc\/sgi-mock\/replica-%i\.env$/m.test(unit)).toBe(true);
    // systemd waits long enough for the grace period and the drain before it kills.
    const stopSec = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]);
    expect(stopSec * 1000).toBeGreaterThan(
      Number(common.SGI_MOCK_SHUTDOWN_GRACE_MS) + Number(common.SGI_MOCK_DRAIN_TIMEOUT_MS),
    );
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SGI_MOCK_')));

    /** Starts replica `i` as systemd would: the unit's command, the two files, no stdin. */
    const start = async (i: 1 | 2): Promise<Replica> => {
      const env = { ...clean, ...common, ...envFile(own(block('sh', `# /etc/sgi-mock/replica-${i}.env`))) };
      const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
      children.add(child);
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
      });
      child.stderr.on('data', (c: Buffer) => {
        out += `STDERR ${c.toString('utf8')}`;
      });
      const exit = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => {
          children.delete(child);
          resolve(code);
        }),
      );
      const url = await eventually(
        `replica ${i} listening`,
        async () => {
          if (child.exitCode !== null) throw new Error(`replica ${i} exited: ${out}`);
          return /"url":"(http:\/\/[^"]+)","mode"/.exec(out)?.[1];
          // Starting Prism takes seconds on a busy machine.
        },
        2400,
      );
      return { child, url, out: () => out, exit };
    };
    const replicas: [Replica, Replica] = [await start(1), await start(2)];

    // 5. The probes, as printed, on each replica.
    const probes = block('sh', 'curl -fsS http://127.0.0.1:4010/__sandbox/health');
    for (const r of replicas) {
      const port = new URL(r.url).port;
      const { stdout } = await promisify(execFile)('bash', ['-c', probes.replaceAll('4010', port)]);
      expect(stdout).toContain('"message":"alive"');
      expect(stdout).toContain('"message":"ready"');
    }

    // Keys, issued and revoked with the documented command on the admin ports.
    const keys = (...a: string[]) =>
      promisify(execFile)(process.execPath, [cli, 'keys', ...a], {
        env: { ...clean, SGI_MOCK_ADMIN_TOKEN: ADMIN_TOKEN },
      });
    const adminUrl = (port: string) => `http://127.0.0.1:${ports.get(port)}`;
    const issued = await keys('create', 'acme', '--url', adminUrl('4011'));
    const key = /sgi_sbx_[A-Za-z0-9_-]{43}/.exec(issued.stdout)?.[0] as string;
    expect(key).toBeDefined();
    const other = /sgi_sbx_[A-Za-z0-9_-]{43}/.exec(
      (await keys('create', 'other', '--url', adminUrl('4021'))).stdout,
    )?.[0];
    await keys('revoke', 'other', '--url', adminUrl('4011'));
    // The admin API is not on the partners' ports.
    expect(
      (
        await fetch(`${replicas[0].url}/__sandbox/admin/keys`, {
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).status,
    ).toBe(404);

    /**
     * A partner's call through a load balancer that moves a refused or 503 request to the other replica
     * (the recipe's nginx); a 429 is retried after its Retry-After.
     */
    let turn = 0;
    const call = async (method: string, path: string, token = key, body?: unknown): Promise<Response> => {
      let last: Response | undefined;
      let lastError = '';
      const first = turn++;
      for (let attempt = 0; attempt < 200; attempt++) {
        const r = replicas[(first + attempt) % 2] as Replica;
        try {
          last = await fetch(`${r.url}${path}`, {
            method,
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            ...(body ? { body: JSON.stringify(body) } : {}),
          });
          if (last.status !== 503 && last.status !== 429) return last;
          await last.arrayBuffer();
          // The recipe's rate limit: a well-behaved client waits as told.
          if (last.status === 429) await pause(1000 * Number(last.headers.get('retry-after') ?? 1));
        } catch (error) {
          // refused or reset: the other replica
          lastError = `${r.url}: ${(error as Error).message} ${String((error as { cause?: unknown }).cause)}`;
        }
        await pause(20);
      }
      if (last) return last;
      throw new Error(`${method} ${path}: no replica answered (${lastError})`);
    };
    expect((await call('GET', '/sg_inf/list', other as string)).status).toBe(401); // revoked
    const create = {
      name: 'e2e',
      model: 'BAAI/bge-large-en-v1.5',
      inf_type: 'embedding',
      controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
    };
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const created = await call('POST', '/sg_inf/create', key, { ...create, name: `e2e-${n}` });
      expect(created.status).toBe(200);
      ids.push(((await created.json()) as { message: { inf_id: string } }).message.inf_id);
    }

    // Metrics: the shared store's figures are reported once, so their sum across replicas is right.
    const scrape = async (port: string) =>
      (await fetch(`http://127.0.0.1:${ports.get(port)}/metrics`)).text();
    const gauge = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    const [m1, m2] = [await scrape('9464'), await scrape('9465')];
    expect(gauge(m1, 'sgi_mock_deployments') + gauge(m2, 'sgi_mock_deployments')).toBe(3);
    expect(gauge(m1, 'sgi_mock_store_reporter') + gauge(m2, 'sgi_mock_store_reporter')).toBe(1);
    expect(gauge(m1, 'sgi_mock_store_up')).toBe(1);
    expect(m1).toMatch(/^process_resident_memory_bytes \d/m);

    // Traffic, while one replica is SIGKILLed and restarted (Restart=always) and the other SIGTERMed.
    let running = true;
    const failures: string[] = [];
    let served = 0;
    const traffic = (async () => {
      while (running) {
        for (const path of ['/sg_inf/list', `/sg_inf/${ids[served % 3]}`]) {
          const res = await call('GET', path).catch((e: Error) => e);
          if (res instanceof Error || res.status !== 200)
            failures.push(`${path}: ${res instanceof Error ? res.message : res.status}`);
          else served++;
          if (!(res instanceof Error)) await res.arrayBuffer().catch(() => {});
          // Under the recipe's rate limit (20 per second per partner).
          await pause(60);
        }
      }
    })();
    await eventually('traffic flows', async () => (served > 20 ? true : undefined));
    replicas[0].child.kill('SIGKILL');
    await replicas[0].exit;
    const before = served;
    await eventually('traffic flows on one replica', async () =>
      served > before + 20 ? true : undefined,
    ).catch((e) => {
      throw new Error(`${e.message}: served ${served - before}, failures ${failures.slice(0, 5).join('; ')}`);
    });
    replicas[0] = await start(1);
    const draining = replicas[1];
    draining.child.kill('SIGTERM');
    // Readiness turns 503 at once, while requests are still served.
    await eventually('not ready while stopping', async () => {
      const res = await fetch(`${draining.url}/__sandbox/ready`).catch(() => undefined);
      return res?.status === 503 ? true : undefined;
    });
    expect(
      (await fetch(`${draining.url}/sg_inf/list`, { headers: { Authorization: `Bearer ${key}` } })).status,
    ).toBe(200);
    expect(await draining.exit).toBe(0);
    replicas[1] = await start(2);
    const after = served;
    await eventually('traffic flows on both again', async () => (served > after + 20 ? true : undefined));
    running = false;
    await traffic;
    expect(failures).toEqual([]);

    // Every line on stdout is one JSON object with a level name; the lifecycle is in it, probes are not.
    const lines = draining
      .out()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: string; event?: string; path?: string });
    for (const l of lines) expect(['info', 'warn', 'error']).toContain(l.level);
    expect(lines.map((l) => l.event)).toEqual(expect.arrayContaining(['listening', 'request', 'stopping']));
    expect(lines.filter((l) => l.path === '/__sandbox/ready')).toEqual([]);

    // Redis replaced by an empty one: not ready, and partners get 503, never 401.
    await redis.stop('SIGTERM');
    const aof = join(redis.dir, 'appendonlydir');
    const saved = `${redis.dir}-kept`;
    renameSync(aof, saved);
    await redis.start();
    for (const r of replicas) {
      await eventually(`${r.url} not ready on the empty store`, async () => {
        const res = await fetch(`${r.url}/__sandbox/ready`);
        return /emptied/.test(((await res.json()) as { message: string }).message) ? true : undefined;
      });
      const res = await fetch(`${r.url}/sg_inf/list`, { headers: { Authorization: `Bearer ${key}` } });
      expect(res.status).toBe(503);
    }
    // Restored: both serve the partner's data again.
    await redis.stop('SIGTERM');
    rmSync(aof, { recursive: true, force: true });
    renameSync(saved, aof);
    await redis.start();
    for (const r of replicas) {
      await eventually(`${r.url} ready again`, async () =>
        (await fetch(`${r.url}/__sandbox/ready`)).status === 200 ? true : undefined,
      );
      const res = await fetch(`${r.url}/sg_inf/list`, { headers: { Authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { message: unknown[] }).message).toHaveLength(3);
      expect(r.out()).toMatch(/"event":"wrong_store"/);
      expect(r.out()).toMatch(/"event":"store_back"/);
    }
    for (const r of replicas) r.child.kill('SIGTERM');
    await Promise.all(replicas.map((r) => r.exit));
  }, 300_000);
});
