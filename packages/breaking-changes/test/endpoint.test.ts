import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findBreakingChanges } from '../src/diff.js';
import { runGate } from '../src/gate.js';
import { readGateInput, repoLayout, SPEC_DOCUMENTS } from '../src/repo.js';
import { edited } from './support/edits.js';
import { endpointAdditiveEdits, endpointBreakingEdits } from './support/endpoint-edits.js';

// The deployment endpoint's document has a baseline of its own (`spec/released/endpoint.json`), compared
// by the same machinery as the API's.
const released = JSON.parse(
  readFileSync(new URL('../../../spec/released/endpoint.json', import.meta.url), 'utf8'),
);
const endpoint = SPEC_DOCUMENTS.find((d) => d.file === 'endpoint.json');

describe('the endpoint document', () => {
  it('is one of the documents the gate guards', () => {
    expect(endpoint).toEqual({ file: 'endpoint.json', title: "the deployment endpoint's description" });
    expect(repoLayout(new URL('.', import.meta.url).pathname).documents).toContain(endpoint);
  });

  it('compares equal to itself', () => {
    expect(findBreakingChanges(released, structuredClone(released))).toEqual([]);
  });

  it.each(Object.entries(endpointBreakingEdits))('finds a breaking change: %s', (_name, edit) => {
    expect(findBreakingChanges(released, edited(released, edit))).not.toEqual([]);
  });

  it.each(Object.entries(endpointAdditiveEdits))('lets an additive change through: %s', (_name, edit) => {
    expect(findBreakingChanges(released, edited(released, edit))).toEqual([]);
  });

  it('names what broke: the removed route, the narrowed enum, the new required field', () => {
    const removed = findBreakingChanges(
      released,
      edited(released, endpointBreakingEdits['removed route (POST /v1/completions)']),
    );
    expect(removed).toContainEqual({
      pointer: '/paths/~1v1~1completions/post',
      description: '[Removed] operation POST /v1/completions',
      rule: 'api-smart-diff',
    });
    const narrowed = findBreakingChanges(
      released,
      edited(
        released,
        endpointBreakingEdits['narrowed request enum (response_format.type without json_schema)'],
      ),
    );
    expect(narrowed.map((c) => c.pointer).join('\n')).toContain('response_format');
    const required = findBreakingChanges(
      released,
      edited(released, endpointBreakingEdits['new required request field (chat completions: max_tokens)']),
    );
    expect(required.map((c) => c.pointer).join('\n')).toContain('/paths/~1v1~1chat~1completions/post');
  });
});

describe('runGate on the endpoint document', () => {
  const input = (document: unknown, pendingBump: 'none' | 'minor' | 'major' = 'none') => ({
    packageName: '@sgi/spec',
    title: endpoint?.title,
    released: { document: released, version: '1.0.0' },
    current: { document, version: '1.0.0' },
    pendingBump,
  });
  const removedRoute = edited(released, endpointBreakingEdits['removed route (POST /v1/completions)']);

  it('fails on a removed route with no changeset, naming the endpoint document', () => {
    const result = runGate(input(removedRoute));
    expect(result.ok).toBe(false);
    expect(result.message).toContain(
      "in the deployment endpoint's description since the released @sgi/spec@1.0.0, but no pending changeset names it",
    );
    expect(result.message).toContain('/paths/~1v1~1completions');
    expect(runGate(input(removedRoute, 'minor')).ok).toBe(false);
  });

  it('passes it when a changeset announces a major bump of @sgi/spec', () => {
    expect(runGate(input(removedRoute, 'major'))).toMatchObject({ ok: true });
  });

  it('passes a compatible change with no changeset', () => {
    const result = runGate(input(edited(released, endpointAdditiveEdits['new route (POST /tokenize)'])));
    expect(result).toMatchObject({ ok: true, breaking: [] });
    expect(result.message).toContain("No breaking change in the deployment endpoint's description");
  });

  it('reads the endpoint baseline and bundle of this checkout', async () => {
    if (!endpoint) throw new Error('no endpoint document');
    const read = await readGateInput(repoLayout(new URL('.', import.meta.url).pathname), endpoint);
    expect(read.title).toBe(endpoint.title);
    expect(read.released.document).toEqual(released);
    expect((read.current.document as { info: { title: string } }).info.title).toBe(
      'ScaleGenAI Inference deployment endpoint',
    );
  });
});
