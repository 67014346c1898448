import { loadSpec } from '@sgi/spec';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats ships CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

export const spec = loadSpec();
const SPEC_ID = 'https://spec.sgi.local/openapi.json';

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('password', () => true);
  ajv.addSchema({ ...spec, $id: SPEC_ID }, SPEC_ID);
  return ajv;
}

const ajv = createAjv();
const cache = new Map<string, ValidateFunction>();

type Responses = Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;

/** The path template of the spec that a concrete path matches (`/sg_inf/abc` -> `/sg_inf/{inference_id}`). */
function templateOf(path: string): string {
  if (spec.paths[path]) return path;
  const template = Object.keys(spec.paths).find((t) =>
    new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  if (!template) throw new Error(`no path of the spec matches ${path}`);
  return template;
}

/**
 * Checks a JSON response against what the spec documents for that operation and status; returns the
 * violations (empty when the response is valid). An undocumented status is itself a violation.
 */
export function responseViolations(method: string, path: string, status: number, body: unknown): string[] {
  const template = templateOf(path.split('?')[0] as string);
  const key = `${method.toLowerCase()} ${template} ${status}`;
  let validate = cache.get(key);
  if (!validate) {
    const op = spec.paths[template]?.[method.toLowerCase()] as { responses: Responses } | undefined;
    const documented = op?.responses[String(status)];
    if (!documented) return [`${status} is not documented for ${method} ${template}`];
    const pointer = documented.$ref ?? '';
    validate = ajv.compile({ $ref: `${SPEC_ID}${pointer}/content/application~1json/schema` });
    cache.set(key, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

let errorResponse: ValidateFunction | undefined;

/**
 * Checks a body against the spec's `ErrorResponse`, for the answers the front layer gives on any route
 * (including statuses an operation does not list, such as a refused `Prefer` switch on list).
 */
export function errorEnvelopeViolations(body: unknown): string[] {
  errorResponse ??= ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/ErrorResponse` });
  return errorResponse(body) ? [] : (errorResponse.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
