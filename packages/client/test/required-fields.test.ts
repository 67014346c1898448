import { loadSpec } from '@sgi/spec';
import { describe, expect, it } from 'vitest';
import { REQUIRED_FIELDS } from './support/required-fields.js';

type Schema = { $ref?: string; required?: string[]; allOf?: Schema[]; properties?: Record<string, Schema> };
const spec = loadSpec() as unknown as { components: { schemas: Record<string, Schema> } };

function deref(schema: Schema): Schema {
  let s = schema;
  for (let hops = 0; s.$ref && hops < 16; hops++) {
    s = spec.components.schemas[s.$ref.replace('#/components/schemas/', '')] as Schema;
  }
  return s;
}

/** Every field a schema requires, across its `allOf` members. */
function requiredOf(schema: Schema): string[] {
  const s = deref(schema);
  return [...new Set([...(s.required ?? []), ...(s.allOf ?? []).flatMap(requiredOf)])].sort();
}

describe('the lists of required fields the type tests use are the spec’s', () => {
  it.each([
    ['InferenceDeployment', { $ref: '#/components/schemas/InferenceDeployment' }],
    ['CreateResult', { $ref: '#/components/schemas/CreateResult' }],
    ['ErrorResponse', { $ref: '#/components/schemas/ErrorResponse' }],
  ] as const)('%s', (name, schema) => {
    expect(requiredOf(schema)).toEqual([...REQUIRED_FIELDS[name]].sort());
  });

  it('CreatedDeployment (the create result’s message)', () => {
    const message = deref({ $ref: '#/components/schemas/CreateResult' })
      .allOf?.map(deref)
      .find((member) => member.properties?.message?.required)?.properties?.message;
    expect(message && requiredOf(message)).toEqual([...REQUIRED_FIELDS.CreatedDeployment]);
  });
});
