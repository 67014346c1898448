import { loadSpec, type OpenApiDocument } from '@sgi/spec';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats ships CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

const SPEC_ID = 'https://spec.sgi.local/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

type Json = Record<string, unknown>;

/** One documented answer of an operation: its media types (with schema pointers) and its headers. */
export interface DocumentedResponse {
  /** Media type -> JSON pointer of its schema in the bundle (`#/paths/...`). */
  content: Map<string, string>;
  /** Lower-case header name -> whether the spec requires it. */
  headers: Map<string, boolean>;
}

/** One operation of the spec, as the conformance run needs it. */
export interface Operation {
  operationId: string;
  method: string;
  path: string;
  /** Status code (`"200"`, `"default"`, ...) -> what the spec documents for it. */
  responses: Map<string, DocumentedResponse>;
}

/** The spec, compiled for validation: its operations and a 2020-12 validator for any schema in it. */
export interface Contract {
  document: OpenApiDocument;
  operation(operationId: string): Operation;
  /** Validates `value` against the schema at a JSON pointer of the bundle (`#/paths/...`). */
  validate(pointer: string, value: unknown): ErrorObject[];
  /** Follows local `$ref`s. */
  deref(node: unknown): Json;
}

const escapeKey = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Compiles the bundled spec of `@sgi/spec` (or `document`) with Ajv's JSON Schema 2020-12 validator, the
 * dialect of OpenAPI 3.1, so that `unevaluatedProperties` and friends are enforced as written.
 */
export function loadContract(document: OpenApiDocument = loadSpec()): Contract {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('password', () => true);
  ajv.addSchema({ ...document, $id: SPEC_ID }, SPEC_ID);
  const compiled = new Map<string, ValidateFunction>();

  const deref = (node: unknown): Json => {
    let current = node as Json;
    for (let hops = 0; current && typeof current.$ref === 'string' && hops < 32; hops++) {
      current = (current.$ref as string)
        .slice(2)
        .split('/')
        .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
        .reduce<unknown>((n, key) => (n as Json | undefined)?.[key], document) as Json;
    }
    return current ?? {};
  };

  const operations = new Map<string, Operation>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const operationId = String(op.operationId);
      const responses = new Map<string, DocumentedResponse>();
      for (const [status, ref] of Object.entries((op.responses ?? {}) as Json)) {
        // Ajv resolves plain JSON pointers only: point at the response where it is written, references followed.
        let base = `#/paths/${escapeKey(path)}/${method}/responses/${escapeKey(status)}`;
        let response = ref as Json;
        for (let hops = 0; typeof response?.$ref === 'string' && hops < 32; hops++) {
          base = response.$ref as string;
          response = deref({ $ref: base });
        }
        const content = new Map<string, string>();
        for (const type of Object.keys((response.content ?? {}) as Json)) {
          content.set(type.toLowerCase(), `${base}/content/${escapeKey(type)}/schema`);
        }
        const headers = new Map<string, boolean>();
        for (const [name, header] of Object.entries((response.headers ?? {}) as Json)) {
          headers.set(name.toLowerCase(), deref(header).required === true);
        }
        responses.set(status, { content, headers });
      }
      operations.set(operationId, { operationId, method: method.toUpperCase(), path, responses });
    }
  }

  return {
    document,
    deref,
    operation(operationId) {
      const op = operations.get(operationId);
      if (!op) throw new Error(`The spec has no operation ${operationId}`);
      return op;
    },
    validate(pointer, value) {
      let validate = compiled.get(pointer);
      if (!validate) {
        validate = ajv.compile({ $ref: `${SPEC_ID}${pointer}` });
        compiled.set(pointer, validate);
      }
      return validate(value) ? [] : [...(validate.errors ?? [])];
    },
  };
}
