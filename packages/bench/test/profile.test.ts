import { describe, expect, it } from 'vitest';
import { areaOf, summarizeProfile, summarizeProfileSince } from '../src/profile.js';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

describe('areaOf', () => {
  it('names npm packages, scoped or not, by their folder under node_modules', () => {
    expect(
      areaOf(frame('f', 'file:///r/node_modules/.pnpm/x/node_modules/openapi-fetch/dist/index.mjs')),
    ).toBe('openapi-fetch');
    expect(areaOf(frame('f', 'file:///r/node_modules/@anthropic-ai/sdk/client.mjs'))).toBe(
      '@anthropic-ai/sdk',
    );
  });

  it("tells Node's fetch from the rest of Node, and workspace packages from the harness", () => {
    expect(areaOf(frame('f', 'node:internal/deps/undici/undici'))).toBe("undici (Node's fetch)");
    expect(areaOf(frame('f', 'node:internal/abort_controller'))).toBe('Node internals');
    expect(areaOf(frame('f', 'file:///r/packages/client/dist/index.js'))).toBe('@sgi/client');
    expect(areaOf(frame('f', 'file:///r/packages/bench/dist/interleave.js'))).toBe('benchmark harness');
    expect(areaOf(frame('(garbage collector)', ''))).toBe('(garbage collector)');
    expect(areaOf(frame('f', 'file:///srv/ws/spec/index.js'))).toBe('spec/index.js');
  });
});

describe('summarizeProfile', () => {
  it('ranks areas and functions by self time and leaves idle time out', () => {
    const s = summarizeProfile([
      { id: 1, callFrame: frame('(idle)', ''), hitCount: 100 },
      {
        id: 2,
        callFrame: frame('coreFetch', 'file:///r/node_modules/openapi-fetch/dist/index.mjs', 22),
        hitCount: 3,
      },
      {
        id: 3,
        callFrame: frame('GET', 'file:///r/node_modules/openapi-fetch/dist/index.mjs', 207),
        hitCount: 1,
      },
      { id: 4, callFrame: frame('Request', 'node:internal/deps/undici/undici', 9), hitCount: 5 },
      { id: 5, callFrame: frame('root', ''), hitCount: 0 },
    ]);
    expect(s.samples).toBe(9);
    expect(s.areas).toEqual([
      { where: "undici (Node's fetch)", share: 5 / 9 },
      { where: 'openapi-fetch', share: 4 / 9 },
    ]);
    expect(s.functions.map((f) => f.where)).toEqual([
      'Request node:internal/deps/undici/undici:10',
      'coreFetch openapi-fetch/dist/index.mjs:23',
      'GET openapi-fetch/dist/index.mjs:208',
    ]);
    expect(s.functions[1]?.share).toBe(3 / 9);
  });
});

describe('where a function is named', () => {
  it("names a workspace file by its path in the repository, never by the machine's folder", () => {
    const s = summarizeProfile([
      {
        id: 1,
        callFrame: frame('handle', 'file:///home/someone/repo/packages/mock/dist/front.js', 9),
        hitCount: 2,
      },
      { id: 2, callFrame: frame('load', 'file:///srv/checkout/spec/index.js', 19), hitCount: 1 },
      { id: 3, callFrame: frame('render', 'file:///opt/x/docs/src/layout.js', 0), hitCount: 1 },
    ]);
    expect(s.functions.map((f) => f.where)).toEqual([
      'handle packages/mock/dist/front.js:10',
      'load spec/index.js:20',
      'render docs/src/layout.js:1',
    ]);
  });
});

describe('summarizeProfileSince', () => {
  it('counts only the samples taken from the given time on', () => {
    const profile = {
      startTime: 1000,
      nodes: [
        { id: 1, callFrame: frame('load', 'node:internal/modules/cjs/loader') },
        { id: 2, callFrame: frame('handle', 'file:///r/packages/mock/dist/front.js') },
      ],
      // sample times: 1010, 1020, 1030, 1040
      samples: [1, 1, 2, 2],
      timeDeltas: [10, 10, 10, 10],
    };
    const s = summarizeProfileSince(profile, 1025);
    expect(s.samples).toBe(2);
    expect(s.areas).toEqual([{ where: '@sgi/mock', share: 1 }]);
  });
});
