import { apiDiff, type Diff } from 'api-smart-diff';

/** One change between two API descriptions that breaks a client written against the older one. */
export interface BreakingChange {
  /** JSON pointer of the changed node (in the older document for removals, the newer one otherwise). */
  pointer: string;
  /** What happened, in words. */
  description: string;
  /** Who called it breaking: api-smart-diff's own rules, or one of this project's stricter rules. */
  rule: 'api-smart-diff' | 'removed-field' | 'required-parameter' | 'response-field-optional';
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
 * - a `parameters` list added to an operation that had none, with a required parameter in it.
 */
function stricterRule(diff: Diff, after: Json): BreakingChange['rule'] | undefined {
  const { path, action } = diff;
  const parent = path[path.length - 2];
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

/**
 * Compares two OpenAPI 3.x documents (bundled, in-document `$ref`s only) and lists the changes that would
 * break a client of the older one: removed operations, fields or status codes, narrowed types, enums or
 * limits, new required inputs... Uses api-smart-diff's classification, made stricter where it is more
 * lenient than this project (see `RELEASING.md`). Neither argument is changed.
 */
export function findBreakingChanges(before: unknown, after: unknown): BreakingChange[] {
  const a = structuredClone(before) as Json;
  const b = structuredClone(after) as Json;
  // api-smart-diff logs (and then ignores) rules that cannot classify some `required` lists inside
  // `allOf`; those diffs are still classified by the rules above, so keep its noise out of the output.
  const log = console.error;
  console.error = () => {};
  let diffs: Diff[];
  try {
    diffs = apiDiff(structuredClone(a), structuredClone(b));
  } finally {
    console.error = log;
  }
  const breaking: BreakingChange[] = [];
  const seen = new Set<string>();
  for (const diff of diffs) {
    const rule = diff.type === 'breaking' ? 'api-smart-diff' : stricterRule(diff, b);
    if (!rule) continue;
    const pointer = pointerOf(diff.path);
    if (seen.has(pointer)) continue;
    seen.add(pointer);
    breaking.push({ pointer, description: describe(diff), rule });
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
