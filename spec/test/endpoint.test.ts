import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadEndpointSpec } from '../index.js';

const spec = loadEndpointSpec();
const ID = 'https://spec.sgi.local/endpoint.json';
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
for (const keyword of Object.keys(spec)) ajv.addKeyword({ keyword });
ajv.addSchema({ ...spec, $id: ID }, ID);

// biome-ignore lint/suspicious/noExplicitAny: the test reaches into the bundled JSON, checked by ajv
type Json = Record<string, any>;
const deref = (node: Json): Json => {
  let n = node;
  while (n && typeof n.$ref === 'string')
    n = n.$ref
      .slice(2)
      .split('/')
      .reduce((o: Json, k: string) => o[k.replaceAll('~1', '/')], spec);
  return n;
};
const rebased = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/', `"${ID}#/`));

const cases: Array<{ where: string; schema: unknown; value: unknown }> = [];
for (const [path, item] of Object.entries(spec.paths as Json)) {
  for (const [method, op] of Object.entries(item as Json)) {
    const media = [
      ...Object.entries(deref(op.requestBody ?? {}).content ?? {}).map(([t, m]) => [`request ${t}`, m]),
      ...Object.entries(op.responses as Json).flatMap(([status, r]) =>
        Object.entries(deref(r).content ?? {}).map(([t, m]) => [`${status} ${t}`, m]),
      ),
    ] as Array<[string, Json]>;
    for (const [where, m] of media) {
      if (where.includes('event-stream')) continue;
      for (const [name, ex] of Object.entries((m.examples ?? {}) as Json))
        cases.push({ where: `${method} ${path} ${where} ${name}`, schema: m.schema, value: deref(ex).value });
    }
  }
}

describe('the endpoint description', () => {
  it('is OpenAPI 3.1 with the OpenAI-compatible routes and the TEI route', () => {
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths).sort()).toEqual([
      '/embed',
      '/v1/chat/completions',
      '/v1/completions',
      '/v1/embeddings',
      '/v1/models',
    ]);
    expect(spec.servers[0]?.url).toBe('{link}/inference');
  });

  it('has examples, each valid against its schema', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
    for (const c of cases) {
      const validate = ajv.compile(rebased(c.schema));
      expect(validate(c.value) ? [] : validate.errors, c.where).toEqual([]);
    }
  });

  it('gives every streamed chunk its schema, and every error the OpenAI-compatible shape', () => {
    const chunk = ajv.compile({ $ref: `${ID}#/components/schemas/ChatCompletionChunk` });
    const stream = deref((spec.paths as Json)['/v1/chat/completions'].post.responses['200']).content[
      'text/event-stream'
    ];
    const events = String(stream.examples.stream.value)
      .split('\n\n')
      .map((e) => e.trim())
      .filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    for (const event of events.slice(0, -1)) expect(chunk(JSON.parse(event.slice(6))), event).toBe(true);
    const error = ajv.compile({ $ref: `${ID}#/components/schemas/ErrorResponse` });
    expect(error({ error: { message: 'no', type: 'invalid_request_error', param: null, code: null } })).toBe(
      true,
    );
    expect(error({ success: false, message: 'no' })).toBe(false);
  });
});
