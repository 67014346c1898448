import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { type MockServer, startMockServer } from '@sgi/mock';
import { loadSpec } from '@sgi/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceSpec } from '../src/reference.js';
import { bodyValidatorsScript } from '../src/validators.js';

/** The body check of "Try it", compiled from the spec and run as the browser runs it (no `eval`). */

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

/** The create request's examples, as "Try it"'s example menu offers them. */
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

describe('the body check of Try it', () => {
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

/** The page's words for the check's errors (`assets/body-check.js`), run as the browser runs it. */
const words: { sgiDescribeBodyErrors?: (errors: unknown[], body: unknown) => string[] } = {};
runInNewContext(readFileSync(new URL('../assets/body-check.js', import.meta.url), 'utf8'), words);
const describeErrors = words.sgiDescribeBodyErrors as (errors: unknown[], body: unknown) => string[];

/** Bad bodies a reader may type: the check as you type and the sandbox must give the same verdict. */
function corpus(): Array<[string, unknown]> {
  const [, seed] = createExamples()[0] as [string, Record<string, unknown>];
  const cloud = { cloud_provider: 'SCALEGENAI', region: 'US' };
  const base = { name: 'x', model: 'BAAI/bge-large-en-v1.5', controller_cloud_config: cloud };
  return [
    [
      'a misspelt field and no controller',
      { name: 'x', model: 'BAAI/bge-large-en-v1.5', inf_typ: 'embedding' },
    ],
    ['a misspelt field', { ...base, inf_typ: 'embedding' }],
    ['no controller', { name: 'x', model: 'm' }],
    ['no name', { model: 'm', controller_cloud_config: cloud }],
    ['a wrong type', { ...base, name: 5 }],
    ['a wrong nested type', { ...base, initial_worker_config: { min_workers: 'one' } }],
    ['a value not in its enum', { ...base, inf_type: 'chat' }],
    ['a nested misspelt field', { ...base, autoscaling_config: { scale_to_zro: true } }],
    ['a value out of range', { ...base, initial_worker_config: { min_workers: -1 } }],
    ['a region not in its enum', { ...base, controller_cloud_config: { ...cloud, region: 42 } }],
    ['the seed with a misspelt field', { ...seed, nmae: 'x' }],
    ['an array for an object', { ...base, autoscaling_config: [] }],
    ...createExamples().map(([name, body]) => [`the ${name} example`, body] as [string, unknown]),
  ];
}

describe('the check as you type agrees with the sandbox', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 0 });
  });
  afterAll(async () => {
    await mock?.close();
  });

  it.each(corpus())('on %s', async (_name, body) => {
    const valid = create(body);
    const lines = valid ? [] : describeErrors(create.errors ?? [], body);
    const response = await fetch(`${mock.url}/sg_inf/create`, {
      method: 'POST',
      headers: { authorization: 'Bearer docs-corpus', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { errors?: Array<{ field: string }> };
    expect(valid, lines.join('\n')).toBe(response.status === 200);
    if (valid) return;
    expect(response.status).toBe(422);
    // Every field the sandbox names is named by the check, and the first one first.
    const fields = (answer.errors ?? []).map((e) => e.field);
    expect(fields.length).toBeGreaterThan(0);
    for (const field of fields)
      expect(
        lines.some((l) => l.includes(field)),
        `${field} in ${lines}`,
      ).toBe(true);
    expect(lines[0]).toContain(fields[0]);
    // No line twice; "one of these" is one line.
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.filter((l) => l.includes('controller_on_prem_config')).length).toBeLessThanOrEqual(1);
  });

  it('tells a disagreement (the check can fail)', () => {
    const body = { name: 'x', model: 'm', inf_typ: 'embedding' };
    create(body);
    // Without the unknown field first, the sandbox's first field would come second.
    const lines = describeErrors(create.errors ?? [], body);
    expect(lines[0]).toMatch(/^inf_typ/);
    expect(lines).toHaveLength(2);
  });
});
