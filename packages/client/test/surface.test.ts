import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as client from '../src/index.js';

// What the package exports is deliberate, and editors show its types by their names.
const pkgDir = new URL('..', import.meta.url).pathname;

describe('the public surface', () => {
  it('exports exactly these values; internal helpers stay inside', async () => {
    expect(Object.keys(client).sort()).toEqual([
      'APIConnectionError',
      'APIConnectionTimeoutError',
      'APIError',
      'APIUserAbortError',
      'AuthenticationError',
      'BadRequestError',
      'ConflictError',
      'DEFAULT_BASE_URL',
      'DeploymentFailedError',
      'InternalServerError',
      'NotFoundError',
      'PermissionDeniedError',
      'RateLimitError',
      'ScaleGenError',
      'UnprocessableEntityError',
      'WaitTimeoutError',
      'createClient',
      'deploymentEndpoint',
      'rawClient',
      'requestIdOf',
    ]);
    const built = await import(join(pkgDir, 'dist/index.js'));
    expect(Object.keys(built).sort()).toEqual(Object.keys(client).sort());
    for (const internal of ['parseRetryAfter', 'retryDelay', 'sleep', 'createTransport', 'makeAPIError'])
      expect(built).not.toHaveProperty(internal);
  });
});

/**
 * The types an editor shows (as in a hover) for each `const` of `code`, compiled against the
 * built package's declarations, as a user's editor sees them.
 */
function hovers(code: string): Record<string, string> {
  const file = join(pkgDir, 'test/__hover__.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    noEmit: true,
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile;
  host.readFile = (name) => (name === file ? code : read(name));
  host.fileExists = (
    (exists) => (name: string) =>
      name === file || exists(name)
  )(host.fileExists);
  const program = ts.createProgram([file], options, host);
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diagnostics).toEqual([]);
  const checker = program.getTypeChecker();
  const out: Record<string, string> = {};
  const source = program.getSourceFile(file);
  for (const statement of source?.statements ?? [])
    if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations)
        out[d.name.getText(source)] = checker.typeToString(checker.getTypeAtLocation(d.name));
  return out;
}

describe('editor hovers', () => {
  it('show the friendly names, not expanded structures', () => {
    const shown = hovers(`
      import { createClient } from '@sgi/client';
      const client = createClient({ token: 't' });
      export const get = client.inference.get('id');
      export const list = client.inference.list();
      export const create = client.inference.create;
      export const wait = client.inference.waitUntilReady('id');
      export const withResponse = client.inference.withResponse.get('id');
      export const stop = client.inference.stop('id');
    `);
    expect(shown).toEqual({
      client: 'ScaleGenClient',
      get: 'Promise<InferenceDeployment>',
      list: 'Promise<InferenceDeployment[]>',
      create:
        '(body: InferenceDeploymentCreate, options?: RequestOptions | undefined) => Promise<CreatedDeployment>',
      wait: 'Promise<InferenceDeployment>',
      withResponse: 'Promise<WithResponse<InferenceDeployment>>',
      stop: 'Promise<string>',
    });
    // A whole program with the DOM's lib, on a shared machine: a bound, not a timing.
  }, 300_000);
});
