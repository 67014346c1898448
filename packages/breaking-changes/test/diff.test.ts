import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findBreakingChanges, listChanges } from '../src/diff.js';
import { additiveEdits, breakingEdits, edited } from './support/edits.js';

const released = JSON.parse(
  readFileSync(new URL('../../../spec/released/openapi.json', import.meta.url), 'utf8'),
);

describe('findBreakingChanges on the released bundle', () => {
  it('finds nothing between a document and itself', () => {
    expect(findBreakingChanges(released, structuredClone(released))).toEqual([]);
  });

  it.each(Object.entries(breakingEdits))('catches a breaking edit: %s', (_name, edit) => {
    const changes = findBreakingChanges(released, edited(released, edit));
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) expect(change.pointer).toMatch(/^\/(paths|components)\//);
  });

  it.each(Object.entries(additiveEdits))('lets an additive edit pass: %s', (_name, edit) => {
    expect(findBreakingChanges(released, edited(released, edit))).toEqual([]);
  });

  it('names where and what changed', () => {
    const changes = findBreakingChanges(
      released,
      edited(released, breakingEdits['removed operation (GET /sg_inf/list)']),
    );
    expect(changes).toEqual([
      {
        pointer: '/paths/~1sg_inf~1list/get',
        description: '[Removed] operation GET /sg_inf/list',
        rule: 'api-smart-diff',
      },
    ]);
  });

  it('applies the stricter rules where api-smart-diff is lenient', () => {
    const removed = findBreakingChanges(
      released,
      edited(released, breakingEdits['removed response field (InferenceDeployment.user_id)']),
    );
    expect(removed.length).toBeGreaterThan(0);
    for (const change of removed) {
      expect(change.rule).toBe('removed-field');
      expect(change.pointer).toMatch(
        /^\/paths\/~1sg_inf~1(list|\{inference_id\})\/get\/responses\/200\/.*\/user_id$/,
      );
    }
  });

  it('reports a removed schema type once, by name', () => {
    const changes = findBreakingChanges(
      released,
      edited(released, breakingEdits['removed schema type (LlmLora, inlined where it was used)']),
    );
    expect(changes).toEqual([
      {
        pointer: '/components/schemas/LlmLora',
        description: '[Removed] schema LlmLora',
        rule: 'removed-schema',
      },
    ]);
  });

  it('leaves its arguments as they were', () => {
    const before = structuredClone(released);
    const after = edited(released, breakingEdits['narrowed enum (GpuType without T4)']);
    const afterCopy = structuredClone(after);
    findBreakingChanges(before, after);
    expect(before).toEqual(released);
    expect(after).toEqual(afterCopy);
  });
});

describe('listChanges, for the changelog', () => {
  it('lists nothing between a document and itself', () => {
    expect(listChanges(released, structuredClone(released))).toEqual([]);
  });

  it('lists an added optional request field as a change of its operation, not breaking', () => {
    const changes = listChanges(
      released,
      edited(released, additiveEdits['new optional request field (labels)']),
    );
    expect(changes).toContainEqual({
      operation: 'POST /sg_inf/create',
      description: expect.stringContaining('`labels`'),
      breaking: false,
    });
    expect(changes.every((c) => !c.breaking)).toBe(true);
  });

  it('marks what the gate calls breaking as breaking', () => {
    const edit = breakingEdits['removed response field (InferenceDeployment.user_id)'];
    if (!edit) throw new Error('no such edit');
    const changes = listChanges(released, edited(released, edit));
    expect(changes.filter((c) => c.breaking).map((c) => c.operation)).toContain('GET /sg_inf/list');
  });
});
