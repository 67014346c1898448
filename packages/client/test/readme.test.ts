import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type MockServer, startMockServer } from '@sgi/mock';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, ScaleGenError, UnprocessableEntityError } from '../src/index.js';

// Every ```ts block of the README compiles on its own against the built package, as a user's
// ES module would (strict, NodeNext, top-level await).
const pkgDir = new URL('..', import.meta.url).pathname;
const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');

const dir = join(pkgDir, '.readme-snippets');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Type-checks `files` (name -> source) in a folder inside the package, where `@sgi/client` resolves
 * to the built package; returns the diagnostics.
 */
function typeCheck(files: Record<string, string>): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const paths = Object.entries(files).map(([name, source]) => {
    writeFileSync(join(dir, name), source);
    return join(dir, name);
  });
  const program = ts.createProgram(paths, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file?.fileName.slice(dir.length + 1)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
}

describe('README', () => {
  it('has the sections the package promises', () => {
    for (const heading of [
      'Quickstart, free',
      'Authenticate',
      'Create, wait, get, delete',
      'Errors',
      'Retries',
      'Timeouts and abort',
      'Raw responses',
    ])
      expect(readme).toContain(`## ${heading}`);
    expect(snippets.length).toBeGreaterThanOrEqual(7);
  });

  it('leads with install and a first call; size, runtimes and performance come after the usage', () => {
    const sections = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections[0]).toBe('Quickstart, free');
    expect(readme.indexOf('npm install @sgi/client')).toBeLessThan(readme.indexOf('## Quickstart, free'));
    expect(sections.slice(-2)).toEqual(['Size and runtimes', 'Performance']);
    // The opening paragraph says what the client does, not how big it is.
    expect(readme.slice(0, readme.indexOf('```'))).not.toMatch(/kB|min\+brotli/);
  });

  it('every ts snippet compiles against the built package', () => {
    const files = Object.fromEntries(snippets.map((s, i) => [`snippet-${i + 1}.ts`, s]));
    expect(typeCheck(files)).toEqual([]);
  }, 300_000);

  it('the check catches a snippet that does not compile', () => {
    const broken = "import { createClient } from '@sgi/client';\nawait createClient().inference.get(42);\n";
    expect(typeCheck({ 'broken.ts': broken }).join('\n')).toMatch(/number.*not assignable.*string/);
  }, 300_000);
});

