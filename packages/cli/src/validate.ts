import { readFileSync } from 'node:fs';
import { specJsonPath } from '@sgi/spec';
import { createBodyConflicts } from '@sgi/spec/rules';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

// ajv-formats ships CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

const SPEC_ID = 'https://spec.sgi.local/openapi.json';
const CREATE_SCHEMA = `${SPEC_ID}#/components/schemas/InferenceDeploymentCreate`;

/** One problem of a create request: the field (dotted path, `(root)` for the whole body), its line, why. */
export interface FieldProblem {
  /** Dotted path of the field (`autoscaling_config.scale_to_zero_timeout_sec`), `(root)` for the body itself. */
  field: string;
  /** 1-based line in the file, when the body came from a file. */
  line?: number;
  /** 1-based column in the file, when the body came from a file. */
  column?: number;
  /** What is wrong, in words. */
  message: string;
}

let compiled: ValidateFunction | undefined;

/** The create schema of the bundled spec (`@sgi/spec`), compiled once with Ajv's 2020-12 dialect. */
function createValidator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true, verbose: true });
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('password', () => true);
  const document = JSON.parse(readFileSync(specJsonPath, 'utf8')) as Record<string, unknown>;
  ajv.addSchema({ ...document, $id: SPEC_ID }, SPEC_ID);
  compiled = ajv.getSchema(CREATE_SCHEMA);
  if (!compiled) throw new Error('the spec has no InferenceDeploymentCreate schema');
  return compiled;
}

const unescapeKey = (p: string) => p.replaceAll('~1', '/').replaceAll('~0', '~');
const segments = (pointer: string) => (pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeKey));
const dotted = (path: readonly string[]) =>
  path.length === 0 ? '(root)' : path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i ? `.${p}` : p)).join('');

