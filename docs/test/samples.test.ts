import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type MockServer, startMockServer } from '@sgi/mock';
import { loadSpec } from '@sgi/spec';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Operation, operations } from './support/site.js';

const run = promisify(execFile);

/** The production URL and the example id the samples are written with; the test swaps in its own. */
const productionUrl = loadSpec().servers[0]?.url ?? '';
const exampleId = '3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41';
/** One token per language: the sandbox keeps each token's deployments apart. */
const tokens = { curl: 'docs-samples-curl', ts: 'docs-samples-typescript', python: 'docs-samples-python' };
const docsDir = fileURLToPath(new URL('..', import.meta.url));

/** The operations in the order of a deployment's life, so each sample finds its deployment. */
const lifecycle = [
  'createInferenceDeployment',
  'getInferenceDeployment',
  'listInferenceDeployments',
  'stopInferenceDeployment',
  'startInferenceDeployment',
  'deleteInferenceDeployment',
];

function sample(op: Operation, label: string): string {
  const samples = op.op['x-codeSamples'] as Array<{ label: string; source: string }>;
  const found = samples.find((s) => s.label === label);
  if (!found) throw new Error(`${op.operationId} has no ${label} sample`);
  return found.source;
}

let mock: MockServer;
let curlHome: string;

beforeAll(async () => {
  mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 0, deleteDelayMs: 0 });
  // curl reads $CURL_HOME/.curlrc: quiet, fail on an HTTP error, and print the status last.
  curlHome = mkdtempSync(join(tmpdir(), 'sgi-docs-curl-'));
  writeFileSync(
    join(curlHome, '.curlrc'),
    'silent\nshow-error\nfail-with-body\nwrite-out = "\\n%{http_code}"\n',
  );
});

afterAll(async () => {
  await mock?.close();
  if (curlHome) rmSync(curlHome, { recursive: true, force: true });
});

/** Runs a curl sample as a reader would, against the mock instead of production. */
async function runCurl(source: string, id: string): Promise<{ status: number; body: unknown }> {
  expect(source.startsWith(`curl ${productionUrl}`) || source.startsWith(`curl '${productionUrl}`)).toBe(
    true,
  );
  const script = source.replaceAll(productionUrl, mock.url).replaceAll(exampleId, id);
  expect(script).not.toContain(productionUrl);
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
    env: { PATH: process.env.PATH, HOME: curlHome, CURL_HOME: curlHome, SCALEGEN_ACCESS_TOKEN: tokens.curl },
    timeout: 30_000,
  });
  const lines = stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  return { status, body: JSON.parse(lines.join('\n')) };
}

describe('the curl samples, run against the mock', () => {
  const ops = operations();

  it('cover every operation', () => {
    expect([...lifecycle].sort()).toEqual(ops.map((op) => op.operationId).sort());
  });

  let id = exampleId;
  for (const operationId of lifecycle) {
    it(`${operationId} succeeds`, async () => {
      const op = ops.find((o) => o.operationId === operationId);
      if (!op) throw new Error(`${operationId} is not in the spec`);
      const { status, body } = await runCurl(sample(op, 'curl'), id);
      expect(status).toBe(200);
      expect(body).toMatchObject({ success: true });
      if (operationId === 'createInferenceDeployment') {
        id = (body as { message: { inf_id: string } }).message.inf_id;
        expect(id).toMatch(/^\S+$/);
      }
    });
  }

  it('fail when a sample is broken (the check can fail)', async () => {
    const create = ops.find((o) => o.operationId === 'createInferenceDeployment');
    if (!create) throw new Error('no create operation');
    const broken = sample(create, 'curl').replace('"region": "US"', '"region": 42');
    await expect(runCurl(broken, id)).rejects.toThrow(/422/);
  });
});

/**
 * Runs a TypeScript sample as a reader would (compiled to JavaScript, `@sgi/client` resolved from this
 * package, the client configured by the environment), against the mock instead of production.
 */
