import { readFileSync } from 'node:fs';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { guides } from '../src/guides.js';
import { pageSamples } from './support/samples.js';
import { type Operation, operations } from './support/site.js';
import { typeCheck } from './support/typecheck.js';

function tsSample(op: Operation): string {
  const samples = op.op['x-codeSamples'] as Array<{ label: string; source: string }>;
  const found = samples.find((s) => s.label === 'TypeScript');
  if (!found) throw new Error(`${op.operationId} has no TypeScript sample`);
  return found.source;
}

describe('the TypeScript samples', () => {
  const ops = operations();
  const results = typeCheck(new Map(ops.map((op) => [op.operationId, tsSample(op)])));

  it.each(ops.map((op) => op.operationId))('%s type-checks against the built @sgi/client', (operationId) => {
    expect(results.get(operationId)).toEqual([]);
  });

  // The create sample under each request example, as the page's example picker shows it.
  const page = pageSamples();
  const variants = new Map(
    (page.operations[page.createOperation]?.examples ?? []).map((e) => [
      `create-${e.name}`,
      e.samples.TypeScript ?? '',
    ]),
  );
  const variantResults = typeCheck(variants);

  it.each([...variants.keys()])('%s (the sample under that example) type-checks', (name) => {
    expect(variants.get(name)).toContain('client.inference.create(');
    expect(variantResults.get(name)).toEqual([]);
  });

  it('catch a sample that no longer matches the client (the check can fail)', () => {
    const create = ops.find((op) => op.operationId === 'createInferenceDeployment');
    if (!create) throw new Error('no create operation');
    const broken = new Map([
      ['wrongField', tsSample(create).replace("region: 'US'", "regoin: 'US'")],
      ['wrongMethod', tsSample(create).replace('client.inference.create(', 'client.inference.make(')],
    ]);
    const found = typeCheck(broken);
    expect(found.get('wrongField')?.join('\n')).toMatch(/regoin/);
    expect(found.get('wrongMethod')?.join('\n')).toMatch(/make/);
  });
});

/**
 * What the guides' snippets may use without declaring it: each snippet is checked on its own, as a
 * module, and may assume a client and a deployment id from the snippets before it.
 */
const guidePrelude = `declare const client: import('@sgi/client').ScaleGenClient;
declare const id: string;
`;

describe("the guides' TypeScript snippets", () => {
  const snippets = new Map<string, string>();
  for (const { slug } of guides) {
    const markdown = readFileSync(new URL(`../guides/${slug}.md`, import.meta.url), 'utf8');
    let n = 0;
    for (const token of marked.lexer(markdown)) {
      if (token.type === 'code' && /^(ts|typescript)$/.test(token.lang ?? '')) {
        n += 1;
        snippets.set(`${slug} #${n}`, `${token.text}\nexport {};\n`);
      }
    }
  }
  const results = typeCheck(
    new Map([...snippets].map(([name, text]) => [name.replace(/\W+/g, '-'), text])),
    guidePrelude,
  );

  it('exist', () => {
    expect(snippets.size).toBeGreaterThan(5);
  });

  it.each([...snippets.keys()])('%s type-checks against the built @sgi/client', (name) => {
    expect(results.get(name.replace(/\W+/g, '-'))).toEqual([]);
  });
});
