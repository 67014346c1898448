import type { OpenApiDocument } from '@sgi/spec';
import { loadSpec } from '@sgi/spec';
import { describe, expect, it } from 'vitest';
import { operationRoute, referenceSpec } from '../src/reference.js';

function specWith(tagsByOperation: Record<string, string[]>): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const [operationId, tags] of Object.entries(tagsByOperation)) {
    paths[`/${operationId}`] = { get: { operationId, tags, responses: {} } };
  }
  const names = [...new Set(Object.values(tagsByOperation).flat())];
  return {
    openapi: '3.1.0',
    info: { title: 'T', version: '1', description: 'Intro.' },
    servers: [],
    tags: names.map((name) => ({ name, description: `About ${name}.` })),
    paths,
    components: {},
  };
}

describe('the spec as the reference shows it', () => {
  it('drops a single tag, keeps its description in the introduction, and leaves the input alone', () => {
    const spec = specWith({ a: ['Things'], b: ['Things'] });
    const before = structuredClone(spec);
    const shown = referenceSpec(spec);
    expect(spec).toEqual(before);
    expect(shown.tags).toBeUndefined();
    expect(Object.values(shown.paths).map((p) => (p.get as { tags?: string[] }).tags)).toEqual([
      undefined,
      undefined,
    ]);
    expect(shown.info.description).toBe('Intro.\n\nAbout Things.\n');
    expect(operationRoute(spec, 'a')).toBe('/other/a');
  });

  it('keeps tags when operations are tagged in more than one way', () => {
    const spec = specWith({ a: ['Things'], b: ['Stuff'] });
    expect(referenceSpec(spec)).toEqual(spec);
    expect(operationRoute(spec, 'b')).toBe('/stuff/b');
    expect(() => operationRoute(spec, 'nope')).toThrow(/No operation nope/);
  });

  it('lists every operation of our spec without a group', () => {
    const shown = referenceSpec(loadSpec());
    expect(shown.tags).toBeUndefined();
    expect(shown.info.description).toContain('Inference deployments');
  });
});

describe('the introduction', () => {
  it('says where to start before the notes for older clients', () => {
    const shown = referenceSpec(loadSpec(), {
      guides: [{ title: 'Getting started', href: 'guides/getting-started.html' }],
    });
    const intro = String(shown.info.description);
    const start = intro.indexOf('[Getting started](guides/getting-started.html)');
    const deprecated = intro.indexOf('**Deprecated fields.**');
    expect(start).toBeGreaterThan(0);
    expect(deprecated).toBeGreaterThan(start);
    expect(intro).toContain('Try it in the sandbox');
    // Without guides, the introduction is the spec's.
    expect(String(referenceSpec(loadSpec()).info.description)).not.toContain('Start here');
  });
});
