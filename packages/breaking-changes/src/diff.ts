import { merge } from 'allof-merge';
import { apiDiff, type Diff } from 'api-smart-diff';
import { patternWidened } from './patterns.js';

/** One change between two API descriptions that breaks a client written against the older one. */
export interface BreakingChange {
  /**
   * JSON pointer of the changed node in the operation as clients see it (references resolved, `allOf`s
   * merged): in the older document for removals, in the newer one otherwise.
   */
  pointer: string;
  /** What happened, in words. */
  description: string;
  /** Who called it breaking: api-smart-diff's own rules, or one of this project's stricter rules. */
  rule:
    | 'api-smart-diff'
    | 'removed-field'
    | 'required-parameter'
    | 'response-field-optional'
    | 'type-changed'
    | 'removed-schema';
}

type Json = Record<string, unknown>;

function pointerOf(path: ReadonlyArray<string | number>): string {
  return `/${path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}

function isResponsePath(path: ReadonlyArray<string | number>): boolean {
  return (
    (path[0] === 'paths' && path[3] === 'responses') || (path[0] === 'components' && path[1] === 'responses')
  );
}

function resolve(doc: Json, node: unknown): unknown {
  let current = node;
  for (let hops = 0; hops < 10 && current && typeof current === 'object' && '$ref' in current; hops++) {
    const ref = String((current as { $ref: unknown }).$ref);
    if (!ref.startsWith('#/')) return current;
    current = ref
      .slice(2)
      .split('/')
      .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((n, key) => (n && typeof n === 'object' ? (n as Json)[key] : undefined), doc);
  }
  return current;
}

/**
 * Where api-smart-diff is more lenient than this project's definition of breaking, one of these rules
 * applies instead. api-smart-diff judges a schema change by whether the schema still validates the same
 * documents, so it lets through changes that break real clients:
 * - a property removed from a request (this API rejects unknown fields: old requests now fail) or from a
 *   response (clients read it);
 * - a response property that is no longer required (clients rely on it being there);
 * - a `parameters` list added to an operation that had none, with a required parameter in it;
 * - a type changed, in a request or a response (api-smart-diff reads some changes of a response's type
 *   as widening).
 */
function stricterRule(diff: Diff, after: Json): BreakingChange['rule'] | undefined {
  const { path, action } = diff;
  const parent = path[path.length - 2];
  if (action === 'replace' && path[path.length - 1] === 'type' && parent !== 'properties')
    return 'type-changed';
  if (action === 'remove' && parent === 'properties') return 'removed-field';
  if (action === 'remove' && parent === 'required' && isResponsePath(path)) return 'response-field-optional';
  if (action === 'add' && path[path.length - 1] === 'parameters' && Array.isArray(diff.after)) {
    const required = diff.after.some(
      (p) => (resolve(after, p) as { required?: unknown } | undefined)?.required,
    );
    if (required) return 'required-parameter';
  }
  return undefined;
}

/** Keywords that only constrain a value (they never change its type or which fields it has). */
const CONSTRAINTS = new Set([
  'format',
  'pattern',
  'maxLength',
  'minLength',
  'maximum',
  'minimum',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'multipleOf',
  'maxItems',
  'minItems',
  'maxProperties',
  'minProperties',
]);

/**
 * Where api-smart-diff is stricter than this project's definition of breaking (`RELEASING.md`), a
 * change it calls breaking is not:
 * - in a response, a constraint changed (a format, pattern or limit): only what the client sends is
 *   held to constraints; generated types do not change, and clients read answers as they come;
 * - in a response, `additionalProperties: false` removed: the answer may carry fields added later,
 *   which clients must tolerate (new response fields are additions);
 * - in a response, a new enum value (a new GPU type or status): clients must tolerate values they do
 *   not know;
 * - in a request, a pattern replaced by one that accepts every value the old one accepted.
 */
function lenientRule(diff: Diff): boolean {
  const key = String(diff.path[diff.path.length - 1]);
  if (isResponsePath(diff.path)) {
    if (CONSTRAINTS.has(key)) return true;
    if (diff.path[diff.path.length - 2] === 'enum' && diff.action === 'add') return true;
    if (key === 'additionalProperties' && diff.action === 'remove' && diff.before === false) return true;
    return false;
  }
  return (
    key === 'pattern' &&
    diff.action === 'replace' &&
    typeof diff.before === 'string' &&
    typeof diff.after === 'string' &&
    patternWidened(diff.before, diff.after)
  );
}

/**
 * Every in-document `$ref` under `paths` replaced by a copy of its target (a `$ref` with siblings
 * becomes an `allOf` of the target and the siblings; a reference cycle is left as it is). allof-merge
 * writes a schema it meets twice as a `$ref` into the first place it met it, and api-smart-diff pairs
 * `anyOf` branches by content: with references left in, one restructured branch can make it pair the
 * wrong branches and report noise. Plain trees compare branch by branch.
 */
function inlined(doc: Json): Json {
  const target = (ref: string): unknown =>
    ref
      .slice(2)
      .split('/')
      .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((n, key) => (n && typeof n === 'object' ? (n as Json)[key] : undefined), doc);
  const walk = (node: unknown, refs: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, refs));
    if (!node || typeof node !== 'object') return node;
    const { $ref, ...rest } = node as Json;
    if (typeof $ref === 'string' && $ref.startsWith('#/') && !refs.includes($ref)) {
      const resolved = walk(target($ref), [...refs, $ref]);
      return Object.keys(rest).length > 0 ? { allOf: [resolved], ...(walk(rest, refs) as Json) } : resolved;
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, refs)]));
  };
  return { ...doc, paths: walk(doc.paths, []) };
}

/**
 * The document with every reference under `paths` inlined and every `allOf` merged (and `anyOf`/`oneOf`
 * siblings distributed), by allof-merge, the library api-smart-diff itself builds on: two equivalent
 * ways of writing a schema then compare as equal (api-smart-diff alone reports moving an `anyOf` into
 * an `allOf` member as removed branches).
 */
function normalized(doc: unknown): Json {
  if (!doc || typeof doc !== 'object') throw new Error('An OpenAPI document must be an object');
  return merge(inlined(structuredClone(doc) as Json), {
    mergeRefSibling: true,
    mergeCombinarySibling: true,
  }) as Json;
}

/** A normalised document, with the text of each of its path items (to find those that did not change). */
interface Normalized {
  doc: Json;
  pathTexts: Map<string, string>;
}

function pathTexts(doc: Json): Map<string, string> {
  const paths = (doc.paths ?? {}) as Json;
  return new Map(Object.entries(paths).map(([path, item]) => [path, JSON.stringify(item)]));
}

// The released document is the same in every comparison of a run: normalise it once (keyed by content,
// so a caller that changes the object between calls still gets a fresh result).
let last: { key: string; value: Normalized } | undefined;
function normalizedOnce(doc: unknown): Normalized {
  const key = JSON.stringify(doc);
  if (last?.key !== key) {
    const value = normalized(doc);
    last = { key, value: { doc: value, pathTexts: pathTexts(value) } };
  }
  return last.value;
}

/**
 * api-smart-diff's changes between two normalised documents. A path item that is the same in both
 * (every reference in it inlined, so equal text means an equal operation as clients call it) has no
 * change to report: both copies are left out before the comparison, which is what costs (api-smart-diff
 * walks the whole tree, and each path item carries its schemas inlined). `components` stay whole, for
 * api-smart-diff to resolve what inlining left as a reference (a cycle).
 */
function diffsBetween(before: Normalized, after: Json): Diff[] {
  const beforePaths = (before.doc.paths ?? {}) as Json;
  const afterPaths = (after.paths ?? {}) as Json;
  const changedBefore: Json = {};
  const changedAfter: Json = {};
  for (const [path, item] of Object.entries(beforePaths)) {
    const text = before.pathTexts.get(path);
    if (!(path in afterPaths) || JSON.stringify(afterPaths[path]) !== text) changedBefore[path] = item;
  }
  for (const [path, item] of Object.entries(afterPaths)) {
    if (!(path in beforePaths) || path in changedBefore) changedAfter[path] = item;
  }
  // api-smart-diff logs (and then ignores) rules that cannot classify some `required` lists inside
  // `allOf`; the diffs are still classified, so keep its noise out of the output.
  const log = console.error;
  console.error = () => {};
  try {
    return apiDiff(structuredClone({ ...before.doc, paths: changedBefore }), {
      ...after,
      paths: changedAfter,
    });
  } finally {
    console.error = log;
  }
}

function schemaNames(doc: unknown): string[] {
  const schemas = (doc as { components?: { schemas?: Json } }).components?.schemas;
  return schemas && typeof schemas === 'object' ? Object.keys(schemas) : [];
}

/**
 * Compares two OpenAPI 3.x documents (bundled, in-document `$ref`s only) and lists the changes that would
 * break a client of the older one: removed operations, fields or status codes, narrowed types, enums or
 * limits, new required inputs... Uses api-smart-diff's classification of each operation (as clients call
 * it: references resolved, `allOf`s merged), made stricter where it is more lenient than this project
 * and more lenient where it is stricter (see `RELEASING.md`), and reports a removed schema type.
 * Neither argument is changed.
 */
export function findBreakingChanges(before: unknown, after: unknown): BreakingChange[] {
  const b = normalized(after);
  const diffs = diffsBetween(normalizedOnce(before), b);
  const breaking: BreakingChange[] = [];
  const seen = new Set<string>();
  for (const diff of diffs) {
    // Changes under `components` repeat those of the operations that use them, and api-smart-diff reads
    // `components/responses` with the rules of a status-code map; the operations are what clients call.
    if (diff.path[0] === 'components') continue;
    const rule =
      stricterRule(diff, b) ??
      (diff.type === 'breaking' && !lenientRule(diff) ? ('api-smart-diff' as const) : undefined);
    if (!rule) continue;
    const pointer = pointerOf(diff.path);
    if (seen.has(pointer)) continue;
    seen.add(pointer);
    breaking.push({ pointer, description: describe(diff), rule });
  }
  // Schema names are type names in generated clients (`@sgi/client` exports them): removing one breaks code.
  const kept = new Set(schemaNames(after));
  for (const name of schemaNames(before)) {
    if (!kept.has(name)) {
      breaking.push({
        pointer: pointerOf(['components', 'schemas', name]),
        description: `[Removed] schema ${name}`,
        rule: 'removed-schema',
      });
    }
  }
  return breaking;
}

function describe(diff: Diff): string {
  if (diff.description) return diff.description;
  const what = { add: 'added', remove: 'removed', replace: 'changed', rename: 'renamed' }[diff.action];
  const value =
    diff.action === 'replace' ? `: ${JSON.stringify(diff.before)} -> ${JSON.stringify(diff.after)}` : '';
  return `${what}${value.length > 120 ? '' : value}`;
}

/** One change of an operation between two API descriptions, as a changelog lists it. */
export interface OperationChange {
  /** The operation as clients call it: `POST /sg_inf/create`. */
  operation: string;
  /** What changed, in api-smart-diff's words (`[Added] property \`labels\` in Request Body content`). */
  description: string;
  /** Whether it breaks a client of the older description, by the same rules as {@link findBreakingChanges}. */
  breaking: boolean;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * Every change of every operation between two OpenAPI 3.x documents, compared as the gate compares them
 * (references resolved, `allOf`s merged) and classified by the gate's rules: additions, removals and
 * changes of operations, parameters, fields and status codes, each marked breaking or not. Changes of
 * descriptions and examples are left out. Neither argument is changed.
 */
export function listChanges(before: unknown, after: unknown): OperationChange[] {
  const b = normalized(after);
  const diffs = diffsBetween(normalizedOnce(before), b);
  const changes: OperationChange[] = [];
  const seen = new Set<string>();
  for (const diff of diffs) {
    if (diff.path[0] !== 'paths' || diff.path.length < 3) continue;
    const method = String(diff.path[2]);
    if (!METHODS.has(method)) continue;
    const breaking = Boolean(stricterRule(diff, b) ?? (diff.type === 'breaking' && !lenientRule(diff)));
    if (!breaking && (diff.type === 'annotation' || diff.type === 'unclassified')) continue;
    const operation = `${method.toUpperCase()} ${String(diff.path[1])}`;
    const description = describe(diff);
    const key = `${operation} ${description}`;
    if (seen.has(key)) continue;
    seen.add(key);
    changes.push({ operation, description, breaking });
  }
  return changes;
}
