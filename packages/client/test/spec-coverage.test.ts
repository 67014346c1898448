import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadSpec, type OpenApiDocument } from '@sgi/spec';
import { describe, expect, it } from 'vitest';
import type { Operation } from '../src/core/operation.js';
import { createClient } from '../src/index.js';
import { operations } from '../src/resources/inference.js';

// The client is typed from the spec end to end: every operation of the spec has a method, and a
// spec that drifts from the client (a path renamed, a response changed) makes it fail to compile.
const pkgDir = new URL('..', import.meta.url).pathname;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** `METHOD /path` of every operation of a spec. */
function specOperations(spec: OpenApiDocument): string[] {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/** The operations of `spec` that no entry of the client's operation table covers. */
function uncovered(spec: OpenApiDocument, table: Record<string, Operation<unknown>>): string[] {
  const covered = new Set(Object.values(table).map((op) => `${op.method} ${op.path}`));
  return specOperations(spec).filter((op) => !covered.has(op));
}

describe("the spec's operations", () => {
  const table = operations as Record<string, Operation<unknown>>;

  it('each has a client method', () => {
    const spec = loadSpec();
    expect(specOperations(spec).length).toBeGreaterThanOrEqual(6);
    expect(uncovered(spec, table)).toEqual([]);
    // Each entry of the table is a method of `client.inference`, named after it.
    const inference = createClient({ token: 'token-12345678' }).inference as unknown as Record<
      string,
      unknown
    >;
    for (const [method, op] of Object.entries(table)) {
      expect(op.name).toBe(`inference.${method}`);
      expect(typeof inference[method]).toBe('function');
    }
  });

  it('an operation added to the spec without a client method is reported', () => {
    const spec = loadSpec();
    spec.paths['/sg_inf/{inference_id}/logs'] = { get: { operationId: 'getLogs', responses: {} } };
    (spec.paths['/sg_inf/list'] as Record<string, unknown>).post = { responses: {} };
    expect(uncovered(spec, table)).toEqual(['POST /sg_inf/list', 'GET /sg_inf/{inference_id}/logs']);
  });
});

// The package's own `generate` script says how types are generated; here it runs on a fixture spec.
const generate: string = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).scripts.generate;
const run = promisify(execFile);

/**
 * Generates the types of `spec` with openapi-typescript into a copy of the client's sources in a
 * temporary folder, and type-checks that copy with tsc; resolves with tsc's exit code and output.
 */
async function compileAgainst(spec: OpenApiDocument): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sgi-client-drift-'));
  cpSync(join(pkgDir, 'src'), join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(spec));
  const cmd = generate
    .replace(/^openapi-typescript \S+/, `openapi-typescript ${join(dir, 'openapi.json')}`)
    .replace(/-o \S+/, `-o ${join(dir, 'src/generated/schema.ts')}`);
  await run('sh', ['-c', cmd], { cwd: pkgDir });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(pkgDir, '../../tsconfig.base.json'),
      compilerOptions: { noEmit: true, types: [] },
      // Every module of the client but `raw.ts` (which needs openapi-fetch, not installed there).
      files: ['src/resources/inference.ts', 'src/types.ts'],
    }),
  );
  return run(join(pkgDir, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: dir }).then(
    () => ({ code: 0, output: '' }),
    (e: { code?: number; stdout?: string }) => ({ code: e.code ?? 1, output: e.stdout ?? '' }),
  );
}

describe('a spec that drifts from the client fails to compile', () => {
  it('the spec as it is compiles (the check itself works)', async () => {
    expect(await compileAgainst(loadSpec())).toEqual({ code: 0, output: '' });
  }, 300_000);

  it('a renamed path', async () => {
    const spec = loadSpec();
    spec.paths['/sg_inf/{inference_id}/start'] = spec.paths['/sg_inf/{inference_id}/scale/up'] ?? {};
    delete spec.paths['/sg_inf/{inference_id}/scale/up'];
    const { code, output } = await compileAgainst(spec);
    expect(code).not.toBe(0);
    expect(output).toMatch(
      /src\/resources\/inference\.ts\(\d+,\d+\): error TS\d+: .*"\/sg_inf\/\{inference_id\}\/scale\/up"/,
    );
  }, 300_000);

  it("a changed 200 response (get's message becomes a string)", async () => {
    const spec = loadSpec();
    const get = spec.paths['/sg_inf/{inference_id}']?.get as { responses: Record<string, unknown> };
    get.responses['200'] = {
      description: 'The deployment, as text.',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['success', 'message'],
            properties: { success: { type: 'boolean' }, message: { type: 'string' } },
          },
        },
      },
    };
    const { code, output } = await compileAgainst(spec);
    expect(code).not.toBe(0);
    expect(output).toMatch(/src\/resources\/inference\.ts\(\d+,\d+\): error TS\d+: .*Operation<string>/);
  }, 300_000);
});