/** "must be one of ...": every value when there are few, else the close ones (`H100` -> `H100_80GB`, ...). */
function enumMessage(allowed: unknown[], value: unknown): string {
  const list = (values: unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');
  if (allowed.length <= 16) return `must be one of ${list(allowed)}`;
  const text = typeof value === 'string' ? value.toUpperCase() : '';
  const close = text ? allowed.filter((v) => typeof v === 'string' && v.toUpperCase().includes(text)) : [];
  return `must be one of the ${allowed.length} values the spec lists${
    close.length ? `, such as ${list(close.slice(0, 8))}` : ` (${list(allowed.slice(0, 8))}, ...)`
  }`;
}

type Problem = { path: string[]; key?: string; message: string };

/** The index of the `anyOf` branch an error comes from (`<anyOf schemaPath>/<n>/...`). */
const branchOf = (anyOf: ErrorObject, e: ErrorObject) =>
  Number(e.schemaPath.slice(anyOf.schemaPath.length + 1).split('/')[0]);

/**
 * Ajv's errors as one problem per field, without the echoes of `anyOf` branches. In an `anyOf` whose
 * branches are told apart by a required field (the controller: cloud, on-premise or legacy gateway),
 * only the branches whose field is there speak; when none is, the problem is that one is missing.
 */
function problemsOf(errors: readonly ErrorObject[]): Problem[] {
  const out = new Map<string, Problem>();
  const add = (path: string[], message: string, key?: string) => {
    const id = `${path.join('/')}|${key ?? ''}|${message}`;
    if (!out.has(id)) out.set(id, { path, message, ...(key === undefined ? {} : { key }) });
  };
  const skip = new Set<ErrorObject>();
  for (const anyOf of errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
    const branches = (Array.isArray(anyOf.schema) ? anyOf.schema : []) as Array<{ required?: string[] }>;
    if (branches.length < 2 || !branches.every((b) => b.required?.length) || !isObject(anyOf.data)) continue;
    const data = anyOf.data;
    const matched = branches.flatMap((b, i) => (b.required?.every((k) => k in data) ? [i] : []));
    const names = branches.flatMap((b) => b.required ?? []);
    const inside = errors.filter((e) => e !== anyOf && e.schemaPath.startsWith(`${anyOf.schemaPath}/`));
    skip.add(anyOf);
    if (matched.length === 0) {
      add(segments(anyOf.instancePath), `needs exactly one of ${names.join(', ')}`);
      for (const e of inside) skip.add(e);
      continue;
    }
    for (const e of inside) {
      if (!matched.includes(branchOf(anyOf, e))) skip.add(e);
      else if (e.keyword === 'type' && e.params.type === 'null' && e.instancePath !== anyOf.instancePath) {
        // A branch's "the other controllers must be null": two of them were given.
        skip.add(e);
        add(segments(e.instancePath), `cannot be given together with another of ${names.join(', ')}`);
      }
    }
  }
  for (const e of errors) {
    if (skip.has(e)) continue;
    const path = segments(e.instancePath);
    // A failed `anyOf` repeats the errors of its branches, which are reported on their own.
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'allOf' || e.keyword === 'if') {
      if (errors.some((o) => o !== e && o.schemaPath.startsWith(`${e.schemaPath}/`))) continue;
    }
    // `must be null` next to the real error of a nullable field.
    if (e.keyword === 'type' && e.params.type === 'null') {
      if (
        errors.some(
          (o) =>
            o !== e && o.instancePath === e.instancePath && o.keyword !== 'anyOf' && o.keyword !== 'oneOf',
        )
      )
        continue;
    }
    if (e.keyword === 'required') {
      add([...path, String(e.params.missingProperty)], 'is required');
    } else if (e.keyword === 'unevaluatedProperties' || e.keyword === 'additionalProperties') {
      const key = String(e.params.unevaluatedProperty ?? e.params.additionalProperty);
      add([...path, key], 'is not a field of this object (misspelt?)', key);
    } else if (e.keyword === 'enum') {
      add(
        path,
        enumMessage(
          (e.params.allowedValues as unknown[]).filter((v) => v !== null),
          e.data,
        ),
      );
    } else {
      add(path, e.message ?? e.keyword);
    }
  }
  // A field called unknown only because a branch that names it failed is noise next to that branch's errors.
  const values = [...out.values()];
  return values.filter(
    (p) =>
      p.key === undefined ||
      !values.some(
        (o) => o !== p && o.key === undefined && `${o.path.join('/')}/`.startsWith(`${p.path.join('/')}/`),
      ),
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The problems of a create request: the spec's schema first, then the rules between fields. */
function allProblems(body: unknown): Problem[] {
  const validate = createValidator();
  const schema = validate(body) ? [] : problemsOf(validate.errors ?? []);
  return schema.length > 0 ? schema : createBodyConflicts(body);
}

/** Checks a create request against the spec's create schema; empty when it is valid. */
export function validateCreate(body: unknown): FieldProblem[] {
  return allProblems(body).map((p) => ({ field: dotted(p.path), message: p.message }));
}

/** A create request read from a file, with its problems (each with its line), or a syntax error. */
export interface ParsedFile {
  /** The request, as parsed (YAML or JSON). */
  body: unknown;
  /** Problems of the file: syntax errors, or fields the spec refuses. Empty when the request is valid. */
  problems: FieldProblem[];
}

/**
 * Where to point for `path` in a parsed document: a scalar's value, an object's or a list's key (the
 * line that names it), or the deepest node that exists on the way (for a missing field, the object
 * that lacks it). With `key`, the key of that name in the object at `path` minus its last part.
 */
function nodeAt(root: Node | null | undefined, path: readonly string[], key?: string): Node | undefined {
  let node: Node | null | undefined = root;
  let keyNode: Node | undefined;
  const parts = key === undefined ? path : path.slice(0, -1);
  for (const part of parts) {
    let next: Node | null | undefined;
    let nextKey: Node | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === part);
      next = pair?.value as Node | undefined;
      nextKey = pair?.key as Node | undefined;
    } else if (isSeq(node)) {
      next = node.items[Number(part)] as Node | undefined;
    }
    if (!next) return keyNode ?? node ?? undefined;
    node = next;
    keyNode = nextKey;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (pair && isScalar(pair.key)) return pair.key;
  }
  if ((isMap(node) || isSeq(node)) && keyNode) return keyNode;
  return node ?? undefined;
}

/**
 * Parses a create request written as YAML or JSON (JSON is read as YAML 1.2, so both get line
 * numbers) and checks it against the spec's create schema: each problem names the field and the
 * line where it is (for a missing field, the line of the object that lacks it).
 */
export function parseCreateFile(text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      body: undefined,
      problems: doc.errors.map((e) => {
        const at = lineCounter.linePos(e.pos[0]);
        return {
          field: '(syntax)',
          line: at.line,
          column: at.col,
          message: e.message.split('\n')[0] ?? e.code,
        };
      }),
    };
  }
  const body = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const problems = allProblems(body).map((p) => {
    const node = nodeAt(doc.contents, p.path, p.key);
    const at = node?.range ? lineCounter.linePos(node.range[0]) : undefined;
    return {
      field: dotted(p.path),
      message: p.message,
      ...(at ? { line: at.line, column: at.col } : {}),
    };
  });
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { body, problems };
}
