import { describe, expectTypeOf, it } from 'vitest';
import type { components } from '../src/generated/schema.js';
import type { CreatedDeployment, ErrorResponse, InferenceDeployment } from '../src/index.js';
import type { REQUIRED_FIELDS } from './support/required-fields.js';

/** The keys of `T` that are not optional. */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type Listed<K extends keyof typeof REQUIRED_FIELDS> = (typeof REQUIRED_FIELDS)[K][number];

// Generators can drop a `required` entry whose property another `allOf` member declares: an answer's
// required field would then read as optional. Each friendly type must require exactly the spec's list.
describe('required response fields stay required in the generated types', () => {
  it('InferenceDeployment', () => {
    expectTypeOf<RequiredKeys<InferenceDeployment>>().toEqualTypeOf<Listed<'InferenceDeployment'>>();
  });

  it('the create result and the new deployment in it', () => {
    expectTypeOf<RequiredKeys<components['schemas']['CreateResult']>>().toEqualTypeOf<
      Listed<'CreateResult'>
    >();
    expectTypeOf<RequiredKeys<CreatedDeployment>>().toEqualTypeOf<Listed<'CreatedDeployment'>>();
  });

  it('ErrorResponse', () => {
    expectTypeOf<RequiredKeys<ErrorResponse>>().toEqualTypeOf<Listed<'ErrorResponse'>>();
  });

  it('a field turned optional is caught', () => {
    type Loosened = Omit<InferenceDeployment, 'name'> & { name?: string };
    expectTypeOf<RequiredKeys<Loosened>>().not.toEqualTypeOf<Listed<'InferenceDeployment'>>();
  });
});
