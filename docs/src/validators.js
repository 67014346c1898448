// @ts-check
/**
 * The console's check of a request body as the reader types it: Ajv compiles the JSON Schema of every
 * operation's JSON request body ahead of time into plain functions (Ajv's standalone code: no `eval`, so
 * the page's Content-Security-Policy stays strict), and esbuild bundles them with the few Ajv helpers
 * they call into one browser script that sets `sgiBodyValidators[operationId]`.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { buildSync } from 'esbuild';

// Ajv ships CommonJS: its default export is the module object under Node's ESM.
const standaloneCode = /** @type {typeof standaloneModule.default} */ (
  /** @type {any} */ (standaloneModule).default ?? standaloneModule
);

const escapeKey = (/** @type {string} */ key) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * The browser script that validates each operation's JSON request body against the spec.
 * @param {any} spec an OpenAPI 3.1 document (its schemas are JSON Schema 2020-12)
 * @returns {string} a script that defines `sgiBodyValidators`, one function per operationId
 */
export function bodyValidatorsScript(spec) {
  // Formats are left to the sandbox (it answers 422 naming the field); the shape is checked here.
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false, code: { source: true } });
  ajv.addSchema({ ...spec, $id: 'spec' });
  /** @type {Record<string, string>} */
  const refs = {};
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const [method, operation] of Object.entries(item ?? {})) {
      const id = operation?.operationId;
      if (typeof id !== 'string' || !operation.requestBody?.content?.['application/json']?.schema) continue;
      const pointer = `/paths/${escapeKey(path)}/${method}/requestBody/content/application~1json/schema`;
      ajv.addSchema({ $id: `body-${id}`, $ref: `spec#${pointer}` });
      refs[id] = `body-${id}`;
    }
  }
  if (Object.keys(refs).length === 0) throw new Error('No operation of the spec has a JSON request body');
  const result = buildSync({
    // Resolved from this package, which depends on Ajv.
    stdin: {
      contents: standaloneCode(ajv, refs),
      resolveDir: dirname(fileURLToPath(import.meta.url)),
      loader: 'js',
    },
    bundle: true,
    format: 'iife',
    globalName: 'sgiBodyValidators',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error('esbuild wrote no body validators');
  return file.text;
}
