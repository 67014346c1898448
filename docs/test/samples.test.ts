import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type MockServer, startMockServer } from '@sgi/mock';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PageSamples, pageSamples } from './support/samples.js';
import { operations } from './support/site.js';

/**
 * Every code sample as the reference page shows it (the spec's `x-codeSamples`, and for create one per
 * request example, as the page's example picker swaps them in), run as a reader runs a copied sample:
 * `SCALEGEN_BASE_URL` and `SCALEGEN_ACCESS_TOKEN` in the environment, the id in `SCALEGEN_DEPLOYMENT_ID`
 * as create set it. Against the sandbox keeping to the contract, and against one that answers as
 * production does today (`known-drift.yaml`: 204 without a body, bare bodies).
 */

const execFileP = promisify(execFile);
const docsDir = fileURLToPath(new URL('..', import.meta.url));
const page: PageSamples = pageSamples();
const create = page.createOperation;

/** The operations in the order of a deployment's life, so each sample finds its deployment. */
const lifecycle = [
  'createInferenceDeployment',
  'getInferenceDeployment',
  'listInferenceDeployments',
  'stopInferenceDeployment',
  'startInferenceDeployment',
  'deleteInferenceDeployment',
];

type Language = 'curl' | 'TypeScript' | 'Python';
const languages: Language[] = ['curl', 'TypeScript', 'Python'];

let contract: MockServer;
let production: MockServer;
let curlHome: string;

beforeAll(async () => {
  contract = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 0, deleteDelayMs: 0 });
  production = await startMockServer({
    mode: 'sandbox',
    port: 0,
    provisionDelayMs: 0,
    deleteDelayMs: 0,
    productionQuirks: true,
  });
  // A reader's curl has no .curlrc: an empty one, and HOME pointing at it, keeps the machine's out.
  curlHome = mkdtempSync(join(tmpdir(), 'sgi-docs-curl-'));
  writeFileSync(join(curlHome, '.curlrc'), '');
});

afterAll(async () => {
  await contract?.close();
  await production?.close();
  if (curlHome) rmSync(curlHome, { recursive: true, force: true });
});

interface Env {
  SCALEGEN_BASE_URL?: string;
  SCALEGEN_ACCESS_TOKEN?: string;
  SCALEGEN_DEPLOYMENT_ID?: string;
}

/** Runs a sample as a reader would; resolves to what it printed, rejects if it exits non-zero. */
async function runSample(language: Language, source: string, env: Env): Promise<string> {
  const base = { PATH: process.env.PATH, HOME: curlHome, CURL_HOME: curlHome, ...env };
  if (language === 'curl') {
    // The create sample ends by exporting the id: print it, as the reader's next sample would read it.
    const script = source.includes('export SCALEGEN_DEPLOYMENT_ID=')
      ? `${source}\nprintf '\\nSCALEGEN_DEPLOYMENT_ID=%s\\n' "\${SCALEGEN_DEPLOYMENT_ID:-}"`
      : source;
    const { stdout } = await execFileP('bash', ['-euo', 'pipefail', '-c', script], {
      env: base,
      timeout: 30_000,
    });
    return stdout;
  }
  if (language === 'Python') {
    const { stdout } = await execFileP('python3', ['-I', '-c', source], { env: base, timeout: 30_000 });
    return stdout;
  }
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const { stdout } = await execFileP(process.execPath, ['--input-type=module', '--eval', outputText], {
    cwd: docsDir,
    env: base,
    timeout: 30_000,
  });
  return stdout;
}

/** The id a create sample gave the reader (`SCALEGEN_DEPLOYMENT_ID=...` in what it printed). */
function createdId(output: string): string {
  const id = output.match(/SCALEGEN_DEPLOYMENT_ID=(\S+)/)?.[1] ?? '';
  expect(id, output).toMatch(/^[A-Za-z0-9][\w.:-]*$/);
  return id;
}

it('the page shows a sample of every language for every operation', () => {
  expect(Object.keys(page.operations).sort()).toEqual(
    operations()
      .map((op) => op.operationId)
      .sort(),
  );
  expect([...lifecycle].sort()).toEqual(Object.keys(page.operations).sort());
  for (const op of Object.values(page.operations)) expect(Object.keys(op.samples)).toEqual(languages);
});

