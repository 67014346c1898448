import { describe, expect, it } from 'vitest';
import { spec, validatorAt } from './support/schema.js';

/**
 * The create request's description says "exactly one controller configuration must be given": its
 * schema says the same, with `oneOf` over branches that exclude each other, rather than an `anyOf`
 * that a reader (or a generator) takes for "one or more".
 */
type Schema = {
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  required?: string[];
  description?: string;
};
const create = (spec as unknown as { components: { schemas: Record<string, Schema> } }).components.schemas
  .InferenceDeploymentCreate as Schema;
const controllers = ['controller_cloud_config', 'controller_on_prem_config', 'gateway_config'];

/** The parts of the schema whose branches each require one of the controllers, by keyword. */
function controllerChoices(schema: Schema): Array<'anyOf' | 'oneOf'> {
  return (schema.allOf ?? []).flatMap((part) =>
    (['anyOf', 'oneOf'] as const).filter((keyword) =>
      (part[keyword] ?? []).some((branch) => controllers.includes(branch.required?.[0] ?? '')),
    ),
  );
}

describe('the create request: exactly one controller', () => {
  it('the description says exactly one, and the schema says it with oneOf', () => {
    expect(create.description).toMatch(/exactly one controller/);
    expect(controllerChoices(create)).toEqual(['oneOf']);
  });

  it('finds an anyOf that says "one or more" (the check can fail)', () => {
    const loose: Schema = { allOf: [{ anyOf: controllers.map((c) => ({ required: [c] })) }] };
    expect(controllerChoices(loose)).toEqual(['anyOf']);
  });

  it('accepts each controller alone, and refuses none and two', () => {
    const validate = validatorAt('#/components/schemas/InferenceDeploymentCreate');
    const base = { name: 'x', model: 'org/model' };
    expect(
      validate({ ...base, controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' } }),
    ).toBe(true);
    expect(validate({ ...base, controller_on_prem_config: {} })).toBe(true);
    expect(validate(base)).toBe(false);
    expect(
      validate({
        ...base,
        controller_on_prem_config: {},
        controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
      }),
    ).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'oneOf')).toBe(true);
  });
});
