import { afterEach, describe, expect, inject, it } from 'vitest';
import { type Fault, type Seen, startFaultyProxy } from './support/faulty-proxy.js';
import { DEPLOYMENT_YAML, requestLog, tempFile, tenant, withDeployment } from './support/sgi.js';

const isCreate = (r: Seen) => r.method === 'POST' && r.path === '/sg_inf/create';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A proxy in front of `target` that applies `fault` to creates (the `n`th create is `index` n) and passes the rest. */
async function proxy(target: string, fault: (index: number) => Fault) {
  const p = await startFaultyProxy(target, (req, index) => (isCreate(req) ? fault(index) : 'pass'));
  closers.push(p.close);
  return p;
}

/** The deployments of a tenant, straight from the sandbox. */
async function deployments(token: string): Promise<Array<{ id: string; status: string }>> {
  const res = await fetch(`${inject('sandboxUrl')}/sg_inf/list`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await res.json()) as { message: Array<{ id: string; status: string }> }).message;
}

describe('a create is never made twice', () => {
  it("retries a create the sandbox's chaos refused (it did nothing), and ends with exactly one deployment", async () => {
    const { run, token } = tenant();
    // The first create carries X-Sandbox-Chaos: 1: the sandbox answers 429 or 503 with Retry-After: 1.
    const p = await proxy(inject('sandboxUrl'), (i) =>
      i === 0 ? { headers: { 'x-sandbox-chaos': '1' } } : 'pass',
    );
    const r = await run(['infer', 'launch', tempFile('d.yaml', DEPLOYMENT_YAML), '--yes', '--json'], {
      baseUrl: p.url,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(p.seen.filter(isCreate)).toHaveLength(2);
    // The chaotic answer never reached the sandbox's handlers; the retry is the one create it processed.
    const creates = (await requestLog(token)).filter((e) => e.path === '/sg_inf/create').map((e) => e.status);
    expect(creates).toEqual([200]);
    const all = await deployments(token);
    expect(all).toHaveLength(1);
    expect(all[0]?.id).toBe((JSON.parse(r.stdout) as { inf_id: string }).inf_id);
  });

  it('gives up after the retries when every create is refused: exit 1, the request id, no deployment', async () => {
    const { run, token } = tenant();
    const p = await proxy(inject('sandboxUrl'), () => ({ headers: { 'x-sandbox-chaos': '1' } }));
    const r = await run(['infer', 'launch', tempFile('d.yaml', DEPLOYMENT_YAML), '--yes'], {
      baseUrl: p.url,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/inference\.create failed with HTTP (429|503).*\[request req_\w+\]/);
    expect(p.seen.filter(isCreate)).toHaveLength(3); // the client's default: 2 retries
    expect(await deployments(token)).toEqual([]);
  });

  it.each(['lose-answer', 'reset-after'] as const)(
    'sends a create whose outcome is unknown (%s) once, and says to look at the list',
    async (fault) => {
      const { run, token } = tenant();
      const p = await proxy(inject('sandboxUrl'), () => fault);
      const r = await run(['infer', 'launch', tempFile('d.yaml', DEPLOYMENT_YAML), '--yes'], {
        baseUrl: p.url,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('it was not sent again. Run `sgi infer list`');
      expect(p.seen.filter(isCreate)).toHaveLength(1);
      expect(await deployments(token)).toHaveLength(1);
    },
  );

  it("sends a create answered by the spec's own 500 (Prefer: code=500 on the static mock) once", async () => {
    const { run } = tenant();
    const p = await proxy(inject('staticUrl'), () => ({ headers: { prefer: 'code=500' } }));
    const r = await run(['infer', 'launch', tempFile('d.yaml', DEPLOYMENT_YAML), '--yes'], {
      baseUrl: p.url,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('inference.create failed with HTTP 500');
    expect(p.seen.filter(isCreate)).toHaveLength(1);
  });
});

describe('waiting ends with exit code 4 when the deployment fails or the deadline passes', () => {
  it('a deployment that fails while provisioning (X-Sandbox-Outcome: fail)', async () => {
    const { run } = tenant();
    const p = await proxy(inject('sandboxUrl'), () => ({ headers: { 'x-sandbox-outcome': 'fail' } }));
    const r = await run(
      ['infer', 'launch', tempFile('d.yaml', DEPLOYMENT_YAML), '--yes', '--wait', '--interval', '100ms'],
      { baseUrl: p.url },
    );
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/is FAILED/);
  });

  it('a stopped deployment never becomes ACTIVE: the deadline passes', async () => {
    const { run } = tenant();
    const launched = await run(['infer', 'launch', tempFile('d.yaml', DEPLOYMENT_YAML), '--yes']);
    const id = launched.stdout.trim();
    expect((await run(['infer', 'stop', id, '--yes'])).code).toBe(0);
    const r = await run(['infer', 'wait', id, '--timeout', '1s', '--interval', '100ms', '--json']);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { type: 'WaitTimeoutError', exitCode: 4 } });
  });

  it('an API error is exit code 1 with the request id: starting an ACTIVE deployment', async () => {
    const { run, id } = await withDeployment();
    const r = await run(['infer', 'start', id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 409.*\[request req_\w+\]/);
  });
});

describe('the real CLI’s safety rule', () => {
  it('warns before a second running deployment of the same model, and refuses without --yes off a terminal', async () => {
    const { run, token } = tenant();
    const file = tempFile('d.yaml', DEPLOYMENT_YAML);
    expect((await run(['infer', 'launch', file, '--yes'])).code).toBe(0);
    const refused = await run(['infer', 'launch', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /1 deployment of BAAI\/bge-large-en-v1\.5 already running: bge-cli [0-9a-f-]+ \((PROVISIONING|ACTIVE)\)/,
    );
    expect(refused.stderr).toContain(
      'launch: refused without --yes, because standard input is not a terminal',
    );
    expect(await deployments(token)).toHaveLength(1);
    for (const action of ['stop', 'delete']) {
      const r = await run(['infer', action, (await deployments(token))[0]?.id ?? '']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${action}: refused without --yes`);
    }
    expect((await deployments(token))[0]?.status).not.toBe('INACTIVE');
  });
});