describe('README examples run against the sandbox', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 300, deleteDelayMs: 0 });
  });
  afterAll(() => mock?.close());

  it('the quickstart runs, as it is, as plain JavaScript with the command line the README gives', async () => {
    const quickstart = /^## Quickstart[\s\S]*?^```ts\n([\s\S]*?)^```$/m.exec(readme)?.[1] ?? '';
    expect(quickstart).toContain('createClient()');
    expect(readme).toContain(
      'SCALEGEN_BASE_URL=http://127.0.0.1:4010 SCALEGEN_ACCESS_TOKEN=sandbox-token node quickstart.mjs',
    );
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'quickstart.mjs');
    writeFileSync(file, quickstart);
    const { stdout } = await promisify(execFile)(process.execPath, [file], {
      env: { ...process.env, SCALEGEN_BASE_URL: mock.url, SCALEGEN_ACCESS_TOKEN: 'sandbox-token' },
    });
    expect(stdout).toMatch(/^bge-quickstart is ACTIVE, serving at https?:\/\/\S+\nbge-quickstart deleted\n$/);
  }, 300_000);

  it('the sample validation error is what the sandbox answers', async () => {
    const sample = /^`(inference\.create failed with HTTP 422: .*)`\.$/m.exec(readme)?.[1];
    expect(sample).toContain('scale_to_zero_timeout_sec: must be >= 1');
    const client = createClient({ baseUrl: mock.url, token: 'sandbox-token' });
    const error = await client.inference
      .create({
        name: 'llama-8b',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        inf_type: 'llm',
        autoscaling_config: { scale_to_zero: true, scale_to_zero_timeout_sec: 0 },
        controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.message.replace(/\[request [^\]]+\]$/, '[request req_01JDX4]')).toBe(sample);
  });

  it.each(snippets.map((code, i) => [i + 1, code] as const))(
    'snippet %i runs as written, against the sandbox',
    async (n, code) => {
      // The snippet as an ES module (types stripped), next to the package, where `@sgi/client`
      // resolves to the built package; the server and the token come from the environment, as the
      // quickstart says.
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `run-${n}.mjs`);
      const js = ts.transpileModule(code, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      writeFileSync(file, js);
      const env: Record<string, string | undefined> = {
        ...process.env,
        SCALEGEN_BASE_URL: mock.url,
        SCALEGEN_ACCESS_TOKEN: 'sandbox-token',
      };
      for (const name of ['SCALEGEN_ACCESS_KEY_ID', 'SCALEGEN_ACCESS_KEY_SECRET', 'SCALEGEN_LOG'])
        delete env[name];
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [file], { env });
      expect(stderr).toBe('');
      // Each snippet prints what it shows; none prints `null` or `undefined` where it shows a value.
      expect(stdout).not.toBe('');
      expect(stdout).not.toMatch(/\bnull\b|\bundefined\b|NaN/);
    },
    300_000,
  );

  it('the quickstart, saved as a .ts file in a fresh npm init -y project, needs "type": "module", as the README says', async () => {
    const quickstart = /^## Quickstart[\s\S]*?^```ts\n([\s\S]*?)^```$/m.exec(readme)?.[1] ?? '';
    expect(readme).toMatch(/`"type": "module"`/);
    expect(readme).toContain('TS1309');
    const project = join(dir, 'fresh-project');
    rmSync(project, { recursive: true, force: true });
    mkdirSync(join(project, 'node_modules', '@sgi'), { recursive: true });
    // The user's steps: `npm init -y` (a CommonJS package), then `npm install @sgi/client`.
    await promisify(execFile)('npm', ['init', '-y'], {
      cwd: project,
      env: { ...process.env, npm_config_yes: 'true' },
    });
    symlinkSync(pkgDir, join(project, 'node_modules', '@sgi', 'client'), 'dir');
    writeFileSync(join(project, 'quickstart.ts'), quickstart);
    const compile = () => {
      const program = ts.createProgram([join(project, 'quickstart.ts')], {
        strict: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: [],
        skipLibCheck: true,
        outDir: join(project, 'out'),
      });
      const codes = ts.getPreEmitDiagnostics(program).map((d) => d.code);
      if (codes.length === 0) program.emit();
      return codes;
    };
    const pkgJson = join(project, 'package.json');
    const manifest = JSON.parse(readFileSync(pkgJson, 'utf8'));
    expect(manifest.type ?? 'commonjs').toBe('commonjs');
    // As it is: top-level await in a CommonJS module.
    expect(compile()).toContain(1309);
    // With what the README says the project needs, it compiles, and the output runs.
    writeFileSync(pkgJson, JSON.stringify({ ...manifest, type: 'module' }, null, 2));
    expect(compile()).toEqual([]);
    const { stdout } = await promisify(execFile)(process.execPath, [join(project, 'out', 'quickstart.js')], {
      env: { ...process.env, SCALEGEN_BASE_URL: mock.url, SCALEGEN_ACCESS_TOKEN: 'sandbox-token' },
    });
    expect(stdout).toMatch(/^bge-quickstart is ACTIVE, serving at https?:\/\/\S+\nbge-quickstart deleted\n$/);
  }, 300_000);

  it('an invalid id is the plain ScaleGenError the error table lists', async () => {
    expect(readme).toMatch(/^\| `ScaleGenError` \| .*`get\('café'\)`/m);
    const client = createClient({ baseUrl: mock.url, token: 'sandbox-token' });
    const error = await client.inference.get('café').catch((e) => e);
    expect(error.constructor).toBe(ScaleGenError);
  });
});