async function runTypeScript(source: string, id: string): Promise<string> {
  const { outputText } = ts.transpileModule(source.replaceAll(exampleId, id), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', outputText], {
    cwd: docsDir,
    env: { PATH: process.env.PATH, SCALEGEN_BASE_URL: mock.url, SCALEGEN_ACCESS_TOKEN: tokens.ts },
    timeout: 30_000,
  });
  return stdout;
}

describe('the TypeScript samples, run against the mock', () => {
  const ops = operations();
  let id = exampleId;
  for (const operationId of lifecycle) {
    it(`${operationId} succeeds`, async () => {
      const op = ops.find((o) => o.operationId === operationId);
      if (!op) throw new Error(`${operationId} is not in the spec`);
      const output = await runTypeScript(sample(op, 'TypeScript'), id);
      expect(output.trim().length).toBeGreaterThan(0);
      if (operationId === 'getInferenceDeployment') expect(output).toContain('ACTIVE');
      if (operationId === 'listInferenceDeployments') expect(output).toContain(id);
      if (operationId === 'startInferenceDeployment') expect(output).toContain('ready at');
      if (operationId === 'createInferenceDeployment') {
        expect(output).toContain('ACTIVE');
        // The sample prints no id: the newest deployment of this token is the one it created.
        const list = await fetch(`${mock.url}/sg_inf/list`, {
          headers: { authorization: `Bearer ${tokens.ts}` },
        });
        const { message } = (await list.json()) as { message: Array<{ id: string }> };
        id = message[0]?.id ?? '';
        expect(id).toMatch(/^\S+$/);
      }
    });
  }

  it('fail when a sample is broken (the check can fail)', async () => {
    const list = ops.find((o) => o.operationId === 'listInferenceDeployments');
    if (!list) throw new Error('no list operation');
    const broken = sample(list, 'TypeScript').replace('client.inference.list()', 'client.inference.all()');
    await expect(runTypeScript(broken, id)).rejects.toThrow(/client\.inference\.all is not a function/);
  });
});

/** Runs a Python sample as a reader would (python3, standard library only), against the mock. */
async function runPython(source: string, id: string): Promise<{ success: boolean; message: unknown }> {
  expect(source).toContain(`"${productionUrl}/`);
  const script = source.replaceAll(productionUrl, mock.url).replaceAll(exampleId, id);
  expect(script).not.toContain(productionUrl);
  const { stdout } = await run('python3', ['-I', '-c', script], {
    env: { PATH: process.env.PATH, SCALEGEN_ACCESS_TOKEN: tokens.python },
    timeout: 30_000,
  });
  return JSON.parse(stdout);
}

describe('the Python samples, run against the mock', () => {
  const ops = operations();
  let id = exampleId;
  for (const operationId of lifecycle) {
    it(`${operationId} succeeds`, async () => {
      const op = ops.find((o) => o.operationId === operationId);
      if (!op) throw new Error(`${operationId} is not in the spec`);
      const source = sample(op, 'Python');
      // Only the standard library: a reader needs nothing but Python.
      for (const [, module] of source.matchAll(/^(?:import|from) (\w+)/gm)) {
        expect(['json', 'os', 'urllib']).toContain(module);
      }
      const body = await runPython(source, id);
      expect(body.success).toBe(true);
      if (operationId === 'createInferenceDeployment') {
        id = (body.message as { inf_id: string }).inf_id;
        expect(id).toMatch(/^\S+$/);
      }
      if (operationId === 'getInferenceDeployment') expect(body.message).toMatchObject({ id });
      if (operationId === 'listInferenceDeployments') {
        expect((body.message as Array<{ id: string }>).map((d) => d.id)).toContain(id);
      }
    });
  }

  it('fail when a sample is broken (the check can fail)', async () => {
    const create = ops.find((o) => o.operationId === 'createInferenceDeployment');
    if (!create) throw new Error('no create operation');
    const broken = sample(create, 'Python').replace('"region": "US"', '"region": 42');
    await expect(runPython(broken, id)).rejects.toThrow(/HTTP Error 422/);
  });
});
