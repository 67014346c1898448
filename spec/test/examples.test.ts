import { describe, expect, it } from 'vitest';
import { deref, errorsOf, operations, spec, validatorAt, validatorFor } from './support/schema.js';

interface MediaType {
  schema: unknown;
  example?: unknown;
  examples?: Record<string, unknown>;
}

/** Every example attached to a media type, as [name, value]. */
function examplesOf(media: MediaType): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  if ('example' in media) out.push(['example', media.example]);
  for (const [name, ex] of Object.entries(media.examples ?? {})) {
    out.push([name, deref<{ value: unknown }>(ex).value]);
  }
  return out;
}

const cases: Array<{ where: string; schema: unknown; value: unknown }> = [];
for (const { path, method, op, pathItem } of operations()) {
  const body = op.requestBody ? deref<{ content: Record<string, MediaType> }>(op.requestBody) : undefined;
  for (const [type, media] of Object.entries(body?.content ?? {})) {
    for (const [name, value] of examplesOf(media)) {
      cases.push({ where: `${method} ${path} request ${type} ${name}`, schema: media.schema, value });
    }
  }
  const params = [...((pathItem.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])];
  for (const p of params.map((x) => deref<{ name: string; schema: unknown; example?: unknown }>(x))) {
    if ('example' in p)
      cases.push({ where: `${method} ${path} parameter ${p.name}`, schema: p.schema, value: p.example });
  }
  for (const [status, r] of Object.entries(op.responses as Record<string, unknown>)) {
    const response = deref<{ content?: Record<string, MediaType>; headers?: Record<string, unknown> }>(r);
    for (const [type, media] of Object.entries(response.content ?? {})) {
      for (const [name, value] of examplesOf(media)) {
        cases.push({ where: `${method} ${path} ${status} ${type} ${name}`, schema: media.schema, value });
      }
    }
    for (const [name, h] of Object.entries(response.headers ?? {})) {
      const header = deref<{ schema: unknown; example?: unknown }>(h);
      if ('example' in header)
        cases.push({
          where: `${method} ${path} ${status} header ${name}`,
          schema: header.schema,
          value: header.example,
        });
    }
  }
}
for (const [name, schema] of Object.entries(
  spec.components.schemas as Record<string, { examples?: unknown[] }>,
)) {
  for (const [i, value] of (schema.examples ?? []).entries()) {
    cases.push({
      where: `schema ${name} examples[${i}]`,
      schema: { $ref: `#/components/schemas/${name}` },
      value,
    });
  }
}

describe('every example in the spec', () => {
  it('covers every operation, request body and schema-level example', () => {
    // Guards the loop above: if the walk stopped finding examples, the next test would pass vacuously.
    expect(cases.length).toBeGreaterThan(60);
    expect(cases.filter((c) => c.where.includes(' request ')).length).toBe(4);
  });

  it.each(cases)('$where validates against its schema', ({ schema, value }) => {
    expect(errorsOf(validatorFor(schema), value)).toEqual([]);
  });
});

describe('secrets never leave the server', () => {
  /** Every property name reachable from a schema, following `$ref`s and combinators. */
  function propertyNames(node: unknown, seen = new Set<unknown>()): Set<string> {
    const names = new Set<string>();
    const visit = (n: unknown): void => {
      const s = deref<Record<string, unknown>>(n);
      if (!s || typeof s !== 'object' || seen.has(s)) return;
      seen.add(s);
      for (const [key, value] of Object.entries(s.properties ?? {})) {
        names.add(key);
        visit(value);
      }
      for (const k of ['allOf', 'anyOf', 'oneOf'] as const)
        for (const sub of (s[k] as unknown[]) ?? []) visit(sub);
      if (s.items) visit(s.items);
    };
    visit(node);
    return names;
  }

  it('the create request accepts hf_token, marked writeOnly', () => {
    const names = propertyNames({ $ref: '#/components/schemas/InferenceDeploymentCreate' });
    expect(names).toContain('hf_token');
    expect(deref<{ writeOnly?: boolean }>({ $ref: '#/components/schemas/HfToken' }).writeOnly).toBe(true);
  });

  it.each(operations())('no response of $operationId has an hf_token property or example', ({ op }) => {
    for (const r of Object.values(op.responses as Record<string, unknown>)) {
      for (const media of Object.values(deref<{ content?: Record<string, MediaType> }>(r).content ?? {})) {
        expect(propertyNames(media.schema)).not.toContain('hf_token');
        for (const [, value] of examplesOf(media)) expect(JSON.stringify(value)).not.toContain('hf_token');
      }
    }
  });
});

describe('a validator that can fail', () => {
  it('rejects a deployment example with a status outside the enum', () => {
    const validate = validatorAt('#/components/schemas/InferenceDeployment');
    const example = deref<{ value: { message: Record<string, unknown> } }>({
      $ref: '#/components/examples/DeploymentActive',
    });
    expect(errorsOf(validate, example.value.message)).toEqual([]);
    expect(errorsOf(validate, { ...example.value.message, status: 'RUNNING' })).not.toEqual([]);
  });
});
