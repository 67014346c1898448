import type { IncomingHttpHeaders } from 'node:http';
import type { FieldError } from './errors.js';
import { QUIRK_MODES } from './quirks.js';
import type { SpecFacts } from './spec.js';

/**
 * Why a request path is refused before any other check, or undefined when it is canonical: a dot
 * segment (`/sg_inf/./create`, `%2e%2e`) or an encoded slash or backslash would reach another route
 * once Prism normalises the path, around the checks this layer makes on the route it sees.
 */
export function pathProblem(pathname: string): string | undefined {
  if (!pathname.startsWith('/') || pathname.startsWith('//') || pathname.includes('\\')) {
    return 'it is not a path of this API';
  }
  for (const segment of pathname.slice(1).split('/')) {
    if (/%(2f|5c)/i.test(segment)) return 'it has an encoded slash or backslash';
    const decoded = segment.replace(/%2e/gi, '.');
    if (decoded === '.' || decoded === '..') return "it has a '.' or '..' segment";
  }
  return undefined;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The `X-Sandbox-Outcome` values: `fail` ends provisioning as `FAILED`; `succeed` is the default. */
export const OUTCOMES = ['succeed', 'fail'] as const;

/**
 * Checks the sandbox's own request headers: `X-Sandbox-Chaos` (a share from 0 to 1),
 * `X-Sandbox-Outcome` (`succeed` or `fail`) and `X-Sandbox-Quirks` (`production` or `none`). A value
 * that means nothing answers 400, never silently ignored.
 */
export function sandboxHeaderErrors(headers: IncomingHttpHeaders): FieldError[] {
  const errors: FieldError[] = [];
  const chaos = first(headers['x-sandbox-chaos']);
  if (chaos !== undefined) {
    const value = Number(chaos);
    if (chaos.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
      errors.push({
        field: 'X-Sandbox-Chaos',
        message: `must be a number from 0 to 1 (got '${chaos.slice(0, 40)}')`,
        code: 'range',
      });
    }
  }
  const outcome = first(headers['x-sandbox-outcome']);
  if (outcome !== undefined && !(OUTCOMES as readonly string[]).includes(outcome.trim().toLowerCase())) {
    errors.push({
      field: 'X-Sandbox-Outcome',
      message: `must be one of ${OUTCOMES.join(', ')} (got '${outcome.slice(0, 40)}')`,
      code: 'enum',
    });
  }
  const quirks = first(headers['x-sandbox-quirks']);
  if (quirks !== undefined && !(QUIRK_MODES as readonly string[]).includes(quirks.trim().toLowerCase())) {
    errors.push({
      field: 'X-Sandbox-Quirks',
      message: `must be one of ${QUIRK_MODES.join(', ')} (got '${quirks.slice(0, 40)}')`,
      code: 'enum',
    });
  }
  return errors;
}

/**
 * The fields of a create body that the spec does not know, at any depth, as field errors (at most 100).
 * Prism's validator ignores `unevaluatedProperties`, so the front checks this, and so does the sandbox
 * where the data is stored.
 */
export function unknownFieldErrors(
  body: unknown,
  facts: Pick<SpecFacts, 'unknownCreateFields'>,
): FieldError[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  return facts.unknownCreateFields(body).map((field) => ({
    field: field.replace(/\s/g, '_'),
    message: 'is not a known field',
    code: 'unknown_field',
  }));
}
