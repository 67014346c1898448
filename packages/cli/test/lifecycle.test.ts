import { describe, expect, inject, it } from 'vitest';
import { ANSI, DEPLOYMENT_YAML, requestLog, tempFile, tenant, withDeployment } from './support/sgi.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('sgi infer, the built command against the sandbox', () => {
  it('launches from YAML, waits, lists (table and JSON), views, stops, starts, deletes; then view is not found', async () => {
    const { run } = tenant();
    const file = tempFile('bge.yaml', DEPLOYMENT_YAML);

    const launched = await run(['infer', 'launch', file, '--yes']);
    expect(launched.code, launched.stderr).toBe(0);
    const id = launched.stdout.trim();
    expect(id).toMatch(UUID);
    expect(launched.stderr).toContain('this starts paid GPUs');

    const waited = await run(['infer', 'wait', id, '--interval', '100ms', '--timeout', '5m']);
    expect(waited.code, waited.stderr).toBe(0);
    // The sandbox serves each deployment's model endpoint at its `link`, under its own URL.
    const link = (JSON.parse((await run(['infer', 'view', id, '--json'])).stdout) as { link: string }).link;
    expect(link).toMatch(new RegExp(`^https?://.+${id}`));
    expect(waited.stdout).toBe(`${id} ACTIVE ${link}/inference/embed\n`);
    expect(waited.stderr).toContain('is ACTIVE');

    const table = await run(['infer', 'list']);
    expect(table.code, table.stderr).toBe(0);
    const [head, row, ...rest] = table.stdout.trimEnd().split('\n');
    expect(head?.split(/\s+/)).toEqual(['ID', 'NAME', 'MODEL', 'SPOT', 'PRICE/H', 'STATUS']);
    expect(row?.split(/\s+/)).toEqual([
      id,
      'bge-cli',
      'BAAI/bge-large-en-v1.5',
      'no',
      expect.stringMatching(/^\$\d+\.\d\d$/),
      'ACTIVE',
    ]);
    expect(rest).toEqual([]);

    const listed = await run(['infer', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const deployments = JSON.parse(listed.stdout) as Array<{ id: string; status: string; name: string }>;
    expect(deployments).toEqual([expect.objectContaining({ id, name: 'bge-cli', status: 'ACTIVE' })]);

    const viewed = await run(['infer', 'view', id]);
    expect(viewed.code, viewed.stderr).toBe(0);
    expect(viewed.stdout).toContain(`bge-cli ${id}`);
    expect(viewed.stdout).toMatch(/Status\s+ACTIVE/);
    expect(viewed.stdout).toMatch(/Cost\s+\$\d+\.\d\d so far, \$\d+\.\d\d\/h now/);
    expect(viewed.stdout).toMatch(/Model\s+BAAI\/bge-large-en-v1\.5 \(embedding, tei\)/);
    expect(viewed.stdout).toContain(`Endpoint     ${link}/inference/embed`);
    expect(viewed.stdout).toContain(`OpenAI base  ${link}/inference/v1`);
    expect(viewed.stdout).toContain(`AUTH_ENDPOINT_KEY_${id}`);
    expect(viewed.stdout).toMatch(/Autoscaling\s+ttft_latency_sec, scales to zero after 30m idle/);
    expect(viewed.stdout).toMatch(/Workers\s+0 to 2, GPU L4 x1/);

    const viewJson = await run(['infer', 'view', id, '--json']);
    expect(JSON.parse(viewJson.stdout)).toMatchObject({
      id,
      status: 'ACTIVE',
      model: 'BAAI/bge-large-en-v1.5',
    });

    const stopped = await run(['infer', 'stop', id, '--yes']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain(id);
    expect(JSON.parse((await run(['infer', 'view', id, '--json'])).stdout).status).toBe('INACTIVE');

    const started = await run(['infer', 'start', id, '--json']);
    expect(started.code, started.stderr).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ id, message: expect.any(String) });
    expect(started.stderr).toContain('this starts paid GPUs');
    expect((await run(['infer', 'wait', id, '--interval', '100ms', '--json'])).code).toBe(0);

    const deleted = await run(['infer', 'delete', id, '--yes', '--force']);
    expect(deleted.code, deleted.stderr).toBe(0);

    const gone = await run(['infer', 'view', id]);
    expect(gone.code).toBe(3);
    expect(gone.stdout).toBe('');
    expect(gone.stderr).toMatch(/not found.*\[request req_\w+\]/);
    expect((await run(['infer', 'list', '--json'])).stdout.trim()).toBe('[]');

    for (const r of [launched, waited, table, listed, viewed, stopped, started, deleted, gone]) {
      expect(r.stdout + r.stderr).not.toMatch(ANSI);
    }
  });

  it('says "No deployments." for an empty list, and --json gives []', async () => {
    const { run } = tenant();
    expect((await run(['infer', 'list'])).stdout).toBe('No deployments.\n');
    expect(JSON.parse((await run(['infer', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('launch --wait creates and waits in one go; --json prints only the ACTIVE deployment', async () => {
    const { token, launched } = await withDeployment();
    expect(JSON.parse(launched.stdout)).toMatchObject({ name: 'bge-cli', status: 'ACTIVE' });
    expect((await requestLog(token)).filter((e) => e.path === '/sg_inf/create')).toHaveLength(1);
  });
});

describe('the target and the credentials', () => {
  it('takes --base-url before or after the command, over SCALEGEN_BASE_URL', async () => {
    const { run } = tenant();
    const url = inject('sandboxUrl');
    const env = { SCALEGEN_BASE_URL: 'http://127.0.0.1:9' };
    for (const args of [
      ['infer', 'list', '--json', '--base-url', url],
      ['--base-url', url, 'infer', 'list', '--json'],
    ]) {
      const r = await run(args, { env });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([]);
    }
  });

  it('reports an unknown SCALEGEN_LOG and goes on with warnings only', async () => {
    const { run } = tenant();
    const r = await run(['infer', 'list', '--json'], { env: { SCALEGEN_LOG: 'loud' } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toContain(
      'SCALEGEN_LOG="loud" is not a log level (off, error, warn, info, debug): logging warnings',
    );
  });

  it('exits 2 and names the variables when there are no credentials', async () => {
    const { run } = tenant();
    const r = await run(['infer', 'list'], { env: { SCALEGEN_ACCESS_TOKEN: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'no credentials: set SCALEGEN_ACCESS_TOKEN, or SCALEGEN_ACCESS_KEY_ID and SCALEGEN_ACCESS_KEY_SECRET',
    );
  });

  it('exits 2 for an unknown command or flag, with a pointer to --help', async () => {
    const { run } = tenant();
    for (const args of [
      ['infer', 'frobnicate'],
      ['infer', 'list', '--colour'],
      ['infer', 'view'],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('(run with --help for usage)');
    }
  });
});