for (const [mode, server] of [
  ['the contract', () => contract],
  ['production quirks', () => production],
] as const) {
  describe(`every sample, run against a sandbox answering with ${mode}`, { timeout: 120_000 }, () => {
    for (const language of languages) {
      it(`${language}: a deployment's whole life, from the samples the page shows`, async () => {
        const token = `docs-${language}-${mode.replace(/\W/g, '-')}`;
        const env: Env = { SCALEGEN_BASE_URL: server().url, SCALEGEN_ACCESS_TOKEN: token };
        let id = '';
        for (const operationId of lifecycle) {
          const source = page.operations[operationId]?.samples[language] ?? '';
          const output = await runSample(language, source, { ...env, SCALEGEN_DEPLOYMENT_ID: id });
          if (operationId === create) {
            id = createdId(output);
            if (language !== 'TypeScript') expect(output).toMatch(/"success": ?true/);
            else expect(output).toContain('ACTIVE');
          } else if (
            operationId !== 'deleteInferenceDeployment' &&
            operationId !== 'listInferenceDeployments'
          ) {
            expect(output, operationId).toContain(id);
          }
          if (operationId === 'listInferenceDeployments') expect(output).toContain(id);
          if (operationId === 'startInferenceDeployment' && language === 'TypeScript') {
            expect(output).toContain('ready at');
          }
        }
      });

      it(`${language}: create sends the example the picker names, for every example`, async () => {
        const token = `docs-${language}-examples-${mode.replace(/\W/g, '-')}`;
        const examples = page.operations[create]?.examples ?? [];
        expect(examples.length).toBeGreaterThan(1);
        for (const example of examples) {
          const output = await runSample(language, example.samples[language] ?? '', {
            SCALEGEN_BASE_URL: server().url,
            SCALEGEN_ACCESS_TOKEN: token,
          });
          const id = createdId(output);
          const got = await fetch(`${server().url}/sg_inf/${id}`, {
            headers: { authorization: `Bearer ${token}`, 'x-sandbox-quirks': 'none' },
          });
          const { message } = (await got.json()) as { message: { name: string; model: string } };
          expect(message, example.summary).toMatchObject({
            name: example.value.name,
            model: example.value.model,
          });
        }
      });
    }
  });
}

describe("the samples meet production's drifts (204 without a body) and say so", { timeout: 60_000 }, () => {
  it('list, for an account without deployments: an empty list, not a crash', async () => {
    for (const language of languages) {
      const env = { SCALEGEN_BASE_URL: production.url, SCALEGEN_ACCESS_TOKEN: `docs-empty-${language}` };
      const output = await runSample(
        language,
        page.operations.listInferenceDeployments?.samples[language] ?? '',
        env,
      );
      if (language === 'Python') expect(JSON.parse(output)).toEqual([]);
      else expect(output.trim(), language).toBe('');
    }
  });

  it("get, for an id that does not exist: the reader is told so (production's 204, the contract's 404)", async () => {
    for (const server of [production, contract]) {
      const env = {
        SCALEGEN_BASE_URL: server.url,
        SCALEGEN_ACCESS_TOKEN: 'docs-missing',
        SCALEGEN_DEPLOYMENT_ID: 'no-such-id',
      };
      const get = page.operations.getInferenceDeployment?.samples ?? {};
      expect(await runSample('TypeScript', get.TypeScript ?? '', env)).toContain('No such deployment');
      await expect(runSample('Python', get.Python ?? '', env)).rejects.toThrow(/No deployment no-such-id/);
    }
  });
});

describe('the samples never send anywhere the reader did not choose', () => {
  it.each(languages)(
    '%s: without SCALEGEN_BASE_URL, each sample stops and says what to set',
    async (language) => {
      for (const operationId of lifecycle) {
        const source = page.operations[operationId]?.samples[language] ?? '';
        await expect(
          runSample(language, source, { SCALEGEN_ACCESS_TOKEN: 't', SCALEGEN_DEPLOYMENT_ID: 'x' }),
          `${language} ${operationId}`,
        ).rejects.toThrow(/export SCALEGEN_BASE_URL first/);
      }
    },
  );

  it('fail when a sample is broken (the check can fail)', async () => {
    const env = { SCALEGEN_BASE_URL: contract.url, SCALEGEN_ACCESS_TOKEN: 'docs-broken' };
    const samples = page.operations[create]?.samples ?? {};
    await expect(
      runSample('curl', (samples.curl ?? '').replace('"region": "US"', '"region": 42'), env),
    ).rejects.toThrow(/422/);
    await expect(
      runSample('Python', (samples.Python ?? '').replace('"region": "US"', '"region": 42'), env),
    ).rejects.toThrow(/HTTP Error 422/);
    const list = page.operations.listInferenceDeployments?.samples.TypeScript ?? '';
    await expect(
      runSample('TypeScript', list.replace('client.inference.list()', 'client.inference.all()'), env),
    ).rejects.toThrow(/client\.inference\.all is not a function/);
  });
});
