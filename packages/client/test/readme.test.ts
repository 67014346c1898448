import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

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

  it('every ts snippet compiles against the built package', () => {
    const files = Object.fromEntries(snippets.map((s, i) => [`snippet-${i + 1}.ts`, s]));
    expect(typeCheck(files)).toEqual([]);
  }, 60_000);

  it('the check catches a snippet that does not compile', () => {
    const broken = "import { createClient } from '@sgi/client';\nawait createClient().inference.get(42);\n";
    expect(typeCheck({ 'broken.ts': broken }).join('\n')).toMatch(/number.*not assignable.*string/);
  }, 60_000);
});
