import fc from 'fast-check';
import type { Schema } from '../../src/spec.js';
import { spec } from './contract.js';

function deref(schema: Schema): Schema {
  let current = schema;
  while (typeof current.$ref === 'string') {
    current = current.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], spec) as Schema;
  }
  // Keep the keywords written next to a `$ref` (OpenAPI 3.1 allows them).
  const { $ref: _ref, ...siblings } = schema;
  return schema.$ref ? { ...current, ...siblings } : current;
}

/** Strings for a `pattern`, or plain strings when fast-check cannot read the pattern (lookaheads). */
function patternedString(pattern: string | undefined, min: number, max: number): fc.Arbitrary<string> {
  const plain = fc.string({ minLength: min, maxLength: Math.min(max, 40) });
  if (!pattern) return plain;
  try {
    return fc.stringMatching(new RegExp(pattern)).filter((s) => s.length >= min && s.length <= max);
  } catch {
    return plain;
  }
}

/** Objects for a schema's `properties`; `allRequired` sets every key (an `anyOf` branch that pins others to null). */
function objectFrom(
  s: Schema,
  depth: number,
  allRequired = false,
  inherited: string[] = [],
): fc.Arbitrary<Record<string, unknown>> {
  const properties = s.properties ?? {};
  const keys = Object.keys(properties).filter((key) => !deref(properties[key] as Schema).readOnly);
  if (keys.length === 0) return fc.constant({});
  const shape = Object.fromEntries(
    keys.map((key) => [key, fromSchema(properties[key] as Schema, depth + 1)]),
  );
  const required = allRequired
    ? keys
    : [...(s.required ?? []), ...inherited].filter((key) => keys.includes(key));
  return fc.record(shape, { requiredKeys: required }) as fc.Arbitrary<Record<string, unknown>>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/** Values that a JSON Schema of the bundle admits (a request schema, so read-only fields are left out). */
export function fromSchema(node: Schema, depth = 0, inherited: string[] = []): fc.Arbitrary<unknown> {
  const s = deref(node);
  if (depth > 8) return fc.constant(null);
  if (s.enum) return fc.constantFrom(...s.enum);
  if ('const' in s) return fc.constant(s.const);
  // An object made of parts: every `allOf` part, one `anyOf` branch, and its own properties, merged.
  if (s.allOf || (s.anyOf && (s.properties || s.required))) {
    // The whole's `required` applies to the parts' properties.
    const required = [...(s.required ?? []), ...inherited];
    const parts: fc.Arbitrary<unknown>[] = (s.allOf ?? []).map((part) => {
      const p = deref(part);
      // A part that is only a choice of objects: each branch pins the other choices (to null).
      if (p.anyOf && !p.properties) return fc.oneof(...p.anyOf.map((b) => objectFrom(deref(b), depth, true)));
      return fromSchema(part, depth + 1, required);
    });
    if (s.properties) parts.push(objectFrom(s, depth, false, required));
    if (s.anyOf) parts.push(fc.oneof(...s.anyOf.map((branch) => objectFrom(deref(branch), depth, true))));
    return fc.tuple(...parts).map((values) => Object.assign({}, ...values.filter(isObject)));
  }
  if (s.anyOf) return fc.oneof(...s.anyOf.map((branch) => fromSchema(branch, depth + 1)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: Number(s.minimum ?? -1e6), max: Number(s.maximum ?? 1e6) });
    case 'number':
      return fc.double({ min: Number(s.minimum ?? -1e6), max: Number(s.maximum ?? 1e6), noNaN: true });
    case 'string':
      if (s.format === 'uri') return fc.webUrl();
      if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      return patternedString(
        s.pattern as string | undefined,
        Number(s.minLength ?? 0),
        Number(s.maxLength ?? 64),
      );
    case 'array':
      return fc.array(fromSchema(s.items ?? {}, depth + 1), {
        maxLength: Math.min(Number(s.maxItems ?? 3), 3),
      });
    default:
      return objectFrom(s, depth, false, inherited);
  }
}

/** Hostile values to put in place of a field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    1e308,
    -1e308,
    -0,
    2 ** 53 + 1,
    4.9e-324,
    '',
    ' ',
    '\u0000',
    '\u202e',
    '../../etc/passwd',
    '💥'.repeat(300),
    'x'.repeat(70_000),
    '{"a":1}',
    true,
    null,
    [],
    {},
    { __proto__: null, constructor: 1 },
    JSON.parse(`${'['.repeat(31)}${']'.repeat(31)}`),
  ),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 4 }),
);

type Json = Record<string, unknown>;

/** A way to spoil a valid body: replace a field (possibly nested), drop one, or add an unknown one. */
export const mutation: fc.Arbitrary<(body: Json) => Json> = fc.oneof(
  fc.tuple(fc.nat(), fc.nat(), hostileValue).map(([i, j, value]) => (body: Json) => {
    const out = structuredClone(body);
    const keys = Object.keys(out);
    if (keys.length === 0) return out;
    const key = keys[i % keys.length] as string;
    const inner = out[key];
    if (inner && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(inner).length > 0) {
      const innerKeys = Object.keys(inner);
      (inner as Json)[innerKeys[j % innerKeys.length] as string] = value;
    } else {
      out[key] = value;
    }
    return out;
  }),
  fc.nat().map((i) => (body: Json) => {
    const out = { ...body };
    const keys = Object.keys(out);
    if (keys.length > 0) delete out[keys[i % keys.length] as string];
    return out;
  }),
  fc
    .tuple(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'nmae', 'hf_token ', 'id', 'status'),
      hostileValue,
    )
    .map(([key, value]) => (body: Json) => {
      // Written as text so that `__proto__` becomes an own key, as it does when a server parses JSON.
      const rest = JSON.stringify(body).slice(1, -1);
      return JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value)}${rest ? `,${rest}` : ''}}`);
    }),
);
