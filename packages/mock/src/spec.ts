import { loadSpec, type OpenApiDocument } from '@sgi/spec';

/** A JSON Schema object as the bundle writes it (OpenAPI 3.1). */
export type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  enum?: unknown[];
  default?: unknown;
  [key: string]: unknown;
};

/** One operation of the spec, as the mock needs it. */
export interface Operation {
  /** The spec's `operationId`. */
  operationId: string;
  method: string;
  /** The path template, e.g. `/sg_inf/{inference_id}`. */
  template: string;
  /** Each documented status, with the names of its examples (every media type). */
  responses: Map<number, string[]>;
}

/** What the mock reads from the bundled spec, computed once. */
export interface SpecFacts {
  document: OpenApiDocument;
  /** Follows local `$ref`s (`#/components/...`). */
  deref(schema: Schema | undefined): Schema;
  /** The create operation's request body schema. */
  createSchema: Schema;
  /** Every property a create body may carry at its top level (Prism does not enforce `unevaluatedProperties`). */
  createFields: Set<string>;
  /**
   * The fields of a create body that its schema does not know, as dotted paths (`autoscaling_config.typo`),
   * wherever the schema is closed (`unevaluatedProperties` or `additionalProperties` false), at the top
   * and nested: Prism does not enforce `unevaluatedProperties`, with which the spec closes request objects.
   */
  unknownCreateFields(body: unknown): string[];
  /** The top-level fields of which exactly one must be set (the `oneOf` branches that each require one). */
  exclusiveFields: string[];
  /** The operation a request's method and (normalised) path reach, or undefined. */
  operationOf(method: string, pathname: string): Operation | undefined;
}

/** Every operation of the document, with its documented statuses and named examples. */
function operationsOf(
  document: OpenApiDocument,
  deref: (schema: Schema | undefined) => Schema,
): Array<Operation & { pattern: RegExp }> {
  const operations: Array<Operation & { pattern: RegExp }> = [];
  for (const [template, item] of Object.entries(document.paths)) {
    const quote = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(
      `^${template
        .split(/\{[^}]+\}/)
        .map(quote)
        .join('[^/]+')}$`,
    );
    for (const [method, op] of Object.entries(item as Record<string, unknown>)) {
      const { responses, operationId } =
        (op as { responses?: Record<string, Schema>; operationId?: string } | undefined) ?? {};
      if (!responses) continue;
      const byStatus = new Map<number, string[]>();
      for (const [status, response] of Object.entries(responses)) {
        const content = (deref(response).content ?? {}) as Record<string, { examples?: object }>;
        const names = Object.values(content).flatMap((media) => Object.keys(media.examples ?? {}));
        byStatus.set(Number(status), [...new Set(names)]);
      }
      operations.push({
        operationId: operationId ?? `${method} ${template}`,
        method: method.toUpperCase(),
        template,
        pattern,
        responses: byStatus,
      });
    }
  }
  return operations;
}

/** Reads the bundled spec of `@sgi/spec` and derives what the mock needs from it. */
export function specFacts(document: OpenApiDocument = loadSpec()): SpecFacts {
  const deref = (schema: Schema | undefined): Schema => {
    let current: Schema = schema ?? {};
    for (let hops = 0; typeof current.$ref === 'string' && hops < 32; hops++) {
      const pointer = current.$ref.replace(/^#\//, '').split('/');
      current = pointer
        .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], document) as Schema;
    }
    return current;
  };
  const create = document.paths['/sg_inf/create']?.post as
    | { requestBody?: { content?: Record<string, { schema?: Schema }> } }
    | undefined;
  const createSchema = deref(create?.requestBody?.content?.['application/json']?.schema);
  const createFields = new Set<string>();
  const collect = (schema: Schema) => {
    const s = deref(schema);
    for (const key of Object.keys(s.properties ?? {})) createFields.add(key);
    for (const part of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) collect(part);
  };
  collect(createSchema);
  // A `oneOf` (or `anyOf`) whose branches each require one field (here or in an `allOf` part): exactly one of them.
  const exclusiveFields: string[] = [];
  const findExclusive = (schema: Schema) => {
    const s = deref(schema);
    const required = (s.oneOf ?? s.anyOf ?? []).map((branch) => deref(branch).required ?? []);
    if (required.length > 1 && required.every((r) => r.length === 1)) {
      exclusiveFields.push(...required.map((r) => r[0] as string));
    }
    for (const part of s.allOf ?? []) findExclusive(part);
  };
  findExclusive(createSchema);
  const operations = operationsOf(document, deref);
  // Literal paths first: `/sg_inf/list` is not the deployment `list`.
  operations.sort((a, b) => Number(a.template.includes('{')) - Number(b.template.includes('{')));
  const operationOf = (method: string, pathname: string) =>
    operations.find((op) => op.method === method && op.pattern.test(pathname));
  return {
    document,
    deref,
    createSchema,
    createFields,
    exclusiveFields,
    operationOf,
    unknownCreateFields: (body) => unknownFields([createSchema], body, '', deref),
  };
}

/** How many unknown fields one call reports, and how deep it looks (the front bounds depth too). */
const MAX_UNKNOWN = 100;
const MAX_DEPTH = 32;

/** The schema, its `allOf` parts and its `anyOf`/`oneOf` branches, references followed, flattened. */
function expand(schema: Schema, deref: (s: Schema) => Schema, depth = 0): Schema[] {
  const s = deref(schema);
  if (depth > MAX_DEPTH) return [s];
  const parts = [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])];
  return [s, ...parts.flatMap((part) => expand(part, deref, depth + 1))];
}

function unknownFields(
  schemas: Schema[],
  value: unknown,
  path: string,
  deref: (s: Schema) => Schema,
  depth = 0,
): string[] {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return [];
  const flat = schemas.flatMap((schema) => expand(schema, deref));
  const out: string[] = [];
  if (Array.isArray(value)) {
    const items = flat.map((s) => s.items).filter((s): s is Schema => s !== undefined);
    for (let i = 0; i < value.length && out.length < MAX_UNKNOWN; i++) {
      out.push(...unknownFields(items, value[i], `${path}${i}.`, deref, depth + 1));
    }
    return out.slice(0, MAX_UNKNOWN);
  }
  const closed = flat.some((s) => s.unevaluatedProperties === false || s.additionalProperties === false);
  for (const [key, child] of Object.entries(value)) {
    if (out.length >= MAX_UNKNOWN) break;
    const own = flat.map((s) => s.properties?.[key]).filter((s): s is Schema => s !== undefined);
    if (own.length === 0) {
      if (closed) out.push(`${path}${key}`);
    } else {
      out.push(...unknownFields(own, child, `${path}${key}.`, deref, depth + 1));
    }
  }
  return out.slice(0, MAX_UNKNOWN);
}
