import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Type-checks TypeScript sources as files of this package would be (so `@sgi/client` resolves to the
 * built client, as it would for a user who installed it), without writing them to disk.
 * Returns each file's diagnostics as readable lines.
 */
export function typeCheck(sources: Map<string, string>, prelude = ''): Map<string, string[]> {
  const dir = fileURLToPath(new URL('../', import.meta.url));
  const files = new Map([...sources].map(([name, text]) => [join(dir, `${name}.sample.ts`), text]));
  const preludeFile = join(dir, 'samples-prelude.d.ts');
  if (prelude) files.set(preludeFile, prelude);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) => {
    const text = files.get(name);
    return text === undefined
      ? getSourceFile(name, language, ...rest)
      : ts.createSourceFile(name, text, language);
  };
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  const program = ts.createProgram([...files.keys()], options, host);
  const out = new Map<string, string[]>();
  for (const [file, name] of [...files.keys()].map((f, i) => [f, [...sources.keys()][i] ?? ''] as const)) {
    if (file === preludeFile) continue;
    const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(file));
    out.set(
      name,
      diagnostics.map((d) => {
        const where =
          d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        const at = where ? `${where.line + 1}:${where.character + 1} ` : '';
        return `${at}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    );
  }
  return out;
}
