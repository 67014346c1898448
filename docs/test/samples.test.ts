import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type MockServer, startMockServer } from '@sgi/mock';
import { loadSpec } from '@sgi/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Operation, operations } from './support/site.js';

const run = promisify(execFile);

/** The production URL and the example id the samples are written with; the test swaps in its own. */
const productionUrl = loadSpec().servers[0]?.url ?? '';
const exampleId = '3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41';
const token = 'docs-samples-token';

function sample(op: Operation, label: string): string {
  const samples = op.op['x-codeSamples'] as Array<{ label: string; source: string }>;
  const found = samples.find((s) => s.label === label);
  if (!found) throw new Error(`${op.operationId} has no ${label} sample`);
  return found.source;
}

let mock: MockServer;
let curlHome: string;

beforeAll(async () => {
  mock = await startMockServer({ mode: 'static', port: 0 });
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
    env: { PATH: process.env.PATH, HOME: curlHome, CURL_HOME: curlHome, SCALEGEN_ACCESS_TOKEN: token },
    timeout: 30_000,
  });
  const lines = stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  return { status, body: JSON.parse(lines.join('\n')) };
}

describe('the curl samples, run against the mock', () => {
  // In the order of a deployment's life, each one using the id that create returned.
  const order = [
    'createInferenceDeployment',
    'getInferenceDeployment',
    'listInferenceDeployments',
    'stopInferenceDeployment',
    'startInferenceDeployment',
    'deleteInferenceDeployment',
  ];
  const ops = operations();

  it('cover every operation', () => {
    expect([...order].sort()).toEqual(ops.map((op) => op.operationId).sort());
  });

  let id = exampleId;
  for (const operationId of order) {
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
