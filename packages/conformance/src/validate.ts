import { isBareResult, unwrappedPointer, wrapBareResult } from '@sgi/mock/drift';
import type { ErrorObject } from 'ajv';
import type { Contract } from './contract.js';
import type { Finding } from './findings.js';

/** One answer of the server to one call. */
export interface Exchange {
  check: string;
  operation: string;
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

type Draft = Omit<Finding, 'check' | 'operation' | 'status' | 'requestId' | 'severity'> & {
  severity?: Finding['severity'];
};

const unescapePointer = (p: string) => p.replaceAll('~1', '/').replaceAll('~0', '~');
const escapeKey = (k: string) => k.replaceAll('~', '~0').replaceAll('/', '~1');

/** Where an Ajv error points: the value's JSON pointer, with the missing property for `required`. */
function pointerOf(error: ErrorObject): string {
  if (error.keyword === 'required') {
    return `${error.instancePath}/${escapeKey(String(error.params.missingProperty))}`;
  }
  return error.instancePath;
}

function valueAt(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  return pointer
    .slice(1)
    .split('/')
    .map(unescapePointer)
    .reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      value,
    );
}

/**
 * Ajv's errors as findings, one per place: an `enum` miss on a string is a new enum value (and the
 * echoes of the `anyOf` it sits in, "must be null", "must match a schema in anyOf", are dropped); every
 * other error is a schema finding.
 */
function schemaFindings(errors: ErrorObject[], body: unknown): Draft[] {
  const enumPaths = new Set(
    errors
      .filter((e) => e.keyword === 'enum' && typeof valueAt(body, e.instancePath) === 'string')
      .map((e) => e.instancePath),
  );
  const out = new Map<string, Draft>();
  for (const error of errors) {
    const pointer = pointerOf(error);
    if (enumPaths.has(error.instancePath)) {
      if (error.keyword !== 'enum') continue;
      const value = JSON.stringify(valueAt(body, pointer));
      out.set(`${pointer} enum`, {
        kind: 'new-enum-value',
        pointer,
        message: `${value} is not one of the values the spec lists`,
        severity: 'warning',
      });
      continue;
    }
    // An `anyOf` that failed only repeats its branches' errors, which are reported at the same place.
    if (
      (error.keyword === 'anyOf' || error.keyword === 'oneOf') &&
      errors.some((e) => e !== error && e.instancePath.startsWith(error.instancePath))
    )
      continue;
    if (
      error.keyword === 'type' &&
      error.params.type === 'null' &&
      errors.some(
        (e) =>
          e !== error &&
          e.instancePath === error.instancePath &&
          e.keyword !== 'anyOf' &&
          e.keyword !== 'oneOf',
      )
    )
      continue;
    const key = `${pointer} ${error.keyword}`;
    if (!out.has(key)) out.set(key, { kind: 'schema', pointer, message: error.message ?? error.keyword });
  }
  return [...out.values()];
}

/**
 * Checks one answer against what the spec documents for its operation: the status code, the media
 * type, the body's schema (with the envelope told apart from the rest), and the required headers.
 * Returns no finding for an answer that keeps to the spec, even with fields the spec does not know.
 */
export function validateExchange(contract: Contract, exchange: Exchange): Finding[] {
  const op = contract.operation(exchange.operation);
  const drafts: Draft[] = [];
  const documented = op.responses.get(String(exchange.status)) ?? op.responses.get('default');
  if (!documented) {
    const listed = [...op.responses.keys()].join(', ');
    drafts.push({
      kind: 'status',
      pointer: '',
      message: `status ${exchange.status} is not documented (the spec lists ${listed})`,
    });
  } else {
    for (const [name, required] of documented.headers) {
      if (required && exchange.headers[name] === undefined) {
        drafts.push({ kind: 'header', pointer: '', message: `the required header ${name} is missing` });
      }
    }
    const type = (exchange.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (documented.content.size > 0) {
      const schema = documented.content.get(type);
      if (!schema) {
        const listed = [...documented.content.keys()].join(', ');
        drafts.push({
          kind: 'media-type',
          pointer: '',
          message: `the body is ${type || 'of no media type'}, not ${listed}`,
        });
      } else {
        drafts.push(...bodyFindings(contract, schema, exchange.body, /[/+]json$/.test(type)));
      }
    } else if (exchange.body.length > 0) {
      drafts.push({
        kind: 'media-type',
        pointer: '',
        message: 'the spec documents no body for this status, the server sent one',
      });
    }
  }
  return drafts.map((d) => ({
    check: exchange.check,
    operation: exchange.operation,
    status: exchange.status,
    severity: d.severity ?? 'error',
    ...d,
    ...(exchange.headers['x-request-id'] ? { requestId: exchange.headers['x-request-id'] } : {}),
  }));
}

function bodyFindings(contract: Contract, schema: string, text: string, json: boolean): Draft[] {
  // A documented text body (a plain-text 500) is the string itself.
  if (!json) return schemaFindings(contract.validate(schema, text), text);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [{ kind: 'media-type', pointer: '', message: 'the body is not valid JSON' }];
  }
  const errors = contract.validate(schema, body);
  if (errors.length === 0) return [];
  // The bare result where the spec wants the envelope: one finding, not one per missing envelope field.
  const envelope = contract.deref(contract.deref({ $ref: schema }));
  const wantsEnvelope = JSON.stringify(envelope).includes('"#/components/schemas/SuccessEnvelope"');
  if (wantsEnvelope && isBareResult(body)) {
    const wrapped = wrapBareResult(body);
    const bare: Draft = {
      kind: 'envelope',
      pointer: '',
      message: 'the body is the bare result, without the {"success": true, "message": ...} envelope',
    };
    // The rest is checked as the result it is, pointers relative to the bare body.
    const inner = schemaFindings(contract.validate(schema, wrapped), wrapped).map((d) => ({
      ...d,
      pointer: unwrappedPointer(d.pointer),
    }));
    return [bare, ...inner];
  }
  return schemaFindings(errors, body);
}
