import { type FieldError, MAX_FIELD_ERRORS } from './errors.js';

/** One entry of Prism's `sl-violations` header or of its problem+json `validation` list. */
export interface PrismViolation {
  location: Array<string | number>;
  severity?: string;
  code?: string | number;
  message: string;
}

/** Parses Prism's `sl-violations` header; undefined when it is absent or cut short (Prism truncates at 8 kB). */
export function parseViolationHeader(header: string | undefined): PrismViolation[] | undefined {
  if (!header) return undefined;
  try {
    const parsed: unknown = JSON.parse(header);
    return Array.isArray(parsed) ? (parsed as PrismViolation[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Prism's validator (Ajv) keywords, as the spec's snake_case `FieldError.code`. */
function codeOf(keyword: string): string {
  if (keyword === 'additionalProperties') return 'unknown_field';
  return keyword.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Turns one request violation into a field error with a dotted path; undefined for non-field entries. */
function toFieldError(violation: PrismViolation): FieldError | undefined {
  const v = { ...violation, message: String(violation.message ?? '') };
  const [side, where, ...path] = (Array.isArray(v.location) ? v.location : []).map(String);
  if (side !== 'request' || typeof v.code !== 'string') return undefined;
  // A violation of the request as a whole, such as a missing body.
  if (!where) return { field: '', message: v.message, code: codeOf(v.code) };
  const keyword = v.code;
  // Prism words messages as "Request body property a.b must ..." or "Request body must ...".
  let message = v.message.replace(
    /^Request (body|path|query|header)( parameter| property)? ?[^ ]*? ?(?=must )/,
    '',
  );
  if (!message.startsWith('must ')) message = v.message;
  const fieldPath = where === 'body' ? [...path] : path.length > 0 ? [path[0] as string] : [];
  if (keyword === 'required') {
    const missing = /required property '([^']+)'/.exec(v.message)?.[1];
    if (missing) {
      if (where === 'body') fieldPath.push(missing);
      else fieldPath.splice(0, fieldPath.length, missing);
    }
    message = 'is required';
  }
  if (keyword === 'additionalProperties') {
    const extra = /found '([^']+)'/.exec(v.message)?.[1];
    if (extra) fieldPath.push(extra);
    message = 'is not a known field';
  }
  const field = fieldPath.join('.').replace(/\s/g, '_');
  return { field, message, code: codeOf(keyword) };
}

/** `field` and each field it lies under (`a.b.c` -> `a.b.c`, `a.b`, `a`), and `''` for the whole body. */
function selfAndParents(field: string): string[] {
  const parts = field === '' ? [] : field.split('.');
  return ['', ...parts.map((_, i) => parts.slice(0, i + 1).join('.'))];
}

/**
 * Turns Prism's request violations into the spec's field errors, one per real problem: it drops the
 * echoes of `anyOf` branches that did not apply (a non-null value "must be null"; "must match a schema
 * in anyOf") and words "exactly one of" rules (`exclusive`, read from the spec) as one error.
 */
export function fieldErrors(
  violations: PrismViolation[],
  body: unknown,
  exclusive: readonly string[] = [],
): FieldError[] {
  let errors = violations.map(toFieldError).filter((e): e is FieldError => e !== undefined);
  const record =
    body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

  // "Exactly one of" rules: each branch that did not apply requires its own field, or wants it null or
  // an object; those echoes become one error when none or several of the fields are set.
  if (exclusive.length > 0) {
    const isSet = (name: string) => record[name] !== undefined && record[name] !== null;
    const isEcho = (e: FieldError) =>
      exclusive.includes(e.field) &&
      (e.code === 'required' || (e.code === 'type' && (e.message === 'must be null' || !isSet(e.field))));
    const echoed = errors.some(isEcho);
    errors = errors.filter((e) => !isEcho(e));
    const present = exclusive.filter(isSet);
    const list = exclusive.join(', ');
    if (echoed && present.length === 0) {
      errors.unshift({
        field: exclusive[0] as string,
        message: `exactly one of ${list} is required`,
        code: 'required',
      });
    } else if (echoed && present.length > 1) {
      errors.unshift({
        field: present[1] as string,
        message: `only one of ${list} may be set`,
        code: 'conflict',
      });
    }
  }

  // `anyOf` and `oneOf` echoes: keep them only when nothing more precise was said about the same field or below it.
  // Every step is linear in the number of violations (a body with 30,000 bad items has 90,000).
  const precise = (e: FieldError) =>
    e.code !== 'any_of' && e.code !== 'one_of' && !(e.code === 'type' && e.message === 'must be null');
  const coveredByPrecise = new Set<string>();
  for (const e of errors)
    if (precise(e)) for (const field of selfAndParents(e.field)) coveredByPrecise.add(field);
  errors = errors.filter((e) => precise(e) || !coveredByPrecise.has(e.field));

  const seen = new Set<string>();
  const unique: FieldError[] = [];
  for (const e of errors) {
    const key = `${e.field}\u0000${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(e);
    if (unique.length === MAX_FIELD_ERRORS) break;
  }
  return unique;
}
