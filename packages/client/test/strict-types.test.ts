import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

// The built package's types, as a user's strictest project sees them (`exactOptionalPropertyTypes`):
// where the README promises that `undefined` keeps a value, `undefined` compiles.
const pkgDir = new URL('..', import.meta.url).pathname;
const dir = join(pkgDir, '.strict-types');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The diagnostics of `source`, compiled against the built package, one line each (`line: message`). */
function diagnostics(source: string): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const file = join(dir, 'app.ts');
  writeFileSync(file, source);
  const program = ts.createProgram([file], {
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    return `${line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

const header = `import { createClient, type InferenceDeploymentCreate } from '@sgi/client';
declare const env: Record<string, string | undefined>;
declare const maybeNumber: number | undefined;
declare const maybeSignal: AbortSignal | undefined;
`;

describe('under exactOptionalPropertyTypes', () => {
  it('undefined is accepted wherever it keeps the value: options, settings, per-call options', () => {
    expect(
      diagnostics(`${header}
const client = createClient({ token: env.SCALEGEN_TOKEN, baseUrl: env.API_URL, timeout: maybeNumber });
const keys = createClient({ keyId: env.KEY_ID, keySecret: env.KEY_SECRET, tokenUrl: env.TOKEN_URL });
const derived = client.withOptions({ timeout: maybeNumber, maxRetries: maybeNumber, headers: undefined });
void derived.inference.list({ signal: maybeSignal, timeout: maybeNumber, headers: { 'x-a': undefined } });
void keys.inference.waitUntilReady('dep-1', { signal: maybeSignal, timeout: maybeNumber, interval: undefined });
void client.inference.delete('dep-1', { force: undefined }, { maxRetries: maybeNumber });
`),
    ).toEqual([]);
  }, 60_000);

  it('a key id without its secret does not compile', () => {
    expect(diagnostics(`${header}createClient({ keyId: 'k' });\n`)).toEqual([
      expect.stringMatching(/^5: .*Property 'keySecret' is missing/),
    ]);
  }, 60_000);

  it('a create body without a controller points at controller_cloud_config, not the deprecated gateway_config', () => {
    const [error, ...more] = diagnostics(
      `${header}const body: InferenceDeploymentCreate = { name: 'n', model: 'm' };\nvoid body;\n`,
    );
    expect(more).toEqual([]);
    expect(error).toMatch(/^5: .*Property 'controller_cloud_config' is missing/);
    expect(error).not.toContain('gateway_config');
  }, 60_000);
});
