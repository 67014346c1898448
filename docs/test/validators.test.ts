import { runInNewContext } from 'node:vm';
import { loadSpec } from '@sgi/spec';
import { describe, expect, it } from 'vitest';
import { referenceSpec } from '../src/reference.js';
import { bodyValidatorsScript } from '../src/validators.js';

/** The console's body check, compiled from the spec and run as the browser runs it (no `eval`). */

type Validator = ((body: unknown) => boolean) & {
  errors?: Array<{ instancePath: string; keyword: string; params: Record<string, unknown> }> | null;
};

const spec = referenceSpec(loadSpec(), {}) as unknown as {
  paths: Record<string, Record<string, { operationId?: string; requestBody?: unknown }>>;
  components: { examples: Record<string, { value: unknown }> };
};
const script = bodyValidatorsScript(spec);
const context: { sgiBodyValidators?: Record<string, Validator> } = {};
runInNewContext(script, context);
const validators = context.sgiBodyValidators ?? {};
const create = validators.createInferenceDeployment as Validator;

/** The create request's examples, as the console's example menu offers them. */
function createExamples(): Array<[string, Record<string, unknown>]> {
  const create = spec.paths['/sg_inf/create']?.post as {
    requestBody: {
      content: { 'application/json': { examples: Record<string, { $ref?: string; value?: unknown }> } };
    };
  };
  const examples = create.requestBody.content['application/json'].examples;
  return Object.entries(examples).map(([name, example]) => {
    const value = example.$ref
      ? spec.components.examples[example.$ref.split('/').pop() ?? '']?.value
      : example.value;
    return [name, structuredClone(value) as Record<string, unknown>];
  });
}

describe('the body check of the console', () => {
  it('has a validator for every operation with a JSON body, and the script uses no eval', () => {
    expect(Object.keys(validators)).toEqual(['createInferenceDeployment']);
    expect(script).not.toMatch(/\beval\(|new Function\(/);
  });

  it.each(createExamples())('accepts the %s example', (_name, body) => {
    expect(create(body), JSON.stringify(create.errors)).toBe(true);
  });

  it('names a misspelt field and a wrong type', () => {
    const [, body] = createExamples()[0] as [string, Record<string, unknown>];
    body.nmae = body.name;
    (body.initial_worker_config as Record<string, unknown>).min_workers = 'one';
    expect(create(body)).toBe(false);
    const errors = create.errors ?? [];
    expect(errors).toContainEqual(
      expect.objectContaining({ keyword: 'unevaluatedProperties', params: { unevaluatedProperty: 'nmae' } }),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({ instancePath: '/initial_worker_config/min_workers', keyword: 'type' }),
    );
  });
});
