import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadSpec } from '../../index.js';

// ajv-formats ships CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

export const spec = loadSpec();
const SPEC_ID = 'https://spec.sgi.local/openapi.json';

/** One Ajv (JSON Schema 2020-12) instance that knows the whole bundle, so `#/components/...` refs resolve. */
function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  addFormats(ajv);
  // OpenAPI's own formats: numeric widths are checked by the schemas' bounds, `password` is a UI hint.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('password', () => true);
  // OpenAPI annotation keywords that JSON Schema 2020-12 does not define.
  ajv.addKeyword({ keyword: 'example' });
  ajv.addKeyword({ keyword: 'discriminator' });
  // The bundle's own top-level keys: Ajv reads the whole document as the schema that `#/components/...` points into.
  for (const keyword of Object.keys(spec)) ajv.addKeyword({ keyword });
  ajv.addSchema({ ...spec, $id: SPEC_ID }, SPEC_ID);
  return ajv;
}

const ajv = createAjv();
const cache = new Map<string, ValidateFunction>();

/** A validator for the schema at a JSON pointer of the bundle, e.g. `#/components/schemas/InferenceDeploymentCreate`. */
export function validatorAt(pointer: string): ValidateFunction {
  let validate = cache.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${SPEC_ID}${pointer}` });
    cache.set(pointer, validate);
  }
  return validate;
}

/** A validator for an inline schema whose `$ref`s point into the bundle (`#/components/...`). */
export function validatorFor(schema: unknown): ValidateFunction {
  const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/', `"${SPEC_ID}#/`));
  return ajv.compile(rebased);
}

/** Validates `value` and returns its errors (empty when valid). */
export function errorsOf(validate: ValidateFunction, value: unknown): ErrorObject[] {
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** The fields that errors point at, as dotted paths (`autoscaling_config.scale_to_zero_timeout_sec`). */
export function fieldsOf(errors: ErrorObject[]): string[] {
  const fields = new Set<string>();
  for (const e of errors) {
    const path = e.instancePath.split('/').slice(1);
    if (e.keyword === 'required') path.push(String(e.params.missingProperty));
    if (e.keyword === 'unevaluatedProperties') path.push(String(e.params.unevaluatedProperty));
    if (e.keyword === 'additionalProperties') path.push(String(e.params.additionalProperty));
    fields.add(path.join('.'));
  }
  return [...fields];
}

/** Follows a local `$ref` (`#/components/...`) in the bundle; other values come back unchanged. */
export function deref<T = Record<string, unknown>>(node: unknown): T {
  let current = node as { $ref?: string };
  while (current && typeof current.$ref === 'string') {
    current = current.$ref
      .slice(2)
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((acc, key) => (acc as Record<string, unknown>)[key], spec) as { $ref?: string };
  }
  return current as T;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

export interface Operation {
  path: string;
  method: string;
  operationId: string;
  op: Record<string, unknown>;
  pathItem: Record<string, unknown>;
}

/** Every operation of the bundle. */
export function operations(): Operation[] {
  const out: Operation[] = [];
  for (const [path, pathItem] of Object.entries(spec.paths)) {
    for (const method of HTTP_METHODS) {
      const op = pathItem[method] as Record<string, unknown> | undefined;
      if (op) out.push({ path, method, operationId: String(op.operationId), op, pathItem });
    }
  }
  return out;
}
