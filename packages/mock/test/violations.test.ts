import { describe, expect, it } from 'vitest';
import { fieldErrors, type PrismViolation } from '../src/violations.js';

describe('fieldErrors', () => {
  it('turns 96,000 violations into at most 1,000 errors, in linear time (quadratic would not finish)', () => {
    const violations: PrismViolation[] = [];
    for (let i = 0; i < 32_000; i++) {
      violations.push(
        { location: ['request', 'body', 'llm_loras', i, 'name'], code: 'type', message: 'must be string' },
        {
          location: ['request', 'body', 'llm_loras', i],
          code: 'required',
          message: "must have required property 'hf_repo'",
        },
        {
          location: ['request', 'body', 'llm_loras'],
          code: 'anyOf',
          message: 'must match a schema in anyOf',
        },
      );
    }
    const errors = fieldErrors(violations, {});
    expect(errors).toHaveLength(1000);
    expect(errors[0]).toEqual({ field: 'llm_loras.0.name', message: 'must be string', code: 'type' });
    // The anyOf echo about the array is dropped: its items have precise errors.
    expect(errors.some((e) => e.code === 'any_of')).toBe(false);
  });

  it('keeps an anyOf echo when nothing more precise was said at or below it', () => {
    const errors = fieldErrors(
      [
        { location: ['request', 'body', 'a'], code: 'anyOf', message: 'must match a schema in anyOf' },
        { location: ['request', 'body', 'b', 'c'], code: 'type', message: 'must be string' },
      ],
      {},
    );
    expect(errors.map((e) => e.field)).toEqual(['a', 'b.c']);
  });
});
