import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerDir, runJson, startBin } from './support/run.js';

const exec = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/**
 * Compiles the consumer's two programs (an ES module and a CommonJS one: TypeScript picks each file's
 * module format as Node.js would) with the consumer's own strict tsconfig, once; resolves with tsc's output.
 */
let compiled: Promise<string> | undefined;
function compile(): Promise<string> {
  compiled ??= exec(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumerDir() }).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string }) => {
      throw new Error(
        `tsc -p tsconfig.json failed in the consumer project:\n${error.stdout ?? String(error)}`,
      );
    },
  );
  return compiled;
}

describe('@sgi/client, installed from its tarball, in a strict TypeScript project', () => {
  it('compiles with strict settings, as an ES module and as CommonJS (their own .d.ts each)', async () => {
    expect(await compile()).toBe('');
    expect(readFileSync(join(consumerDir(), 'dist/client-esm/main.js'), 'utf8')).toContain(
      "from '@sgi/client'",
    );
    expect(readFileSync(join(consumerDir(), 'dist/client-cjs/main.cjs'), 'utf8')).toContain(
      'require("@sgi/client")',
    );
  });
});

type Run = {
  module: string;
  inf_id: string;
  name: string;
  status: string;
  deleted: string;
  notFound?: { isNotFound: boolean; isAPIError?: boolean; isScaleGenError?: boolean; status: number };
  keyPair: { listed: boolean; exchanges: number; refused: string };
};

describe('@sgi/client against the @sgi/mock sandbox, both from their tarballs', () => {
  const bin = ['--mode', 'sandbox', '--port', '0', '--provision-delay-ms', '0', '--delete-delay-ms', '0'];
  let mock: Awaited<ReturnType<typeof startBin>> | undefined;
  beforeAll(async () => {
    await compile();
  });
  afterAll(async () => {
    await mock?.stop();
  });

  function expectLifecycle(out: Run, module: string, name: string) {
    expect(out).toMatchObject({ module, name, status: 'ACTIVE' });
    expect(out.inf_id).toMatch(/\S/);
    expect(typeof out.deleted).toBe('string');
    expect(out.notFound).toMatchObject({ isNotFound: true, status: 404 });
    // The key pair's token exchange, loaded on its first call: one exchange per client, and a refused
    // secret is an AuthenticationError that names the token endpoint.
    expect(out.keyPair).toEqual({
      listed: true,
      exchanges: 2,
      refused: expect.stringMatching(
        /^token exchange at http:\/\/127\.0\.0\.1:\d+\/oauth\/token failed with HTTP 401: application\/json response/,
      ),
    });
  }

  it('create -> get -> delete -> 404 from an ES module, against sgi-mock started through its bin', async () => {
    mock = await startBin('sgi-mock', bin, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const out = await runJson<Run>('dist/client-esm/main.js', mock.match[1] ?? '');
    expectLifecycle(out, 'esm', 'consumer-llama');
    expect(out.notFound).toMatchObject({ isAPIError: true, isScaleGenError: true });
  });

  it('create -> get -> delete -> 404 from CommonJS, against startMockServer()', async () => {
    expect(existsSync(join(consumerDir(), 'dist/client-cjs/main.cjs'))).toBe(true);
    const out = await runJson<Run>('mock-api.mjs', 'sandbox', 'dist/client-cjs/main.cjs');
    expectLifecycle(out, 'cjs', 'consumer-llama-cjs');
  });
});
